"""A zoom whose lines have no picture yet (issue 14 §6, the first zoom after the load).

9,000 movement lines drawn as plain strokes: more vertices than DENSE_PREVIEW_VERTICES, so the
zoom's frame shows the last drawing scaled (militiaMap.settled() false) and the exact strokes follow
in a task of their own. Once settled the canvas must be the strokes drawn afresh at that zoom;
below the threshold a zoom strokes its lines in its own frame as before.
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
from tests.browser.test_webmap_prefetch import DIFFER, GRAB, REDRAWN, _idle

M = "window.militiaMap"
# GRAB, but only the part of the canvas on screen (its margin is blanked): what the user sees.
GRAB_VIEW = """
(name) => {
  const c = document.querySelector('.leaflet-mm-dense-lines-pane canvas');
  const box = c.getBoundingClientRect(), view = window.militiaMap.map.getContainer().getBoundingClientRect(), k = c.width / box.width;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let y = 0; y < c.height; y += 1) {
    const sy = box.top + y / k, inY = sy >= view.top && sy < view.bottom;
    for (let x = 0; x < c.width; x += 1) {
      const sx = box.left + x / k, i = 4 * (y * c.width + x);
      if (!inY || sx < view.left || sx >= view.right) { d[i] = d[i + 1] = d[i + 2] = d[i + 3] = 0; } else if (d[i + 3]) { n += 1; }
    }
  }
  window[name] = d;
  return n;
}
"""
# The share of grab b's drawn pixels that are drawn in grab a too.
COVERED = """
([a, b]) => {
  const x = window[a], y = window[b];
  let both = 0, n = 0;
  for (let i = 3; i < y.length; i += 4) { if (y[i]) { n += 1; if (x[i]) { both += 1; } } }
  return n ? both / n : 0;
}
"""
# Drop the pictures (a refresh restyles the lines and strokes them), then zoom in at once: no idle time between.
ZOOM_NOW = f"""
() => {{
  const m = {M};
  m.refresh();
  const before = m.denseStats();
  m.map.setZoom(m.map.getZoom() + 1, {{ animate: false }});
  return {{ before: before, after: m.denseStats(), settled: m.settled() }};
}}
"""
# Resolves once the page says its picture is exact, then two more frames.
SETTLED = f"""
() => new Promise((done) => {{
  let frames = 0;
  const step = () => {{
    frames += 1;
    if ({M}.settled()) {{ requestAnimationFrame(() => requestAnimationFrame(() => done(frames))); }} else {{ requestAnimationFrame(step); }}
  }};
  requestAnimationFrame(step);
}})
"""


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory, layers: list[Layer], dataset: Dataset) -> Path:
    return render_webmap(distinct_layers(3000, 9000, 7, base=layers), dataset, tmp_path_factory.mktemp("first_zoom"))[0]


@pytest.fixture
def view(chromium: str, page_path: Path) -> Iterator[OfflinePage]:
    yield from opened_without_errors(chromium, page_path)


def test_a_zoom_without_a_picture_shows_a_scaled_copy_then_the_exact_strokes(view: OfflinePage) -> None:
    assert view.page.evaluate(f"() => {M}.layers.movements.denseOn") is True
    got = view.page.evaluate(ZOOM_NOW)
    assert got["before"]["vertices"] > 20000, got["before"]
    assert got["after"]["preview"] is True, got["after"]
    assert got["settled"] is False
    preview = view.page.evaluate(GRAB, "__preview")
    assert preview > 10000, "the preview is blank"
    assert view.page.evaluate(SETTLED) >= 1
    stats = view.page.evaluate(f"() => {M}.denseStats()")
    assert stats["preview"] is False
    assert stats["vertices"] > 0
    # On screen the exact strokes (the margin may still hold the preview); once idle, the whole canvas.
    exact = view.page.evaluate(GRAB_VIEW, "__exact")
    _idle(view)
    whole = view.page.evaluate(GRAB, "__whole")
    # The same view drawn afresh (a refresh drops the pictures and strokes the lines in its call).
    view.page.evaluate(f"() => {M}.refresh()")
    view.page.evaluate(REDRAWN)
    assert view.page.evaluate(f"() => {M}.denseStats().preview") is False
    fresh = view.page.evaluate(GRAB_VIEW, "__fresh")
    assert abs(fresh - exact) <= exact / 400
    assert 0 <= view.page.evaluate(DIFFER, ["__exact", "__fresh"]) <= exact / 400
    fresh_whole = view.page.evaluate(GRAB, "__fresh_whole")
    assert abs(fresh_whole - whole) <= whole / 400
    assert 0 <= view.page.evaluate(DIFFER, ["__whole", "__fresh_whole"]) <= whole / 400
    # The preview (whole canvas) was the last drawing scaled, not the exact strokes (lines twice as wide), in place:
    # it covers nearly every pixel the exact strokes draw (the zoom before had ~1/4 of the view's lines
    # outside its canvas; a copy a few pixels off covers far less).
    assert view.page.evaluate(DIFFER, ["__preview", "__fresh_whole"]) > whole / 50
    assert view.page.evaluate(COVERED, ["__preview", "__fresh_whole"]) > 0.8


@pytest.mark.parametrize("then", ["m.map.panBy([200, 0], { animate: false })", "m.map.setZoom(m.map.getZoom() - 1, { animate: false })", "m.refresh()"])
def test_a_move_or_restyle_during_the_wait_ends_with_the_exact_strokes(view: OfflinePage, then: str) -> None:
    # In the same task as the zoom, before its exact strokes: a pan, a zoom back out, or a restyle.
    got = view.page.evaluate(ZOOM_NOW.replace("return {", f"{then};\n  return {{"))
    assert got["after"]["lines"] > 300
    view.page.evaluate(SETTLED)
    assert view.page.evaluate(f"() => {M}.denseStats().preview") is False
    exact = view.page.evaluate(GRAB_VIEW, "__exact")
    view.page.evaluate(f"() => {M}.refresh()")
    view.page.evaluate(REDRAWN)
    fresh = view.page.evaluate(GRAB_VIEW, "__fresh")
    assert exact > 10000
    assert abs(fresh - exact) <= exact / 400
    assert 0 <= view.page.evaluate(DIFFER, ["__exact", "__fresh"]) <= exact / 400
