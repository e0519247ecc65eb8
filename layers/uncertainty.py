"""Uncertainty layer: the honest precision area around every point that is not a site."""

from __future__ import annotations

from dataset.model import Dataset
from geo.geodesy import uncertainty_buffer
from geo.place import SITE_MAX_KM
from layers._layer import Layer, to_gdf
from layers._points import POINT_COLUMNS, point_rows
from layers.style import StyleSpec

STYLE = StyleSpec(
    layer="uncertainty",
    title="Location uncertainty (town, region)",
    group="Presence",
    geometry="polygon",
    marker="",
    size_px=1,
    fill_opacity=0.12,
    description="Circle of the place's precision radius, buffered in metres: the true location may lie anywhere inside.",
)
SOURCE_LAYERS = ("presence", "strikes", "risks")


def build_uncertainty_layer(ds: Dataset) -> Layer:
    """Return one polygon per point feature whose place is coarser than a site."""
    rows = []
    for layer in SOURCE_LAYERS:
        for row in point_rows(ds, layer):
            radius = row["radius_km"]
            if radius is None or radius <= SITE_MAX_KM:
                continue
            row["geometry"] = uncertainty_buffer(row["lon"], row["lat"], radius)
            row["parent_layer"] = layer
            rows.append(row)
    return Layer(to_gdf(rows, [*POINT_COLUMNS, "parent_layer"]), STYLE)
