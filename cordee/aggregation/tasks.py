"""Background tasks of aggregation: places files imported from the web."""

import logging

from huey.contrib.djhuey import db_task

from cordee.aggregation.importing import uploads
from cordee.aggregation.models import PlaceImport

logger = logging.getLogger(__name__)


@db_task()
def run_place_import(import_id):
    """Import a places file sent from the web (see cordee.aggregation.importing.uploads)."""
    place_import = PlaceImport.objects.select_related("requested_by").filter(pk=import_id).first()
    if place_import is None:
        logger.warning("Import de lieux %s introuvable", import_id)
        return None
    uploads.run(place_import)
    return place_import.state
