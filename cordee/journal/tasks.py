"""The journal's retention, applied every night by the task worker (docs/personal-data.md)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cordee.journal import retention

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour=3, minute=30))
def purge_journal_nightly() -> dict:
    counts = retention.purge(wet_run=True)
    logger.info("Journal : %(authentication)d entrées de connexion et %(other)d autres supprimées", counts)
    return counts
