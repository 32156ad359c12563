"""Charts drawn on the server as SVG: bars, a trend line and a map by département.

No JavaScript and no library: each function returns SVG markup (escaped text, ``mark_safe`` once built). Each
chart is an image (``role="img"`` with a title); the figures themselves are in the accessible table printed next
to it by the template, which is what a screen reader reads. Colours come from the DSFR palette and keep a 3:1
contrast with the background.
"""

import functools
import json
import math
from html import escape

from django.utils.safestring import mark_safe

from cordee.territories.loader import DATA_DIR

BAR = "#000091"  # bleu France
LINE = "#000091"
GRID = "#dddddd"
TEXT = "#161616"
# Five classes of the map, from light to dark blue (the lightest still contrasts with white borders).
SHADES = ["#e3e3fd", "#cacafb", "#8585f6", "#5151d3", "#000091"]
NO_DATA = "#f6f6f6"


def _number(value) -> str:
    return f"{value:,}".replace(",", "\u202f")


def bars(title: str, rows: list[tuple[str, int]], *, width: int = 560, bar_height: int = 22) -> str:
    """Horizontal bars, one per (label, value), the value written at the end of each bar."""
    label_width = 200
    top = 4
    height = top + max(1, len(rows)) * (bar_height + 6)
    largest = max([value for _label, value in rows] + [1])
    room = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="cordee-chart" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + 6)
        length = round(room * value / largest) if value else 0
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" height="{bar_height}" fill="{BAR}"/>'
            f'<text x="{label_width + length + 6}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
            f'fill="{TEXT}">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def trend(title: str, points: list[tuple[str, int]], *, width: int = 640, height: int = 220) -> str:
    """A line over time (one point per month or day), with the first and last periods and the highest value."""
    left, right, top, bottom = 50, 10, 10, 30
    inner_w, inner_h = width - left - right, height - top - bottom
    largest = max([value for _period, value in points] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="cordee-chart"><title>{escape(title)}</title>'
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" stroke="{GRID}"/>'
        f'<line x1="{left}" y1="{top}" x2="{left + inner_w}" y2="{top}" stroke="{GRID}"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11" fill="{TEXT}">{_number(largest)}</text>'
        f'<text x="{left - 6}" y="{top + inner_h + 4}" text-anchor="end" font-size="11" fill="{TEXT}">0</text>'
    ]
    if points:
        step = inner_w / max(1, len(points) - 1)
        coordinates = [
            (left + index * step, top + inner_h - inner_h * value / largest)
            for index, (_p, value) in enumerate(points)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
        if len(points) <= 40:
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}"/>' for x, y in coordinates]
        parts.append(
            f'<text x="{left}" y="{height - 8}" font-size="11" fill="{TEXT}">{escape(points[0][0])}</text>'
            f'<text x="{left + inner_w}" y="{height - 8}" text-anchor="end" font-size="11" fill="{TEXT}">'
            f"{escape(points[-1][0])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- map by département ---

MAP_WIDTH, MAP_HEIGHT = 520, 520
INSET = 70  # size of each overseas inset, drawn in a column on the left
OVERSEAS = ["971", "972", "973", "974", "976"]


@functools.cache
def _shapes() -> dict[str, tuple[str, list]]:
    """{code: (name, polygons)} of the départements' outlines shipped with the territories."""
    data = json.loads((DATA_DIR / "departements.geojson").read_text())
    shapes = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        shapes[feature["properties"]["code"]] = (feature["properties"]["nom"], polygons)
    return shapes


def _projector(polygons_list, box):
    """A function (lon, lat) → (x, y) fitting the polygons in box (x, y, w, h), keeping proportions."""
    points = [point for polygons in polygons_list for polygon in polygons for ring in polygon for point in ring]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    mid_lat = math.radians((min(lats) + max(lats)) / 2)
    factor = math.cos(mid_lat)
    span_x = (max(lons) - min(lons)) * factor or 1
    span_y = (max(lats) - min(lats)) or 1
    x0, y0, w, h = box
    scale = min(w / span_x, h / span_y)
    off_x = x0 + (w - span_x * scale) / 2
    off_y = y0 + (h - span_y * scale) / 2
    min_lon, max_lat = min(lons), max(lats)

    def project(lon, lat):
        return off_x + (lon - min_lon) * factor * scale, off_y + (max_lat - lat) * scale

    return project


@functools.cache
def _paths() -> dict[str, tuple[str, str]]:
    """{code: (name, SVG path)} of every département, metropolitan France in the main frame, overseas in insets."""
    shapes = _shapes()
    metro = [polygons for code, (_n, polygons) in shapes.items() if code not in OVERSEAS]
    project_metro = _projector(metro, (INSET + 10, 0, MAP_WIDTH - INSET - 10, MAP_HEIGHT))
    paths = {}
    for code, (name, polygons) in shapes.items():
        if code in OVERSEAS:
            index = OVERSEAS.index(code)
            project = _projector([polygons], (2, 10 + index * (INSET + 20), INSET - 4, INSET))
        else:
            project = project_metro
        pieces = []
        for polygon in polygons:
            for ring in polygon:
                coordinates = [project(lon, lat) for lon, lat in ring]
                pieces.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in coordinates) + "Z")
        paths[code] = (name, "".join(pieces))
    return paths


def shade_of(value: int, largest: int) -> str:
    if not value:
        return NO_DATA
    index = min(len(SHADES) - 1, int(len(SHADES) * value / (largest + 1)))
    return SHADES[index]


def departement_map(title: str, values: dict[str, int], *, highlight: set[str] | None = None) -> str:
    """A map of France by département, each shaded by its value (the table next to it gives the figures)."""
    largest = max(list(values.values()) + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" role="img" '
        f'class="cordee-chart cordee-map"><title>{escape(title)}</title>'
    ]
    for code, (name, path) in _paths().items():
        value = values.get(code, 0)
        stroke = "#161616" if highlight and code in highlight else "#ffffff"
        parts.append(
            f'<path d="{path}" fill="{shade_of(value, largest)}" stroke="{stroke}" stroke-width="0.6">'
            f"<title>{escape(name)} ({code}) : {_number(value)}</title></path>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def swatch(colour: str) -> str:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14" aria-hidden="true" focusable="false">'
        f'<rect width="14" height="14" fill="{colour}" stroke="#666666"/></svg>'
    )


def legend(largest: int) -> list[tuple[str, str]]:
    """(swatch SVG, range text) of each class of the map."""
    classes = [(swatch(NO_DATA), "aucune")]
    for index, colour in enumerate(SHADES):
        low = math.ceil(index * (largest + 1) / len(SHADES))
        high = math.ceil((index + 1) * (largest + 1) / len(SHADES)) - 1
        if high >= max(low, 1):
            classes.append((swatch(colour), f"{_number(max(low, 1))} à {_number(high)}"))
    return classes
