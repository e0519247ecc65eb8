"""Compact page data v5 (issue 14 §4): the columnar encoder, the JS decoder and the test decoder give back page_data."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import re
import shutil
import struct
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import geopandas as gpd
import shapely

from dataset.model import Dataset
from layers import Layer
from renderers.webmap import _compact
from renderers.webmap._compact import SCALE, json_pieces, morton
from renderers.webmap.build import compact_payload, page_data
from tests.webmap_data import _planes, decode_block

DECODER = Path(__file__).resolve().parents[2] / "renderers" / "webmap" / "static" / "decode.js"
HOSTILE = [
    "</script><script>alert(1)</script>",
    "<!--",
    "\u2028\u2029",
    "'\"`${x}`\\",
    "\U0001f600 \u0627\u0644\u062d\u0634\u062f",  # emoji and Arabic
    "\x00\x1f",
    "@@militia-map-data@@",
    '["not", "a list"',
]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JS decoder cannot be run")
    return node


def _decode_in_node(packed: str) -> dict[str, Any]:
    script = (
        f"const d = require({json.dumps(str(DECODER))});"
        "let s = ''; process.stdin.on('data', c => s += c);"
        "process.stdin.on('end', () => d.unpack(s.trim()).then(x => process.stdout.write(JSON.stringify(x))));"
    )
    done = subprocess.run([_node(), "-e", script], input=packed, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _flat(coords: Any) -> list[float]:
    if isinstance(coords, (int, float)):
        return [float(coords)]
    return [v for c in coords for v in _flat(c)]


def _same_page(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Assert the decoded page data is ``want``: every value equal, features in order, positions within 1e-5 deg."""
    assert {k: v for k, v in got.items() if k != "layers"} == {k: v for k, v in want.items() if k != "layers"}
    assert [layer["id"] for layer in got["layers"]] == [layer["id"] for layer in want["layers"]]
    for a, b in zip(got["layers"], want["layers"], strict=True):
        assert {k: v for k, v in a.items() if k != "geojson"} == {k: v for k, v in b.items() if k != "geojson"}
        assert len(a["geojson"]["features"]) == len(b["geojson"]["features"]), b["id"]
        for fa, fb in zip(a["geojson"]["features"], b["geojson"]["features"], strict=True):
            assert fa["properties"] == fb["properties"], (b["id"], fb["properties"].get("id"))
            assert [type(fa["properties"][k]) for k in fb["properties"]] == [type(v) for v in fb["properties"].values()] or got is not want
            if fb["geometry"] is None:
                assert fa["geometry"] is None
                continue
            assert fa["geometry"]["type"] == fb["geometry"]["type"]
            x, y = _flat(fa["geometry"]["coordinates"]), _flat(fb["geometry"]["coordinates"])
            assert len(x) == len(y)
            assert max((abs(p - q) for p, q in zip(x, y, strict=True)), default=0.0) <= 1.0001e-5


@pytest.fixture(scope="module")
def packed(layers: list[Layer], dataset: Dataset) -> str:
    return compact_payload(layers, dataset, built="2026-01-01").text()


@pytest.fixture(scope="module")
def plain(layers: list[Layer], dataset: Dataset) -> dict[str, Any]:
    return page_data(layers, dataset, built="2026-01-01")


