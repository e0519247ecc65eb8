"""Risks layer: dangers the sources say were left behind (reactivation, weapons, dormant members)."""

from __future__ import annotations

from dataset.model import Dataset
from layers._layer import Layer, to_gdf
from layers._points import POINT_COLUMNS, point_rows
from layers.style import StyleSpec

STYLE = StyleSpec(
    layer="risks",
    title="Risks left behind",
    group="Risks",
    geometry="point",
    marker="triangle",
    size_px=9,
    description="Risks named by the sources after the withdrawal.",
)


def build_risks_layer(ds: Dataset) -> Layer:
    """Return the risks layer: one point per risk claim and place."""
    return Layer(to_gdf(point_rows(ds, "risks"), POINT_COLUMNS), STYLE)
