"""The compact page (issue 14 §4) decoded in Chromium: same features as dist/layers/*.geojson, to 1e-5 deg."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.distinct import distinct_layers, with_places
from dataset import Dataset
from layers import Layer
from renderers.webmap.build import page_data, render_webmap
from renderers.webmap.screenshot import offline_page
from tests.webmap_data import page_data as decoded_page

FEATURES = """
() => Object.fromEntries(Object.entries(window.militiaMap.layers).map(([id, entry]) => [id,
  entry.features.map((f) => ({ id: String(f.id), geometry: f.feature.geometry, properties: f.properties }))]))
"""


def _flat(coords: Any) -> list[float]:
    if isinstance(coords, (int, float)):
        return [float(coords)]
    return [v for c in coords for v in _flat(c)]


@pytest.fixture(scope="module")
def compact_page(tmp_path_factory: pytest.TempPathFactory, layers: list[Layer], dataset: Dataset) -> Path:
    out = tmp_path_factory.mktemp("compact")
    return render_webmap(layers, dataset, out)[0]  # compact is the default


def test_compact_page_holds_the_geojson_features(chromium: str, compact_page: Path, built_dist: Path) -> None:
    html = compact_page.read_text(encoding="utf-8")
    assert "DecompressionStream" in html
    with offline_page(chromium) as view:
        view.open(compact_page)
        drawn = view.page.evaluate(FEATURES)
        assert view.page_errors == []
        assert view.console_errors == []
    checked = 0
    for layer_id, features in drawn.items():
        path = built_dist / "layers" / f"{layer_id}.geojson"
        if not path.exists():
            continue
        files = {str(f["properties"]["id"]): f for f in json.loads(path.read_text(encoding="utf-8"))["features"]}
        assert {f["id"] for f in features} == set(files), layer_id
        for feature in features:
            want = files[feature["id"]]
            if feature["geometry"] is None or want["geometry"]["type"] != "Point":
                continue
            got_xy, want_xy = _flat(feature["geometry"]["coordinates"]), _flat(want["geometry"]["coordinates"])
            assert max(abs(a - b) for a, b in zip(got_xy, want_xy, strict=True)) <= 1e-5, feature["id"]
            assert feature["properties"]["name"] == want["properties"]["name"]
            checked += 1
    assert checked > 0


LAZY = """
() => { const d = window.militiaMap.data, kind = (o, k) => (Object.getOwnPropertyDescriptor(o, k).get ? 'getter' : 'value');
  return [kind(d, 'export'), kind(d.controls, 'places')]; }
"""


def test_generated_places_are_searched_with_keys_made_in_the_page(chromium: str, tmp_path: Path, layers: list[Layer], dataset: Dataset) -> None:
    """Generated places (a records table, keys made by the page's normalizeName): undecoded at start, found by a search, equal to page_data when read."""
    gen = distinct_layers(600, 150, seed=2, base=layers)
    ds = with_places(dataset, gen)
    want = page_data(gen, ds, built="x")
    page = render_webmap(gen, ds, tmp_path)[0]
    target = next(p for p in want["controls"]["places"] if p["id"].startswith("syn-") and p["features"])
    with offline_page(chromium) as view:
        view.open(page)
        assert view.page.evaluate(LAZY) == ["getter", "getter"]  # nothing read them before the first frame
        found = view.page.evaluate("(q) => window.militiaMap.search(q)", target["name"].upper())
        assert target["id"] in found
        places = view.page.evaluate("() => window.militiaMap.data.controls.places")
        rows = view.page.evaluate("() => window.militiaMap.data.export.rows")
        assert view.page.evaluate(LAZY) == ["value", "value"]
        assert view.page_errors == []
        assert view.console_errors == []
    assert places == want["controls"]["places"]
    assert len(rows) == len(want["export"]["rows"])


# Every cell as the page's own code reads it (a property read on the feature's properties or the
# evidence record), in a scrambled key order so a cell is read before the cells its text is joined
# from; an absent key reads as the marker ABSENT. Then the JSON of the same objects.
READ_CELLS = """
(keys) => {
  const m = window.militiaMap, d = m.data, lazy = Object.getOwnPropertyDescriptor(d, 'evidence').get ? 'getter' : 'value';
  const read = (o, ks) => Object.fromEntries(ks.map((k) => [k, o[k] === undefined ? 'ABSENT' : o[k]]));
  const scrambled = (ks) => ks.map((k, i) => [((i * 7919) % 13) - i / 1000, k]).sort((a, b) => a[0] - b[0]).map((p) => p[1]);
  const layers = Object.fromEntries(d.layers.map((spec) => [spec.id,
    spec.geojson.features.map((f) => read(f.properties, scrambled(keys.layers[spec.id] || [])))]));
  const props = d.layers.flatMap((spec) => spec.geojson.features.map((f) => f.properties));
  const sample = props[0] || {};
  const written = Reflect.set(sample, 'id', 'changed');  // false: what a strict-mode write throws a TypeError for
  return {
    lazy, layers,
    evidence: d.evidence.map((e) => read(e, scrambled(keys.evidence))),
    json: JSON.parse(JSON.stringify({ layers: d.layers.map((s) => s.geojson.features.map((f) => f.properties)), evidence: d.evidence })),
    own_keys: [...new Set(props.map((p) => Object.keys(p).length))],
    written, id_after: sample.id,
  };
}
"""


def test_every_cell_the_page_reads_equals_the_python_decoder(chromium: str, tmp_path: Path, layers: list[Layer], dataset: Dataset) -> None:
    """Properties and evidence records as the page reads them (views over the columns) equal tests/webmap_data.py's, cell by cell and as JSON."""
    gen = distinct_layers(400, 120, seed=3, base=layers)
    page = render_webmap(gen, with_places(dataset, gen), tmp_path)[0]
    want = decoded_page(page.read_text(encoding="utf-8"))
    absent = "ABSENT"
    layer_keys = {spec["id"]: sorted({k for f in spec["geojson"]["features"] for k in f["properties"]}) for spec in want["layers"]}
    evidence_keys = sorted({k for e in want["evidence"] for k in e})
    with offline_page(chromium) as view:
        view.open(page)
        got = view.page.evaluate(READ_CELLS, {"layers": layer_keys, "evidence": evidence_keys})
        assert view.page_errors == []
        assert view.console_errors == []
    assert got["lazy"] == "getter"  # the evidence records were not made before the first frame
    kinds = set()
    for spec in want["layers"]:
        features = spec["geojson"]["features"]
        assert len(got["layers"][spec["id"]]) == len(features)
        for read, feature in zip(got["layers"][spec["id"]], features, strict=True):
            assert read == {k: feature["properties"].get(k, absent) for k in layer_keys[spec["id"]]}
            kinds.update(type(v).__name__ for v in feature["properties"].values())
    assert {"str", "list", "int", "float", "NoneType"} <= kinds  # the data exercise texts, lists, numbers and nulls
    assert sum(len(spec["geojson"]["features"]) for spec in want["layers"]) > 500
    assert got["evidence"] == [{k: e.get(k, absent) for k in evidence_keys} for e in want["evidence"]]
    assert got["json"] == {"layers": [[f["properties"] for f in spec["geojson"]["features"]] for spec in want["layers"]], "evidence": want["evidence"]}
    assert got["own_keys"] == [0]  # views: no own keys, everything read through the shared prototype
    assert got["written"] is False  # a write into a feature's properties fails (loudly in the page's strict mode), the value stays
    first = next(spec["geojson"]["features"][0] for spec in want["layers"] if spec["geojson"]["features"])
    assert got["id_after"] == first["properties"]["id"]
