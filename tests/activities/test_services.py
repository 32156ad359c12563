"""Recording activities: validation messages, derived fields, permissions, the referral it closes."""

import datetime as dt

import pytest
from django.utils import timezone

from cordee.activities import services
from cordee.activities.enums import ActivityKind, Theme
from cordee.activities.models import Activity
from cordee.beneficiaries.enums import Gender, Status
from cordee.core.errors import Invalid, NotAllowed, NotFound, Refused
from cordee.journal.models import Entry
from cordee.referrals.enums import ReferralState
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    return StructureFactory()


@pytest.fixture
def mediator(structure):
    return MembershipFactory(structure=structure).user


@pytest.fixture
def place(structure):
    return PlaceFactory(structure=structure)


def report(place, **overrides):
    data = {
        "kind": ActivityKind.INDIVIDUAL,
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 30,
        "location_kind": "place",
        "place_id": place.pk,
        "themes": [Theme.EMAIL],
    }
    data.update(overrides)
    return data


def test_a_typical_individual_report_is_stored_with_its_derived_fields(mediator, place):
    activity = services.record_activity(mediator, report(place, equipment=["phone"], tags=["Été"]))

    activity.refresh_from_db()
    assert activity.mediator == mediator
    assert activity.structure == place.structure
    assert activity.commune_id == "23096"
    assert (activity.departement_code, activity.region_code) == ("23", "75")
    assert activity.themes == ["email"]
    assert activity.themes_mask == 1 << 5
    assert activity.equipment_mask == 1 << 1
    assert activity.participants == 1
    assert (activity.gender_unknown, activity.age_unknown, activity.status_unknown) == (1, 1, 1)
    assert activity.is_conseiller_numerique is False
    assert list(activity.tags.values_list("name", flat=True)) == ["Été"]
    assert Entry.objects.filter(action="activities.activity.recorded", object_id=str(activity.pk)).exists()


def test_a_conseiller_numerique_activity_is_flagged(structure, place):
    conseiller = MembershipFactory(structure=structure, conseiller_numerique=True).user

    activity = services.record_activity(conseiller, report(place))

    assert activity.is_conseiller_numerique is True


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"themes": ["cuisine"]}, "themes", "Thématique inconnue : cuisine"),
        ({"themes": []}, "themes", "Choisissez au moins une thématique."),
        ({"admin_subthemes": ["housing"]}, "admin_subthemes", "seulement avec la thématique « Aide aux démarches"),
        ({"duration_minutes": -15}, "duration_minutes", "La durée doit être d'au moins 1 minute."),
        ({"duration_minutes": 0}, "duration_minutes", "La durée doit être d'au moins 1 minute."),
        ({"duration_minutes": "vingt"}, "duration_minutes", "Indiquez la durée en minutes"),
        ({"date": "2999-01-01"}, "date", "La date ne peut pas être après aujourd'hui."),
        ({"date": "01/02/2025"}, "date", "Date invalide"),
        (
            {"kind": "workshop", "title": "Atelier", "participants": 0},
            "participants",
            "Il faut au moins 1 participant.",
        ),
        (
            {"kind": "workshop", "title": "Atelier", "participants": 3, "gender_female": 4},
            "gender_breakdown",
            "La répartition par genre dépasse le total des participants (3).",
        ),
        (
            {"kind": "workshop", "title": "Atelier", "participants": 3, "age_18_24": 2, "age_70_plus": 2},
            "age_breakdown",
            "La répartition par âge dépasse le total des participants (3).",
        ),
        (
            {"kind": "workshop", "title": "Atelier", "participants": 3, "returning": 5},
            "returning",
            "Les personnes déjà accompagnées ne peuvent pas dépasser le total",
        ),
        (
            {"kind": "quick", "participants": 1, "gender_female": 1, "gender_male": 1},
            "gender_breakdown",
            "La répartition par genre dépasse le total des participants (1).",
        ),
        (
            {"kind": "quick", "participants": 1, "status_retired": 1, "status_employed": 1},
            "status_breakdown",
            "La répartition par statut dépasse le total des participants (1).",
        ),
        ({"kind": "quick", "participants": 1, "returning": 2}, "returning", "ne peuvent pas dépasser le total"),
        ({"kind": "quick", "age_18_24": -1}, "age_18_24", "Indiquez un nombre entier positif ou nul."),
        ({"kind": "workshop"}, "title", "Donnez un titre à l'activité."),
        ({"kind": "cours"}, "kind", "Type d'activité inconnu."),
        ({"location_kind": "home"}, "commune_code", "Indiquez la commune où l'activité a eu lieu."),
        ({"location_kind": "elsewhere", "commune_code": "99999"}, "commune_code", "Commune inconnue : 99999."),
        ({"autonomy": "total"}, "autonomy", "Autonomie inconnue."),
        ({"level": "beginner"}, "level", "seulement pour un atelier collectif"),
    ],
)
def test_bad_input_is_refused_with_a_french_message(mediator, place, overrides, field, message):
    with pytest.raises(Invalid) as error:
        services.record_activity(mediator, report(place, **overrides))

    assert message in error.value.errors[field]
    assert not Activity.objects.exists()


