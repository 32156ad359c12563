"""Retention of followed people: anonymised after 24 months without any follow-up (docs/personal-data.md).

Follow-up is an activity (as the individual person or a workshop participant), a diagnostic or a referral;
a person created less than 24 months ago is kept. Anonymising keeps every figure (counts on activities,
levels of diagnostics); each person is journaled (``beneficiary.anonymised_for_retention``) and the run
leaves a summary entry with its counts.
"""

import logging

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cordee.activities.models import Activity, ActivityParticipant
from cordee.beneficiaries.anonymisation import erase
from cordee.beneficiaries.models import Beneficiary
from cordee.diagnostics.models import Diagnostic
from cordee.journal.services import record
from cordee.referrals.models import Referral

logger = logging.getLogger(__name__)

RETENTION_MONTHS = 24


def inactive_beneficiaries(now=None):
    """People not anonymised, created before the cut-off, with no follow-up since."""
    now = now or timezone.now()
    cutoff = now - relativedelta(months=RETENTION_MONTHS)
    day = timezone.localtime(cutoff).date()
    person = OuterRef("pk")
    return (
        Beneficiary.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff)
        .exclude(Exists(Activity.objects.filter(beneficiary=person, date__gte=day)))
        .exclude(Exists(ActivityParticipant.objects.filter(beneficiary=person, activity__date__gte=day)))
        .exclude(Exists(Diagnostic.objects.filter(beneficiary=person, created_at__gte=cutoff)))
        .exclude(Exists(Referral.objects.filter(beneficiary=person, created_at__gte=cutoff)))
        .order_by("pk")
    )


def anonymise_inactive(now=None, *, wet_run=True) -> dict[str, int]:
    """Anonymise every inactive person (one transaction each); returns the counts, journaled in a summary."""
    ids = list(inactive_beneficiaries(now).values_list("pk", flat=True))
    counts = {"people": 0, "rows_changed": 0}
    if not wet_run:
        counts["people"] = len(ids)
        return counts
    for pk in ids:
        with transaction.atomic():
            person = Beneficiary.objects.filter(pk=pk, anonymised_at__isnull=True).first()
            if person is None:
                continue
            changed = erase(person, action="beneficiary.anonymised_for_retention", months=RETENTION_MONTHS)
            if changed is not None:
                counts["people"] += 1
                counts["rows_changed"] += sum(changed.values())
    record(None, "beneficiaries.retention_applied", months=RETENTION_MONTHS, **counts)
    logger.info("Personnes suivies sans suivi depuis %d mois anonymisées : %d", RETENTION_MONTHS, counts["people"])
    return counts
