"""A bar chart of referral figures drawn on the server, as SVG: no script, no library, readable when printed.

Each group (place, structure, département) gets one stacked bar: accepted, refused, other (waiting, expired,
cancelled…), with the number sent written after it. The chart only shows; the table under it, with the same
figures, is what screen readers read (the SVG says so in its description).
"""

import math
from dataclasses import dataclass

WIDTH = 720
LABEL_WIDTH = 230
BAR_AREA = 410
ROW_HEIGHT = 30
BAR_HEIGHT = 18
TOP = 10
MAX_BARS = 15
MAX_LABEL = 34
# DSFR colours with at least 3:1 contrast against white (RGAA 3.3, graphical objects).
SERIES = [
    ("accepted", "Acceptées", "#18753c"),
    ("refused", "Refusées", "#ce0500"),
    ("other", "En attente, expirées ou annulées", "#666666"),
]


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    fill: str
    label: str
    value: int


@dataclass(frozen=True)
class Bar:
    label: str
    title: str
    y: int
    text_y: int
    segments: list[Segment]
    sent: int
    sent_x: float


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def referral_chart(rows) -> dict | None:
    """The geometry of the chart for statistics rows (``cordee.referrals.statistics.Row``), the largest first;
    None when there is nothing to draw."""
    counted = [row for row in rows if row.sent]
    rows = counted[:MAX_BARS]
    if not rows:
        return None
    largest = max(row.sent for row in rows)
    scale = BAR_AREA / largest
    bars = []
    for index, row in enumerate(rows):
        values = {
            "accepted": row.accepted,
            "refused": row.refused,
            "other": max(0, row.sent - row.accepted - row.refused),
        }
        x = LABEL_WIDTH
        segments = []
        for key, label, fill in SERIES:
            width = values[key] * scale
            if width:
                segments.append(Segment(round(x, 1), round(width, 1), fill, label, values[key]))
            x += width
        y = TOP + index * ROW_HEIGHT
        bars.append(
            Bar(
                label=_short(row.label),
                title=row.label,
                y=y,
                text_y=y + BAR_HEIGHT - 5,
                segments=segments,
                sent=row.sent,
                sent_x=round(x + 6, 1),
            )
        )
    return {
        "width": WIDTH,
        "height": TOP * 2 + len(bars) * ROW_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
        "legend": [{"label": label, "fill": fill} for _key, label, fill in SERIES],
        "more": len(counted) - len(rows),
    }


# --- A small situation map on the referral sheet --------------------------------------------------------------

MAP_WIDTH = 360
MAP_HEIGHT = 220
MAP_LAT = 0.08  # half the height of the box, in degrees (about 9 km)
MAP_LABELS = 8


def situation_map(place) -> dict | None:
    """A plan of the place among the main communes around it, drawn as SVG (no tiles, no script: printable and
    in the PDF); None without coordinates."""
    from cordee.www.maps import commune_labels

    if place.latitude is None or place.longitude is None:
        return None
    lat0, lon0 = place.latitude, place.longitude
    half_lon = MAP_LAT * (MAP_WIDTH / MAP_HEIGHT) / max(0.2, math.cos(math.radians(lat0)))

    def point(lat, lon):
        x = (lon - lon0 + half_lon) / (2 * half_lon) * MAP_WIDTH
        y = (lat0 + MAP_LAT - lat) / (2 * MAP_LAT) * MAP_HEIGHT
        return round(x, 1), round(y, 1)

    communes = []
    for label in commune_labels([(lat0, lon0)], limit=MAP_LABELS * 3):
        x, y = point(label["lat"], label["lon"])
        if math.dist((x, y), (MAP_WIDTH / 2, MAP_HEIGHT / 2)) < 14:
            continue  # under the place's marker: its commune is written in the address
        if 10 <= x <= MAP_WIDTH - 10 and 12 <= y <= MAP_HEIGHT - 8:
            anchor = "end" if x > MAP_WIDTH * 0.75 else "start"
            communes.append(
                {"name": label["name"], "x": x, "y": y, "text_x": x + (-5 if anchor == "end" else 5), "anchor": anchor}
            )
        if len(communes) >= MAP_LABELS:
            break
    km = 2 * MAP_LAT * 111.2  # height of the box in km
    scale_km = 5 if km > 12 else 2
    x, y = point(lat0, lon0)
    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "place": {"x": x, "y": y},
        "communes": communes,
        "scale_km": scale_km,
        "scale_x2": round(10 + scale_km / km * MAP_HEIGHT, 1),
        "scale_y": MAP_HEIGHT - 12,
        "scale_text_y": MAP_HEIGHT - 17,
    }
