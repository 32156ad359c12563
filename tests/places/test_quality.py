import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from cordee.aggregation.importing.importer import import_file
from cordee.core.errors import Invalid, NotAllowed
from cordee.core.workflow import TransitionNotAllowed
from cordee.journal.models import Entry
from cordee.places import editing, quality
from cordee.places.enums import QualificationState
from cordee.places.models import Place, PlaceCriterion, PlaceFollowUp, QualificationTransition, QualityCriterion
from cordee.places.tasks import notify_stale_places, notify_stale_places_daily
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gestionnaire():
    return MembershipFactory(gestionnaire=True, structure__name="Espace numérique de Guéret").user


@pytest.fixture
def place(gestionnaire):
    """A place meeting every automatic criterion (but not the manual one)."""
    structure = gestionnaire.memberships.get().structure
    return PlaceFactory(
        structure=structure,
        with_hours=True,
        with_contacts=True,
        accessibility_url="https://acceslibre.beta.gouv.fr/lieu/",
        source_updated_on=timezone.localdate(),
    )


@pytest.fixture
def coordinator():
    return CoordinatorScopeFactory().user  # Creuse


def codes(criteria):
    return sorted(criterion.code for criterion in criteria)


def declare_trained_mediator(user, place):
    quality.declare_manual_criteria(user, place, [QualityCriterion.objects.get(code="mediateur-forme").pk])


def test_default_criteria_are_seeded():
    assert codes(QualityCriterion.objects.all()) == [
        "accessibilite",
        "contact-joignable",
        "frais-indiques",
        "horaires-publies",
        "informations-a-jour",
        "mediateur-forme",
        "services-renseignes",
    ]
    assert [c.code for c in QualityCriterion.objects.filter(automatic="")] == ["mediateur-forme"]


def test_assess_place_records_automatic_criteria_and_forgets_lost_ones(place):
    quality.assess_place(place)
    met = PlaceCriterion.objects.filter(place=place).values_list("criterion__code", flat=True)
    assert sorted(met) == [
        "accessibilite",
        "contact-joignable",
        "frais-indiques",
        "horaires-publies",
        "informations-a-jour",
        "services-renseignes",
    ]
    place.opening_hours = "lundi 9h-12h"
    place.phones, place.emails = [], []
    place.save()
    quality.assess_place(place)
    met = set(PlaceCriterion.objects.filter(place=place).values_list("criterion__code", flat=True))
    assert "horaires-publies" not in met and "contact-joignable" not in met


def test_missing_criteria_computes_automatic_ones_live(place):
    assert codes(quality.missing_criteria(place)) == ["mediateur-forme"]
    with freeze_time(timezone.now() + dt.timedelta(days=200)):
        assert codes(quality.missing_criteria(place)) == ["informations-a-jour", "mediateur-forme"]


def test_inactive_criteria_are_not_required(place):
    QualityCriterion.objects.filter(code="mediateur-forme").update(is_active=False)
    assert quality.missing_criteria(place) == []


def test_request_lists_what_is_missing(place, gestionnaire):
    with pytest.raises(quality.CriteriaNotMet) as error:
        quality.request_qualification(gestionnaire, place)
    assert error.value.message == (
        "Le lieu ne remplit pas encore tous les critères de qualité. Il manque : « Au moins un médiateur formé »."
    )
    place.refresh_from_db()
    assert place.qualification_state == QualificationState.NOT_REQUESTED
    assert not QualificationTransition.objects.exists()


def test_full_lifecycle_is_logged_and_journaled(place, gestionnaire, coordinator):
    declare_trained_mediator(gestionnaire, place)
    quality.request_qualification(gestionnaire, place)
    quality.refuse(coordinator, place, "La fiche Accès libre est vide.")
    quality.request_qualification(gestionnaire, place)
    quality.qualify(coordinator, place)
    place.refresh_from_db()
    assert place.qualification_state == QualificationState.QUALIFIED
    steps = list(QualificationTransition.objects.filter(place=place).values_list("from_state", "to_state", "reason"))
    assert steps == [
        ("not_requested", "requested", ""),
        ("requested", "refused", "La fiche Accès libre est vide."),
        ("refused", "requested", ""),
        ("requested", "qualified", ""),
    ]
    actions = list(Entry.objects.filter(object_id=str(place.pk)).order_by("pk").values_list("action", flat=True))
    assert actions == [
        "places.criteria.declared",
        "places.qualification.request",
        "places.qualification.refuse",
        "places.qualification.request",
        "places.qualification.qualify",
    ]
    assert "La fiche" not in str(Entry.objects.filter(action="places.qualification.refuse").get().details)
    quality.withdraw(coordinator, place, "Le lieu a fermé.")
    assert place.qualification_state == QualificationState.REFUSED