def test_admin_subthemes_go_with_the_admin_theme(mediator, place):
    activity = services.record_activity(
        mediator,
        report(
            place, themes=["admin_procedures", "email"], admin_subthemes=["housing", "papers"], admin_precision="CAF"
        ),
    )

    assert activity.themes == ["email", "admin_procedures"]
    assert activity.admin_subthemes == ["papers", "housing"]
    assert activity.admin_subthemes_mask == 0b10001


def test_today_is_the_local_day_of_the_place(mediator, place):
    """Late on the 31st in Paris it is already the 1st in Guéret's time zone too: a report dated today passes."""
    today = timezone.localdate()

    activity = services.record_activity(mediator, report(place, date=today))

    assert activity.date == today


def test_a_workshop_counts_its_followed_participants_and_completes_the_breakdowns(mediator, place, structure):
    alice = BeneficiaryFactory(structure=structure, birth_year=1950, gender=Gender.FEMALE, status=Status.RETIRED)
    bob = BeneficiaryFactory(structure=structure, gender=Gender.MALE)

    activity = services.record_activity(
        mediator,
        report(
            place,
            kind="workshop",
            title="Messagerie",
            level="beginner",
            participants=8,
            gender_female=3,
            participant_ids=[alice.pk, bob.pk],
        ),
    )

    assert (activity.gender_female, activity.gender_male, activity.gender_unknown) == (4, 1, 3)
    assert activity.age_70_plus == 1
    assert activity.age_unknown == 7
    assert activity.status_retired == 1
    assert activity.status_unknown == 7
    assert list(activity.followed_participants.order_by("pk")) == [alice, bob]


def test_a_followed_person_is_counted_from_their_year_gender_and_status(mediator, place, structure):
    year = timezone.localdate().year
    person = BeneficiaryFactory(structure=structure, birth_year=year - 30, gender=Gender.MALE, status=Status.EMPLOYED)

    first = services.record_activity(mediator, report(place, beneficiary_id=person.pk, gender_female=1))
    second = services.record_activity(mediator, report(place, beneficiary_id=person.pk))

    assert (first.gender_male, first.gender_female, first.age_25_39, first.status_employed) == (1, 0, 1, 1)
    assert (first.returning, second.returning) == (0, 1)


def test_a_home_visit_takes_the_persons_commune(mediator, place, structure):
    commune = CommuneFactory(code_insee="23176", name="Saint-Vaury")
    person = BeneficiaryFactory(structure=structure, commune=commune)

    activity = services.record_activity(
        mediator, report(place, location_kind="home", place_id=None, beneficiary_id=person.pk)
    )

    assert activity.commune == commune
    assert activity.departement_code == "23"


def test_a_remote_activity_takes_the_structures_territory(mediator, place):
    activity = services.record_activity(mediator, report(place, location_kind="remote", place_id=None))

    assert activity.commune is None
    assert (activity.departement_code, activity.region_code) == ("23", "75")


def test_never_another_structures_person_or_place(mediator, place):
    stranger = BeneficiaryFactory()
    elsewhere = PlaceFactory(structure=StructureFactory())

    with pytest.raises(Invalid) as error:
        services.record_activity(mediator, report(place, beneficiary_id=stranger.pk))
    assert error.value.errors == {"beneficiary_id": "Personne introuvable dans la structure."}
    with pytest.raises(Invalid) as error:
        services.record_activity(mediator, report(place, place_id=elsewhere.pk))
    assert error.value.errors == {"place_id": "Choisissez un des lieux de votre structure."}


