"""The beneficiary file of a structure: its followed people with their number of accompaniments and the date
of the last one (as the individual person of an activity, or as a followed participant of a workshop)."""

from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from cordee.activities.models import Activity, ActivityParticipant

SORTS = {
    "last": "dernier accompagnement",
    "count": "nombre d'accompagnements",
    "alias": "pseudonyme",
}
DEFAULT_SORT = "last"


def _per_person(queryset, value):
    return Subquery(queryset.order_by().values("beneficiary").annotate(value=value).values("value")[:1])


def with_accompaniments(beneficiaries):
    """``beneficiaries`` annotated with ``accompaniments`` (a number) and ``last_accompaniment`` (a date or None)."""
    individual = Activity.objects.filter(beneficiary=OuterRef("pk"))
    workshops = ActivityParticipant.objects.filter(beneficiary=OuterRef("pk"))
    last_individual = _per_person(individual, Max("date"))
    last_workshop = _per_person(workshops, Max("activity__date"))
    return beneficiaries.annotate(
        accompaniments=Coalesce(_per_person(individual, Count("pk")), Value(0), output_field=IntegerField())
        + Coalesce(_per_person(workshops, Count("pk")), Value(0), output_field=IntegerField()),
        # Greatest of two possibly empty dates, the same on SQLite (NULL if any is NULL) and PostgreSQL.
        last_accompaniment=Greatest(
            Coalesce(last_individual, last_workshop), Coalesce(last_workshop, last_individual)
        ),
    )


def sorted_file(beneficiaries, sort=DEFAULT_SORT):
    if sort == "count":
        return beneficiaries.order_by("-accompaniments", F("last_accompaniment").desc(nulls_last=True), "alias", "pk")
    if sort == "alias":
        return beneficiaries.order_by("alias", "pk")
    return beneficiaries.order_by(F("last_accompaniment").desc(nulls_last=True), "alias", "pk")
