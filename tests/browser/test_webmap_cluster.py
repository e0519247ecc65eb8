"""One clustering index for all point layers (issue 14 §5), checked in Chromium on many synthetic points.

The page holds 3,000 distinct synthetic claims split over two point layers (``presence`` and
``strikes``), 40 of them moved onto one spot, and 600 movement lines. The counts the page shows are
compared with what the index holds (supercluster's getLeaves) and with an independent count made
here, in Python, from the features' positions and statuses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shapely.geometry import Point

from benchmarks.distinct import distinct_layers
from dataset import Dataset
from layers import Layer
from renderers.webmap.build import render_webmap
from renderers.webmap.screenshot import OfflinePage
from tests.browser.pages import opened_without_errors

N_POINTS = 3000
SPOT = (38.5, 35.0)  # lon, lat: the spot 40 claims of both layers share
POINT_LAYERS = ("presence", "strikes")

STATE = """
() => {
  const m = window.militiaMap, b = m.map.getBounds().pad(0.3);
  const alone = {};
  for (const id of %s) { alone[id] = m.layers[id].features.filter((f) => f.inGroup).map((f) => String(f.id)); }
  return { zoom: m.map.getZoom(), bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
    clusters: m.clusters(), alone: alone, symbols: document.querySelectorAll('.leaflet-marker-pane .mm-cluster').length };
}
""" % list(POINT_LAYERS)  # noqa: UP031 - a JS literal, not text from data
# setView returns the L.Map: the moves below return nothing, as serialising the map for Playwright
# can fail ('object reference chain is too long').
# Per cluster symbol: [layer, count, [[colour, count], ...]] for each segment of its ring.
SEGMENTS = """
() => [...document.querySelectorAll('.leaflet-marker-pane .mm-cluster')].map((m) => [...m.querySelectorAll('.mm-cluster-seg')].map((s) =>
  [s.dataset.layer, +s.dataset.count, [...s.querySelectorAll('.mm-cluster-arc')].map((a) => [a.getAttribute('stroke'), +a.dataset.count])]))