def test_morton_interleaves_bits() -> None:
    assert int(morton(0b11, 0)) == 0b0101
    assert int(morton(0, 0b11)) == 0b1010
    assert int(morton(1, 1)) == 3
    xs, ys = np.array([0, 5, 2**26 - 1]), np.array([7, 0, 2**26 - 1])
    by_loop = [sum(((x >> b) & 1) << (2 * b) | ((y >> b) & 1) << (2 * b + 1) for b in range(32)) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    assert morton(xs, ys).tolist() == by_loop


def test_python_decoder_gives_the_page_data(packed: str, plain: dict[str, Any]) -> None:
    _same_page(decode_block(packed), plain)


def test_js_decoder_gives_the_page_data(packed: str, plain: dict[str, Any]) -> None:
    _same_page(_decode_in_node(packed), plain)


def test_js_and_python_decoders_agree_exactly(packed: str) -> None:
    assert _decode_in_node(packed) == decode_block(packed)


def test_geojson_files_match_the_decoded_points_to_a_metre(packed: str, built_dist: Path) -> None:
    """Points decoded from the compact data sit within 1e-5 deg of dist/layers/*.geojson."""
    checked = 0
    for layer in _decode_in_node(packed)["layers"]:
        path = built_dist / "layers" / f"{layer['id']}.geojson"
        if layer["geometry"] != "point" or not path.exists():
            continue
        files = {str(f["properties"]["id"]): f["geometry"]["coordinates"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]}
        for feature in layer["geojson"]["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            fid = str(feature["properties"]["id"])
            assert abs(lon - files[fid][0]) <= 1e-5, fid
            assert abs(lat - files[fid][1]) <= 1e-5, fid
            checked += 1
    assert checked > 0


def _point_layer(layers: list[Layer]) -> Layer:
    return next(layer for layer in layers if layer.style.geometry == "point" and not layer.style.panel and len(layer.gdf) >= len(HOSTILE))


def test_hostile_strings_survive_byte_exact(layers: list[Layer], dataset: Dataset) -> None:
    base = _point_layer(layers)
    gdf = base.gdf.iloc[: len(HOSTILE)].copy()
    gdf["name"] = HOSTILE
    gdf["actors"] = [json.dumps([text, "a"]) if n % 2 else text for n, text in enumerate(HOSTILE)]
    hostile = [Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), base.style)]
    text = compact_payload(hostile, dataset, built=HOSTILE[0]).text()
    want = page_data(hostile, dataset, built=HOSTILE[0])
    for got in (decode_block(text), _decode_in_node(text)):
        _same_page(got, want)
        names = [f["properties"]["name"] for f in got["layers"][0]["geojson"]["features"]]
        assert names == HOSTILE
        assert got["meta"]["built"] == HOSTILE[0]


def test_packed_block_is_plain_base64_and_streams_in_pieces(layers: list[Layer], dataset: Dataset) -> None:
    payload = compact_payload(layers, dataset, built="x")
    chunks = list(payload.base64_chunks())
    text = "".join(chunks)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    assert all(len(c) % 4 == 0 for c in chunks)  # each piece is whole base64 of a multiple of 3 bytes
    assert "=" not in "".join(chunks[:-1])
    raw = gzip.decompress(base64.b64decode(text, validate=True))
    assert raw == gzip.decompress(b"".join(payload.gzip_chunks()))
    (head_len,) = struct.unpack_from("<I", raw, 0)
    assert json.loads(raw[4 : 4 + head_len])["v"] == 5
    assert head_len % 4 == 0


def test_coordinates_are_integer_deltas_in_morton_order(layers: list[Layer], dataset: Dataset) -> None:
    base = _point_layer(layers)
    gdf = base.gdf.iloc[:3].copy()
    gdf["geometry"] = shapely.points([[40.0, 36.0], [36.0, 33.0], [36.00001, 33.00001]])
    text = compact_payload([Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), base.style)], dataset, built="x").text()
    raw = gzip.decompress(base64.b64decode(text))
    (h,) = struct.unpack_from("<I", raw, 0)
    (s,) = struct.unpack_from("<I", raw, 4 + h)
    header = json.loads(raw[4 : 4 + h])
    ints = _planes(raw[12 + h + s :], header["ints"])
    layer = header["layers"][0]

    def interleaved(x: int, y: int) -> int:  # x in the even bits, y in the odd ones, bit by bit
        return sum(((x >> b) & 1) << (2 * b) | ((y >> b) & 1) << (2 * b + 1) for b in range(32))

    # a layer of points alone: Morton codes (of x + 180 deg, y + 90 deg in 1e-5 deg) as steps, low 24 bits and the rest;
    # the two near points come first and one metre apart, then the far one
    codes = [interleaved(x + 180 * SCALE, y + 90 * SCALE) for x, y in ((36 * SCALE, 33 * SCALE), (36 * SCALE + 1, 33 * SCALE + 1), (40 * SCALE, 36 * SCALE))]
    steps = [b - a for a, b in zip([0, *codes], codes, strict=False)]
    assert steps[1] == 3  # one unit each way: the two lowest bits
    low, high = layer["c"]["z"]
    assert list(ints[low[0] : sum(low)]) == [v & 0xFFFFFF for v in steps]
    assert list(ints[high[0] : sum(high)]) == [v >> 24 for v in steps]
    assert list(ints[layer["o"][0] : sum(layer["o"])]) == [1, 2, 0]
    assert [f["geometry"]["coordinates"] for f in decode_block(text)["layers"][0]["geojson"]["features"]] == [[40.0, 36.0], [36.0, 33.0], [36.00001, 33.00001]]


