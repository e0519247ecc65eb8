"""A link from an untrusted message never stops the map: unknown or malformed parts are ignored.

Each hostile fragment is opened in headless Chromium; the map must start (``window.militiaMap``
set and ready), draw its features, raise no error and leave ``Object.prototype`` untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset import Dataset
from layers import Layer
from renderers.webmap import render_webmap
from renderers.webmap.screenshot import offline_page

pytestmark = pytest.mark.browser

HOSTILE_FRAGMENTS = [
    "f=sites/__proto__",
    "f=sites/constructor",
    "f=__proto__/x",
    "f=constructor/prototype",
    "f=sites/hasOwnProperty",
    "f=sites/%E0%A4%A",
    "f=%/%",
    "a=50%",
    "a=%E0%A4%A,__proto__",
    "t=%ZZ",
    "l=%",
    "l=../../x",
    "z=1e999",
    "z=-1e999&ll=0,0",
    "ll=1e999,1e999&z=5",
    "c=NaN,NaN",
    "ll=NaN,NaN&z=NaN",
    "ll=95,500&z=7",
    "s=../../x",
    "s=constructor",
    "a=constructor,toString,__proto__",
    "story=1e999",
    "story=-1",
    "story=0.5",
    "story=constructor",
    "d=9999-99-99",
    "cmp=9999-99-99,2024-12-14",
    "cmp=2024-11-27",
    "cmp=2024-11-27,2024-12-14,2025-01-01",
    "cmp=__proto__,constructor",
    "cmp=%E0%A4%A,%",
    "cmp=<img src=x onerror=alert(1)>,2024-12-14",
    "w=1e999",
    "w=-7",
    "w=constructor",
    "cmp=2024-12-14,2024-11-27&w=0.5",
    "d=<img src=x onerror=alert(1)>",
    "e=<script>alert(1)</script>",
    "__proto__=1&constructor=2&prototype=3",
    "<img src=x onerror=alert(1)>",
    "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "javascript:alert(1)",
    "=&&==&=",
    "ll=34.8,38.9&z=7&" + "a=x," * 20000,
    "x" * 100_000,
    "l=" + ",".join(["sites"] * 5000),
]

STATE = """() => ({
  ready: Boolean(window.militiaMap && window.militiaMap.ready === true),
  layers: Object.keys(window.militiaMap.layers).length,
  shown: Object.keys(window.militiaMap.layers).reduce((n, id) => n + window.militiaMap.shownIds(id).length, 0),
  drawn: document.querySelectorAll('.leaflet-overlay-pane canvas, .leaflet-marker-pane > *').length,
  zoom: window.militiaMap.map.getZoom(),
  polluted: ['index', 'inGroup', 'layer'].filter((k) => k in Object.prototype),
  injected: document.querySelectorAll('img[src="x"], [onerror]').length,
  pwned: window.__pwned === undefined ? null : String(window.__pwned)
})"""


@pytest.fixture(scope="module")
def page_path(layers: list[Layer], dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web map of the real data, alone (no GeoPackage or snapshots needed here)."""
    return render_webmap(layers, dataset, tmp_path_factory.mktemp("permalinks"))[0]


def test_hostile_permalinks_open_the_map(chromium: str, page_path: Path) -> None:
    problems: dict[str, object] = {}
    with offline_page(chromium) as view:
        page = view.page
        view.open(page_path)
        normal = page.evaluate(STATE)
        assert normal["ready"]
        assert normal["shown"] > 0
        assert normal["drawn"] > 0
        for fragment in HOSTILE_FRAGMENTS:
            page.goto("about:blank")
            view.page_errors.clear()
            view.console_errors.clear()
            page.goto(page_path.resolve().as_uri() + "#" + fragment)
            try:
                page.wait_for_function("() => Boolean(window.militiaMap && window.militiaMap.ready === true)", timeout=15_000)
            except Exception as exc:  # noqa: BLE001 - report every failing fragment at once
                problems[fragment[:60]] = f"never ready: {view.page_errors or exc}"
                continue
            state = page.evaluate(STATE)
            errors = view.page_errors + view.console_errors
            if errors or state["polluted"] or state["injected"] or state["pwned"] or state["layers"] != normal["layers"] or not state["drawn"]:
                problems[fragment[:60]] = {"errors": errors, **state}
            if state["shown"] == 0:
                problems[fragment[:60]] = f"nothing shown: {state}"
        assert view.dialogs == []
        assert view.blocked == []
    assert problems == {}


def test_a_good_link_still_restores_after_a_bad_one(chromium: str, page_path: Path) -> None:
    """Malformed parts are dropped one by one: the good parts of the same link still apply."""
    with offline_page(chromium) as view:
        page = view.page
        page.goto(page_path.resolve().as_uri() + "#ll=33.51300,36.29200&z=9&a=50%&f=sites/__proto__&s=../../x")
        page.wait_for_function("() => Boolean(window.militiaMap && window.militiaMap.ready === true)", timeout=15_000)
        centre = page.evaluate("() => { const c = militiaMap.map.getCenter(); return [c.lat, c.lng, militiaMap.map.getZoom()]; }")
        assert centre == pytest.approx([33.513, 36.292, 9], abs=1e-4)
        assert view.page_errors == []
        assert view.console_errors == []
