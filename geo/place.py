"""The :class:`Place` record: one gazetteer entry with its point and honest precision."""

from __future__ import annotations

from dataclasses import dataclass, field

# Precision classes used by every layer (and mapped to ACLED's geo precision 1-3).
SITE_MAX_KM = 2.0
TOWN_MAX_KM = 10.0


@dataclass(frozen=True)
class Place:
    """A named place: a GeoNames town, a curated site or area, or a country.

    Parameters
    ----------
    id
        Stable id used by claims' evidence in ``data/``.
    name
        Display name.
    kind
        ``town``, ``site``, ``area`` or ``country``.
    lon, lat
        WGS84 point in degrees (for an area, its anchor point).
    radius_km
        How far the true place may lie from the point; ``None`` for a country.
    coord_source
        Where the coordinates were read (GeoNames id or a cited page).
    """

    id: str
    name: str
    kind: str
    lon: float
    lat: float
    radius_km: float | None
    coord_source: str
    country: str = ""
    geonames_id: int | None = None
    verified: bool = True
    aliases: tuple[str, ...] = field(default_factory=tuple)
    alternate_names: tuple[str, ...] = field(default_factory=tuple)
    arabic_names: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""
    site_type: str = ""

    @property
    def precision(self) -> str:
        """Return the precision class: ``site``, ``town``, ``region`` or ``country``."""
        if self.radius_km is None or self.kind == "country":
            return "country"
        if self.radius_km <= SITE_MAX_KM:
            return "site"
        if self.radius_km <= TOWN_MAX_KM:
            return "town"
        return "region"

    @property
    def acled_geo_precision(self) -> int:
        """Return ACLED's geo precision code (1 exact/town, 2 near a town, 3 region)."""
        return {"site": 1, "town": 1, "region": 3, "country": 3}[self.precision]