@pytest.mark.parametrize(
    "state,action",
    [
        ("not_requested", "qualify"),
        ("not_requested", "refuse"),
        ("qualified", "qualify"),
        ("refused", "qualify"),
        ("requested", "request"),
        ("qualified", "request"),
        ("requested", "withdraw"),
    ],
)
def test_transitions_outside_the_machine_are_refused(place, gestionnaire, coordinator, state, action):
    declare_trained_mediator(gestionnaire, place)
    Place.objects.filter(pk=place.pk).update(qualification_state=state)
    place.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        if action == "request":
            quality.request_qualification(gestionnaire, place)
        elif action == "qualify":
            quality.qualify(coordinator, place)
        else:
            getattr(quality, action)(coordinator, place, "motif")
    place.refresh_from_db()
    assert place.qualification_state == state


def test_refusing_needs_a_reason(place, gestionnaire, coordinator):
    declare_trained_mediator(gestionnaire, place)
    quality.request_qualification(gestionnaire, place)
    with pytest.raises(Invalid):
        quality.refuse(coordinator, place, "   ")


@pytest.mark.parametrize(
    "who,allowed",
    [("gestionnaire", False), ("coordinator", True), ("coordinator_elsewhere", False), ("admin", True)],
)
def test_who_decides(place, gestionnaire, coordinator, who, allowed):
    declare_trained_mediator(gestionnaire, place)
    quality.request_qualification(gestionnaire, place)
    actor = {
        "gestionnaire": gestionnaire,
        "coordinator": coordinator,
        "coordinator_elsewhere": CoordinatorScopeFactory(nord=True).user,
        "admin": UserFactory(national_admin=True),
    }[who]
    if allowed:
        quality.qualify(actor, place)
        assert place.qualification_state == QualificationState.QUALIFIED
    else:
        with pytest.raises(NotAllowed):
            quality.qualify(actor, place)


def test_only_editors_request_or_declare(place):
    stranger = MembershipFactory(gestionnaire=True, structure=StructureFactory(in_marseille=True)).user
    with pytest.raises(NotAllowed):
        quality.request_qualification(stranger, place)
    with pytest.raises(NotAllowed):
        declare_trained_mediator(stranger, place)


# --- Four-eyes rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_who_requested_a_qualification_cannot_approve_it_themself(place, who):
    """Four-eyes: a coordinator or a national admin who asked (they may edit the place) never approves it."""
    actor = {"coordinator": CoordinatorScopeFactory().user, "admin": UserFactory(national_admin=True)}[who]
    declare_trained_mediator(actor, place)
    quality.request_qualification(actor, place)
    assert not quality.QUALIFICATION.can(place, actor, "qualify")
    with pytest.raises(quality.FourEyes) as error:
        quality.qualify(actor, place)
    assert error.value.status == 403 and error.value.reason == "four_eyes"
    place.refresh_from_db()
    assert place.qualification_state == QualificationState.REQUESTED
    refusal = Entry.objects.get(action="places.qualification.qualify.refused")
    assert refusal.actor_id == actor.pk and refusal.details == {"reason": "four_eyes"}
    # Someone else may, and the requester may still refuse (take back) their own request.
    other = UserFactory(national_admin=True)
    assert quality.QUALIFICATION.can(place, other, "qualify")
    assert quality.QUALIFICATION.can(place, actor, "refuse")
    quality.qualify(other, place)
    assert place.qualification_state == QualificationState.QUALIFIED


def test_four_eyes_looks_at_the_last_request_only(place, gestionnaire, coordinator):
    declare_trained_mediator(gestionnaire, place)
    quality.request_qualification(gestionnaire, place)
    quality.refuse(coordinator, place, "Incomplet.")
    quality.request_qualification(gestionnaire, place)
    quality.qualify(coordinator, place)
    assert place.qualification_state == QualificationState.QUALIFIED


