"""Pieces of the compact page data v5 that make it smaller, each pinned against the input layers."""

from __future__ import annotations

import base64
import gzip
import json
import struct
from typing import Any

import pytest

import geopandas as gpd

from dataset.model import Dataset
from layers import Layer
from renderers.webmap.build import compact_payload
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
