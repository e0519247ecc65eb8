"""Geodesic routes and metric uncertainty buffers on the WGS84 ellipsoid."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

import shapely
from pyproj import Geod, Transformer
from shapely import LineString, Point, Polygon
from shapely.geometry.polygon import orient

WGS84 = Geod(ellps="WGS84")
# Points on a geodesic leg: one every ~10 km, at least 2 and at most 256.
_STEP_M = 10_000.0
_MAX_POINTS = 256

LonLat = tuple[float, float]


def geodesic_route(points: Sequence[LonLat]) -> LineString:
    """Return a line that follows the geodesic between consecutive points.

    Parameters
    ----------
    points
        ``(lon, lat)`` waypoints in degrees: origin, any via points, destination.

    Returns
    -------
    LineString
        Densified so that each leg bends like the great-circle path.
    """
    if len(points) < 2:  # noqa: PLR2004
        msg = f"A route needs at least two (lon, lat) points, got {len(points)}."
        raise ValueError(msg)
    coords: list[LonLat] = [points[0]]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(points):
        _, _, dist_m = WGS84.inv(lon1, lat1, lon2, lat2)
        n_between = min(_MAX_POINTS, int(dist_m // _STEP_M))
        if n_between > 0:
            coords.extend(WGS84.npts(lon1, lat1, lon2, lat2, n_between))
        coords.append((lon2, lat2))
    return LineString(coords)


def geodesic_length_m(line: LineString) -> float:
    """Return the geodesic length of a lon/lat line in metres."""
    return float(WGS84.geometry_length(line))


def _from_local_aeqd(lon: float, lat: float) -> Transformer:
    """Return the transformer from metres in an azimuthal equidistant projection centred on (lon, lat) to lon/lat degrees.

    Written as the PROJ pipeline ``Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)``
    resolves to (inverse aeqd on the WGS84 ellipsoid, radians to degrees): building it from
    the pipeline skips the CRS lookup, about 8 ms per call, once per uncertainty ring.
    """
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +inv +proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +x_0=0 +y_0=0 +ellps=WGS84 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )


def uncertainty_buffer(lon: float, lat: float, radius_km: float) -> Polygon:
    """Return the area within ``radius_km`` of a point, buffered in metres.

    The buffer is drawn in an azimuthal equidistant projection centred on the
    point, so every vertex lies ``radius_km`` from the centre on the ellipsoid.

    Parameters
    ----------
    lon, lat
        Centre in degrees (WGS84).
    radius_km
        Radius in kilometres.

    Returns
    -------
    Polygon
        In lon/lat degrees, outer ring counter-clockwise (RFC 7946).
    """
    if radius_km <= 0:
        msg = f"radius_km must be positive, got {radius_km!r}."
        raise ValueError(msg)
    back = _from_local_aeqd(lon, lat)
    circle = Point(0.0, 0.0).buffer(radius_km * 1000.0, quad_segs=32)
    lonlat = shapely.transform(circle, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))
    return orient(lonlat, sign=1.0)
