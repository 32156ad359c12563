"""The workflow helper itself, on a toy table over the places' qualification field and log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cordee.core.errors import Invalid, NotAllowed, Refused
from cordee.core.workflow import Transition, TransitionNotAllowed, Workflow
from cordee.journal.models import Entry
from cordee.journal.services import record
from cordee.places.enums import QualificationState as S
from cordee.places.models import Place, QualificationTransition
from tests.places.factories import PlaceFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

effects_seen = []


def only_admins(actor, obj):
    return bool(getattr(actor, "is_national_admin", False))


def named_place(obj, actor):
    if not obj.name.startswith("Prêt"):
        raise Refused("Le lieu n'est pas prêt.", reason="not_ready")


def remember(obj, actor):
    effects_seen.append((obj.pk, obj.qualification_state))


def toy(journal=record):
    return Workflow(
        model=Place,
        field="qualification_state",
        states=S,
        log_model=QualificationTransition,
        log_object_field="place",
        journal_prefix="toy",
        journal=journal,
        transitions=[
            Transition("ask", {S.NOT_REQUESTED, S.REFUSED}, S.REQUESTED, "Demander", guards=[named_place]),
            Transition(
                "accept",
                {S.REQUESTED},
                S.QUALIFIED,
                "Accepter",
                permission=only_admins,
                denied_message="Réservé aux administrateurs.",
                effects=[remember],
            ),
            Transition("decline", {S.REQUESTED}, S.REFUSED, "Refuser", requires_reason=True),
        ],
    )


@pytest.fixture
def admin():
    return UserFactory(national_admin=True, email="admin@exemple.fr")


@pytest.fixture
def place():
    return PlaceFactory(name="Prêt à qualifier")


def test_a_table_naming_unknown_states_or_twice_the_same_transition_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(
            model=Place,
            field="qualification_state",
            states=S,
            log_model=QualificationTransition,
            log_object_field="place",
            journal_prefix="toy",
            transitions=[Transition("x", {"nowhere"}, S.REQUESTED, "X")],
        )
    with pytest.raises(ValueError, match="twice"):
        Workflow(
            model=Place,
            field="qualification_state",
            states=S,
            log_model=QualificationTransition,
            log_object_field="place",
            journal_prefix="toy",
            transitions=[
                Transition("x", {S.REFUSED}, S.REQUESTED, "X"),
                Transition("x", {S.REFUSED}, S.QUALIFIED, "Y"),
            ],
        )


def test_apply_moves_the_state_writes_the_log_and_the_journal_and_returns_the_log_row(place, admin):
    workflow = toy()
    log = workflow.apply(place, "ask", admin, request_id=7)
    assert isinstance(log, QualificationTransition)
    assert (log.transition, log.from_state, log.to_state) == ("ask", S.NOT_REQUESTED, S.REQUESTED)
    assert log.actor == admin
    assert log.actor_label == f"utilisateur n° {admin.pk}"
    assert "admin@" not in log.actor_label
    assert place.qualification_state == S.REQUESTED
    place.refresh_from_db()
    assert place.qualification_state == S.REQUESTED
    entry = Entry.objects.get(action="toy.ask")
    assert entry.details == {"from_state": "not_requested", "to_state": "requested", "request_id": 7}


def test_history_lists_the_steps_oldest_first(place, admin):
    workflow = toy()
    workflow.apply(place, "ask", admin)
    workflow.apply(place, "decline", admin, reason="Non")
    assert [step.transition for step in workflow.history(place)] == ["ask", "decline"]


def test_apply_by_target_state(place, admin):
    log = toy().apply(place, to=S.REQUESTED, actor=admin)
    assert log.transition == "ask"


def test_apply_locks_the_row_with_of_self(place, admin):
    with CaptureQueriesContext(connection) as queries:
        toy().apply(place, "ask", admin)
    locking = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    if connection.features.has_select_for_update_of:
        assert locking and all('FOR UPDATE OF "places_place"' in sql for sql in locking)
    else:  # SQLite has no row locks: its immediate transactions serialise writers instead.
        assert locking == []


def test_a_transition_the_state_does_not_allow_is_a_conflict_listing_the_allowed_ones(place, admin):
    workflow = toy()
    with pytest.raises(TransitionNotAllowed) as error:
        workflow.apply(place, "accept", admin)
    assert error.value.status == 409
    assert error.value.reason == "transition_not_allowed"
    assert error.value.extra["allowed"] == ["ask"]
    assert error.value.as_dict()["allowed"] == ["ask"]
    assert "non demandée" in error.value.message
    assert not QualificationTransition.objects.exists()
    with pytest.raises(TransitionNotAllowed):
        workflow.apply(place, to=S.QUALIFIED, actor=admin)


def test_permission_refusal_is_not_allowed_and_journaled_after_the_rollback(place, admin):
    workflow = toy()
    workflow.apply(place, "ask", admin)
    someone = UserFactory()
    with pytest.raises(NotAllowed) as error:
        workflow.apply(place, "accept", someone)
    assert error.value.message == "Réservé aux administrateurs."
    place.refresh_from_db()
    assert place.qualification_state == S.REQUESTED
    assert QualificationTransition.objects.count() == 1
    refusal = Entry.objects.get(action="toy.accept.refused")
    assert refusal.actor_id == someone.pk and refusal.details == {"reason": "not_allowed"}


def test_guards_refuse_with_their_own_error(admin):
    place = PlaceFactory(name="Pas encore")
    with pytest.raises(Refused) as error:
        toy().apply(place, "ask", admin)
    assert error.value.reason == "not_ready"
    assert not QualificationTransition.objects.exists()
    assert not Entry.objects.filter(action__startswith="toy.").exists()


def test_a_required_reason_must_not_be_blank_and_is_logged(place, admin):
    workflow = toy()
    workflow.apply(place, "ask", admin)
    with pytest.raises(Invalid) as error:
        workflow.apply(place, "decline", admin, reason="   ")
    assert error.value.errors == {"reason": "Indiquez le motif."}
    log = workflow.apply(place, "decline", admin, reason="  Fiche incomplète. ")
    assert log.reason == "Fiche incomplète."


def test_effects_run_in_the_transaction_once_the_state_is_written(place, admin):
    effects_seen.clear()
    workflow = toy()
    workflow.apply(place, "ask", admin)
    workflow.apply(place, "accept", admin)
    assert effects_seen == [(place.pk, S.QUALIFIED)]


def test_allowed_transitions_check_state_permission_and_guards(place, admin):
    workflow = toy()
    someone = UserFactory()
    assert [item.name for item in workflow.allowed_transitions(place, someone)] == ["ask"]
    assert workflow.allowed_transitions(PlaceFactory(name="Pas encore"), someone) == []
    assert [
        item.name
        for item in workflow.allowed_transitions(PlaceFactory(name="Pas encore"), someone, check_guards=False)
    ] == ["ask"]
    workflow.apply(place, "ask", admin)
    assert [item.name for item in workflow.allowed_transitions(place, someone)] == ["decline"]
    assert [item.name for item in workflow.allowed_transitions(place, admin)] == ["accept", "decline"]
    assert workflow.can(place, admin, "accept") and not workflow.can(place, someone, "accept")


def test_system_actions_have_no_actor(place):
    log = toy().apply(place, "ask", None)
    assert log.actor is None and log.actor_label == ""
    assert Entry.objects.get(action="toy.ask").actor_id is None


def test_the_log_keeps_the_user_id_when_the_account_is_gone(place, admin):
    log = toy().apply(place, "ask", admin)
    admin_pk = admin.pk
    admin.delete()
    log.refresh_from_db()
    assert log.actor_id == admin_pk
    assert log.actor_label == f"utilisateur n° {admin_pk}"


@pytest.mark.django_db(transaction=True)
def test_two_people_deciding_at_once_make_one_step_only():
    """PostgreSQL: the row lock makes the second decision see the first one's state and be refused."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers with immediate transactions)")
    place = PlaceFactory(name="Prêt à qualifier", qualification_state=S.REQUESTED)
    admins = [UserFactory(national_admin=True), UserFactory(national_admin=True)]
    workflow = toy(journal=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(admin):
        try:
            barrier.wait()
            workflow.apply(Place.objects.get(pk=place.pk), "accept", admin)
            outcomes.append("ok")
        except TransitionNotAllowed:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(admin,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert QualificationTransition.objects.filter(place=place).count() == 1