"""


@pytest.fixture(scope="module")
def cluster_layers(layers: list[Layer]) -> list[Layer]:
    syn = distinct_layers(N_POINTS, N_POINTS // 5, 7, base=layers)
    gdf = next(layer for layer in syn if layer.name == "presence").gdf.copy()
    gdf.loc[gdf.index[:40], "geometry"] = [Point(*SPOT)] * 40  # 40 claims at one spot: a cluster that never splits
    split = len(gdf) * 2 // 3
    out = []
    for layer in syn:
        if layer.name == "presence":
            out.append(Layer(gdf.iloc[20:split].reset_index(drop=True), layer.style))
        elif layer.name == "strikes":
            # The other half of the shared spot goes to the second layer, with a third of the rest.
            out.append(Layer(gdf.iloc[list(range(20)) + list(range(split, len(gdf)))].reset_index(drop=True), layer.style))
        else:
            out.append(layer)
    return out


@pytest.fixture(scope="module")
def cluster_page(tmp_path_factory: pytest.TempPathFactory, cluster_layers: list[Layer], dataset: Dataset) -> Path:
    return render_webmap(cluster_layers, dataset, tmp_path_factory.mktemp("cluster"))[0]


@pytest.fixture
def view(chromium: str, cluster_page: Path) -> Iterator[OfflinePage]:
    yield from opened_without_errors(chromium, cluster_page)


def _points(cluster_layers: list[Layer]) -> dict[str, dict[str, Any]]:
    """Every point claim by id: its layer, lon, lat and status (from the layers, not from the page)."""
    out = {}
    for layer in cluster_layers:
        if layer.name in POINT_LAYERS:
            for row in layer.gdf.itertuples():
                colour = layer.style.colour(getattr(row, layer.style.category_field, "")) if layer.style.category_field else layer.style.colour("")
                out[str(row.id)] = {"layer": layer.name, "lon": row.geometry.x, "lat": row.geometry.y, "status": row.status, "colour": colour}
    return out


def _inside(p: dict[str, Any], bbox: list[float]) -> bool:
    return bbox[0] <= p["lon"] <= bbox[2] and bbox[1] <= p["lat"] <= bbox[3]


def _check_partition(view: OfflinePage, points: dict[str, dict[str, Any]], keep: set[str]) -> dict[str, Any]:
    """Each kept point in the view is in exactly one cluster or drawn alone; the counts match the members."""
    state = view.page.evaluate(STATE)
    # The counts below were summed from the index's own arrays (the fast path), not by supercluster's reduce.
    assert view.page.evaluate("() => window.militiaMap.clusterCounting()") == "levels"
    seen: Counter[str] = Counter()
    for cluster in state["clusters"]:
        members = view.page.evaluate("(id) => window.militiaMap.clusterMembers(id)", cluster["id"])
        by_layer = Counter(layer for layer, _ in members)
        assert {p["layerId"]: p["count"] for p in cluster["parts"]} == dict(by_layer)
        assert cluster["count"] == len(members) == sum(by_layer.values())
        for layer, fid in members:
            assert points[str(fid)]["layer"] == layer
            seen[str(fid)] += 1
    for layer in POINT_LAYERS:
        for fid in state["alone"][layer]:
            seen[fid] += 1
    assert max(seen.values()) == 1, "a point is in two clusters or drawn twice"
    assert set(seen) <= keep, "a filtered-out point is counted"
    want = {fid for fid in keep if _inside(points[fid], state["bbox"])}
    assert want <= set(seen), f"{len(want - set(seen))} points in the view are in no cluster and not drawn"
    return state


def test_one_symbol_per_spot_for_all_layers_and_counts_match(view: OfflinePage, cluster_layers: list[Layer]) -> None:
    points = _points(cluster_layers)
    state = _check_partition(view, points, set(points))
    clusters = state["clusters"]
    assert len(clusters) >= 10
    assert state["symbols"] == len(clusters)
    assert any(len(c["parts"]) == 2 for c in clusters), "no cluster holds both layers: they are not in one index"
    # One symbol per spot: no two cluster symbols (of any layers) on top of each other.
    zoom = state["zoom"]

    def px(c: dict[str, Any]) -> tuple[float, float]:
        scale = 256 * 2**zoom
        y = math.log(math.tan(math.pi / 4 + math.radians(c["lat"]) / 2))
        return (c["lng"] + 180) / 360 * scale, (1 - y / math.pi) / 2 * scale

    spots = [px(c) for c in clusters]
    closest = min(math.dist(a, b) for i, a in enumerate(spots) for b in spots[i + 1 :])
    assert closest > 20, f"two cluster symbols {closest:.1f} px apart"
    # The ring shows each layer's share: one segment per layer with its count, split into arcs by the
    # colours its members carry (never one colour for a mixed layer), each a colour of the layer's spec.
    segments = view.page.evaluate(SEGMENTS)
    assert sorted((layer, n) for symbol in segments for layer, n, _ in symbol) == sorted((p["layerId"], p["count"]) for c in clusters for p in c["parts"])
    spec_colours = {p["colour"] for p in points.values()}
    for symbol in segments:
        for _, n, arcs in symbol:
            assert sum(count for _, count in arcs) == n
            assert {colour for colour, _ in arcs} <= spec_colours
    assert any(len(arcs) > 1 for symbol in segments for _, _, arcs in symbol), "no mixed segment: the arcs are not drawn"
    # The count is readable: nothing of the ring is drawn over it (counts under a panel are left out).
    on_top = view.page.evaluate(
        "() => [...document.querySelectorAll('.mm-cluster-count')].map((n) => { const r = n.getBoundingClientRect();"
        " const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
        " return hit && hit.closest('.mm-cluster') === n.closest('.mm-cluster') ? n.contains(hit) : null; }).filter((v) => v !== null)"
    )
    assert len(on_top) >= 5
    assert all(on_top), f"{on_top.count(False)} cluster counts are covered by their ring"
    # Hovering a cluster shows its breakdown by layer, each line with that layer's count.
    mixed = next(i for i, c in enumerate(clusters) if len(c["parts"]) == 2)
    view.page.evaluate(f"() => {{ window.militiaMap.map.setView([{clusters[mixed]['lat']}, {clusters[mixed]['lng']}], {zoom}, {{animate: false}}); }}")
    view.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    box = view.page.evaluate("() => { const r = window.militiaMap.map.getContainer().getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] }")
    view.page.mouse.move(box[0], box[1])
    view.page.wait_for_selector(".leaflet-tooltip .mm-cluster-tip")
    lines = view.page.eval_on_selector_all(".leaflet-tooltip .mm-cluster-layer", "(ns) => ns.map((n) => n.textContent)")
    want = [f"{p['title']}: {p['count']}" for p in clusters[mixed]["parts"]]
    assert lines == want


def test_filters_change_the_counts(view: OfflinePage, cluster_layers: list[Layer]) -> None:
    points = _points(cluster_layers)
    before = sum(c["count"] for c in view.page.evaluate(STATE)["clusters"])
    view.page.evaluate("() => window.militiaMap.setState({statuses: ['reported']})")
    reported = {fid for fid, p in points.items() if p["status"] == "reported"}
    assert 0 < len(reported) < len(points)
    after = _check_partition(view, points, reported)
    assert 0 < sum(c["count"] for c in after["clusters"]) < before
    view.page.evaluate("() => window.militiaMap.setVisible('strikes', false)")
    only = _check_partition(view, points, {fid for fid in reported if points[fid]["layer"] == "presence"})
    assert all(p["layerId"] == "presence" for c in only["clusters"] for p in c["parts"])


def test_click_zooms_in_and_at_max_zoom_the_popup_lists_members_by_layer(view: OfflinePage, cluster_layers: list[Layer]) -> None:
    state = view.page.evaluate(STATE)
    zoom = state["zoom"]
    view.page.locator(".leaflet-marker-pane .mm-cluster").first.click()
    view.page.wait_for_function(f"() => window.militiaMap.map.getZoom() > {zoom}")
    view.page.wait_for_timeout(400)  # Leaflet's zoom animation (250 ms) ends before the next move
    # The 40 claims on one spot never split: at the top zoom their cluster lists them, grouped by layer.
    view.page.evaluate(f"() => {{ window.militiaMap.map.setView([{SPOT[1]}, {SPOT[0]}], window.militiaMap.clusterMaxZoom(), {{animate: false}}); }}")
    view.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")  # the redraw after moveend
    spot = next(c for c in view.page.evaluate(STATE)["clusters"] if c["count"] == 40)
    assert {p["layerId"]: p["count"] for p in spot["parts"]} == {"presence": 20, "strikes": 20}
    # Its ring's arcs hold exactly the colours of its 40 claims, counted here from the layers' specs.
    at_spot = [p for p in _points(cluster_layers).values() if (p["lon"], p["lat"]) == SPOT]
    want = {layer: Counter(p["colour"] for p in at_spot if p["layer"] == layer) for layer in POINT_LAYERS}
    symbol = next(s for s in view.page.evaluate(SEGMENTS) if sum(n for _, n, _ in s) == 40)
    assert {layer: Counter(dict(arcs)) for layer, _, arcs in symbol} == want
    view.page.locator(".leaflet-marker-pane .mm-cluster").first.click()
    view.page.wait_for_selector(".mm-cluster-list")
    heads = view.page.eval_on_selector_all(".mm-cluster-list .mm-cluster-layer", "(ns) => ns.map((n) => [n.dataset.layer, n.textContent])")
    assert [layer for layer, _ in heads] == ["presence", "strikes"]
    assert all(text.endswith("(20)") for _, text in heads)
    assert view.page.locator(".mm-cluster-list li button").count() == 40
    # A member opens its own popup although its point is hidden in the cluster.
    view.page.locator(".mm-cluster-list li button").first.click()
    view.page.wait_for_selector(".leaflet-popup .mm-popup .mm-id")


def test_the_index_loaded_level_by_level_is_supercluster_load(view: OfflinePage) -> None:
    """The page's own loader (loadLevels) against supercluster's load() with reduce, from the same points.

    Every level's items (visit zoom, id, parent, count), every cluster's per-key counts (reduce's sums)
    and the order getClusters returns for the view must be the same; only the centres may differ, in
    the last bits (the loader adds the members' positions in another order). Checked at the opening
    zoom, at a middle one and at the top zoom, after a filter changed what is indexed.
    """
    for step in ("opening", "filtered", "top"):
        if step == "filtered":
            view.page.evaluate("() => window.militiaMap.setState({statuses: ['reported', 'claimed']})")
        if step == "top":
            view.page.evaluate("() => { window.militiaMap.map.setZoom(window.militiaMap.clusterMaxZoom(), {animate: false}); }")
            view.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        got = view.page.evaluate("() => window.militiaMap.compareClusterLoad()")
        assert got is not None, step
        assert got["levels"] == 11, step  # zooms 4..13 and the points' own level 14
        assert got["items"] > N_POINTS, step
        assert got["differ"] == 0, step
        assert got["counts"] == 0, step
        assert got["maxGap"] < 1e-12, step
        assert got["viewOrder"] is True, step
        assert got["viewItems"] > 0, step
