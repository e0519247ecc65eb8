"""Point features: one per claim and place, for the presence, strikes and risks layers."""

from __future__ import annotations

from typing import Any

from shapely import Point

from dataset.model import Dataset
from layers._features import claim_properties, place_list


def point_rows(ds: Dataset, layer: str) -> list[dict[str, Any]]:
    """Return one row per (claim, place) for claims whose type is drawn on ``layer``.

    Parameters
    ----------
    ds
        The validated dataset.
    layer
        ``presence``, ``strikes`` or ``risks``.
    """
    rows = []
    for claim in ds.claims:
        if ds.types[claim.type].layer != layer or claim.unmapped:
            continue
        for place in place_list(ds, claim.at):
            row = claim_properties(ds, claim, [place])
            row.update(
                id=f"{claim.id}@{place.id}",
                place_id=place.id,
                place_name=place.name,
                place_kind=place.kind,
                lon=round(place.lon, 6),
                lat=round(place.lat, 6),
                geometry=Point(place.lon, place.lat),
            )
            rows.append(row)
    return rows


POINT_COLUMNS = ["place_id", "place_name", "place_kind", "lon", "lat"]
