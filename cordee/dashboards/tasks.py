"""Background tasks of the dashboards: large exports."""

import logging

from huey.contrib.djhuey import db_task

from cordee.dashboards import exports
from cordee.dashboards.models import DashboardExport

logger = logging.getLogger(__name__)


@db_task()
def run_export(export_id):
    export = DashboardExport.objects.filter(pk=export_id).first()
    if export is None:
        logger.warning("Export de tableau de bord %s introuvable", export_id)
        return None
    exports.run(export)
    return export.state
