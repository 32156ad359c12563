"""Scheduled and background work of the Pass numérique (Huey): printing, monthly statements, expiry, alerts,
erasure of the references of distributions."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cordee.pass_numerique import retention, services
from cordee.pass_numerique.jobs import alerts, printing

logger = logging.getLogger(__name__)


@db_task()
def print_books(job_id: int):
    return printing.run_print(job_id)


@db_periodic_task(crontab(hour=4, minute=0))
def monthly_statements():
    """Every day (Huey runs in UTC, the funders live from Tahiti to Mayotte): one statement per structure, funder
    and month of the passes redeemed in a month that is over in the funder's time zone. Idempotent: a month
    already claimed is not claimed again."""
    written = services.generate_statements()
    logger.info("Pass numérique : %d relevé(s) mensuel(s)", len(written))
    return len(written)


@db_periodic_task(crontab(hour=0, minute=20))
def expire_daily():
    """Just after midnight: passes past their order's end and tolerance expire, their value credited back."""
    expired = services.expire_passes()
    logger.info("Pass numérique : %d pass expiré(s)", expired)
    return expired


@db_periodic_task(crontab(hour=1, minute=10))
def erase_references_daily():
    """The pseudonymous references of distributions past their keeping time are erased."""
    erased = retention.erase_references()
    logger.info("Pass numérique : %d référence(s) de remise effacée(s)", erased)
    return erased


@db_periodic_task(crontab(hour=6, minute=30))
def alert_before_end_daily():
    return alerts.alert_before_end()
