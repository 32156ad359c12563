"""Models of the places directory: the place and its opening intervals, quality and follow-up."""

from cordee.places.models.place import Place, PlaceOpeningInterval, PlaceQuerySet, store_opening_intervals
from cordee.places.models.quality import (
    PlaceCriterion,
    PlaceFollowUp,
    PlaceReport,
    QualificationTransition,
    QualityCriterion,
)

__all__ = [
    "Place",
    "PlaceCriterion",
    "PlaceFollowUp",
    "PlaceOpeningInterval",
    "PlaceQuerySet",
    "PlaceReport",
    "QualificationTransition",
    "QualityCriterion",
    "store_opening_intervals",
]
