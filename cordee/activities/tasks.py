"""Scheduled work of the activities app, run by the task worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cordee.activities import retention


@db_periodic_task(crontab(hour=4, minute=15))
def anonymise_inactive_beneficiaries_daily() -> dict:
    return retention.anonymise_inactive()
