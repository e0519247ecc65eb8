"""Presence layer: where a group was, fought, recruited, held a base or pulled out from."""

from __future__ import annotations

from dataset.model import Dataset
from layers._layer import Layer, to_gdf
from layers._points import POINT_COLUMNS, point_rows
from layers.style import StyleSpec

STYLE = StyleSpec(
    layer="presence",
    title="Presence, battles and pull-outs",
    group="Presence",
    geometry="point",
    marker="circle",
    size_px=7,
    description="Where a source places a group: deployments, frontlines, recruitment, headquarters, pull-outs.",
)


def build_presence_layer(ds: Dataset) -> Layer:
    """Return the presence layer: one point per claim and place."""
    return Layer(to_gdf(point_rows(ds, "presence"), POINT_COLUMNS), STYLE)
