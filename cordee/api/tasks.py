"""Periodic tasks of the API."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cordee.api.models import IdempotencyKey

logger = logging.getLogger(__name__)


def purge_idempotency_keys() -> int:
    deleted, _by_model = IdempotencyKey.objects.expired().delete()
    logger.info("Clés d'idempotence expirées supprimées : %s", deleted)
    return deleted


@db_periodic_task(crontab(minute="23"))
def purge_idempotency_keys_hourly():
    return purge_idempotency_keys()
