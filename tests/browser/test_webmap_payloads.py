"""Hostile text in every field stays text: nothing runs, nothing loads, the map still draws.

A copy of the real layers gets a payload in every text column (and in every string of each
evidence entry), the dataset info, layer titles, legend labels and basemap names. The page is
built from them and opened with the Content-Security-Policy bypassed, so the escaping alone is
what is tested; every popup and tooltip is then opened.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from dataset import Dataset
from layers import Layer
from layers.style import ACTOR_GROUPS, DIRECTION_STYLES, STATUS_STYLES
from renderers.webmap import _legend, _payload, build, render_webmap
from renderers.webmap.screenshot import OfflinePage, offline_page

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    "</script><script>window.__pwned=1</script>",
    "${window.__pwned=1}",
    "`;window.__pwned=1;//`",
    "\\`${alert(1)}\\`",
    '\\";window.__pwned=1;//',
    "javascript:window.__pwned=1",
    '"><svg onload="window.__pwned=1">',
    '\'><iframe src="javascript:window.__pwned=1"></iframe>',
    '<a href="javascript:alert(1)">click me</a>',
    "{{ 7*7 }} {% if 1 %}jinja{% endif %}",
    "\u0627\u0644\u0645\u064a\u0644\u064a\u0634\u064a\u0627\u062a \u200f\u0645\u0646 \u0625\u064a\u0631\u0627\u0646\u200e <b>bold</b>",
    "\u202e<img src=x onerror=alert(1)>\u202c",
    "line\u2028sep\u2029alert(1)",
    "<!-- <script>window.__pwned=1</script> -->",
    "<style>body{display:none}</style>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e",
    '<details open ontoggle="window.__pwned=1">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "data:text/html,<script>alert(1)</script>",
    "<body onload=alert(1)>",
    "</textarea><img src=x onerror=alert(1)>",
    '<base href="http://evil.example/">',
    "nul\x00byte and 'single' \"double\" quotes",
]
OPEN_ALL_POPUPS = "() => { for (const [id, e] of Object.entries(militiaMap.layers)) { for (const f of e.features) { militiaMap.openPopup(id, f.id); } } }"
URL_PAYLOADS = ["javascript:window.__pwned=1", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]


def _poison(value: Any, n: int) -> Any:
    """Replace every string inside ``value`` (a JSON-like structure) with payloads."""
    if isinstance(value, str):
        return PAYLOADS[n % len(PAYLOADS)]
    if isinstance(value, list):
        return [_poison(v, n + i) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {k: _poison(v, n + i) for i, (k, v) in enumerate(value.items())}
        if "url" in out:
            out["url"] = URL_PAYLOADS[n % len(URL_PAYLOADS)]
        return out
    return value


def _poison_layer(layer: Layer, offset: int) -> Layer:
    gdf = layer.gdf.copy()
    for col in gdf.columns:
        if col == "geometry" or gdf[col].dtype != object:
            continue
        if col == "evidence":
            gdf[col] = [json.dumps(_poison(json.loads(v), offset + i)) for i, v in enumerate(gdf[col])]
        elif col == "url":
            gdf[col] = [URL_PAYLOADS[(offset + i) % len(URL_PAYLOADS)] for i in range(len(gdf))]
        else:
            gdf[col] = [PAYLOADS[(offset + i + len(col)) % len(PAYLOADS)] for i in range(len(gdf))]
    style = dataclasses.replace(
        layer.style,
        title=PAYLOADS[offset % len(PAYLOADS)] + layer.style.title,
        description=PAYLOADS[(offset + 1) % len(PAYLOADS)],
        categories={k: (PAYLOADS[(offset + i) % len(PAYLOADS)], c) for i, (k, (_, c)) in enumerate(layer.style.categories.items())},
    )
    return Layer(gdf, style)


@pytest.fixture(scope="module")
def poisoned_page(layers: list[Layer], dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web map built from layers and labels carrying a payload in every text."""
    poisoned = [_poison_layer(layer, 3 * n) for n, layer in enumerate(layers)]
    info = dataclasses.replace(dataset.info, title=PAYLOADS[2], disclaimer=PAYLOADS[0], licence=PAYLOADS[10], version=PAYLOADS[3])
    ds = dataclasses.replace(dataset, info=info)
    actor_groups = {k: (PAYLOADS[i % len(PAYLOADS)], c) for i, (k, (_, c)) in enumerate(ACTOR_GROUPS.items())}
    statuses = {k: dataclasses.replace(s, label=PAYLOADS[i + 5]) for i, (k, s) in enumerate(STATUS_STYLES.items())}
    directions = {k: dataclasses.replace(d, label=PAYLOADS[i + 8]) for i, (k, d) in enumerate(DIRECTION_STYLES.items())}
    real_basemap = build.basemap_payload
    real_controls = build.controls_payload

    def poisoned_controls(ds: Dataset, lyrs: list[Layer]) -> dict[str, Any]:
        """Every text of the controls (places, filters, stops, story, About) poisoned; links between them kept."""
        keep = {"features", "keys", "date", "min", "max", "start", "end", "id", "claim_id", "claim"}

        def walk(value: Any, n: int) -> Any:
            if isinstance(value, dict):
                return {k: (v if k in keep else walk(v, n + i)) for i, (k, v) in enumerate(value.items())}
            if isinstance(value, list):
                return [walk(v, n + i) for i, v in enumerate(value)]
            return _poison(value, n)

        return walk(real_controls(ds, lyrs), 0)

    def poisoned_basemap(places: Any = None) -> dict[str, Any]:
        base = real_basemap(places)
        for key in ("towns", "country_labels", "river_labels", "roads"):
            for i, feature in enumerate(base[key]["features"]):
                for field in ("name", "ref", "route_source"):
                    if field in feature["properties"]:
                        feature["properties"][field] = PAYLOADS[(i + len(field)) % len(PAYLOADS)]
        base["attribution"] = PAYLOADS[0] + PAYLOADS[1]
        base["credits_text"] = PAYLOADS[2] + PAYLOADS[3]
        return base

    out = tmp_path_factory.mktemp("poisoned")
    with pytest.MonkeyPatch.context() as mp:
        for module in (_legend, _payload):
            mp.setattr(module, "ACTOR_GROUPS", actor_groups)
            mp.setattr(module, "STATUS_STYLES", statuses)
            mp.setattr(module, "DIRECTION_STYLES", directions)
        mp.setattr(build, "basemap_payload", poisoned_basemap)
        mp.setattr(build, "controls_payload", poisoned_controls)
        return render_webmap(poisoned, ds, out)[0]


