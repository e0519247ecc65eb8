"""What a zoom finds ready (issue 14 §6 redraw): made at idle before it, and exact when it is shown.

3,000 distinct synthetic points and 1,200 movement lines (plain strokes). Once the page is idle, the
pictures of the plain strokes at the zooms one step in and out are drawn; a zoom in copies its
picture, which must be the strokes drawn afresh at that zoom (up to anti-aliasing). After a move the
cluster symbols on screen are in the frame after it, those of the off-screen margin follow at idle:
then every cluster has exactly one symbol and none is left from the zoom before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.distinct import distinct_layers
from dataset import Dataset
from layers import Layer
from renderers.webmap.build import render_webmap
from renderers.webmap.screenshot import OfflinePage
from tests.browser.pages import opened_without_errors

M = "window.militiaMap"
REDRAWN = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# The dense canvas's pixels, kept in the page under `name`; returns how many are not transparent.
GRAB = """
(name) => {
  const c = document.querySelector('.leaflet-mm-dense-lines-pane canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  window[name] = d;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) { if (d[i]) { n += 1; } }
  return n;
}
"""
# Pixels of two grabs that differ by 64 or more in a channel (or -1 when their sizes differ). Two
# canvases may anti-alias an edge a little differently (the page's canvas and a picture), hence
# not 0; a copy one pixel off, from another zoom, or with lines missing or stroked in another order
# differs in thousands of pixels.
DIFFER = """
([a, b]) => {
  const x = window[a], y = window[b];
  if (x.length !== y.length) { return -1; }
  let n = 0;
  for (let i = 0; i < x.length; i += 4) {
    let d = 0;
    for (let k = 0; k < 4; k += 1) { d = Math.max(d, Math.abs(x[i + k] - y[i + k])); }
    if (d >= 64) { n += 1; }
  }
  return n;
}
"""
# Cluster symbols in the DOM against the clusters of the page's index, by position (within 1.5 px):
# on screen (`onScreen`) or everywhere: how many of each, and how many have no partner.
SYMBOLS = """
(onScreen) => {
  const m = window.militiaMap, map = m.map, size = map.getSize(), r = map.getContainer().getBoundingClientRect();
  const keep = (p) => !onScreen || (p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y);
  const dom = [...document.querySelectorAll('.leaflet-marker-pane .mm-cluster')].map((n) => {
    const b = n.getBoundingClientRect();
    return { x: b.x + b.width / 2 - r.x, y: b.y + b.height / 2 - r.y };
  }).filter(keep);
  const want = m.clusters().map((c) => map.latLngToContainerPoint([c.lat, c.lng])).filter(keep);
  const alone = (a, b) => a.filter((p) => !b.some((q) => Math.abs(p.x - q.x) <= 1.5 && Math.abs(p.y - q.y) <= 1.5)).length;
  return { dom: dom.length, want: want.length, missing: alone(want, dom), extra: alone(dom, want) };
}
"""


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory, layers: list[Layer], dataset: Dataset) -> Path:
    return render_webmap(distinct_layers(3000, 1200, 5, base=layers), dataset, tmp_path_factory.mktemp("prefetch"))[0]


@pytest.fixture
def view(chromium: str, page_path: Path) -> Iterator[OfflinePage]:
    yield from opened_without_errors(chromium, page_path)


def _idle(view: OfflinePage) -> None:
    """Wait until the page has had idle time for everything it does later (six idle slices in a row)."""
    view.page.evaluate(
        "() => new Promise((done) => { let n = 0;"
        " const step = () => { n += 1; if (n >= 6) { done(); } else { requestIdleCallback(step, { timeout: 3000 }); } };"
        " requestIdleCallback(step, { timeout: 3000 }); })"
    )


def test_a_zoom_in_copies_a_picture_drawn_before_and_it_is_exact(view: OfflinePage) -> None:
    assert view.page.evaluate(f"() => {M}.layers.movements.denseOn") is True
    _idle(view)
    zoom = view.page.evaluate(f"() => {M}.map.getZoom()")
    kept = [z for z, _, _ in view.page.evaluate(f"() => {M}.denseStats().kept")]
    assert len(kept) == 3, kept
    assert min(kept) < zoom < max(kept), "the pictures one step out and in are not drawn"
    view.page.evaluate(f"() => {{ {M}.map.setZoom({M}.map.getZoom() + 1, {{ animate: false }}); }}")
    view.page.evaluate(REDRAWN)
    stats = view.page.evaluate(f"() => {M}.denseStats()")
    assert stats["cached"] is True, "the zoom in stroked the lines instead of copying the picture"
    assert stats["lines"] > 300
    copied = view.page.evaluate(GRAB, "__copied")
    assert copied > 10000
    # The same view with the pictures dropped (a refresh restyles the lines): strokes drawn afresh.
    view.page.evaluate(f"() => {M}.refresh()")
    view.page.evaluate(REDRAWN)
    assert view.page.evaluate(f"() => {M}.denseStats().cached") is False
    fresh = view.page.evaluate(GRAB, "__fresh")
    assert abs(fresh - copied) <= copied / 400
    assert 0 <= view.page.evaluate(DIFFER, ["__copied", "__fresh"]) <= copied / 400


def _symbols_match(view: OfflinePage, on_screen: bool) -> None:
    got = view.page.evaluate(SYMBOLS, on_screen)
    where = "on screen" if on_screen else "after idle"
    assert got["missing"] == 0, f"{where}: {got['missing']} of {got['want']} clusters have no symbol"
    assert got["extra"] == 0, f"{where}: {got['extra']} symbols are left from the view before"
    assert got["dom"] == got["want"], f"{where}: symbols doubled"
    assert got["want"] >= 5


def test_after_a_move_the_symbols_on_screen_are_in_its_frame_and_the_rest_follow(view: OfflinePage) -> None:
    _idle(view)
    for move in ("setZoom(m.getZoom() + 1", "setZoom(m.getZoom() + 1", "panBy([350, 0]", "setZoom(m.getZoom() - 1"):
        view.page.evaluate(f"() => {{ const m = {M}.map; m.{move}, {{ animate: false }}); }}")
        view.page.evaluate(REDRAWN)
        _symbols_match(view, on_screen=True)
        _idle(view)
        _symbols_match(view, on_screen=False)
