"""Demo diagnostics in the three territories, including one person diagnosed twice who progressed."""

import datetime as dt

from django.utils import timezone

from cordee.beneficiaries.models import Beneficiary
from cordee.demo.dataset import STRUCTURES
from cordee.diagnostics import services
from cordee.diagnostics.enums import Mode
from cordee.diagnostics.models import Diagnostic
from cordee.diagnostics.referentiel import VERSION_2026_1
from cordee.structures.models import Membership, Structure

STRUCTURE_NAMES = {demo.key: demo.name for demo in STRUCTURES}
SKILLS = {row[0]: row[2] for row in VERSION_2026_1["questions"] if row[1] == "skill"}
NO_BARRIER = {
    "equipement_smartphone": "oui",
    "equipement_ordinateur": "non",
    "equipement_internet": "oui",
    "frein_lecture": "non",
    "frein_apprehension": "non",
    "frein_souhait": "apprendre",
    "frein_urgence": "non",
}


def _answers(default: str, areas: dict | None = None, **extra) -> dict:
    areas = areas or {}
    answers = {code: areas.get(area, default) for code, area in SKILLS.items()}
    return {**answers, **NO_BARRIER, **extra}


# (structure key, alias, year of birth, [(days ago, answers)])
PEOPLE = [
    (
        "ccas-gueret",
        "Josiane B.",
        1954,
        [
            (70, _answers("ne_sait_pas", {"communication": "avec_aide"}, frein_apprehension="oui")),
            (10, _answers("avec_aide", {"communication": "seul", "information": "seul", "demarches": "ne_sait_pas"})),
        ],
    ),
    ("ccas-gueret", "M. Karim", 1979, [(20, _answers("seul", {"securite": "avec_aide", "demarches": "avec_aide"}))]),
    ("ccas-gueret", "Odette", 1941, [(5, _answers("ne_sait_pas", frein_souhait="faire_avec"))]),
    (
        "assoc-marseille",
        "Samia",
        1990,
        [(15, _answers("seul", {"demarches": "ne_sait_pas"}, frein_urgence="oui", pass_numerique="oui"))],
    ),
    ("assoc-marseille", "Lucien", 1962, [(30, _answers("avec_aide", {"contenus": "ne_sait_pas"}))]),
    ("assoc-lille", "Fatou D.", 1985, [(8, _answers("seul", frein_lecture="oui"))]),
    ("assoc-lille", "Gérard", 1958, [(40, _answers("ne_sait_pas", {"information": "avec_aide"}))]),
]


def load_demo_diagnostics(report) -> None:
    version = services.current_version()
    now = timezone.now()
    for key, alias, birth_year, diagnostics in PEOPLE:
        structure = Structure.objects.filter(name=STRUCTURE_NAMES[key]).first()
        if structure is None:
            continue
        member = Membership.objects.active().filter(structure=structure).order_by("pk").first()
        author = member.user if member else None
        beneficiary, created = Beneficiary.objects.get_or_create(
            structure=structure,
            alias=alias,
            defaults={
                "birth_year": birth_year,
                "commune": structure.commune,
                "consent_given": True,
                "consent_at": now - dt.timedelta(days=max(days for days, _ in diagnostics)),
                "created_by": author,
            },
        )
        report.count("personnes suivies", created)
        if beneficiary.diagnostics.exists():
            report.count("diagnostics", False)
            continue
        for days_ago, answers in diagnostics:
            clean, result = services.evaluate(version, answers)
            diagnostic = Diagnostic(
                version=version,
                mode=Mode.ASSISTED,
                structure=structure,
                beneficiary=beneficiary,
                answers=clean,
                created_by=author,
                created_at=now - dt.timedelta(days=days_ago),
            )
            services.fill_result(diagnostic, result)
            diagnostic.save()
            report.count("diagnostics", True)
