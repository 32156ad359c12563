"""The beneficiary file's domain rules: duplicates, merge, bulk anonymisation, the 24-month retention."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from cordee.activities import retention
from cordee.activities.beneficiary_file import sorted_file, with_accompaniments
from cordee.activities.models import ActivityParticipant
from cordee.beneficiaries import anonymisation, merging
from cordee.beneficiaries.duplicates import find_duplicates
from cordee.beneficiaries.models import ANONYMISED_ALIAS, Beneficiary
from cordee.core.errors import Invalid, NotFound, Refused
from cordee.journal.models import Entry
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory
from tests.referrals.factories import ReferralFactory
from tests.structures.factories import MembershipFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory()


def person(member, **fields):
    return BeneficiaryFactory(structure=member.structure, **fields)


def test_duplicates_share_alias_year_and_commune(member):
    gueret = CommuneFactory()
    first = person(member, alias="Mme Régine B.", birth_year=1950, commune=gueret)
    second = person(member, alias="mme regine b", birth_year=1950, commune=gueret)
    person(member, alias="Mme Régine B.", birth_year=1951, commune=gueret)  # another year
    person(member, alias="Mme Régine B.", birth_year=1950)  # no commune
    person(member, alias="Mme Régine B.", birth_year=1950, commune=gueret, anonymised_at=timezone.now())
    BeneficiaryFactory(alias="Mme Régine B.", birth_year=1950, commune=gueret)  # another structure

    groups = find_duplicates(Beneficiary.objects.filter(structure=member.structure))

    assert groups == [[first, second]]


def test_merge_moves_activities_diagnostics_and_referrals_and_is_journaled(member):
    kept = person(member, alias="M. T.", birth_year=None)
    dropped = person(member, alias="M. T", birth_year=1960, commune=CommuneFactory(), gender="male")
    individual = ActivityFactory(structure=member.structure, beneficiary=dropped)
    workshop = ActivityFactory(structure=member.structure, workshop=True)
    both = ActivityFactory(structure=member.structure, workshop=True)
    ActivityParticipant.objects.create(activity=workshop, beneficiary=dropped)
    ActivityParticipant.objects.create(activity=both, beneficiary=dropped)
    ActivityParticipant.objects.create(activity=both, beneficiary=kept)
    diagnostic = DiagnosticFactory(beneficiary=dropped)
    referral = ReferralFactory(beneficiary=dropped)

    moved = merging.merge(member.user, kept, dropped)

    assert not Beneficiary.objects.filter(pk=dropped.pk).exists()
    individual.refresh_from_db()
    diagnostic.refresh_from_db()
    referral.refresh_from_db()
    assert individual.beneficiary == kept and diagnostic.beneficiary == kept and referral.beneficiary == kept
    links = ActivityParticipant.objects.filter(beneficiary=kept).order_by("activity_id")
    assert [link.activity_id for link in links] == [workshop.pk, both.pk]  # the shared workshop once
    both.refresh_from_db()
    assert both.participants == 6  # figures unchanged
    kept.refresh_from_db()
    assert (kept.birth_year, kept.commune_id, kept.gender) == (1960, dropped.commune_id, "male")
    assert moved["activities.activity"] == 1 and moved["diagnostics.diagnostic"] == 1
    entry = Entry.objects.get(action="beneficiary.merged")
    assert entry.details["dropped_id"] == dropped.pk and entry.object_id == str(kept.pk)


def test_merge_refusals(member):
    kept, dropped = person(member), person(member)
    elsewhere = BeneficiaryFactory()
    with pytest.raises(Invalid):
        merging.merge(member.user, kept, kept)
    with pytest.raises(NotFound):
        merging.merge(member.user, kept, elsewhere)
    with pytest.raises(NotFound):
        merging.merge(MembershipFactory().user, kept, dropped)
    other = MembershipFactory(user=member.user, structure=elsewhere.structure)
    with pytest.raises(Refused):
        merging.merge(other.user, kept, elsewhere)
    anonymised = person(member, anonymised_at=timezone.now())
    with pytest.raises(Refused):
        merging.merge(member.user, kept, anonymised)
    assert Beneficiary.objects.filter(pk__in=[kept.pk, dropped.pk, elsewhere.pk, anonymised.pk]).count() == 4


def test_bulk_anonymisation_keeps_the_figures(member):
    first = person(member, alias="Mme A.", birth_year=1950, gender="female", status="retired")
    second = person(member, alias="M. B.")
    activity = ActivityFactory(structure=member.structure, beneficiary=first, note="Voit mal")

    done = anonymisation.anonymise_many(member.user, [first.pk, second.pk])

    assert done == 2
    first.refresh_from_db()
    activity.refresh_from_db()
    assert (first.alias, first.birth_year, first.gender, first.status) == (
        ANONYMISED_ALIAS,
        None,
        "unknown",
        "unknown",
    )
    assert activity.participants == 1 and activity.duration_minutes == 30
    assert Entry.objects.filter(action="beneficiary.anonymised").count() == 2


def test_bulk_anonymisation_refuses_someone_elses_people_as_a_whole(member):
    mine, theirs = person(member), BeneficiaryFactory()
    with pytest.raises(NotFound):
        anonymisation.anonymise_many(member.user, [mine.pk, theirs.pk])
    mine.refresh_from_db()
    assert not mine.is_anonymised


def test_the_file_counts_and_sorts_accompaniments(member):
    quiet = person(member, alias="A")
    busy = person(member, alias="B")
    recent = person(member, alias="C")
    today = timezone.localdate()
    ActivityFactory(structure=member.structure, beneficiary=busy, date=today - dt.timedelta(days=30))
    ActivityFactory(structure=member.structure, beneficiary=busy, date=today - dt.timedelta(days=20))
    workshop = ActivityFactory(structure=member.structure, workshop=True, date=today - dt.timedelta(days=10))
    ActivityParticipant.objects.create(activity=workshop, beneficiary=busy)
    ActivityFactory(structure=member.structure, beneficiary=recent, date=today - dt.timedelta(days=2))

    people = with_accompaniments(Beneficiary.objects.filter(structure=member.structure))

    counted = {p.alias: (p.accompaniments, p.last_accompaniment) for p in people.order_by("pk")}
    assert counted == {
        "A": (0, None),
        "B": (3, today - dt.timedelta(days=10)),
        "C": (1, today - dt.timedelta(days=2)),
    }
    assert [p.pk for p in sorted_file(people, "last")] == [recent.pk, busy.pk, quiet.pk]
    assert [p.pk for p in sorted_file(people, "count")] == [busy.pk, recent.pk, quiet.pk]
    assert [p.pk for p in sorted_file(people, "alias")] == [quiet.pk, busy.pk, recent.pk]


def test_retention_anonymises_people_without_follow_up_for_24_months(member):
    with freeze_time("2023-01-10 10:00:00"):
        idle = person(member, alias="Idle")
        accompanied = person(member, alias="Accompanied")
        in_workshop = person(member, alias="Workshop")
        diagnosed = person(member, alias="Diagnosed")
        old_activity = ActivityFactory(structure=member.structure, beneficiary=idle, date=dt.date(2023, 1, 9))
    with freeze_time("2025-02-01 10:00:00"):
        ActivityFactory(structure=member.structure, beneficiary=accompanied, date=dt.date(2024, 6, 1))
        workshop = ActivityFactory(structure=member.structure, workshop=True, date=dt.date(2023, 3, 1))
        ActivityParticipant.objects.create(activity=workshop, beneficiary=in_workshop)
        DiagnosticFactory(beneficiary=diagnosed)
        new = person(member, alias="New")

        assert retention.anonymise_inactive(wet_run=False) == {"people": 1, "rows_changed": 0}
        counts = retention.anonymise_inactive()

    assert counts["people"] == 1
    states = {p.pk: p.is_anonymised for p in Beneficiary.objects.order_by("pk")}
    assert states == {idle.pk: True, accompanied.pk: False, in_workshop.pk: False, diagnosed.pk: False, new.pk: False}
    old_activity.refresh_from_db()
    assert old_activity.participants == 1  # the figures stay
    assert Entry.objects.filter(action="beneficiary.anonymised_for_retention", object_id=str(idle.pk)).exists()
    summary = Entry.objects.get(action="beneficiaries.retention_applied")
    assert summary.details["people"] == 1 and summary.details["months"] == 24


def test_retention_task_is_scheduled():
    from cordee.activities import tasks

    task = tasks.anonymise_inactive_beneficiaries_daily.task_class()
    assert task.validate_datetime(dt.datetime(2026, 3, 2, 4, 15))
    assert not task.validate_datetime(dt.datetime(2026, 3, 2, 5, 15))
