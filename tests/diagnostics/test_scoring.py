"""Every rule of cordee.diagnostics.scoring, case by case."""

import pytest

from cordee.diagnostics import scoring
from cordee.diagnostics.enums import AutonomyLevel, Constraint, Profile
from cordee.diagnostics.referentiel import VERSION_2026_1
from cordee.places.enums import Service, SupportMode
from tests.diagnostics.factories import answers

QUESTIONS = [scoring.QuestionRef(row[0], str(row[1]), row[2] or None) for row in VERSION_2026_1["questions"]]
AREAS = [row[0] for row in VERSION_2026_1["areas"]]


def score(**kwargs):
    return scoring.score(QUESTIONS, answers(**kwargs))


@pytest.mark.parametrize(
    ("points", "level"),
    [([3, 3], 3), ([3, 3, 1], 2), ([3, 1], 2), ([1, 1], 1), ([3, 0, 0], 1), ([1, 0], 1), ([0, 0], 0), ([0], 0)],
)
def test_level_of_an_area_from_the_mean_points(points, level):
    assert scoring.level_of(points) == level


def test_an_area_answered_pas_concerne_only_has_no_level():
    result = score(areas={"demarches": "pas_concerne"})
    assert result.levels["demarches"] is None
    assert result.levels["securite"] == 3
    assert scoring.level_sentence(None) == scoring.NO_LEVEL_SENTENCE


def test_pas_concerne_does_not_count_in_the_mean():
    result = score(comm_photo_email="pas_concerne", comm_lire_email="avec_aide", comm_appel_video="avec_aide")
    assert result.levels["communication"] == 1


def test_every_area_has_a_level():
    assert set(score().levels) == set(AREAS)


def test_at_ease_everywhere_is_autonome_with_resources_and_no_place():
    result = score()
    assert result.profile == Profile.AUTONOME
    assert result.recommended_services == []
    assert result.support_modes == [SupportMode.AUTONOMIE]
    assert result.autonomy == AutonomyLevel.AUTONOME
    assert result.resources and all(url.startswith("https://") for _title, url in result.resources)


def test_urgent_demarche_gives_help_now_whatever_the_skills():
    result = score(frein_urgence="oui")
    assert result.profile == Profile.A_AIDER
    assert result.help_now is True
    assert Service.AIDE_DEMARCHES in result.recommended_services
    assert result.resources == []


def test_preferring_someone_does_it_is_a_aider():
    result = score(frein_souhait="faire_avec")
    assert result.profile == Profile.A_AIDER
    assert result.help_now is False
    assert result.recommended_services == [Service.AIDE_DEMARCHES]
    assert result.autonomy == AutonomyLevel.ENTIEREMENT_ACCOMPAGNE
    assert Constraint.FAIRE_AVEC in result.constraints


def test_a_few_weak_areas_is_a_former_with_their_services():
    result = score(areas={"securite": "ne_sait_pas", "demarches": "avec_aide"})
    assert result.profile == Profile.A_FORMER
    assert result.weak_areas == ["securite", "demarches"]
    assert result.recommended_services == [
        Service.AIDE_DEMARCHES,
        Service.OUTILS_QUOTIDIEN,
        Service.UTILISATION_SECURISEE,
    ]
    assert result.support_modes == [SupportMode.ATELIER_COLLECTIF]
    assert result.autonomy == AutonomyLevel.PARTIELLEMENT_AUTONOME


def test_many_weak_areas_is_a_accompagner():
    result = score(default="ne_sait_pas", areas={"information": "seul", "communication": "seul"})
    assert len(result.weak_areas) == scoring.MANY_WEAK_AREAS
    assert result.profile == Profile.A_ACCOMPAGNER
    assert result.support_modes == [SupportMode.INDIVIDUEL]


def test_three_weak_areas_stays_a_former():
    result = score(default="ne_sait_pas", areas={"information": "seul", "communication": "seul", "contenus": "seul"})
    assert result.profile == Profile.A_FORMER


@pytest.mark.parametrize("barrier", ["frein_lecture", "frein_apprehension", "frein_handicap"])
def test_a_weak_area_with_a_barrier_is_a_accompagner(barrier):
    result = score(areas={"securite": "ne_sait_pas"}, **{barrier: "oui"})
    assert result.profile == Profile.A_ACCOMPAGNER


def test_a_barrier_without_weak_area_stays_autonome():
    assert score(frein_lecture="oui").profile == Profile.AUTONOME


@pytest.mark.parametrize(("question", "answer", "constraint"), [(q, a, c) for q, a, c in scoring.BARRIER_CONSTRAINTS])
def test_each_barrier_maps_to_its_constraint(question, answer, constraint):
    assert constraint in score(**{question: answer}).constraints


def test_no_barrier_no_constraint():
    assert score().constraints == []


def test_no_device_at_all_asks_for_equipment_whatever_the_profile():
    result = score(equipement_smartphone="non", equipement_ordinateur="non")
    assert result.constraints == [Constraint.SANS_EQUIPEMENT]
    assert result.profile == Profile.AUTONOME
    assert result.recommended_services == [Service.ACCES_INTERNET_MATERIEL, Service.MATERIEL_PRIX_SOLIDAIRE]


def test_one_device_is_enough():
    assert Constraint.SANS_EQUIPEMENT not in score(equipement_smartphone="non").constraints


def test_no_internet_at_home_asks_for_access():
    result = score(equipement_internet="non")
    assert result.recommended_services == [Service.ACCES_INTERNET_MATERIEL]


def test_holding_passes_is_told():
    assert score(pass_numerique="oui").holds_passes is True
    assert score(pass_numerique="non").holds_passes is False
    assert score().holds_passes is False


def test_every_profile_has_its_row_in_every_table():
    for table in (scoring.PROFILE_SERVICES, scoring.PROFILE_SUPPORT_MODES, scoring.PROFILE_AUTONOMY):
        assert set(table) == set(Profile)
    assert set(scoring.AREA_SERVICES) == set(AREAS)
