"""Uncertainty layer: the honest precision area around every point that is not a site.

Rings, not discs: an outline with at most a faint fill, dashed where the radius is an
estimate (every area, and any place the gazetteer marks unverified), with no centre pin.
"""

from __future__ import annotations

from dataset.model import Dataset
from geo.geodesy import uncertainty_buffer
from geo.place import SITE_MAX_KM
from layers._layer import Layer, to_gdf
from layers._points import POINT_COLUMNS, POINT_LAYERS, point_rows
from layers.style import RING_FILL_MAX_KM, RING_FILL_OPACITY, StyleSpec, ring_fill_opacities

STYLE = StyleSpec(
    layer="uncertainty",
    title="Location uncertainty (town, region)",
    group="Presence",
    geometry="polygon",
    marker="",
    size_px=1.2,
    fill_opacity=RING_FILL_OPACITY,
    estimate_dash="6 4",
    fill_field="fill_opacity",
    description=(
        "Ring of the place's precision radius, buffered in metres: the true location may lie anywhere inside; "
        "there is no exact centre. Dashed where the radius is an estimate; the claim's symbol sits on the ring, at its northernmost point inside the country. "
        f"Only rings up to {RING_FILL_MAX_KM:g} km are faintly filled, once per place, so overlapping regions never tint the map."
    ),
)


def radius_is_estimated(place_kind: str, *, verified: bool) -> bool:
    """Return whether a ring is drawn dashed: an area's extent has no published outline, or the place is unverified."""
    return place_kind == "area" or not verified


def build_uncertainty_layer(ds: Dataset) -> Layer:
    """Return one ring per point feature whose place is coarser than a site."""
    rows = []
    for layer in POINT_LAYERS:
        for row in point_rows(ds, layer):
            radius = row["radius_km"]
            if radius is None or radius <= SITE_MAX_KM:
                continue
            place = ds.gazetteer.get(row["place_id"])
            row["geometry"] = uncertainty_buffer(row["anchor_lon"], row["anchor_lat"], radius)
            row["parent_layer"] = layer
            row["radius_estimated"] = radius_is_estimated(row["place_kind"], verified=place.verified if place else False)
            rows.append(row)
    fills = ring_fill_opacities([str(r["place_id"]) for r in rows], [float(r["radius_km"]) for r in rows])
    for row, fill in zip(rows, fills, strict=True):
        row["fill_opacity"] = fill
    return Layer(to_gdf(rows, [*POINT_COLUMNS, "parent_layer", "radius_estimated", "fill_opacity"]), STYLE)


__all__ = ["STYLE", "build_uncertainty_layer", "radius_is_estimated"]
