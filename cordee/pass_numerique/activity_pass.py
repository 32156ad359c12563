"""The activity report form offers the redemption too: the activity and the pass it was paid with are saved in
one transaction, or neither is.

The pass is redeemed through ``services.redeem`` (exactly once, the same rules and messages) at the activity's
place, which must be a place of the activity's structure accepting the Pass numérique; the redemption is linked
to the activity. Any refusal (malformed code, expired, already used…) undoes the activity too and comes back as
the same domain error, its message on the ``pass_code`` field.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cordee.activities import services as activity_services
from cordee.activities.enums import LocationKind
from cordee.activities.models import Activity
from cordee.core.errors import DomainError, Refused
from cordee.pass_numerique import services
from cordee.pass_numerique.models import Redemption

FIELD = "pass_code"


def record_activity(user, data: dict, *, pass_code: str = "") -> tuple[Activity, Redemption | None]:
    """``cordee.activities.services.record_activity`` and, when a code is given, the pass redeemed for it."""
    with transaction.atomic():
        activity = activity_services.record_activity(user, data)
        return activity, _redeem_for(user, activity, pass_code)


def update_activity(
    user, activity: Activity, data: dict, *, pass_code: str = ""
) -> tuple[Activity, Redemption | None]:
    """``cordee.activities.services.update_activity`` and, when a code is given, one more pass redeemed for it."""
    with transaction.atomic():
        activity = activity_services.update_activity(user, activity, data)
        return activity, _redeem_for(user, activity, pass_code)


def _redeem_for(user, activity: Activity, pass_code: str) -> Redemption | None:
    code = str(pass_code or "").strip()
    if not code:
        return None
    place = activity.place if activity.location_kind == LocationKind.PLACE else None
    if place is None or place.structure_id != activity.structure_id or not place.accepts_pass_numerique:
        message = (
            "Un Pass numérique s'utilise dans un lieu de votre structure qui l'accepte : choisissez ce lieu "
            "pour l'activité, ou laissez le code vide."
        )
        raise Refused(message, reason="place_not_accepting", errors={FIELD: message})
    try:
        return services.redeem(user, code=code, place_id=place.pk, activity_id=activity.pk)
    except DomainError as error:
        raise type(error)(error.message, reason=error.reason, errors={FIELD: error.message}, **error.extra) from None


# The redemption page offers the person's accompaniments of these last days to link a pass to.
RECENT_ACTIVITY_DAYS = 60


def recent_activities(user, structure_ids):
    """The person's own accompaniments of the last ``RECENT_ACTIVITY_DAYS`` days in these structures, newest first."""
    since = timezone.localdate() - dt.timedelta(days=RECENT_ACTIVITY_DAYS)
    return (
        Activity.objects.filter(mediator=user, structure_id__in=structure_ids, date__gte=since)
        .select_related("place")
        .order_by("-date", "-pk")
    )


def redemptions_of(activity: Activity):
    """The passes that paid for this activity, with what the page shows."""
    return activity.pass_redemptions.select_related("pass_obj", "place", "statement").order_by("redeemed_at", "pk")


def paid_activity_ids(activity_ids) -> set[int]:
    """Which of these activities were paid by a Pass numérique (one query, for lists)."""
    return set(
        Redemption.objects.filter(activity_id__in=list(activity_ids)).values_list("activity_id", flat=True).distinct()
    )