# --- After a place changes ---------------------------------------------------------------------------


@pytest.fixture
def qualified(place, gestionnaire, coordinator):
    declare_trained_mediator(gestionnaire, place)
    quality.request_qualification(gestionnaire, place)
    quality.qualify(coordinator, place)
    return place


@pytest.mark.parametrize("field", ["address", "code_insee", "commune_ref", "services", "fees"])
def test_a_qualified_place_whose_address_commune_services_or_fees_change_goes_back_to_review(
    qualified, gestionnaire, field
):
    assert quality.after_place_change(gestionnaire, qualified, {field, "name"}) == "review"
    qualified.refresh_from_db()
    assert qualified.qualification_state == QualificationState.REQUESTED
    last = QualificationTransition.objects.filter(place=qualified).last()
    assert (last.transition, last.from_state, last.to_state) == ("back_to_review", "qualified", "requested")
    assert last.actor == gestionnaire and last.reason.startswith("Remis en examen après une modification")
    entry = Entry.objects.get(action="places.qualification.back_to_review")
    assert entry.details["fields"] == [field]
    # The history is kept: request, qualify, back to review.
    assert QualificationTransition.objects.filter(place=qualified).count() == 3


def test_whose_edit_sent_a_place_back_to_review_does_not_approve_it(qualified, coordinator):
    quality.after_place_change(coordinator, qualified, {"address"})
    with pytest.raises(quality.FourEyes):
        quality.qualify(coordinator, qualified)
    quality.qualify(UserFactory(national_admin=True), qualified)


@pytest.mark.parametrize("field", ["opening_hours", "phones", "emails"])
def test_a_qualified_place_whose_hours_or_contacts_change_stays_qualified_flagged_for_review(
    qualified, gestionnaire, coordinator, field
):
    assert quality.after_place_change(gestionnaire, qualified, {field}) == "flagged"
    qualified.refresh_from_db()
    assert qualified.qualification_state == QualificationState.QUALIFIED
    follow_up = PlaceFollowUp.objects.get(place=qualified)
    assert follow_up.review_flagged_at is not None and follow_up.review_fields == [field]
    assert list(quality.flagged_for_review(Place.objects.all())) == [qualified]
    assert quality.review_flag(qualified)
    assert Entry.objects.filter(action="places.qualification.flagged").count() == 1
    # Another change adds to the flag; the coordinator clears it.
    quality.after_place_change(gestionnaire, qualified, {"websites"})
    assert PlaceFollowUp.objects.get(place=qualified).review_fields == sorted({field, "websites"})
    with pytest.raises(NotAllowed):
        quality.mark_reviewed(gestionnaire, qualified)
    assert quality.mark_reviewed(coordinator, qualified) is True
    assert quality.review_flag(qualified) is None
    assert Entry.objects.filter(action="places.qualification.reviewed").count() == 1


def test_address_change_wins_over_hours_change_and_clears_the_flag(qualified, gestionnaire):
    quality.after_place_change(gestionnaire, qualified, {"opening_hours"})
    assert quality.after_place_change(gestionnaire, qualified, {"opening_hours", "fees"}) == "review"
    assert not quality.flagged_for_review(Place.objects.all()).exists()
    assert PlaceFollowUp.objects.get(place=qualified).review_flagged_at is None


def test_qualifying_again_clears_a_flag(qualified, gestionnaire, coordinator):
    quality.after_place_change(gestionnaire, qualified, {"phones"})
    quality.withdraw(coordinator, qualified, "Vérification")
    quality.request_qualification(gestionnaire, qualified)
    quality.qualify(coordinator, qualified)
    assert PlaceFollowUp.objects.get(place=qualified).review_flagged_at is None


@pytest.mark.parametrize("state", ["not_requested", "requested", "refused"])
def test_changes_to_places_not_qualified_change_nothing(place, gestionnaire, state):
    Place.objects.filter(pk=place.pk).update(qualification_state=state)
    place.refresh_from_db()
    assert quality.after_place_change(gestionnaire, place, {"address", "opening_hours"}) is None
    place.refresh_from_db()
    assert place.qualification_state == state
    assert not PlaceFollowUp.objects.exists()


