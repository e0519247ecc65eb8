"""Pieces of the compact page data v5 that make it smaller, each pinned against the input layers."""

from __future__ import annotations

import base64
import gzip
import json
import struct
from typing import Any

import numpy as np
import pytest

import geopandas as gpd
import pyproj
import shapely

from dataset.model import Dataset
from layers import Layer
from renderers.webmap.build import compact_payload, page_data
from tests.renderers.test_webmap_compact import _decode_in_node, _point_layer
from tests.webmap_data import decode_block

ACTORS = [["Hezbollah"], ["IRGC", "Quds Force"], ["Liwa Fatemiyoun", "IRGC"]]


def _header(text: str) -> dict[str, Any]:
    raw = gzip.decompress(base64.b64decode(text))
    (h,) = struct.unpack_from("<I", raw, 0)
    return json.loads(raw[4 : 4 + h])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def few_texts(layers: list[Layer]) -> Layer:
    """40 marks of the point layer whose actors take 3 lists (their labels 3 texts, each also a single actor's name)."""
    base = _point_layer(layers)
    gdf = base.gdf.iloc[[k % len(base.gdf) for k in range(40)]].copy()
    picks = [ACTORS[(k * 7) % 3] for k in range(40)]
    gdf["actors"] = [json.dumps(p) for p in picks]
    gdf["actors_label"] = [", ".join(p) for p in picks]
    gdf["id"] = [f"mark-{k}" for k in range(40)]
    return Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), base.style)


def test_few_distinct_texts_read_through_a_lookup_buffer(few_texts: Layer, dataset: Dataset) -> None:
    text = compact_payload([few_texts], dataset, built="x").text()
    columns = {c[0]: c for c in _header(text)["layers"][0]["p"]}
    label = columns["actors_label"]
    assert label[1] == "s"
    assert isinstance(label[3], list)
    assert len(label[3]) == 2  # a buffer [offset, length] of string codes
    assert label[3][1] == len(ACTORS)
    want = list(few_texts.gdf["actors_label"])
    for got in (decode_block(text), _decode_in_node(text)):
        assert [f["properties"]["actors_label"] for f in got["layers"][0]["geojson"]["features"]] == want
        assert [f["properties"]["actors"] for f in got["layers"][0]["geojson"]["features"]] == [json.loads(a) for a in few_texts.gdf["actors"]]


def test_a_label_and_its_list_share_one_buffer(few_texts: Layer, dataset: Dataset) -> None:
    """The label of each list of actors is one text per list: the two columns' codes are one stored buffer."""
    columns = {c[0]: c for c in _header(compact_payload([few_texts], dataset, built="x").text())["layers"][0]["p"]}
    assert columns["actors"][1] == "l"
    assert columns["actors_label"][2] == columns["actors"][2]


@pytest.fixture(scope="module")
def own_sources(layers: list[Layer]) -> Layer:
    """300 marks of the point layer, each citing its own report dated the mark's end (but every fifth, dated a day later)."""
    base = _point_layer(layers)
    gdf = base.gdf.iloc[[k % len(base.gdf) for k in range(300)]].copy()
    gdf["id"] = [f"mark-{k}" for k in range(300)]
    ends = [f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}" for k in range(300)]
    gdf["date_end"] = ends
    dated = [end if k % 5 else f"2024-{1 + k % 12:02d}-{2 + k % 28:02d}" for k, end in enumerate(ends)]
    gdf["evidence"] = [
        json.dumps([{"source_id": f"report-{k}", "publisher": "Monitor", "source_date": d, "locator": f"para {k}"}]) for k, d in enumerate(dated)
    ]
    return Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), base.style)


def test_source_dates_that_are_the_marks_end_are_read_from_the_mark(own_sources: Layer, dataset: Dataset) -> None:
    text = compact_payload([own_sources], dataset, built="x").text()
    evidence = _header(text)["evidence"]
    assert "link" in evidence
    columns = {c[0]: c for c in evidence["p"]}
    assert columns["source_date"][1] == "f"
    assert columns["source_date"][3]["from"] == [["p", "date_end", "v"]]
    want = [json.loads(e)[0]["source_date"] for e in own_sources.gdf["evidence"]]
    for got in (decode_block(text), _decode_in_node(text)):
        features = got["layers"][0]["geojson"]["features"]
        assert [got["evidence"][f["properties"]["ev"][0]]["source_date"] for f in features] == want
        assert got["evidence"] == page_data([own_sources], dataset, built="x")["evidence"]


def test_points_stored_as_morton_steps_decode_within_a_metre(layers: list[Layer], dataset: Dataset) -> None:
    """Points anywhere on the globe (and two at one place) come back from both decoders within a metre of the input, by pyproj's Geod."""
    base = _point_layer(layers)
    rng = np.random.default_rng(3)
    lon = np.concatenate([rng.uniform(-180, 180, 297), [35.5, 35.5, 179.99999]])
    lat = np.concatenate([rng.uniform(-90, 90, 297), [33.25, 33.25, -89.99999]])
    gdf = base.gdf.iloc[[k % len(base.gdf) for k in range(300)]].copy()
    gdf["id"] = [f"mark-{k}" for k in range(300)]
    gdf["geometry"] = shapely.points(np.column_stack([lon, lat]))
    layer = Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), base.style)
    text = compact_payload([layer], dataset, built="x").text()
    assert "z" in _header(text)["layers"][0]["c"]
    geod = pyproj.Geod(ellps="WGS84")
    for got in (decode_block(text), _decode_in_node(text)):
        xy = np.array([f["geometry"]["coordinates"] for f in got["layers"][0]["geojson"]["features"]])
        _, _, metres = geod.inv(lon, lat, xy[:, 0], xy[:, 1])
        assert np.abs(metres).max() < 1.0
