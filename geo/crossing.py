"""Where a geodesic leaves or enters a country, and points a set distance along it (WGS84)."""

from __future__ import annotations

import numpy as np

import shapely
import shapely.ops
from shapely import LineString, Point
from shapely.geometry.base import BaseGeometry

from geo.geodesy import WGS84, LonLat

# Sampling step used to find a border on a geodesic: the crossing is located to ~0.5 km.
_PROBE_STEP_M = 1_000.0
# How far a probe runs before giving up (beyond any country of the region).
_PROBE_MAX_M = 4_000_000.0


def distance_m(a: LonLat, b: LonLat) -> float:
    """Return the geodesic distance between two (lon, lat) points in metres."""
    return float(WGS84.inv(a[0], a[1], b[0], b[1])[2])


def azimuth_deg(a: LonLat, b: LonLat) -> float:
    """Return the forward azimuth from ``a`` to ``b`` in degrees."""
    return float(WGS84.inv(a[0], a[1], b[0], b[1])[0])


def point_at(start: LonLat, azimuth: float, dist_m: float) -> LonLat:
    """Return the point ``dist_m`` metres from ``start`` on the given azimuth."""
    lon, lat, _ = WGS84.fwd(start[0], start[1], azimuth, dist_m)
    return (float(lon), float(lat))


def toward(start: LonLat, target: LonLat, dist_m: float) -> LonLat:
    """Return the point ``dist_m`` metres from ``start`` on the geodesic to ``target``."""
    return point_at(start, azimuth_deg(start, target), dist_m)


def _probe(start: LonLat, target: LonLat) -> list[LonLat]:
    total = min(distance_m(start, target), _PROBE_MAX_M)
    n = max(2, int(total // _PROBE_STEP_M))
    inner = WGS84.npts(start[0], start[1], target[0], target[1], n - 1) if n > 1 else []
    return [start, *[(float(x), float(y)) for x, y in inner], target]


def first_change(start: LonLat, target: LonLat, area: BaseGeometry, *, entering: bool) -> LonLat | None:
    """Return where the geodesic ``start`` → ``target`` first enters (or leaves) ``area``.

    Parameters
    ----------
    start, target
        (lon, lat) ends of the geodesic in degrees.
    area
        A country polygon (lon/lat).
    entering
        ``True`` for the first point inside ``area``, ``False`` for the last point
        inside it before the geodesic leaves.

    Returns
    -------
    tuple of float or None
        The crossing (to about half a kilometre), or ``None`` when the geodesic never changes side.
    """
    pts = _probe(start, target)
    xy = np.asarray(pts)
    inside = shapely.contains_xy(area, xy[:, 0], xy[:, 1])
    for i in range(1, len(pts)):
        if inside[i] != inside[i - 1] and inside[i] == entering:
            seg = LineString([pts[i - 1], pts[i]])
            cut = seg.intersection(area.boundary)
            if cut.is_empty:
                return pts[i]
            nearest = shapely.ops.nearest_points(cut, Point(pts[i - 1]))[0]
            return (float(nearest.x), float(nearest.y))
    return None


def nearest_on_border(point: LonLat, a: BaseGeometry, b: BaseGeometry) -> LonLat | None:
    """Return the point of the shared border of ``a`` and ``b`` nearest ``point``, or ``None``."""
    shared = a.boundary.intersection(b.buffer(0.02))
    if shared.is_empty:
        return None
    near = shapely.ops.nearest_points(shared, Point(point))[0]
    return (float(near.x), float(near.y))


__all__ = ["azimuth_deg", "distance_m", "first_change", "nearest_on_border", "point_at", "toward"]
