"""The :class:`Layer` record and the helper that turns feature rows into a GeoDataFrame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from layers._features import COMMON_COLUMNS
from layers.style import StyleSpec


@dataclass(frozen=True)
class Layer:
    """One map layer: its features (EPSG:4326, lon/lat) and its style spec."""

    gdf: gpd.GeoDataFrame
    style: StyleSpec

    @property
    def name(self) -> str:
        """Return the layer id (also its file name)."""
        return self.style.layer


def to_gdf(rows: list[dict[str, Any]], extra_columns: list[str]) -> gpd.GeoDataFrame:
    """Return a GeoDataFrame with the common columns, then ``extra_columns``, then geometry."""
    columns = [*COMMON_COLUMNS, *extra_columns]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    geoms = [r.pop("geometry") for r in rows]
    frame = gpd.GeoDataFrame([{c: r.get(c) for c in columns} for r in rows], geometry=geoms, crs="EPSG:4326")
    return frame.sort_values("id", kind="stable").reset_index(drop=True)
