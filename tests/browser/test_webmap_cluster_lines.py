"""Dense line layers (issue 14 §5): one canvas of plain strokes, each line simplified for the zoom.

1,200 distinct synthetic movement lines (above the page's 1,000-line threshold) are drawn as plain
strokes on one canvas at the start view, with fewer vertices at low zoom than the lines have; where
few lines are in view they are drawn as usual again (casings, arrowheads). A click on a stroke opens
its line's popup; switching the layer off empties the canvas.
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

N_LINES = 1200
FEW_LINES = 300  # the page draws lines as usual where at most this many are in view

# Pixels of the dense canvas that are not transparent.
PAINTED = """
() => {
  const c = document.querySelector('.leaflet-mm-dense-lines-pane canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) { if (d[i]) { n += 1; } }
  return n;
}
"""
SCREEN = """
([lat, lon]) => {
  const m = window.militiaMap.map, p = m.latLngToContainerPoint([lat, lon]), r = m.getContainer().getBoundingClientRect();
  return [r.x + p.x, r.y + p.y];
}
"""
REDRAWN = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture(scope="module")
def lines_page(tmp_path_factory: pytest.TempPathFactory, layers: list[Layer], dataset: Dataset) -> Path:
    return render_webmap(distinct_layers(N_LINES, N_LINES, 3, base=layers), dataset, tmp_path_factory.mktemp("lines"))[0]


@pytest.fixture
def view(chromium: str, lines_page: Path) -> Iterator[OfflinePage]:
    yield from opened_without_errors(chromium, lines_page)


def _vertices(layers: list[Layer]) -> int:
    gdf = next(layer.gdf for layer in distinct_layers(N_LINES, N_LINES, 3, base=layers) if layer.name == "movements")
    return sum(len(g.coords) for g in gdf.geometry)


def test_dense_lines_are_plain_strokes_simplified_for_the_zoom(view: OfflinePage, layers: list[Layer]) -> None:
    m = "window.militiaMap"
    assert view.page.evaluate(f"() => {m}.layers.movements.denseOn") is True
    stats = view.page.evaluate(f"() => {m}.denseStats()")
    assert stats["lines"] > FEW_LINES
    assert view.page.evaluate(PAINTED) > 10000
    # No Leaflet layer per line at the start view: the lines are not in the layer's group.
    assert view.page.evaluate(f"() => {m}.layers.movements.features.filter((f) => f.inGroup).length") == 0
    # The vertices the page holds (its payload may merge points closer than its ~1 m quantum), at most the generated ones.
    total = view.page.evaluate(f"() => {m}.layers.movements.features.reduce((n, f) => n + f.feature.geometry.coordinates.length, 0)")
    assert 2 * N_LINES < total <= _vertices(layers)
    low, low_all = view.page.evaluate(f"() => {m}.lineVertices('movements', 4)")
    high, high_all = view.page.evaluate(f"() => {m}.lineVertices('movements', 12)")
    assert low_all == high_all == total
    assert 2 * N_LINES <= low < total, "at zoom 4 the lines keep every vertex"
    assert high == total, "at zoom 12 (street scale) a vertex is dropped"
    mid = view.page.evaluate(f"() => {m}.lineVertices('movements', 8)")[0]
    assert low <= mid <= high


def test_few_lines_in_view_are_drawn_as_usual_and_a_click_opens_a_popup(view: OfflinePage) -> None:
    m = "window.militiaMap"
    first = view.page.evaluate(f"() => {{ const f = {m}.layers.movements.shown[0]; return [f.id, f.feature.geometry.coordinates]; }}")
    fid, coords = first
    lon, lat = coords[0]
    view.page.evaluate(f"() => {m}.map.setView([{lat}, {lon}], 12, {{animate: false}})")
    view.page.evaluate(REDRAWN)
    assert view.page.evaluate(f"() => {m}.layers.movements.fewInView") is True
    assert view.page.evaluate(f"() => {m}.layers.movements.features.some((f) => String(f.id) === {str(fid)!r} && f.inGroup)")
    # Back out: plain strokes again, and a click on one opens that line's popup.
    view.page.evaluate(f"() => {m}.map.setView([{lat}, {lon}], 7, {{animate: false}})")
    view.page.evaluate(REDRAWN)
    assert view.page.evaluate(f"() => {m}.layers.movements.fewInView") is False
    point = view.page.evaluate(SCREEN, [lat, lon])
    view.page.mouse.move(point[0], point[1])
    view.page.wait_for_selector(".leaflet-tooltip")
    assert view.page.text_content(".leaflet-tooltip")
    view.page.evaluate(f"() => {m}.map.fire('click', {{latlng: L.latLng({lat}, {lon})}})")
    view.page.wait_for_selector(".leaflet-popup .mm-popup .mm-id")
    assert view.page.text_content(".leaflet-popup .mm-id").startswith("id: syn-movements-")
    view.page.evaluate(f"() => {{ {m}.map.closePopup(); {m}.setVisible('movements', false); }}")
    view.page.evaluate(REDRAWN)
    assert view.page.evaluate(PAINTED) == 0
