"""What the maps draw besides the places: the départements' outlines and the names of the communes around.

Without a tile server (``MAP_TILE_URL``), these make the plain map readable: the outlines come from
``cordee/territories/data/departements.geojson`` (IGN Admin Express, simplified), the names and points
of the communes from the référentiel already in the database. Nothing is fetched from another site.
"""

import functools
import gzip
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.http import http_date
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
        "tile_pmtiles": settings.MAP_TILE_URL.endswith(".pmtiles"),
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


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# A PMTiles reader asks for the header (16 KiB) then for directories and tiles: never more than a few MiB.
MAX_RANGE = 16 * 1024 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (start, end) inclusive of one ``bytes=`` range, or None when it cannot be served."""
    match = RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return None
    return start, min(end, start + MAX_RANGE - 1)


@login_not_required
@require_GET
def base_map_tiles(request):
    """Public: the base map's PMTiles file (``MAP_PMTILES_FILE``), served by byte ranges as its reader asks."""
    if not settings.MAP_PMTILES_FILE:
        raise Http404("Aucun fond de carte n'est installé sur ce site.")
    path = Path(settings.MAP_PMTILES_FILE)
    try:
        stat = path.stat()
    except OSError:
        raise Http404("Le fond de carte est introuvable.") from None
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    wanted = request.headers.get("Range")
    if wanted is None:
        start, end, status = 0, size - 1, 200
        if size > MAX_RANGE:  # the whole file is never what a reader needs
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    else:
        bounds = _byte_range(wanted, size)
        if bounds is None:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        (start, end), status = bounds, 206
    with path.open("rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    response = HttpResponse(body, status=status, content_type="application/vnd.pmtiles")
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = "public, max-age=86400"
    return response