def test_only_recorders_of_the_structure_record(structure, place):
    aiguilleur = MembershipFactory(structure=structure, aiguilleur=True).user
    outsider = MembershipFactory().user
    coordinator = CoordinatorScopeFactory().user

    with pytest.raises(NotAllowed):
        services.record_activity(aiguilleur, report(place))
    with pytest.raises(NotFound):
        services.record_activity(outsider, report(place, structure_id=structure.pk))
    with pytest.raises(NotFound):
        services.record_activity(coordinator, report(place, structure_id=structure.pk))
    with pytest.raises(NotAllowed):
        services.record_activity(coordinator, report(place))


def test_a_coordinator_records_their_own_activities():
    coordinator = CoordinatorScopeFactory().user

    activity = services.record_activity(
        coordinator,
        {
            "kind": "partnership",
            "title": "Comité des partenaires",
            "date": timezone.localdate(),
            "duration_minutes": 90,
            "location_kind": "remote",
        },
    )

    assert activity.structure is None
    assert activity.mediator == coordinator


def test_linking_an_accepted_referral_marks_it_accompanied(mediator, place):
    referral = ReferralFactory(place=place, accepted=True)

    activity = services.record_activity(mediator, report(place, referral_id=referral.pk))

    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCOMPANIED
    assert activity.referral == referral


def test_a_referral_not_yet_accepted_cannot_be_linked(mediator, place):
    referral = ReferralFactory(place=place)

    with pytest.raises(Refused):
        services.record_activity(mediator, report(place, referral_id=referral.pk))

    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_a_referral_to_another_structures_place_is_not_found(mediator, place):
    referral = ReferralFactory(accepted=True)

    with pytest.raises(Invalid) as error:
        services.record_activity(mediator, report(place, referral_id=referral.pk))

    assert "referral_id" in error.value.errors


def test_a_diagnostic_of_the_structure_is_linked(mediator, place, structure):
    diagnostic = DiagnosticFactory(beneficiary=BeneficiaryFactory(structure=structure))

    activity = services.record_activity(mediator, report(place, diagnostic_id=diagnostic.pk))

    assert activity.diagnostic == diagnostic


def test_the_author_and_the_gestionnaire_change_or_delete_others_do_not(mediator, place, structure):
    activity = services.record_activity(mediator, report(place))
    colleague = MembershipFactory(structure=structure).user
    gestionnaire = MembershipFactory(structure=structure, gestionnaire=True).user

    with pytest.raises(NotAllowed):
        services.update_activity(colleague, activity, report(place, duration_minutes=45))
    with pytest.raises(NotFound):
        services.delete_activity(MembershipFactory().user, activity)
    changed = services.update_activity(mediator, activity, report(place, duration_minutes=45))
    assert changed.duration_minutes == 45
    services.delete_activity(gestionnaire, activity)
    assert not Activity.objects.exists()


def test_copy_values_leave_out_the_date_the_person_and_the_note(mediator, place):
    activity = ActivityFactory(structure=place.structure, place=place, note="Rien", duration_minutes=45)

    values = services.copy_values(activity)

    assert values["duration_minutes"] == 45
    assert "date" not in values
    assert "note" not in values
    assert "beneficiary_id" not in values


def test_anonymising_a_person_blanks_the_notes_of_their_activities(mediator, place, structure):
    from cordee.beneficiaries.services import anonymise

    person = BeneficiaryFactory(structure=structure)
    activity = services.record_activity(mediator, report(place, beneficiary_id=person.pk, note="Mme a un souci"))

    changed = anonymise(mediator, person)

    activity.refresh_from_db()
    assert changed["activities"] == 1
    assert activity.note == ""
    assert activity.participants == 1


def test_the_database_refuses_a_breakdown_above_the_total(place):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(structure=place.structure, place=place, participants=1, gender_female=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(structure=place.structure, place=place, duration_minutes=0)
    assert dt.date.today()  # the factory itself is valid:
    ActivityFactory(structure=place.structure, place=place)


def test_a_workshop_never_takes_another_structures_people(mediator, place):
    stranger = BeneficiaryFactory()

    with pytest.raises(Invalid) as error:
        services.record_activity(
            mediator, report(place, kind="workshop", title="Atelier", participants=4, participant_ids=[stranger.pk])
        )

    assert error.value.errors == {"participant_ids": "Une ou plusieurs personnes sont introuvables dans la structure."}
