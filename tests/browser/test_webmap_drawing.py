"""The web map draws the issue 11 rules it is given: arrowhead labels, edge labels, the
country-wide list, outline rings, rivers, schematic roads, ranked town labels and credits.

Expected values come from the built GeoJSON files, ``layers.style`` and ``geo.basemap``, and
geometry is checked with pyproj ``Geod`` and shapely, not with the page's own code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import shapely
from pyproj import Geod

from geo.basemap import CREDITS, RIVER_LABELS
from layers.style import BASEMAP
from renderers.webmap.screenshot import OfflinePage

pytestmark = pytest.mark.browser
GEOD = Geod(ellps="WGS84")


def _features(built_dist: Path, layer: str) -> list[dict[str, Any]]:
    return json.loads((built_dist / "layers" / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]


def test_each_arrowhead_is_labelled_with_its_end(map_page: OfflinePage, built_dist: Path) -> None:
    items = map_page.page.evaluate("() => militiaMap.layers.movements.labelItems.map((i) => ({lat: i.at.lat, lon: i.at.lng, text: i.text, note: i.note}))")
    for feature in _features(built_dist, "movements"):
        p = feature["properties"]
        end = feature["geometry"]["coordinates"][-1]
        if feature["geometry"]["type"] == "MultiLineString":
            end = feature["geometry"]["coordinates"][-1][-1]
        want = p["end_label"] or f"\u2192 {p['destination']}"
        near = [i for i in items if GEOD.inv(i["lon"], i["lat"], end[0], end[1])[2] < 50.0 and i["text"].endswith(want)]
        assert near, f"{p['id']}: no label {want!r} at its arrowhead {end}"
        if p["crossing_stated"] is False and p["end_kind"] == "border":
            assert any(i["note"] == "crossing point not stated" for i in near), f"{p['id']}: the computed crossing is not marked"


def test_destinations_off_screen_are_labelled_at_the_edge(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    # Close in on Palmyra: the lines to Iraq run off the view's right-hand edge.
    page.evaluate("() => { militiaMap.map.setView([34.55, 38.27], 9, {animate: false}); }")
    page.wait_for_timeout(300)
    edges = page.evaluate(
        """() => {
          const map = militiaMap.map, size = map.getSize();
          return militiaMap.map.getContainer().querySelectorAll('.mm-label-edge').length ? [...document.querySelectorAll('.mm-label-edge')].map((n) => {
            const r = n.firstChild.getBoundingClientRect(), c = map.getContainer().getBoundingClientRect();
            return {text: n.textContent, box: [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top], size: [size.x, size.y]};
          }) : [];
        }"""
    )
    assert edges, "no destination is labelled at the view's edge"
    for edge in edges:
        x0, y0, x1, y1 = edge["box"]
        w, h = edge["size"]
        inside = shapely.box(-1, -1, w + 1, h + 1).contains(shapely.box(x0, y0, x1, y1))
        assert inside, f"edge label {edge['text']!r} {edge['box']} leaves the map"
        assert min(x0, y0, w - x1, h - y1) <= 12, f"edge label {edge['text']!r} is not at an edge: {edge['box']}"
    # Each edge label names a destination whose line really leaves the view there.
    view = page.evaluate("() => { const b = militiaMap.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    box = shapely.box(*view)
    leaving = set()
    for feature in _features(built_dist, "movements"):
        line = shapely.geometry.shape(feature["geometry"])
        end = shapely.Point(shapely.get_coordinates(line)[-1])
        if line.intersects(box) and not box.contains(end):
            p = feature["properties"]
            leaving.add((p["end_label"] or f"\u2192 {p['destination']}").removeprefix("\u2192 "))
    for edge in edges:
        name = edge["text"].replace("\u2192", "").replace("\u2190", "").replace("\u2191", "").replace("\u2193", "").strip()
        assert name in leaving, f"edge label {edge['text']!r} names no line leaving the view ({sorted(leaving)})"


def test_country_wide_claims_are_a_list_with_quotes_not_a_mark(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    features = _features(built_dist, "countrywide")
    if not features:
        pytest.skip("no country-wide claims in the data")
    assert not page.evaluate("() => militiaMap.map.hasLayer(militiaMap.layers.countrywide.group)"), "country-wide claims must not be drawn"
    assert not page.evaluate("() => [...document.querySelectorAll('.mm-layers input[data-layer]')].some((b) => b.dataset.layer === 'countrywide')")
    page.click(".mm-countrywide > summary")
    assert f"({len(features)})" in page.inner_text(".mm-countrywide > summary")
    for feature in features:
        p = feature["properties"]
        # What a reader sees with the entry scrolled into view (entries out of view are not laid out).
        item = page.locator(f".mm-countrywide li[data-feature='{p['id']}']")
        item.scroll_into_view_if_needed()
        text = " ".join(item.inner_text().split())
        assert f"id: {p['id']}" in text
        for entry in json.loads(p["evidence"]):
            assert " ".join(entry["quote"].split()) in text, p["id"]
            assert " ".join(entry["source_title"].split()) in text, p["id"]
    # On a date outside a claim's span the list says so in its count.
    page.evaluate("() => militiaMap.setState({date: '2013-06-01', undated: false})")
    shown = page.evaluate("() => militiaMap.shownIds('countrywide').length")
    assert shown < len(features)
    assert f"({shown} of {len(features)})" in page.inner_text(".mm-countrywide > summary")


def test_uncertainty_is_outline_rings_without_centre_pins(map_page: OfflinePage, built_dist: Path) -> None:
    rings = map_page.page.evaluate(
        """() => militiaMap.layers.uncertainty.features.map((f) => ({id: f.id, r: f.layer.getRadius(), lat: f.layer.getLatLng().lat,
             lon: f.layer.getLatLng().lng, fill: f.layer.options.fillOpacity, dash: f.layer.options.dashArray}))"""
    )
    files = {f["properties"]["id"]: f["properties"] for f in _features(built_dist, "uncertainty")}
    spec_dash = map_page.page.evaluate("() => militiaMap.layers.uncertainty.spec.estimate_dash")
    for ring in rings:
        p = files[ring["id"]]
        assert ring["fill"] <= 0.1, f"{ring['id']}: ring filled at {ring['fill']}"
        assert ring["r"] == pytest.approx(p["radius_km"] * 1000.0)
        if p["radius_estimated"]:
            assert ring["dash"] == spec_dash, f"{ring['id']}: an estimated radius must be dashed"
        else:
            assert ring["dash"] in (None, "", "2 3", "6 3"), f"{ring['id']}: a known radius is drawn with its status dash only"
    # No drawn point sits at the centre of an area ring: area claims are on the ring.
    points = map_page.page.evaluate(
        """() => ['presence', 'strikes', 'risks'].flatMap((l) => militiaMap.layers[l].features.map((f) => {
             const at = f.layer.getLatLng(); return {id: f.id, lat: at.lat, lon: at.lng}; }))"""
    )
    areas = [p for p in files.values() if p["place_kind"] == "area"]
    for point in points:
        for area in areas:
            distance_m = GEOD.inv(point["lon"], point["lat"], area["lon"], area["lat"])[2]
            assert distance_m > 1_000.0, f"{point['id']} is pinned at the centre of {area['id']}"


def test_rivers_lakes_and_schematic_roads_are_drawn(map_page: OfflinePage) -> None:
    page = map_page.page
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-mm-basemap-pane path')].map((p) => ({stroke: p.getAttribute('stroke'),
             dash: p.getAttribute('stroke-dasharray'), fill: p.getAttribute('fill')}))"""
    )
    assert any(d["stroke"] == BASEMAP.river and d["fill"] == "none" for d in drawn), "no river is drawn"
    assert any(d["fill"] == BASEMAP.lake for d in drawn), "no lake is drawn"
    roads = [d for d in drawn if d["stroke"] == BASEMAP.road]
    assert roads, "no road is drawn"
    assert all(d["dash"] == BASEMAP.road_dash for d in roads), "roads are schematic: drawn dashed"
    road_labels = page.evaluate("() => [...document.querySelectorAll('.mm-road')].map((n) => n.textContent)")
    assert road_labels
    assert all(t.endswith("(schematic)") for t in road_labels)
    rivers = page.evaluate("() => [...document.querySelectorAll('.mm-river')].map((n) => n.textContent)")
    assert sorted(rivers) == sorted(name for name, _, _ in RIVER_LABELS)


