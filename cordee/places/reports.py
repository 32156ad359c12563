"""Errors about a place reported by the public ("lieu fermé", "horaires faux"…) and their moderation.

Anyone may report, without an account. Abuse is limited per client address (``cordee.core.ratelimit``, a
keyed hash of the address): no IP address is stored anywhere. Reports move new → accepted | dismissed,
by the place's gestionnaires, the coordinators of its territory or national admins; resolving is journaled.
"""

from django.db import transaction
from django.utils import timezone

from cordee.core import ratelimit
from cordee.core.errors import Conflict, Invalid, NotAllowed
from cordee.journal.services import record
from cordee.places import perms
from cordee.places.enums import ReportKind, ReportState
from cordee.places.models import Place, PlaceReport

MAX_MESSAGE_LENGTH = 1000
RATE_LIMIT = ratelimit.Limit(
    "places-report",
    attempts=5,  # reports per client address…
    window=60 * 60,  # …per hour
    message="Vous avez envoyé beaucoup de signalements en peu de temps. Merci ! Réessayez dans {wait}.",
)


def submit_report(place: Place, *, kind: str, message: str = "", contact_email: str = "", client_address: str = ""):
    """Record a report from the public; raises ``Invalid``, or ``ratelimit.RateLimited`` (429) past the limit."""
    if kind not in ReportKind.values:
        raise Invalid("Choisissez le type d'erreur.", errors={"kind": "Choisissez le type d'erreur."})
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        message_error = f"Le message fait plus de {MAX_MESSAGE_LENGTH} caractères."
        raise Invalid(message_error, errors={"message": message_error})
    ratelimit.check_and_count(RATE_LIMIT, client_address or "?")
    report = PlaceReport.objects.create(
        place=place, kind=kind, message=message, contact_email=(contact_email or "").strip().lower()
    )
    record(None, "places.report.received", place, report_id=report.pk, kind=kind)
    return report


def moderated_reports(user):
    """Reports of the places the user may moderate, newest first."""
    return PlaceReport.objects.filter(place__in=perms.managed_places(user).values("pk"))


def resolve(actor, report: PlaceReport, *, accept: bool, note: str = "") -> PlaceReport:
    """Accept (the information will be corrected) or dismiss a report."""
    if not perms.can_moderate_reports(actor, report.place):
        raise NotAllowed(
            "Seuls les gestionnaires du lieu et les coordinateurs du territoire traitent ses signalements."
        )
    with transaction.atomic():
        locked = PlaceReport.objects.select_for_update().get(pk=report.pk)
        if locked.state != ReportState.NEW:
            raise Conflict("Ce signalement a déjà été traité.", reason="already_resolved")
        locked.state = ReportState.ACCEPTED if accept else ReportState.DISMISSED
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.resolution_note = (note or "").strip()[:MAX_MESSAGE_LENGTH]
        locked.save(update_fields=["state", "resolved_at", "resolved_by", "resolution_note"])
        record(actor, "places.report.resolved", report.place, report_id=locked.pk, state=locked.state)
    return locked
