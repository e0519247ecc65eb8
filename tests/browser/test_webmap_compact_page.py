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
