"""What the maps draw besides the places: the départements' outlines and the names of the communes around.

Without a tile server (``MAP_TILE_URL``), these make the plain map readable: the outlines come from
``cordee/territories/data/departements.geojson`` (IGN Admin Express, simplified), the names and points
of the communes from the référentiel already in the database. Nothing is fetched from another site.
"""

import functools
import gzip
import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.views.decorators.http import require_GET

from cordee.territories.enums import CommuneKind
from cordee.territories.loader import DATA_DIR
from cordee.territories.models import Commune

OUTLINES_FILE = DATA_DIR / "departements.geojson"
MAX_COMMUNE_LABELS = 25
# Around a single point (a place's page): about 15 km each way.
AROUND_DEGREES = 0.14


def map_settings() -> dict:
    """What every map template needs: the tile server if any, and where the outlines are."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "outlines_url": reverse("www:departement_outlines"),
    }


def commune_labels(points, *, limit: int = MAX_COMMUNE_LABELS) -> list[dict]:
    """Names of the most populated communes in the box around ``points`` ((lat, lon) pairs), to write on the map."""
    points = [(lat, lon) for lat, lon in points if lat is not None and lon is not None]
    if not points:
        return []
    latitudes = [lat for lat, _ in points]
    longitudes = [lon for _, lon in points]
    margin_lat = max(AROUND_DEGREES, (max(latitudes) - min(latitudes)) * 0.1)
    margin_lon = max(AROUND_DEGREES * 1.4, (max(longitudes) - min(longitudes)) * 0.1)
    rows = (
        Commune.objects.filter(
            kind=CommuneKind.COMMUNE,
            latitude__gte=min(latitudes) - margin_lat,
            latitude__lte=max(latitudes) + margin_lat,
            longitude__gte=min(longitudes) - margin_lon,
            longitude__lte=max(longitudes) + margin_lon,
        )
        .order_by("-population", "code_insee")
        .values_list("name", "latitude", "longitude")[:limit]
    )
    return [{"name": name, "lat": lat, "lon": lon} for name, lat, lon in rows]


@functools.cache
def _outlines() -> tuple[bytes, bytes, str]:
    body = OUTLINES_FILE.read_bytes()
    return body, gzip.compress(body, mtime=0), hashlib.sha256(body).hexdigest()[:16]


@login_not_required
@require_GET
def departement_outlines(request):
    """Public: the départements' outlines (GeoJSON), compressed when the browser accepts it, cached a day."""
    body, compressed, digest = _outlines()
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(compressed if use_gzip else body, content_type="application/geo+json")
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return response
