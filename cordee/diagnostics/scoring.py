"""Scoring and recommendation, as tables. Documented in docs/diagnostics.md; each row is tested.

Input: the questions of the diagnostic's version (id, kind, area) and the answers {question id: code}.
Output: a level 0–3 per area, a profile, whether help is needed now, the recommended services of the
national standard, the modalités d'accompagnement, the constraints for a referral, the autonomy level
of the activity reports and, for an autonomous person, self-learning resources.
"""

from dataclasses import dataclass, field
from statistics import mean

from cordee.diagnostics.enums import Answer, AutonomyLevel, Constraint, Profile, QuestionKind
from cordee.places.enums import Service, SupportMode

# ── 1. Points of a skill answer (« pas concerné·e » does not count) ───────────────────────────────
ANSWER_POINTS = {
    Answer.SEUL: 3,
    Answer.AVEC_AIDE: 1,
    Answer.NE_SAIT_PAS: 0,
    Answer.PAS_CONCERNE: None,
}

# ── 2. Level of an area from the mean points of its answered questions (first row whose minimum is met)
LEVELS = [
    # minimum mean, level, plain words
    (2.5, 3, "Vous savez faire seul·e."),
    (1.5, 2, "Vous savez faire presque tout seul·e."),
    (0.5, 1, "Vous savez faire un peu, avec de l'aide."),
    (0.0, 0, "C'est nouveau pour vous : on peut vous apprendre."),
]
NO_LEVEL_SENTENCE = "Vous n'êtes pas concerné·e."
WEAK_LEVEL = 1  # an area at this level or below is « à travailler »

# ── 3. Barriers: an answer → a constraint for the referral ─────────────────────────────────────────
BARRIER_CONSTRAINTS = [
    # question id, answer, constraint
    ("frein_lecture", Answer.OUI, Constraint.LECTURE_FRANCAIS),
    ("frein_apprehension", Answer.OUI, Constraint.APPREHENSION),
    ("frein_handicap", Answer.OUI, Constraint.HANDICAP),
    ("frein_urgence", Answer.OUI, Constraint.URGENCE),
    ("frein_souhait", Answer.FAIRE_AVEC, Constraint.FAIRE_AVEC),
    ("equipement_internet", Answer.NON, Constraint.SANS_INTERNET),
]
# Neither a smartphone nor a computer: both answered « non ».
NO_DEVICE_QUESTIONS = ("equipement_smartphone", "equipement_ordinateur")
HOLDS_PASSES = ("pass_numerique", Answer.OUI)

# ── 4. Profile: the first row that matches wins ───────────────────────────────────────────────────
PROFILE_RULES = [
    # rule, profile, why (plain words)
    ("urgence", Profile.A_AIDER, "Une démarche est à faire maintenant : on vous aide tout de suite."),
    ("faire_avec", Profile.A_AIDER, "Vous préférez que l'on fasse avec vous ou pour vous."),
    ("no_weak_area", Profile.AUTONOME, "Vous êtes à l'aise partout."),
    ("weak_with_barrier", Profile.A_ACCOMPAGNER, "Une aide individuelle vous conviendra mieux qu'un groupe."),
    ("many_weak_areas", Profile.A_ACCOMPAGNER, "Une aide individuelle vous fera progresser plus vite."),
    ("some_weak_areas", Profile.A_FORMER, "Un atelier en petit groupe vous apprendra ce qui vous manque."),
]
MANY_WEAK_AREAS = 4  # from this number of weak areas, an individual accompaniment
# Barriers that make a group workshop a poor fit.
INDIVIDUAL_BARRIERS = {Constraint.LECTURE_FRANCAIS, Constraint.APPREHENSION, Constraint.HANDICAP}

# ── 5. Recommended services of the national standard ──────────────────────────────────────────────
PROFILE_SERVICES = {
    Profile.AUTONOME: [],
    Profile.A_FORMER: [Service.OUTILS_QUOTIDIEN],
    Profile.A_ACCOMPAGNER: [Service.OUTILS_QUOTIDIEN],
    Profile.A_AIDER: [Service.AIDE_DEMARCHES],
}
# A weak area adds its service (for every profile but autonome).
AREA_SERVICES = {
    "information": Service.OUTILS_QUOTIDIEN,
    "communication": Service.OUTILS_QUOTIDIEN,
    "contenus": Service.OUTILS_QUOTIDIEN,
    "securite": Service.UTILISATION_SECURISEE,
    "appareils": Service.OUTILS_QUOTIDIEN,
    "demarches": Service.AIDE_DEMARCHES,
}
# Equipment constraints add their service whatever the profile.
CONSTRAINT_SERVICES = {
    Constraint.SANS_EQUIPEMENT: [Service.ACCES_INTERNET_MATERIEL, Service.MATERIEL_PRIX_SOLIDAIRE],
    Constraint.SANS_INTERNET: [Service.ACCES_INTERNET_MATERIEL],
    Constraint.URGENCE: [Service.AIDE_DEMARCHES],
}

