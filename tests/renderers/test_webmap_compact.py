"""Compact page data (issue 14 §4): the Python encoder and the JS decoder give back the page data."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dataset.model import Dataset
from layers import Layer
from renderers.webmap._compact import SCALE, encode, morton, pack
from renderers.webmap.build import page_data

DECODER = Path(__file__).resolve().parents[2] / "renderers" / "webmap" / "static" / "decode.js"
HOSTILE = [
    "</script><script>alert(1)</script>",
    "<!--",
    "\u2028\u2029",
    "'\"`${x}`\\",
    "\U0001f600 \u0627\u0644\u062d\u0634\u062f",  # emoji and Arabic
    "\x00\x1f",
    "@@militia-map-data@@",
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


def _by_id(layer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(f["properties"].get("id")): f for f in layer["geojson"]["features"]}


def _flat(coords: Any) -> list[float]:
    if isinstance(coords, (int, float)):
        return [float(coords)]
    return [v for c in coords for v in _flat(c)]


def test_morton_interleaves_bits() -> None:
    assert morton(0b11, 0) == 0b0101
    assert morton(0, 0b11) == 0b1010
    assert morton(1, 1) == 3


def test_round_trip_python_to_js_gives_the_page_data(layers: list[Layer], dataset: Dataset) -> None:
    data = page_data(layers, dataset, built="2026-01-01")
    decoded = _decode_in_node(pack(data))
    assert {k: v for k, v in decoded.items() if k != "layers"} == {k: v for k, v in data.items() if k != "layers"}
    assert [layer["id"] for layer in decoded["layers"]] == [layer["id"] for layer in data["layers"]]
    for got, want in zip(decoded["layers"], data["layers"], strict=True):
        assert {k: v for k, v in got.items() if k != "geojson"} == {k: v for k, v in want.items() if k != "geojson"}
        got_f, want_f = _by_id(got), _by_id(want)
        assert got_f.keys() == want_f.keys()
        for fid, feature in want_f.items():
            assert got_f[fid]["properties"] == feature["properties"], (want["id"], fid)
            if feature["geometry"] is None:
                assert got_f[fid]["geometry"] is None
                continue
            assert got_f[fid]["geometry"]["type"] == feature["geometry"]["type"]
            a, b = _flat(got_f[fid]["geometry"]["coordinates"]), _flat(feature["geometry"]["coordinates"])
            assert len(a) == len(b)
            assert max((abs(x - y) for x, y in zip(a, b, strict=True)), default=0.0) <= 1e-5


def test_geojson_files_match_the_decoded_points_to_a_metre(layers: list[Layer], dataset: Dataset, built_dist: Path) -> None:
    """Points decoded from the compact data sit within 1e-5 deg of dist/layers/*.geojson."""
    decoded = _decode_in_node(pack(page_data(layers, dataset, built="2026-01-01")))
    checked = 0
    for layer in decoded["layers"]:
        path = built_dist / "layers" / f"{layer['id']}.geojson"
        if layer["geometry"] != "point" or not path.exists():
            continue
        files = {str(f["properties"]["id"]): f["geometry"]["coordinates"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]}
        for fid, feature in _by_id(layer).items():
            lon, lat = feature["geometry"]["coordinates"]
            assert abs(lon - files[fid][0]) <= 1e-5, fid
            assert abs(lat - files[fid][1]) <= 1e-5, fid
            checked += 1
    assert checked > 0


def test_hostile_strings_survive_byte_exact() -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [36.0 + i / 10, 34.0]},
            "properties": {"id": f"x{i}", "name": text, "tags": [text, "a"]},
        }
        for i, text in enumerate(HOSTILE)
    ]
    data = {"meta": {"title": HOSTILE[0]}, "layers": [{"id": "l", "geojson": {"type": "FeatureCollection", "features": features}}]}
    decoded = _decode_in_node(pack(data))
    assert decoded["meta"] == data["meta"]
    names = {f["properties"]["id"]: (f["properties"]["name"], f["properties"]["tags"]) for f in decoded["layers"][0]["geojson"]["features"]}
    assert names == {f"x{i}": (text, [text, "a"]) for i, text in enumerate(HOSTILE)}


def test_packed_block_is_plain_base64_not_script() -> None:
    data = {
        "layers": [
            {"id": "l", "geojson": {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {"name": HOSTILE[0]}}]}}
        ]
    }
    packed = pack(data)
    assert set(packed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    assert HOSTILE[0] in gzip.decompress(base64.b64decode(packed)).decode("utf-8")


def test_coordinates_are_integer_deltas_in_morton_order() -> None:
    pts = [[40.0, 36.0], [36.0, 33.0], [36.00001, 33.00001]]
    data = {
        "layers": [
            {
                "id": "l",
                "geojson": {
                    "type": "FeatureCollection",
                    "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": p}, "properties": {"id": str(i)}} for i, p in enumerate(pts)],
                },
            }
        ]
    }
    layer = encode(data)["layers"][0]
    assert all(isinstance(v, int) for v in layer["c"])
    # the two near points come first and one metre apart: a delta of one unit each way
    assert layer["c"][:4] == [36 * SCALE, 33 * SCALE, 1, 1]


def _claim_layers() -> dict[str, Any]:
    def feature(fid: str, cid: str | None, lon: float, **extra: Any) -> dict[str, Any]:
        props = {"id": fid, "evidence": [{"quote": f"quote of {cid}", "n": 1}], "status": "reported", **extra}
        if cid is not None:
            props["claim_id"] = cid
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, 34.0]}, "properties": props}

    ring = [feature("r1", "c1", 36.0, radius_km=5.0), feature("r2", "c2", 37.0, radius_km=9.0)]
    points = [feature("p1", "c1", 36.0, radius_km=1.0), feature("p2", "c2", 37.0, radius_km=9.0), feature("p3", None, 38.0)]
    return {"layers": [{"id": "rings", "geojson": {"type": "FeatureCollection", "features": ring}},
                       {"id": "points", "geojson": {"type": "FeatureCollection", "features": points}}]}  # fmt: skip


def test_per_claim_values_are_stored_once_per_claim() -> None:
    doc = encode(_claim_layers())
    claim_keys = [column[0] for column in doc["claims"]["p"]]
    assert "evidence" in claim_keys
    assert "status" in claim_keys
    assert "id" not in claim_keys  # always a mark's own
    assert len(doc["claims"]["ids"]) == 2
    by_layer = {layer["spec"]["id"]: {column[0]: column for column in layer["p"]} for layer in doc["layers"]}
    # the rings are the claims' first marks: nothing but their ids is stored per mark
    assert set(by_layer["rings"]) == {"id", "claim_id"}
    # the points: c1's radius differs from its ring's (stored), c2's is the same (inherited, -3 / [2]);
    # the point without a claim keeps its own evidence and status
    radius = by_layer["points"]["radius_km"]
    assert sorted(map(str, radius[2])) == sorted(map(str, [[1, 1.0], [2], [0]]))
    evidence = by_layer["points"]["evidence"]
    assert sum(1 for v in evidence[2] if v == [2]) == 2


def test_per_claim_table_round_trips_and_marks_do_not_share_objects() -> None:
    data = _claim_layers()
    decoded = _decode_in_node(pack(data))
    for got, want in zip(decoded["layers"], data["layers"], strict=True):
        assert [f["properties"] for f in got["geojson"]["features"]] == sorted(
            (f["properties"] for f in want["geojson"]["features"]), key=lambda p: [f["properties"]["id"] for f in got["geojson"]["features"]].index(p["id"])
        )


def test_real_page_stores_each_claims_evidence_once(layers: list[Layer], dataset: Dataset) -> None:
    data = page_data(layers, dataset, built="2026-01-01")
    doc = encode(data)
    assert "ev" in [column[0] for column in doc["claims"]["p"]]  # the page's evidence list
    claim_ids = {f["properties"]["claim_id"] for layer in data["layers"] for f in layer["geojson"]["features"] if "claim_id" in f["properties"]}
    assert len(doc["claims"]["ids"]) == len(claim_ids)
    marks = sum(1 for layer in data["layers"] for f in layer["geojson"]["features"] if "claim_id" in f["properties"])
    assert marks > len(claim_ids)  # real claims draw more than one mark, so the table saves repeats
