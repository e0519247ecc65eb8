"""Edges of the offline web map (issue 14 follow-ups): its zoom limit, and label boxes and tabs at the screen's edges.

Checked in Chromium: the limits the page reports and honours, and the rectangles the browser lays out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shapely.geometry import Point

from benchmarks.distinct import distinct_layers
from dataset import Dataset
from layers import Layer
from renderers.webmap.build import render_webmap
from renderers.webmap.screenshot import OfflinePage, offline_page
from tests.browser.pages import opened_without_errors

pytestmark = pytest.mark.browser

MAX_ZOOM = 13  # what renderers.webmap.build asks folium for
SPOT = (38.5, 35.0)  # lon, lat: where the test puts SPOT_N claims of one layer
SPOT_N = 6
N_POINTS = 800  # above the page's clustering threshold (400 points)
REDRAWN = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture(scope="module")
def spot_page(tmp_path_factory: pytest.TempPathFactory, layers: list[Layer], dataset: Dataset) -> Path:
    """Synthetic layers, enough points to be clustered, SPOT_N presence claims moved onto one spot (a cluster that never splits)."""
    out = []
    for layer in distinct_layers(N_POINTS, N_POINTS // 5, 7, base=layers):
        if layer.name == "presence":
            gdf = layer.gdf.copy()
            assert len(gdf) >= SPOT_N
            gdf.loc[gdf.index[:SPOT_N], "geometry"] = [Point(*SPOT)] * SPOT_N
            out.append(Layer(gdf, layer.style))
        else:
            out.append(layer)
    return render_webmap(out, dataset, tmp_path_factory.mktemp("edges"))[0]


@pytest.fixture
def spot_view(chromium: str, spot_page: Path) -> Iterator[OfflinePage]:
    yield from opened_without_errors(chromium, spot_page)


def test_map_reports_and_honours_max_zoom_13(spot_view: OfflinePage) -> None:
    page = spot_view.page
    assert page.evaluate("() => window.militiaMap.map.getMaxZoom()") == MAX_ZOOM
    assert page.evaluate("() => window.militiaMap.map.getMinZoom()") == 4
    page.evaluate(f"() => void window.militiaMap.map.setView([{SPOT[1]}, {SPOT[0]}], {MAX_ZOOM + 3}, {{animate: false}})")
    assert page.evaluate("() => window.militiaMap.map.getZoom()") == MAX_ZOOM
    # The zoom-in button is off at the top, and pressing it (or the + key) does not go past it.
    assert "leaflet-disabled" in (page.get_attribute(".leaflet-control-zoom-in", "class") or "")
    page.click(".leaflet-control-zoom-in", force=True)
    page.locator(".mm-map").focus()
    page.keyboard.press("+")
    page.wait_for_timeout(400)  # a zoom animation (250 ms) would have ended
    assert page.evaluate("() => window.militiaMap.map.getZoom()") == MAX_ZOOM


def test_cluster_at_max_zoom_opens_its_list(spot_view: OfflinePage) -> None:
    page = spot_view.page
    assert page.evaluate("() => window.militiaMap.clusterMaxZoom()") == MAX_ZOOM
    page.evaluate(f"() => void window.militiaMap.map.setView([{SPOT[1]}, {SPOT[0]}], {MAX_ZOOM}, {{animate: false}})")
    page.evaluate(REDRAWN)
    spot = [c for c in page.evaluate("() => window.militiaMap.clusters()") if c["count"] == SPOT_N]
    assert len(spot) == 1, "the claims on one spot form one cluster at the top zoom"
    page.locator(".leaflet-marker-pane .mm-cluster").first.click()
    page.wait_for_selector(".mm-cluster-list")
    assert page.locator(".mm-cluster-list li button").count() == SPOT_N
    assert page.evaluate("() => window.militiaMap.map.getZoom()") == MAX_ZOOM


# Every label box shown (data labels, edge labels, towns, countries, rivers, roads, tooltips), and the map's rect.
LABEL_BOXES = """
() => {
  const root = militiaMap.map.getContainer(), r = root.getBoundingClientRect();
  const nodes = [...root.querySelectorAll('.mm-label, .mm-country, .mm-town, .mm-river, .mm-road, .leaflet-tooltip')];
  const boxes = nodes.map((n) => {
    const shown = n.classList.contains('leaflet-tooltip') ? n : (n.firstElementChild || n);
    if (!shown.checkVisibility({ opacityProperty: true, visibilityProperty: true })) { return null; }
    const b = shown.getBoundingClientRect();
    return b.width && b.height ? { text: n.textContent, box: [b.left, b.top, b.right, b.bottom] } : null;
  });
  return { map: [r.left, r.top, r.right, r.bottom], labels: boxes.filter(Boolean) };
}
"""


def _outside(page: Any) -> tuple[int, list[str]]:
    """How many label boxes are seen on screen, and those of them that are not wholly inside the map's rect.

    A box wholly outside the map is not seen (the map clips it) and is left out; one across an edge is cut off.
    """
    got = page.evaluate(LABEL_BOXES)
    x0, y0, x1, y1 = got["map"]
    got["labels"] = [item for item in got["labels"] if item["box"][2] > x0 and item["box"][0] < x1 and item["box"][3] > y0 and item["box"][1] < y1]
    bad = [
        f"{item['text']!r} at {[round(v) for v in item['box']]}"
        for item in got["labels"]
        if not (item["box"][0] >= x0 and item["box"][1] >= y0 and item["box"][2] <= x1 and item["box"][3] <= y1)
    ]
    return len(got["labels"]), bad


@pytest.mark.parametrize("phone", [True, False], ids=["390x844", "1400x900"])
def test_every_shown_label_lies_inside_the_map(chromium: str, built_dist: Path, phone: bool) -> None:
    with offline_page(chromium, phone=phone) as view:
        view.open(built_dist / "index.html")
        page = view.page
        shown, bad = _outside(page)
        assert shown >= 10, "the opening view shows labels"
        assert bad == [], f"labels past the map's edge as the page opens: {bad}"
        # Moved so that the labels of the middle reach every edge in turn.
        for dx, dy in ((250, 0), (-500, 0), (250, 300), (0, -600)):
            page.evaluate(f"() => void militiaMap.map.panBy([{dx}, {dy}], {{animate: false}})")
            page.evaluate(REDRAWN)
            shown, bad = _outside(page)
            assert bad == [], f"labels past the map's edge after panning by {dx}, {dy}: {bad}"
        assert view.page_errors == []


def _overlaps(page: Any) -> tuple[int, list[str]]:
    """How many map labels (not tooltips) are seen, and each pair of them whose boxes overlap, read afresh from the page."""
    got = [item for item in page.evaluate(LABEL_BOXES)["labels"] if item["text"]]
    bad = []
    for i, a in enumerate(got):
        for b in got[i + 1 :]:
            (al, at, ar, ab), (bl, bt, br, bb) = a["box"], b["box"]
            if al < br - 0.5 and bl < ar - 0.5 and at < bb - 0.5 and bt < ab - 0.5:
                bad.append(f"{a['text']!r} and {b['text']!r}")
    return len(got), bad


@pytest.mark.parametrize("phone", [True, False], ids=["390x844", "1400x900"])
def test_no_two_shown_labels_overlap_after_moves(chromium: str, built_dist: Path, phone: bool) -> None:
    """The declutter keeps each label's offsets from its first reading: after pans and zooms, the boxes read afresh still do not overlap."""
    with offline_page(chromium, phone=phone) as view:
        view.open(built_dist / "index.html")
        page = view.page
        view.page.evaluate("() => document.querySelectorAll('.leaflet-tooltip').forEach((t) => t.remove())")
        shown, bad = _overlaps(page)
        assert shown >= 10, "the opening view shows labels"
        assert bad == [], f"labels overlap as the page opens: {bad}"
        zoom = "setZoom(militiaMap.map.getZoom() %+d"
        moves = ["panBy([250, 0]", zoom % 1, "panBy([-400, 200]", zoom % 1, "panBy([0, -500]", zoom % -2]
        for move in moves:
            page.evaluate(f"() => void militiaMap.map.{move}, {{animate: false}})")
            page.evaluate(REDRAWN)
            page.evaluate(REDRAWN)
            shown, bad = _overlaps(page)
            assert shown >= 3, f"labels are shown after {move}"
            assert bad == [], f"labels overlap after {move}: {bad}"
        assert view.page_errors == []


def test_phone_dock_tabs_share_one_row(chromium: str, built_dist: Path) -> None:
    with offline_page(chromium, phone=True) as view:
        view.open(built_dist / "index.html")
        tabs = view.page.evaluate(
            """() => [...document.querySelectorAll('.mm-dock > details')].map((d) => {
              const b = d.getBoundingClientRect(), s = d.querySelector('summary'), f = parseFloat(getComputedStyle(s).fontSize);
              return { text: s.textContent, top: b.top, left: b.left, right: b.right, height: b.height, font: f,
                clipped: s.scrollWidth > s.clientWidth };
            })"""
        )
        assert view.page.viewport_size == {"width": 390, "height": 844}
        assert len(tabs) >= 4
        assert len({round(t["top"]) for t in tabs}) == 1, f"the dock's tabs wrap: {[(t['text'], t['top']) for t in tabs]}"
        for tab in tabs:
            assert tab["height"] >= 24, f"{tab['text']!r} is a touch target of {tab['height']} px"
            assert tab["font"] >= 11, f"{tab['text']!r} is set in {tab['font']} px"
            assert not tab["clipped"], f"{tab['text']!r} is cut off"
            assert tab["left"] >= 0
            assert tab["right"] <= 390
