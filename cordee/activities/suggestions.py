"""What the entry form offers first: the person's own frequent durations and themes, their most used place.

Read from their last ``HISTORY`` activities (one indexed query each), so the form follows their habits.
"""

from collections import Counter

from cordee.activities.enums import Theme
from cordee.activities.models import Activity
from cordee.activities.services import DURATION_PRESETS

HISTORY = 200

# The most reported themes nationally: offered first to someone with no history yet.
DEFAULT_THEMES = (
    Theme.ADMIN_PROCEDURES,
    Theme.HARDWARE_HANDLING,
    Theme.BROWSING,
    Theme.EMAIL,
    Theme.CONTENT_MANAGEMENT,
    Theme.SECURITY,
)


def _recent(user):
    return Activity.objects.filter(mediator_id=user.pk).order_by("-date", "-pk")[:HISTORY]


def durations(user, frequent: int = 3) -> list[int]:
    """The person's most frequent durations first, then the other presets in increasing order."""
    counts = Counter(_recent(user).values_list("duration_minutes", flat=True))
    first = [value for value, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:frequent]]
    return first + [value for value in DURATION_PRESETS if value not in first]


def themes(user, count: int = 6) -> list[str]:
    """The ``count`` themes offered first: the person's most reported, completed by the usual ones."""
    counts = Counter()
    for values in _recent(user).values_list("themes", flat=True):
        counts.update(values or [])
    first = [value for value, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if value in Theme]
    for value in DEFAULT_THEMES:
        if value not in first:
            first.append(value.value)
    return [str(value) for value in first[:count]]


def usual_place_id(user, place_ids) -> int | None:
    """The place the person used most among ``place_ids`` (their structures' places), else the first."""
    counts = Counter(value for value in _recent(user).values_list("place_id", flat=True) if value in place_ids)
    if counts:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
    return place_ids[0] if place_ids else None
