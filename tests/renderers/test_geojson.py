"""GeoJSON layers from a fresh build: RFC 7946, readable by an independent reader, nothing lost."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

import fiona

from layers import Layer


def _ring_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def _coords(obj: object) -> list[float]:
    if isinstance(obj, float | int):
        return [float(obj)]
    return [v for item in obj for v in _coords(item)]  # type: ignore[attr-defined]


def test_build_writes_every_layer(built_dist: Path, layers: list[Layer]) -> None:
    names = {p.stem for p in (built_dist / "layers").glob("*.geojson")}
    assert names == {layer.name for layer in layers}


@pytest.mark.parametrize("name", ["presence", "sites", "movements", "strikes", "risks", "uncertainty"])
def test_rfc7946(built_dist: Path, layers: list[Layer], name: str) -> None:
    text = (built_dist / "layers" / f"{name}.geojson").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    layer = next(layer for layer in layers if layer.name == name)
    assert len(doc["features"]) == len(layer.gdf)
    for feature in doc["features"]:
        geom = feature["geometry"]
        values = _coords(geom["coordinates"])
        lons, lats = values[0::2], values[1::2]
        assert all(-180 <= x <= 180 for x in lons)
        assert all(20 <= y <= 45 for y in lats)  # the mapped region, so lon/lat are not swapped
        if geom["type"] == "Polygon":
            assert _ring_area(geom["coordinates"][0]) > 0, "outer ring must be counter-clockwise"
        for key in ("name", "actors", "date_start", "date_precision", "loc_precision", "status", "quote", "citation", "evidence"):
            assert key in feature["properties"]
    decimals = [len(m) for m in re.findall(r"\d+\.(\d+)", json.dumps([f["geometry"] for f in doc["features"]]))]
    assert max(decimals, default=0) <= 6


@pytest.mark.parametrize("name", ["presence", "movements", "uncertainty"])
def test_fiona_reads_same_features(built_dist: Path, layers: list[Layer], name: str) -> None:
    layer = next(layer for layer in layers if layer.name == name)
    with fiona.open(built_dist / "layers" / f"{name}.geojson") as src:
        records = list(src)
        assert src.crs.to_epsg() == 4326
    assert sorted(r["properties"]["id"] for r in records) == sorted(layer.gdf["id"])
    by_id = {r["properties"]["id"]: r for r in records}
    for _, row in layer.gdf.iterrows():
        rec = by_id[row["id"]]
        assert rec["properties"]["quote"] == row["quote"]
        assert rec["geometry"]["type"] == row.geometry.geom_type