# ── 6. Modalités d'accompagnement (standard) and autonomy level (activity reports) per profile ────
PROFILE_SUPPORT_MODES = {
    Profile.AUTONOME: [SupportMode.AUTONOMIE],
    Profile.A_FORMER: [SupportMode.ATELIER_COLLECTIF],
    Profile.A_ACCOMPAGNER: [SupportMode.INDIVIDUEL],
    Profile.A_AIDER: [SupportMode.INDIVIDUEL],
}
PROFILE_AUTONOMY = {
    Profile.AUTONOME: AutonomyLevel.AUTONOME,
    Profile.A_FORMER: AutonomyLevel.PARTIELLEMENT_AUTONOME,
    Profile.A_ACCOMPAGNER: AutonomyLevel.ENTIEREMENT_ACCOMPAGNE,
    Profile.A_AIDER: AutonomyLevel.ENTIEREMENT_ACCOMPAGNE,
}
PROFILE_SENTENCES = {
    Profile.AUTONOME: "Vous vous débrouillez bien. Voici de quoi aller plus loin seul·e, à votre rythme.",
    Profile.A_FORMER: "Un atelier en petit groupe, près de chez vous, vous aidera à progresser.",
    Profile.A_ACCOMPAGNER: "Un médiateur numérique peut vous aider seul à seul, pas à pas.",
    Profile.A_AIDER: "Une personne peut faire vos démarches avec vous, ou pour vous (Aidants Connect).",
}

# ── 7. Self-learning resources for an autonomous person (kept as data until a resources app exists)
SELF_LEARNING_RESOURCES = [
    # title, address, area (None: every area)
    ("Les Bons Clics : des fiches et des exercices pour débuter", "https://www.lesbonsclics.fr/", None),
    ("Pix : tester et faire certifier ses compétences numériques", "https://pix.fr/", None),
    ("Cybermalveillance.gouv.fr : se protéger des arnaques", "https://www.cybermalveillance.gouv.fr/", "securite"),
    ("FranceConnect : se connecter aux services publics", "https://franceconnect.gouv.fr/", "demarches"),
    ("Service-public.fr : guides des démarches", "https://www.service-public.fr/", "demarches"),
]


@dataclass(frozen=True)
class QuestionRef:
    """What scoring needs of a question."""

    id: str
    kind: str
    area: str | None


@dataclass
class Result:
    levels: dict[str, int | None]
    profile: Profile
    reason: str
    help_now: bool
    constraints: list[Constraint]
    recommended_services: list[Service]
    support_modes: list[SupportMode] = field(default_factory=list)
    autonomy: AutonomyLevel = AutonomyLevel.AUTONOME
    holds_passes: bool = False
    resources: list[tuple[str, str]] = field(default_factory=list)

    @property
    def weak_areas(self) -> list[str]:
        return [area for area, level in self.levels.items() if level is not None and level <= WEAK_LEVEL]


def level_of(points: list[int]) -> int | None:
    if not points:
        return None
    average = mean(points)
    return next(level for minimum, level, _ in LEVELS if average >= minimum)


def level_sentence(level: int | None) -> str:
    if level is None:
        return NO_LEVEL_SENTENCE
    return next(sentence for _, row_level, sentence in LEVELS if row_level == level)


def area_levels(questions: list[QuestionRef], answers: dict[str, str]) -> dict[str, int | None]:
    points: dict[str, list[int]] = {}
    for question in questions:
        if question.kind != QuestionKind.SKILL:
            continue
        bucket = points.setdefault(question.area, [])
        value = ANSWER_POINTS.get(answers.get(question.id))
        if value is not None:
            bucket.append(value)
    return {area: level_of(values) for area, values in points.items()}


def constraints_of(answers: dict[str, str]) -> list[Constraint]:
    found = [constraint for question, answer, constraint in BARRIER_CONSTRAINTS if answers.get(question) == answer]
    if all(answers.get(question) == Answer.NON for question in NO_DEVICE_QUESTIONS):
        found.append(Constraint.SANS_EQUIPEMENT)
    return [constraint for constraint in Constraint if constraint in found]


def _rule_matches(rule: str, weak: list[str], constraints: list[Constraint]) -> bool:
    if rule == "urgence":
        return Constraint.URGENCE in constraints
    if rule == "faire_avec":
        return Constraint.FAIRE_AVEC in constraints
    if rule == "no_weak_area":
        return not weak
    if rule == "weak_with_barrier":
        return bool(INDIVIDUAL_BARRIERS.intersection(constraints))
    if rule == "many_weak_areas":
        return len(weak) >= MANY_WEAK_AREAS
    if rule == "some_weak_areas":
        return True
    raise ValueError(rule)


def _unique(items):
    return list(dict.fromkeys(items))


def score(questions: list[QuestionRef], answers: dict[str, str]) -> Result:
    """Score complete, valid answers (see cordee.diagnostics.services.check_answers)."""
    levels = area_levels(questions, answers)
    weak = [area for area, level in levels.items() if level is not None and level <= WEAK_LEVEL]
    constraints = constraints_of(answers)
    profile, reason = next((p, why) for rule, p, why in PROFILE_RULES if _rule_matches(rule, weak, constraints))
    services = list(PROFILE_SERVICES[profile])
    if profile != Profile.AUTONOME:
        services += [AREA_SERVICES[area] for area in weak if area in AREA_SERVICES]
    for constraint in constraints:
        services += CONSTRAINT_SERVICES.get(constraint, [])
    services = [service for service in Service if service in set(services)]
    resources = []
    if profile == Profile.AUTONOME:
        resources = [(title, url) for title, url, area in SELF_LEARNING_RESOURCES if area is None or area in levels]
    return Result(
        levels=levels,
        profile=profile,
        reason=reason,
        help_now=Constraint.URGENCE in constraints,
        constraints=constraints,
        recommended_services=_unique(services),
        support_modes=list(PROFILE_SUPPORT_MODES[profile]),
        autonomy=PROFILE_AUTONOMY[profile],
        holds_passes=answers.get(HOLDS_PASSES[0]) == HOLDS_PASSES[1],
        resources=resources,
    )
