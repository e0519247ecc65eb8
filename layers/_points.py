"""Point features: one per claim and place, for the presence, strikes and risks layers.

A country is not a place: claims whose only places are countries go to the ``countrywide``
layer, and no point is drawn at a country. A point at an area or region (radius above the
town threshold) is drawn ON its uncertainty ring, spread by bearing when several claims share
the area, never at the anchor the source did not give (GBIF's convention); ``lon``/``lat``
keep the anchor for the CSV.
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely import Point

from dataset.model import Dataset
from geo.basemap import country_outlines, outline_name
from geo.crossing import distance_m, point_at
from geo.place import TOWN_MAX_KM, Place
from layers._features import claim_properties, place_list

POINT_LAYERS = ("presence", "strikes", "risks")
_BEARING_STEP_DEG = 10
_CLEARANCE_M = 30_000.0  # a symbol on a ring keeps clear of every country reference point


def is_on_ring(place: Place) -> bool:
    """Return whether a point at ``place`` is drawn on its ring (area or region precision)."""
    return place.kind == "area" or (place.radius_km is not None and place.radius_km > TOWN_MAX_KM)


def _drawn_claims(ds: Dataset, layer: str) -> list[tuple[str, Place]]:
    out: list[tuple[str, Place]] = []
    for claim in ds.claims:
        if ds.types[claim.type].layer != layer or claim.unmapped:
            continue
        out.extend((claim.id, p) for p in place_list(ds, claim.at) if p.kind != "country")
    return out


def _bearings_in_country(ds: Dataset, place: Place) -> list[float]:
    """Return ring bearings whose point lies in the place's own country, clear of country reference points."""
    area = country_outlines().get(outline_name(place.country))
    bearings = [float(b) for b in range(0, 360, _BEARING_STEP_DEG)]
    if area is None or place.radius_km is None:
        return bearings
    radius_m = place.radius_km * 1000.0
    refs = [(p.lon, p.lat) for p in ds.gazetteer if p.kind == "country"]

    def fits(bearing: float) -> bool:
        point = point_at((place.lon, place.lat), bearing, radius_m)
        clear = all(distance_m(point, ref) >= _CLEARANCE_M for ref in refs)
        return clear and bool(shapely.contains_xy(area, *point))

    valid = [b for b in bearings if fits(b)] or bearings
    # layers.style.RING_SYMBOL_RULE: start from the valid bearing nearest north and go clockwise,
    # so one claim sits at the ring's top (the northernmost ring point inside the country).
    first = min(range(len(valid)), key=lambda i: min(valid[i], 360.0 - valid[i]))
    return valid[first:] + valid[:first]


def ring_positions(ds: Dataset) -> dict[tuple[str, str], tuple[float, float]]:
    """Return the drawn (lon, lat) of every (claim id, place id) at an area, spread on its ring.

    The claims sharing an area (across the point layers) take evenly spaced bearings among
    those whose ring point lies inside the area's country.
    """
    by_place: dict[str, list[str]] = {}
    places: dict[str, Place] = {}
    for layer in POINT_LAYERS:
        for cid, place in _drawn_claims(ds, layer):
            if is_on_ring(place):
                by_place.setdefault(place.id, []).append(cid)
                places[place.id] = place
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for pid, cids in by_place.items():
        place = places[pid]
        bearings = _bearings_in_country(ds, place)
        radius_m = (place.radius_km or 0.0) * 1000.0
        for i, cid in enumerate(sorted(cids)):
            bearing = bearings[int(i * len(bearings) / len(cids))]
            lon, lat = point_at((place.lon, place.lat), bearing, radius_m)
            out[(cid, pid)] = (round(lon, 5), round(lat, 5))  # about a metre, as the renderers write it
    return out


def point_rows(ds: Dataset, layer: str) -> list[dict[str, Any]]:
    """Return one row per (claim, place) for claims whose type is drawn on ``layer``.

    Parameters
    ----------
    ds
        The validated dataset.
    layer
        ``presence``, ``strikes`` or ``risks``.
    """
    claims = {c.id: c for c in ds.claims}
    on_ring = ring_positions(ds)
    rows = []
    for cid, place in _drawn_claims(ds, layer):
        row = claim_properties(ds, claims[cid], [place])
        lon, lat = on_ring.get((cid, place.id), (place.lon, place.lat))
        row.update(
            id=f"{cid}@{place.id}",
            place_id=place.id,
            place_name=place.name,
            place_kind=place.kind,
            lon=round(place.lon, 6),
            lat=round(place.lat, 6),
            anchor_lon=round(place.lon, 6),
            anchor_lat=round(place.lat, 6),
            on_ring=(cid, place.id) in on_ring,
            geometry=Point(lon, lat),
        )
        rows.append(row)
    return rows


POINT_COLUMNS = ["place_id", "place_name", "place_kind", "lon", "lat", "anchor_lon", "anchor_lat", "on_ring"]
