"""Write each layer as an RFC 7946 GeoJSON file (lon/lat WGS84, no crs, CCW rings, 6 decimals)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping

from dataset.model import Dataset
from layers import Layer
from renderers._files import write_layer_files

DECIMALS = 6


def round_coords(coords: Any, decimals: int = DECIMALS) -> Any:  # noqa: ANN401 - nested coordinate lists
    """Return nested coordinate lists with every number rounded to ``decimals``."""
    if isinstance(coords, float | int):
        return round(float(coords), decimals)
    return [round_coords(c, decimals) for c in coords]


def json_value(value: Any) -> Any:  # noqa: ANN401
    """Return JSON-safe values: NaN and NA become null, numpy scalars become Python."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def layer_to_geojson(layer: Layer) -> dict[str, Any]:
    """Return the layer as an RFC 7946 FeatureCollection (a dict)."""
    geoms = shapely.orient_polygons(layer.gdf.geometry.to_numpy(), exterior_cw=False)
    props = layer.gdf.drop(columns="geometry").to_dict(orient="records")
    features = []
    for geom, prop in zip(geoms, props, strict=True):
        gj = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "id": prop["id"],
                "geometry": {"type": gj["type"], "coordinates": round_coords(gj["coordinates"])},
                "properties": {k: json_value(v) for k, v in prop.items()},
            }
        )
    return {"type": "FeatureCollection", "name": layer.name, "features": features}


def write_geojson_layers(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:  # noqa: ARG001
    """Write ``out_dir/layers/<layer>.geojson`` for every layer; return the paths."""
    return write_layer_files(layers, out_dir, ".geojson", _geojson_text)


def _geojson_text(layer: Layer) -> str:
    return json.dumps(layer_to_geojson(layer), ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"