def test_repeated_values_are_stored_once(layers: list[Layer], dataset: Dataset) -> None:
    """A claim's quote-bearing evidence, actors and names repeat over its marks: the document holds each text once."""
    text = compact_payload(layers, dataset, built="x").text()
    raw = gzip.decompress(base64.b64decode(text))
    (h,) = struct.unpack_from("<I", raw, 0)
    (s,) = struct.unpack_from("<I", raw, 4 + h)
    strings = json.loads(raw[8 + h : 8 + h + s])
    assert len(strings) == len(set(strings))
    names = [layer.gdf["name"] for layer in layers if "name" in layer.gdf.columns and len(layer.gdf)]
    repeated = max(names, key=lambda col: len(col) - col.nunique())
    assert len(repeated) > repeated.nunique()  # the real data repeat names across marks
    assert set(repeated.dropna()) <= set(strings)


def test_integers_beyond_32_bits_and_mixed_types_round_trip(layers: list[Layer], dataset: Dataset) -> None:
    """Integers that do not fit the int32 buffers go as JSON values; 1, 1.0 and True in one object column stay apart."""
    base = _point_layer(layers)
    gdf = base.gdf.iloc[:3].copy()
    gdf["big"] = [1, 2**40, -(2**40)]
    gdf["mixed"] = np.array([1, 1.0, True], dtype=object)
    one = [Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), replace(base.style))]
    text = compact_payload(one, dataset, built="x").text()
    for got in (decode_block(text), _decode_in_node(text)):
        props = [f["properties"] for f in got["layers"][0]["geojson"]["features"]]
        assert [p["big"] for p in props] == [1, 2**40, -(2**40)]
        assert [type(p["mixed"]) for p in props] in ([int, float, bool], [int, int, bool])  # JSON has one number type
        assert props[2]["mixed"] is True


@pytest.mark.parametrize("batch", [1, 2, 3, 50])
def test_header_pieces_join_to_the_one_string_json(batch: int) -> None:
    """The header is written in pieces (lists in batches, dicts item by item) that join to exactly json.dumps' text."""
    value = {
        "v": 3, "t": "é<\u2028", "n": None, "f": [1.5, -0.0, True, False],
        "big": [[i, str(i)] for i in range(7)], "nest": [{"a": list(range(9)), "b": {}}, [[1] * 5], [], {"c": [{"d": "e"}]}],
        "odd": {1: "a non-text key: the dict goes whole"},
    }  # fmt: skip
    want = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    pieces = list(json_pieces(value, batch))
    assert b"".join(pieces) == want
    if batch < 7:
        assert max(len(p) for p in pieces) < len(want) // 2, "a long list should not be written as one piece"
    with pytest.raises(ValueError, match="JSON compliant"):
        list(json_pieces({"x": [float("nan")]}, batch))


def _document(text: str) -> tuple[dict[str, Any], list[str]]:
    raw = gzip.decompress(base64.b64decode(text))
    (h,) = struct.unpack_from("<I", raw, 0)
    (s,) = struct.unpack_from("<I", raw, 4 + h)
    return json.loads(raw[4 : 4 + h]), json.loads(raw[8 + h : 8 + h + s])


