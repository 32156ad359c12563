"""Background tasks shared by every app."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cordee.core.models import fail_stale_tasks

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
def fail_stale_tasks_periodically():
    """Every five minutes: running tasks without a heartbeat for too long are marked failed."""
    counts = fail_stale_tasks()
    if counts:
        logger.warning("Tâches interrompues marquées en échec : %s", counts)
    return counts
