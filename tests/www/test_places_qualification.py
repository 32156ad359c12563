"""Qualification pages: the four-eyes rule and the "à revoir" flag in the coordinator's queue."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.journal.models import Entry
from cordee.places import quality
from cordee.places.enums import QualificationState
from cordee.places.models import PlaceFollowUp, QualityCriterion
from tests.places.factories import PlaceFactory
from tests.structures import user_kinds
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.structures.user_kinds import USER_KINDS
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    structure = StructureFactory(name="Espace numérique de Guéret")
    MembershipFactory(structure=structure, gestionnaire=True)
    MembershipFactory(structure=structure)
    place = PlaceFactory(
        structure=structure,
        name="Médiathèque de Guéret",
        with_hours=True,
        with_contacts=True,
        accessibility_url="https://acceslibre.beta.gouv.fr/x/",
        source_updated_on=timezone.localdate(),
    )
    gestionnaire = structure.memberships.get(role="gestionnaire").user
    quality.declare_manual_criteria(gestionnaire, place, [QualityCriterion.objects.get(code="mediateur-forme").pk])
    return place


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_requester_sees_why_they_cannot_qualify_and_only_may_refuse(client, place):
    admin = UserFactory(national_admin=True)
    quality.request_qualification(admin, place)
    client.force_login(admin)
    url = reverse("www:places_manage:qualification_decide", kwargs={"pk": place.pk})
    html = page(client, url)
    assert "Vous avez demandé cette qualification" in html
    assert 'value="qualify"' not in html and 'value="refuse"' in html
    response = client.post(url, {"decision": "qualify"})
    assert response.status_code == 200
    place.refresh_from_db()
    assert place.qualification_state == QualificationState.REQUESTED


def test_another_admin_qualifies_a_place_requested_by_someone_else(client, place):
    quality.request_qualification(CoordinatorScopeFactory().user, place)
    client.force_login(UserFactory(national_admin=True))
    url = reverse("www:places_manage:qualification_decide", kwargs={"pk": place.pk})
    assert 'value="qualify"' in page(client, url)
    assert client.post(url, {"decision": "qualify"}).status_code == 302
    place.refresh_from_db()
    assert place.qualification_state == QualificationState.QUALIFIED


def test_no_decision_is_offered_when_nothing_was_requested(client, place):
    client.force_login(UserFactory(national_admin=True))
    html = page(client, reverse("www:places_manage:qualification_decide", kwargs={"pk": place.pk}))
    assert "Aucune décision n'est possible pour l'instant" in html
    assert 'name="decision"' not in html


@pytest.fixture
def flagged(place):
    gestionnaire = place.structure.memberships.get(role="gestionnaire").user
    quality.request_qualification(gestionnaire, place)
    quality.qualify(UserFactory(national_admin=True), place)
    quality.after_place_change(gestionnaire, place, {"opening_hours"})
    return place


def test_the_queue_lists_qualified_places_to_review_and_the_coordinator_clears_the_flag(client, flagged):
    client.force_login(CoordinatorScopeFactory().user)
    html = page(client, reverse("www:places_manage:qualification_queue"))
    assert "Lieux qualifiés à revoir" in html
    assert "Médiathèque de Guéret" in html and "horaires" in html
    detail = page(client, reverse("www:places_manage:detail", kwargs={"pk": flagged.pk}))
    assert "À revoir par le coordinateur : horaires" in detail
    response = client.post(reverse("www:places_manage:qualification_reviewed", kwargs={"pk": flagged.pk}))
    assert response.status_code == 302
    assert PlaceFollowUp.objects.get(place=flagged).review_flagged_at is None
    assert Entry.objects.filter(action="places.qualification.reviewed").exists()
    assert "Aucun lieu qualifié à revoir." in page(client, reverse("www:places_manage:qualification_queue"))


#                      anon member gest  elsewhere coord_in coord_out admin
REVIEWED_EXPECTATIONS = dict(zip(USER_KINDS, (302, 403, 403, 403, 302, 403, 302), strict=True))


@pytest.mark.parametrize("kind", USER_KINDS)
def test_access_matrix_mark_reviewed_post(client, flagged, kind):
    user_kinds.login_as(client, kind, flagged.structure)
    response = client.post(reverse("www:places_manage:qualification_reviewed", kwargs={"pk": flagged.pk}))
    assert response.status_code == REVIEWED_EXPECTATIONS[kind]
    cleared = PlaceFollowUp.objects.get(place=flagged).review_flagged_at is None
    if kind == "anonymous":
        assert response["Location"].startswith(reverse("www:accounts:login")) and not cleared
    else:
        assert cleared == (response.status_code == 302)


def test_a_coordinator_withdraws_the_qualification_of_a_flagged_place_with_a_reason(client, flagged):
    client.force_login(CoordinatorScopeFactory().user)
    url = reverse("www:places_manage:qualification_decide", kwargs={"pk": flagged.pk})
    html = page(client, url)
    assert 'value="withdraw"' in html and 'value="qualify"' not in html
    response = client.post(url, {"decision": "withdraw", "reason": ""})
    assert "Indiquez le motif du retrait." in unescape(response.content.decode())
    response = client.post(url, {"decision": "withdraw", "reason": "Les horaires ne correspondent plus."})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.qualification_state == QualificationState.REFUSED
    assert PlaceFollowUp.objects.get(place=flagged).review_flagged_at is None


def test_automatic_steps_are_never_offered_to_people(flagged):
    admin = UserFactory(national_admin=True)
    assert [item.name for item in quality.QUALIFICATION.allowed_transitions(flagged, admin)] == ["withdraw"]


@pytest.fixture
def qualified(place):
    gestionnaire = place.structure.memberships.get(role="gestionnaire").user
    quality.request_qualification(gestionnaire, place)
    quality.qualify(UserFactory(national_admin=True), place)
    return place


def test_the_write_path_sends_a_qualified_place_back_to_review_or_flags_it(qualified):
    from cordee.places import services

    gestionnaire = qualified.structure.memberships.get(role="gestionnaire").user
    services.update_place(gestionnaire, qualified, {"opening_hours": "Mo-Fr 09:00-12:00"})
    qualified.refresh_from_db()
    assert qualified.qualification_state == QualificationState.QUALIFIED
    assert quality.review_flag(qualified) == ["horaires"]

    services.update_place(gestionnaire, qualified, {"address": "2 rue Neuve"})
    qualified.refresh_from_db()
    assert qualified.qualification_state == QualificationState.REQUESTED
    assert quality.review_flag(qualified) is None
    steps = [step.transition for step in quality.QUALIFICATION.history(qualified)]
    assert steps == ["request", "qualify", "back_to_review"]