def test_town_labels_favour_syria_and_the_places_claims_name(map_page: OfflinePage) -> None:
    page = map_page.page
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.mm-town')].filter((n) => {
             const r = n.getBoundingClientRect(), c = militiaMap.map.getContainer().getBoundingClientRect();
             return n.style.display !== 'none' && r.right > c.left && r.left < c.right && r.bottom > c.top && r.top < c.bottom;
           }).map((n) => ({
             name: n.textContent, foreign: n.classList.contains('mm-town-foreign'), named: n.classList.contains('mm-town-named')}))"""
    )
    assert shown
    foreign = [t for t in shown if t["foreign"]]
    assert len(foreign) <= 0.25 * len(shown), f"foreign towns crowd the opening view: {[t['name'] for t in foreign]}"
    names = {t["name"] for t in shown}
    for town in ("Damascus", "Aleppo", "Homs", "Hama", "Palmyra"):
        assert town in names, f"{town} is not labelled on opening (shown: {sorted(names)})"
    for town in ("Kayseri", "Malatya", "Yazd"):
        assert town not in names


def test_credits_name_each_layer_and_its_version(map_page: OfflinePage) -> None:
    text = map_page.page.inner_text(".leaflet-control-attribution")
    for layer, what, version in CREDITS:
        assert f"{layer}: {what} ({version})" in " ".join(text.split())
