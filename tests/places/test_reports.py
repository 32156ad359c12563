import pytest
from django.core.cache import cache

from cordee.core.errors import Conflict, Invalid, NotAllowed
from cordee.core.ratelimit import RateLimited
from cordee.journal.models import Entry
from cordee.places import reports
from cordee.places.enums import ReportState
from cordee.places.models import PlaceReport
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory
from tests.user_kinds import make_user
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reports"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def place():
    return PlaceFactory(structure=MembershipFactory(gestionnaire=True).structure)


def test_submit_stores_the_report_without_any_address(place):
    report = reports.submit_report(
        place,
        kind="closed",
        message="  Fermé depuis juin  ",
        contact_email="Moi@Exemple.fr",
        client_address="192.0.2.1",
    )
    assert (report.kind, report.message, report.contact_email, report.state) == (
        "closed",
        "Fermé depuis juin",
        "moi@exemple.fr",
        ReportState.NEW,
    )
    stored = PlaceReport.objects.filter(pk=report.pk).values().get()
    assert "192.0.2.1" not in str(stored)
    entry = Entry.objects.get(action="places.report.received")
    assert entry.actor is None and entry.details == {"report_id": report.pk, "kind": "closed"}
    assert "exemple" not in str(entry.details)


def test_submit_checks_kind_and_length(place):
    with pytest.raises(Invalid):
        reports.submit_report(place, kind="nonsense")
    with pytest.raises(Invalid):
        reports.submit_report(place, kind="other", message="x" * 1001)
    assert not PlaceReport.objects.exists()


def test_rate_limit_per_address(place):
    for _ in range(reports.RATE_LIMIT.attempts):
        reports.submit_report(place, kind="other", client_address="192.0.2.1")
    with pytest.raises(RateLimited):
        reports.submit_report(place, kind="other", client_address="192.0.2.1")
    reports.submit_report(place, kind="other", client_address="192.0.2.2")
    assert PlaceReport.objects.count() == reports.RATE_LIMIT.attempts + 1
    assert not any("192.0.2" in str(key) for key in cache._cache)


@pytest.mark.parametrize(
    "who,allowed",
    [
        ("gestionnaire", True),
        ("member", False),
        ("member_elsewhere", False),
        ("coordinator_in_scope", True),
        ("coordinator_out_of_scope", False),
        ("national_admin", True),
    ],
)
def test_who_resolves(place, who, allowed):
    report = reports.submit_report(place, kind="wrong_hours")
    actor = make_user(who, place.structure)
    if allowed:
        resolved = reports.resolve(actor, report, accept=False, note="Doublon")
        assert resolved.state == ReportState.DISMISSED and resolved.resolved_by == actor
        assert Entry.objects.filter(action="places.report.resolved", actor=actor).exists()
        assert list(reports.moderated_reports(actor)) == [resolved]
    else:
        with pytest.raises(NotAllowed):
            reports.resolve(actor, report, accept=True)
        assert list(reports.moderated_reports(actor)) == []


def test_a_report_is_resolved_once(place):
    report = reports.submit_report(place, kind="closed")
    admin = UserFactory(national_admin=True)
    reports.resolve(admin, report, accept=True)
    with pytest.raises(Conflict):
        reports.resolve(admin, report, accept=False)
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