# Elements and attributes a payload would add if it were parsed as HTML.
INJECTED = """() => document.querySelectorAll(
  'img, iframe, base, math, style:not(head style), [onerror], [onload], [ontoggle], a[href^="javascript:"], a[href^="data:"]').length"""


def assert_inert(view: OfflinePage) -> None:
    """Nothing ran, opened a dialog, failed, reached the network or was parsed into the page."""
    assert view.page.evaluate("() => window.__pwned") is None
    assert view.dialogs == []
    assert view.page_errors == []
    assert view.console_errors == []
    assert view.blocked == [], view.blocked
    assert view.page.evaluate(INJECTED) == 0


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 20


def test_payloads_reach_the_page_only_as_escaped_data(poisoned_page: Path) -> None:
    html = poisoned_page.read_text(encoding="utf-8")
    assert "window.__pwned" in html, "the payloads are not in the page at all"
    outside_data = html.split('<script type="application/json"')[0] + html.split('<script type="application/json"')[1].split("</script>", 1)[1]
    assert "__pwned" not in outside_data.replace(html.split("<title>")[1].split("</title>")[0], "")
    assert "<title>&lt;/script&gt;&lt;script&gt;" in html


def test_no_payload_runs_and_the_map_still_draws(chromium: str, poisoned_page: Path, layers: list[Layer]) -> None:
    with offline_page(chromium, bypass_csp=True) as view:
        view.open(poisoned_page)
        page = view.page
        counts = page.evaluate("() => Object.fromEntries(Object.keys(militiaMap.layers).map((k) => [k, militiaMap.featureCount(k)]))")
        assert counts == {layer.name: len(layer.gdf) for layer in layers}
        texts = page.evaluate(
            """() => {
              const texts = [];
              for (const id of Object.keys(militiaMap.layers)) {
                for (const f of militiaMap.layers[id].features) {
                  if (militiaMap.layers[id].panel) {  // listed, not drawn: its entry in the panel is its card
                    militiaMap.openPopup(id, f.id);
                    texts.push(document.querySelector('.mm-countrywide .mm-current').textContent);
                    continue;
                  }
                  f.layer.openTooltip(f.layer.getLatLng ? f.layer.getLatLng() : f.layer.getBounds().getCenter());
                  militiaMap.openPopup(id, f.id);
                  const popup = document.querySelector('.leaflet-popup-content');
                  texts.push(popup ? popup.textContent : '');
                }
              }
              return texts;
            }"""
        )
        page.wait_for_timeout(500)
        assert_inert(view)
        html = poisoned_page.read_text(encoding="utf-8")
        assert page.evaluate("() => document.scripts.length") == html.count("<script"), "a payload added a script element"
        assert any('<img src=x onerror="window.__pwned=1">' in t for t in texts), "payloads should show as plain text"
        legend = page.inner_text(".mm-legend")
        assert "<script>window.__pwned=1</script>" in legend


def test_payloads_also_inert_with_the_page_policy_on(chromium: str, poisoned_page: Path) -> None:
    with offline_page(chromium) as view:
        view.open(poisoned_page)
        view.page.evaluate(OPEN_ALL_POPUPS)
        assert view.page.evaluate("() => window.__pwned") is None
        assert view.console_errors == []
        assert view.dialogs == []


CONTROLS_TOUR = """async () => {
  const app = window.militiaMap, root = app.map.getContainer();
  root.querySelectorAll('details').forEach((d) => { d.open = true; });
  const input = root.querySelector('.mm-search-input');
  for (const q of ['damascus', 'abu kamal', 'syria', 'a']) {
    input.value = q;
    input.dispatchEvent(new Event('input'));
    const first = root.querySelector('.mm-search-results button');
    if (first) { first.click(); }
  }
  root.querySelectorAll('.mm-place-features button').forEach((b) => b.click());
  root.querySelectorAll('.mm-stop').forEach((b) => b.click());
  const story = root.querySelector('.mm-story-start');
  if (story) { story.click(); }
  for (let i = 0; i < app.story.steps.length; i += 1) { app.story.show(i); }
  root.querySelector('.mm-about-open').click();
  root.querySelector('.mm-link-button').click();
  await new Promise((r) => setTimeout(r, 300));
  return root.querySelector('.mm-modal').textContent + root.querySelector('.mm-filters').textContent + root.querySelector('.mm-time').textContent;
}"""


def test_control_texts_stay_text(chromium: str, poisoned_page: Path) -> None:
    """Search results, place cards, filters, quick stops, story steps and the About panel show payloads as text."""
    with offline_page(chromium, bypass_csp=True) as view:
        view.open(poisoned_page)
        text = view.page.evaluate(CONTROLS_TOUR)
        view.page.wait_for_timeout(300)
        assert_inert(view)
        assert "<script>window.__pwned=1</script>" in text, "payloads should show as plain text"
