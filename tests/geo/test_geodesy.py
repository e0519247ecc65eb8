"""Geodesic routes and metric buffers, checked against pyproj's Geod and known distances."""

from __future__ import annotations

import math

import numpy as np
import pytest

import shapely
from pyproj import CRS, Geod, Transformer
from shapely import LinearRing, Point

from geo import geodesic_length_m, geodesic_route, uncertainty_buffer

GEOD = Geod(ellps="WGS84")
DAMASCUS = (36.29128, 33.5102)
ALBUKAMAL = (40.91854, 34.45226)
TEHRAN = (51.42151, 35.69439)


def test_route_length_equals_geod_inverse() -> None:
    line = geodesic_route([DAMASCUS, TEHRAN])
    _, _, expected = GEOD.inv(*DAMASCUS, *TEHRAN)
    assert geodesic_length_m(line) == pytest.approx(expected, rel=1e-4)
    assert 1_350_000 < expected < 1_450_000  # Damascus–Tehran is about 1,390 km


def test_route_through_via_is_sum_of_legs() -> None:
    crossing = (40.977, 34.3975)
    line = geodesic_route([DAMASCUS, crossing, (44.0, 33.0)])
    legs = GEOD.inv(*DAMASCUS, *crossing)[2] + GEOD.inv(*crossing, 44.0, 33.0)[2]
    assert geodesic_length_m(line) == pytest.approx(legs, rel=1e-4)
    assert crossing in list(line.coords)


def test_route_points_lie_on_the_geodesic() -> None:
    line = geodesic_route([DAMASCUS, TEHRAN])
    az, _, total = GEOD.inv(*DAMASCUS, *TEHRAN)
    for lon, lat in list(line.coords)[1:-1:10]:
        az_here, _, d = GEOD.inv(*DAMASCUS, lon, lat)
        assert az_here == pytest.approx(az, abs=1e-6)
        assert 0 < d < total


def test_route_starts_at_origin_ends_at_destination() -> None:
    line = geodesic_route([ALBUKAMAL, DAMASCUS])
    assert line.coords[0] == ALBUKAMAL
    assert line.coords[-1] == DAMASCUS


def test_route_needs_two_points() -> None:
    with pytest.raises(ValueError, match="at least two"):
        geodesic_route([DAMASCUS])


@pytest.mark.parametrize("radius_km", [1.0, 8.0, 100.0, 300.0])
def test_buffer_vertices_are_radius_away(radius_km: float) -> None:
    poly = uncertainty_buffer(*ALBUKAMAL, radius_km)
    for lon, lat in list(poly.exterior.coords)[::8]:
        assert GEOD.inv(*ALBUKAMAL, lon, lat)[2] == pytest.approx(radius_km * 1000, rel=1e-6)


@pytest.mark.parametrize("radius_km", [3.0, 50.0])
def test_buffer_area_is_pi_r_squared(radius_km: float) -> None:
    poly = uncertainty_buffer(*DAMASCUS, radius_km)
    area_m2 = abs(GEOD.geometry_area_perimeter(poly)[0])
    # a 128-gon inscribed in the circle has area r²·n/2·sin(2π/n)
    n = len(poly.exterior.coords) - 1
    expected = (radius_km * 1000) ** 2 * n / 2 * math.sin(2 * math.pi / n)
    assert area_m2 == pytest.approx(expected, rel=1e-3)
    assert area_m2 == pytest.approx(math.pi * (radius_km * 1000) ** 2, rel=2e-3)


def test_buffer_is_counter_clockwise_and_valid() -> None:
    poly = uncertainty_buffer(*DAMASCUS, 10)
    assert poly.exterior.is_ccw
    assert shapely.is_valid(poly)


@pytest.mark.parametrize("bad", [0.0, -5.0])
def test_buffer_rejects_non_positive_radius(bad: float) -> None:
    with pytest.raises(ValueError, match="radius_km must be positive"):
        uncertainty_buffer(*DAMASCUS, bad)


@pytest.mark.parametrize("centre", [ALBUKAMAL, DAMASCUS, (-0.1275, 51.507222), (151.2093, -33.8688), (36.123456789012345, 0.1 + 0.2)])
def test_buffer_matches_the_crs_transformer(centre: tuple[float, float]) -> None:
    # The same circle in local metres turned to lon/lat by the transformer pyproj builds from the aeqd CRS.
    lon, lat = centre
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +datum=WGS84 +units=m +no_defs")
    back = Transformer.from_crs(local, "EPSG:4326", always_xy=True)
    circle = np.asarray(Point(0.0, 0.0).buffer(25_000.0, quad_segs=32).exterior.coords)
    expected = np.column_stack(back.transform(circle[:, 0], circle[:, 1]))
    ring = np.asarray(uncertainty_buffer(lon, lat, 25.0).exterior.coords)
    if not LinearRing(expected).is_ccw:
        expected = expected[::-1]
    assert ring.shape == expected.shape
    assert np.abs(ring - expected).max() < 1e-12