def test_other_changes_keep_a_qualified_place_as_it_is(qualified, gestionnaire):
    assert quality.after_place_change(gestionnaire, qualified, {"name", "description"}) is None
    assert quality.after_place_change(gestionnaire, qualified, set()) is None
    assert qualified.qualification_state == QualificationState.QUALIFIED
    assert not PlaceFollowUp.objects.filter(review_flagged_at__isnull=False).exists()


def test_an_import_without_actor_sends_back_to_review(qualified):
    assert quality.after_place_change(None, qualified, {"services"}) == "review"
    last = QualificationTransition.objects.filter(place=qualified).last()
    assert last.actor is None and last.actor_label == ""


# --- Staleness -------------------------------------------------------------------------------------


def test_stale_places_skip_places_without_structure_and_fresh_ones(place):
    old = PlaceFactory(structure=place.structure, source_updated_on=dt.date(2020, 1, 1))
    PlaceFactory(structure=None, source_updated_on=dt.date(2020, 1, 1))
    assert list(quality.stale_places()) == [old]
    assert quality.is_stale(old) and not quality.is_stale(place)


def test_stale_task_mails_gestionnaires_once_per_period(place, gestionnaire):
    structure = place.structure
    MembershipFactory(structure=structure, user__email="mediation@gueret.fr")  # not a gestionnaire
    old = PlaceFactory(structure=structure, name="Vieux lieu", source_updated_on=dt.date(2020, 1, 1))
    other = PlaceFactory(
        structure=MembershipFactory(gestionnaire=True).structure, name="Autre", source_updated_on=dt.date(2020, 1, 1)
    )
    assert notify_stale_places() == {"stale": 2, "structures_notified": 2}
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if "Vieux lieu" in m.body)
    assert message.to == [gestionnaire.email]
    assert f"/gestion/lieux/{old.pk}/" in message.body
    assert "Espace numérique de Guéret" in message.subject
    assert PlaceFollowUp.objects.filter(place__in=[old, other], stale_notified_at__isnull=False).count() == 2

    mail.outbox.clear()
    assert notify_stale_places()["structures_notified"] == 0
    assert mail.outbox == []

    with freeze_time(timezone.now() + dt.timedelta(days=190)):
        notify_stale_places_daily.call_local()
        assert len(mail.outbox) == 2


def test_import_records_the_automatic_criteria_of_each_place(tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text(
        "id,nom,commune,code_postal,code_insee,adresse,horaires,services,telephone,date_maj\n"
        "1,Espace numérique,Guéret,23000,23096,1 place Bonnyaud,Mo-Fr 09:00-12:00,"
        "Aide aux démarches administratives,+33555000000,2026-11-01\n"
        "2,Point relais,Guéret,23000,23096,2 rue de Paris,pas des horaires,,,2026-11-01\n",
        encoding="utf-8",
    )
    report = import_file(path, "essai")
    assert report.created == 2

    def met(source_id):
        return set(
            PlaceCriterion.objects.filter(place__source_id=source_id).values_list("criterion__automatic", flat=True)
        )

    assert {"valid_hours", "services", "contact"} <= met("1")
    assert met("2").isdisjoint({"valid_hours", "services", "contact"})


def test_api_edits_recompute_the_automatic_criteria():
    admin = UserFactory(national_admin=True)
    place = PlaceFactory(opening_hours="")
    quality.assess_place(place)
    assert not PlaceCriterion.objects.filter(place=place, criterion__automatic="valid_hours").exists()

    editing.update_place(admin, place, {"horaires": "Mo-Fr 09:00-12:00"})

    assert PlaceCriterion.objects.filter(place=place, criterion__automatic="valid_hours").exists()


def test_migration_names_the_logged_steps_and_labels_their_authors(place, coordinator):
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    QualificationTransition.objects.create(
        place=place, from_state="requested", to_state="qualified", actor=coordinator
    )
    QualificationTransition.objects.create(place=place, from_state="qualified", to_state="refused")
    migration = importlib.import_module("cordee.places.migrations.0011_qualification_log_on_workflow_and_review_flag")
    state_apps = (
        MigrationExecutor(connection)
        .loader.project_state(("places", "0011_qualification_log_on_workflow_and_review_flag"))
        .apps
    )
    migration.name_steps_and_label_actors(state_apps, None)
    rows = list(QualificationTransition.objects.order_by("pk").values_list("transition", "actor_label"))
    assert rows == [("qualify", f"utilisateur n° {coordinator.pk}"), ("withdraw", "")]
