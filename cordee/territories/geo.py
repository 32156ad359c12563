"""Small geographic helpers (no GIS dependency): great-circle distance and bounding boxes."""

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two (latitude, longitude) points in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within radius_km of (lat, lon)."""
    angle = radius_km / EARTH_RADIUS_KM  # angular radius, in radians
    d_lat = math.degrees(angle)
    # The widest longitude span of a spherical cap is asin(sin r / cos φ), a bit more than r / cos φ.
    ratio = math.sin(angle) / max(math.cos(math.radians(lat)), 1e-12)
    d_lon = 180.0 if angle >= math.pi / 2 or ratio >= 1 else math.degrees(math.asin(ratio))
    return lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon
