"""Issue 11 drawing rules, checked independently of the drawing code.

Distances with pyproj Geod, containment with shapely, borders from the Natural Earth
polygons read straight from the pinned world-atlas file (not through geo.basemap).
"""

from __future__ import annotations

import itertools
import json
import warnings
from pathlib import Path

import pytest

import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from dataset import Dataset
from geo.basemap import NATURAL_EARTH_NAMES
from geo.place import Place
from layers import Layer

GEOD = Geod(ellps="WGS84")
ROOT = Path(__file__).resolve().parents[2]
COUNTRIES_50M = ROOT / "node_modules" / "world-atlas" / "countries-50m.json"


@pytest.fixture(scope="module")
def borders() -> dict[str, BaseGeometry]:
    if not COUNTRIES_50M.is_file():
        pytest.skip(f"{COUNTRIES_50M} missing (npm ci installs world-atlas)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frame = gpd.read_file(COUNTRIES_50M, layer="countries")
    return {row["name"]: shapely.make_valid(row.geometry) for _, row in frame.iterrows()}


def _by_name(layers: list[Layer]) -> dict[str, Layer]:
    return {layer.name: layer for layer in layers}


def _vertices(geom: BaseGeometry) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in shapely.get_coordinates(geom)]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2]) / 1000.0


def _km_to_border(point: tuple[float, float], area: BaseGeometry) -> float:
    """Geodesic distance from ``point`` to the nearest vertex of ``area``'s boundary, densified to ~1 km."""
    ring = shapely.segmentize(area.boundary, 0.01)
    near = shapely.ops.nearest_points(ring, shapely.Point(point))[0]
    return _km(point, (near.x, near.y))


def _countries(dataset: Dataset) -> list[Place]:
    return [p for p in dataset.gazetteer if p.kind == "country"]


def _line_km_to(line: BaseGeometry, point: tuple[float, float]) -> float:
    coords = _vertices(line)
    dense: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(coords):
        dense.append(a)
        n = int(_km(a, b) // 0.5)
        dense.extend(GEOD.npts(a[0], a[1], b[0], b[1], n) if n else [])
    dense.append(coords[-1])
    return min(_km(p, point) for p in dense)


def test_no_vertex_near_a_country_reference_point(dataset: Dataset, layers: list[Layer]) -> None:
    refs = [(p.lon, p.lat, p.name) for p in _countries(dataset)]
    assert refs
    for layer in layers:
        if layer.style.panel or layer.style.geometry == "polygon":
            # Outlines are not marks: a country-wide claim is listed (its outline is the border),
            # and a ring's vertices are fixed by the place's radius (checked below).
            continue
        for _, row in layer.gdf.iterrows():
            for v in _vertices(row.geometry):
                for lon, lat, name in refs:
                    assert _km(v, (lon, lat)) >= 25.0, f"{layer.name} {row['id']} has a vertex {v} within 25 km of {name}'s reference point"


def test_no_point_feature_at_a_country(dataset: Dataset, layers: list[Layer]) -> None:
    for name in ("presence", "strikes", "risks", "uncertainty"):
        kinds = {dataset.gazetteer.get(pid).kind for pid in _by_name(layers)[name].gdf["place_id"]}
        assert "country" not in kinds, name


def test_movements_to_a_country_end_a_short_way_past_its_border(dataset: Dataset, layers: list[Layer], borders: dict[str, BaseGeometry]) -> None:
    gdf = _by_name(layers)["movements"].gdf
    checked = 0
    for _, row in gdf.iterrows():
        claim = next(c for c in dataset.claims if c.id == row["id"])
        dest = dataset.gazetteer.get(claim.destination)
        if dest.kind != "country" or row["end_kind"] == "air":
            continue
        end = _vertices(row.geometry)[-1]
        dest_area = borders[dest.name]
        # The origin side: the country holding the last named point, else the origin country.
        named = [dataset.gazetteer.get(p) for p in claim.place_ids() if dataset.gazetteer.get(p).kind != "country"]
        origin_name = next((n for n, a in borders.items() if named and a.contains(shapely.Point(named[-1].lon, named[-1].lat))), None)
        origin_name = origin_name or dataset.gazetteer.get(claim.place_ids()[-2]).name
        if origin_name == dest.name:  # e.g. a crossing site drawn just inside the destination by Natural Earth's border
            origin_name = dataset.gazetteer.get(claim.origin).name
        origin_area = borders[origin_name]
        assert not origin_area.contains(shapely.Point(end)), f"{row['id']} ends inside its origin {origin_name}"
        if dest_area.buffer(0.02).intersects(origin_area) or dest.name == "Syria":  # into the map's country: entered at its border
            assert dest_area.contains(shapely.Point(end)), f"{row['id']} ends outside {dest.name}"
            assert _km_to_border(end, dest_area) <= 60.0, row["id"]
        else:  # no shared border (Syria → Iran): the arrow leaves the origin toward it
            assert _km_to_border(end, origin_area) <= 60.0, row["id"]
            az_end = GEOD.inv(end[0], end[1], dest.lon, dest.lat)[0]
            start = _vertices(row.geometry)[0]
            az_line = GEOD.inv(start[0], start[1], end[0], end[1])[0]
            assert abs((az_end - az_line + 180) % 360 - 180) < 30, row["id"]
        assert row["end_label"] == f"\u2192 {dest.name}"
        checked += 1
    assert checked >= 10


def test_movements_through_a_named_crossing_pass_within_2_km(dataset: Dataset, layers: list[Layer]) -> None:
    gdf = _by_name(layers)["movements"].gdf.set_index("id")
    checked = 0
    for claim in dataset.claims:
        if not claim.is_movement:
            continue
        for pid in claim.place_ids():
            place = dataset.gazetteer.get(pid)
            if place.site_type in {"border crossing", "air base"}:
                assert _line_km_to(gdf.loc[claim.id, "geometry"], (place.lon, place.lat)) <= 2.0, (claim.id, pid)
                checked += 1
        named_crossing = any(dataset.gazetteer.get(p).site_type == "border crossing" for p in claim.place_ids())
        if dataset.gazetteer.get(claim.destination).kind == "country" and gdf.loc[claim.id, "end_kind"] == "border":
            assert bool(gdf.loc[claim.id, "crossing_stated"]) == named_crossing, claim.id
    assert checked >= 4


def test_air_evacuations_are_short_arrows_toward_the_destination(dataset: Dataset, layers: list[Layer]) -> None:
    air = _by_name(layers)["movements"].gdf
    air = air[air["end_kind"] == "air"]
    assert len(air) == 2
    for _, row in air.iterrows():
        claim = next(c for c in dataset.claims if c.id == row["id"])
        base, dest = dataset.gazetteer.get(claim.place_ids()[0]), dataset.gazetteer.get(claim.destination)
        start, end = _vertices(row.geometry)[0], _vertices(row.geometry)[-1]
        assert _km(start, (base.lon, base.lat)) < 0.01
        assert 30 <= _km(start, end) <= 120
        az_dest = GEOD.inv(base.lon, base.lat, dest.lon, dest.lat)[0]
        az_line = GEOD.inv(start[0], start[1], end[0], end[1])[0]
        assert abs(az_dest - az_line) < 1.0
        assert "by air" in row["end_label"]


def test_country_only_movements_are_border_crossing_arrows(dataset: Dataset, layers: list[Layer], borders: dict[str, BaseGeometry]) -> None:
    gdf = _by_name(layers)["movements"].gdf.set_index("id")
    for claim in dataset.claims:
        if not claim.is_movement or any(dataset.gazetteer.get(p).kind != "country" for p in claim.place_ids()):
            continue
        line = gdf.loc[claim.id, "geometry"]
        assert not bool(gdf.loc[claim.id, "crossing_stated"])
        start, end = _vertices(line)[0], _vertices(line)[-1]
        if len(claim.place_ids()) == 2:
            assert GEOD.geometry_length(line) / 1000 <= 100, claim.id
        # It crosses a border of Syria, the country the map is about.
        syria = borders["Syria"]
        assert syria.contains(shapely.Point(start)) != syria.contains(shapely.Point(end)) or len(claim.place_ids()) > 2, claim.id


def test_uncertainty_rings_have_the_place_radius(dataset: Dataset, layers: list[Layer]) -> None:
    rings = _by_name(layers)["uncertainty"].gdf
    assert len(rings)
    for _, row in rings.iterrows():
        place = dataset.gazetteer.get(row["place_id"])
        for lon, lat in row.geometry.exterior.coords:
            assert _km((place.lon, place.lat), (lon, lat)) == pytest.approx(place.radius_km, rel=1e-6)


def test_points_at_areas_lie_on_their_ring_and_towns_keep_their_point(dataset: Dataset, layers: list[Layer]) -> None:
    on_ring = 0
    for name in ("presence", "strikes", "risks"):
        for _, row in _by_name(layers)[name].gdf.iterrows():
            place = dataset.gazetteer.get(row["place_id"])
            drawn = (row.geometry.x, row.geometry.y)
            assert (row["anchor_lon"], row["anchor_lat"]) == pytest.approx((place.lon, place.lat), abs=1e-6)
            if place.kind == "area" or place.radius_km > 10:
                assert bool(row["on_ring"]), row["id"]
                assert _km((place.lon, place.lat), drawn) == pytest.approx(place.radius_km, abs=0.005)  # rounded to ~1 m
                on_ring += 1
            else:
                assert not bool(row["on_ring"])
                assert drawn == pytest.approx((place.lon, place.lat), abs=1e-9)
    assert on_ring >= 5


def test_claims_sharing_an_area_are_spread_on_its_ring(layers: list[Layer]) -> None:
    frames = [_by_name(layers)[name].gdf for name in ("presence", "strikes", "risks")]
    points = [(r["place_id"], r.geometry.x, r.geometry.y) for gdf in frames for _, r in gdf.iterrows() if r["on_ring"]]
    for (pa, xa, ya), (pb, xb, yb) in itertools.combinations(points, 2):
        if pa == pb:
            assert _km((xa, ya), (xb, yb)) > 5.0, pa


def test_countrywide_layer_lists_country_only_claims_with_their_outline(dataset: Dataset, layers: list[Layer], borders: dict[str, BaseGeometry]) -> None:
    layer = _by_name(layers)["countrywide"]
    assert layer.style.panel
    assert layer.style.group == "Country-wide claims"
    expected = {
        c.id
        for c in dataset.claims
        if not c.unmapped and not c.is_movement and dataset.types[c.type].layer not in {"context", "movements"}
        and c.at and all(dataset.gazetteer.get(p).kind == "country" for p in c.at)
    }  # fmt: skip
    gdf = layer.gdf.set_index("id")
    assert set(gdf.index) == expected
    assert "euaa-iran-hezbollah-influence-waned" in expected
    for cid, row in gdf.iterrows():
        assert row.geometry.geom_type == "MultiPolygon"
        names = [dataset.gazetteer.get(p).name for p in next(c for c in dataset.claims if c.id == cid).at]
        assert row["country"] == ", ".join(names)
        union = shapely.union_all([borders[n] for n in names])
        assert row.geometry.symmetric_difference(union).area < 1e-6 * union.area
        assert row["quote"] in {e["quote"] for e in json.loads(row["evidence"])}


def test_a_rings_symbol_sits_at_its_northernmost_point_inside_the_country(dataset: Dataset, layers: list[Layer], borders: dict[str, BaseGeometry]) -> None:
    """RING_SYMBOL_RULE: one symbol of each ring sits at the ring point nearest due north that lies inside the place's
    country and 30 km clear of country reference points; checked against a 1-degree sweep of the ring."""
    refs = [(p.lon, p.lat) for p in _countries(dataset)]
    drawn: dict[str, list[tuple[float, float]]] = {}
    for name in ("presence", "strikes", "risks"):
        for _, row in _by_name(layers)[name].gdf.iterrows():
            if row["on_ring"]:
                drawn.setdefault(row["place_id"], []).append((row.geometry.x, row.geometry.y))
    assert len(drawn) >= 5
    for pid, points in drawn.items():
        place = dataset.gazetteer.get(pid)
        country = borders[NATURAL_EARTH_NAMES[place.country]]
        sweep = {az: GEOD.fwd(place.lon, place.lat, az, place.radius_km * 1000.0)[:2] for az in range(360)}
        fits = [az for az, p in sweep.items() if country.contains(shapely.Point(p)) and all(_km(p, r) >= 30.0 for r in refs)]
        best = min(min(az, 360 - az) for az in (fits or list(sweep)))
        got = min(min(a % 360, 360 - a % 360) for a in (GEOD.inv(place.lon, place.lat, x, y)[0] for x, y in points))
        assert got <= best + 10.0, f"{pid}: the top symbol is {got:.0f} deg from north, the ring's top inside the country {best} deg"


def test_arrows_from_a_country_not_bordering_syria_say_route_and_crossing_not_stated(layers: list[Layer], borders: dict[str, BaseGeometry]) -> None:
    syria = borders["Syria"]
    checked = 0
    for _, row in _by_name(layers)["movements"].gdf.iterrows():
        origin = row["start_label"]
        if not origin or origin == "Syria" or origin not in borders:
            continue
        remote = borders[origin].distance(syria) > 0.05
        first_named = row["via"] == "" and row["destination"] == "Syria"
        if remote and first_named:
            assert row["start_note"] == "route and crossing point not stated", row["id"]
            assert not row["crossing_stated"], row["id"]
            checked += 1
        elif not remote:
            assert row["start_note"] == "", row["id"]
    assert checked >= 1  # the fighters "funneled from Afghanistan"
