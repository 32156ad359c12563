"""Errors about a place reported by the public ("lieu fermé", "horaires faux"…) and their moderation.

Anyone may report, without an account. Abuse is limited per client address through the cache, with a
keyed hash of the address: no IP address is stored anywhere. Reports move new → accepted | dismissed,
by the place's gestionnaires, the coordinators of its territory or national admins; resolving is journaled.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from cordee.journal.services import record
from cordee.places import perms
from cordee.places.enums import ReportKind, ReportState
from cordee.places.models import Place, PlaceReport

MAX_MESSAGE_LENGTH = 1000
RATE_LIMIT = 5  # reports per client address…
RATE_WINDOW = 60 * 60  # …per hour


class ReportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyReports(ReportError):
    pass


class ReportNotAllowed(ReportError):
    pass


class ReportAlreadyResolved(ReportError):
    pass


def _rate_key(client_address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), (client_address or "?").encode(), hashlib.sha256).hexdigest()
    return f"places:report-rate:{digest[:32]}"


def check_rate(client_address: str) -> None:
    """Raise TooManyReports once the address sent RATE_LIMIT reports within the window."""
    if cache.get(_rate_key(client_address), 0) >= RATE_LIMIT:
        raise TooManyReports(
            "Vous avez envoyé beaucoup de signalements en peu de temps. Merci ! Réessayez dans une heure."
        )


def _count(client_address: str) -> None:
    key = _rate_key(client_address)
    if cache.add(key, 1, RATE_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)


def submit_report(place: Place, *, kind: str, message: str = "", contact_email: str = "", client_address: str = ""):
    """Record a report from the public; raises TooManyReports or ReportError."""
    if kind not in ReportKind.values:
        raise ReportError("Choisissez le type d'erreur.")
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ReportError(f"Le message fait plus de {MAX_MESSAGE_LENGTH} caractères.")
    check_rate(client_address)
    _count(client_address)
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
        raise ReportNotAllowed(
            "Seuls les gestionnaires du lieu et les coordinateurs du territoire traitent ses signalements."
        )
    with transaction.atomic():
        locked = PlaceReport.objects.select_for_update().get(pk=report.pk)
        if locked.state != ReportState.NEW:
            raise ReportAlreadyResolved("Ce signalement a déjà été traité.")
        locked.state = ReportState.ACCEPTED if accept else ReportState.DISMISSED
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.resolution_note = (note or "").strip()[:MAX_MESSAGE_LENGTH]
        locked.save(update_fields=["state", "resolved_at", "resolved_by", "resolution_note"])
        record(actor, "places.report.resolved", report.place, report_id=locked.pk, state=locked.state)
    return locked
