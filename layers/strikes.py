"""Strikes layer: air strikes reported against Iran-backed forces and Hezbollah."""

from __future__ import annotations

from dataset.model import Dataset
from layers._layer import Layer, to_gdf
from layers._points import POINT_COLUMNS, point_rows
from layers.style import StyleSpec

STYLE = StyleSpec(
    layer="strikes",
    title="Strikes",
    group="Strikes",
    geometry="point",
    marker="star",
    size_px=9,
    description="Air strikes as placed by the sources (colour of the striking actor).",
)


def build_strikes_layer(ds: Dataset) -> Layer:
    """Return the strikes layer: one point per strike claim and place."""
    return Layer(to_gdf(point_rows(ds, "strikes"), POINT_COLUMNS), STYLE)
