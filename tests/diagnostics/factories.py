"""Answers and diagnostics for tests. The référentiel 2026-1 is installed by a migration."""

import factory

from cordee.diagnostics import services
from cordee.diagnostics.enums import Mode
from cordee.diagnostics.models import Area, Diagnostic, DiagnosticVersion, Question
from cordee.diagnostics.referentiel import VERSION_2026_1, install
from tests.beneficiaries.factories import BeneficiaryFactory

SKILL_IDS = [row[0] for row in VERSION_2026_1["questions"] if row[1] == "skill"]
AREA_OF = {row[0]: row[2] for row in VERSION_2026_1["questions"] if row[1] == "skill"}
NO_BARRIER = {
    "equipement_smartphone": "oui",
    "equipement_ordinateur": "oui",
    "equipement_internet": "oui",
    "frein_lecture": "non",
    "frein_apprehension": "non",
    "frein_souhait": "apprendre",
    "frein_urgence": "non",
}


def answers(default="seul", areas=None, **overrides):
    """Complete answers: every skill ``default`` (or per area in ``areas``), no barrier, then ``overrides``."""
    areas = areas or {}
    result = {question: areas.get(AREA_OF[question], default) for question in SKILL_IDS}
    result.update(NO_BARRIER)
    result.update(overrides)
    return result


def ensure_referentiel():
    """Version 2026-1 as the migration installs it (again, if a transactional test flushed the database)."""
    return install(VERSION_2026_1, DiagnosticVersion, Area, Question, publish=True)


class DiagnosticFactory(factory.django.DjangoModelFactory):
    """An assisted diagnostic scored by the real rules (pass ``answers=`` to change them)."""

    class Meta:
        model = Diagnostic

    version = factory.LazyFunction(ensure_referentiel)
    mode = Mode.ASSISTED
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    structure = factory.SelfAttribute("beneficiary.structure")
    answers = factory.LazyFunction(answers)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        diagnostic = model_class(*args, **kwargs)
        _clean, result = services.evaluate(diagnostic.version, diagnostic.answers)
        services.fill_result(diagnostic, result)
        diagnostic.save()
        return diagnostic
