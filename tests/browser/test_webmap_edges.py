"""Edges of the offline web map (issue 14 follow-ups): its zoom limit, and label boxes and tabs at the screen's edges.

Checked in Chromium: the limits the page reports and honours, and the rectangles the browser lays out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shapely.geometry import Point

from benchmarks.distinct import distinct_layers
from dataset import Dataset
from layers import Layer
from renderers.webmap.build import render_webmap
from renderers.webmap.screenshot import OfflinePage, offline_page

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
    with offline_page(chromium, viewport={"width": 1400, "height": 900}) as view:
        view.open(spot_page)
        yield view
        assert view.page_errors == []


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