def test_text_built_from_other_columns_is_stored_as_templates(layers: list[Layer], dataset: Dataset) -> None:
    """A text column made of the row's other values goes as templates (no copy of each text), and decodes byte-exact."""
    base = _point_layer(layers)
    n = 400
    gdf = base.gdf.iloc[np.arange(n) % len(base.gdf)].reset_index(drop=True).copy()
    places = [f"Place {HOSTILE[i % len(HOSTILE)]} {i}" for i in range(n)]
    gdf["id"] = [f"t-{i:03d}" if i % 5 else f"t-{i}" for i in range(n)]  # zero-padded or not
    gdf.loc[9, "id"] = "no number"
    gdf["place_names"] = places
    gdf["actors_label"] = [["Group A", "Group <b>", "Group \u2028"][i % 3] for i in range(n)]
    gdf["name"] = [f"{gdf['actors_label'][i]}: seen at {places[i]}, again {places[i]}" for i in range(n)]
    gdf.loc[5, "name"] = None
    gdf.loc[6, "name"] = "a curated summary that names no column"
    gdf.loc[7, "name"] = places[7]  # the whole text is one column's value
    gdf["coord_source"] = [f"{p}: synthetic position" for p in places]
    starts = [dt.date(1999, 12, 25) + dt.timedelta(days=3 * i) for i in range(n)]  # across 2000-02-29 and years
    gdf["date_start"] = [d.isoformat() for d in starts]
    gdf["date_end"] = [(d + dt.timedelta(days=30 * (i % 3))).isoformat() for i, d in enumerate(starts)]
    gdf["independent_works"] = [json.dumps([f"Monitor {i % 4} ({gdf['date_end'][i]})"] + ([HOSTILE[i % len(HOSTILE)]] if i % 7 == 0 else [])) for i in range(n)]
    entry = json.loads(base.gdf["evidence"].dropna().iloc[0])[0]
    gdf["evidence"] = [json.dumps([{**entry, "locator": f"para {i}"}]) for i in range(n)]  # one distinct entry a row
    one = [Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), base.style)]
    text = compact_payload(one, dataset, built="x").text()
    want = page_data(one, dataset, built="x")
    header, strings = _document(text)
    kinds = {c[0]: c[1] for c in header["layers"][0]["p"]}
    extras = {c[0]: c[3] for c in header["layers"][0]["p"]}
    keys = [c[0] for c in header["layers"][0]["p"]]
    assert kinds["date_start"] == "D"
    assert extras["date_start"] is None
    assert (kinds["date_end"], extras["date_end"]) == ("D", keys.index("date_start"))  # days after the start
    assert kinds["independent_works"] == "m"
    assert kinds["ev"] == "r"
    assert not any(re.fullmatch(r"Monitor \d \(\d{4}-\d\d-\d\d\)", s) for s in strings)  # items are templates
    assert kinds["name"] == "t"
    assert kinds["coord_source"] == "t"
    assert kinds["place_names"] == "p"  # a prefix (8 forms) and a number
    assert kinds["id"] == "p"
    assert not any(s.endswith(": synthetic position") and s.startswith("Place") for s in strings)
    assert sum("seen at" in s for s in strings) <= 3  # one literal piece per template, not one per row
    for got in (decode_block(text), _decode_in_node(text)):
        _same_page(got, want)
        names = [f["properties"]["name"] for f in got["layers"][0]["geojson"]["features"]]
        assert names == [f["properties"]["name"] for f in want["layers"][0]["geojson"]["features"]]
        assert names[5] is None
        assert names[6] == "a curated summary that names no column"


def test_place_search_records_go_by_column_and_decode_to_the_same_places(
    layers: list[Layer], dataset: Dataset, plain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """From _PLACES_TABLE_MIN_ROWS places on, the place search is a records table (codes into the one string table), not a JSON copy."""
    want = plain["controls"]["places"]
    assert 10 < len(want) < _compact._PLACES_TABLE_MIN_ROWS  # the real gazetteer: stays JSON (smaller so)
    header, _ = _document(compact_payload(layers, dataset, built="2026-01-01").text())
    assert "places" not in header
    assert header["rest"]["controls"]["places"] == want
    monkeypatch.setattr(_compact, "_PLACES_TABLE_MIN_ROWS", len(want))
    packed = compact_payload(layers, dataset, built="2026-01-01").text()
    header, strings = _document(packed)
    assert header["rest"]["controls"]["places"] == []
    assert header["places"]["n"] == len(want)
    assert {column[0] for column in header["places"]["p"]} == {key for place in want for key in place}
    assert want[0]["coord_source"] in strings  # its texts are in the string table, stored once
    for got in (decode_block(packed), _decode_in_node(packed)):
        assert got["controls"]["places"] == want
        assert {k: v for k, v in got["controls"].items() if k != "places"} == {k: v for k, v in plain["controls"].items() if k != "places"}
