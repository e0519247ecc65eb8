"""The built web map in a real browser: loads offline, draws every feature, popups cite sources."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from pyproj import Geod

from renderers.webmap._payload import DECIMALS as PAGE_DECIMALS
from renderers.webmap.screenshot import OfflinePage

pytestmark = pytest.mark.browser
LAYERS = ("uncertainty", "presence", "movements", "strikes", "risks", "sites")

# For one feature: a point on screen where the feature itself is the topmost element (or null).
FIND_CLICK_POINT = """
([layerId, index]) => {
  const app = window.militiaMap, map = app.map, f = app.layers[layerId].features[index];
  const leaves = f.layer.getLayers ? f.layer.getLayers() : [f.layer];
  // Leaflet's own canvas hit test: the last drawn interactive layer containing the point wins.
  const topmostAt = (renderer, p) => {
    let hit = null;
    for (let order = renderer._drawFirst; order; order = order.next) {
      const layer = order.layer;
      if (layer.options.interactive && layer._containsPoint(p)) { hit = layer; }
    }
    return hit;
  };
  for (const leaf of leaves) {
    const anchor = leaf.getLatLng ? leaf.getLatLng() : leaf.getCenter();
    map.setView(anchor, 8, { animate: false });
    const pts = [];
    if (Array.isArray(leaf._rings)) {
      for (const ring of leaf._rings) {
        const c = ring.reduce((a, p) => [a[0] + p.x / ring.length, a[1] + p.y / ring.length], [0, 0]);
        for (const frac of [0.5, 0.3, 0.7, 0.1, 0.9]) {
          const p = ring[Math.floor(frac * (ring.length - 1))];
          const inset = leaf instanceof L.Polygon ? 0.06 : 0;
          pts.push(L.point(p.x + (c[0] - p.x) * inset, p.y + (c[1] - p.y) * inset));
        }
      }
    } else if (leaf._point) {
      const r = leaf._radius || 0;
      pts.push(leaf._point);
      for (const [dx, dy] of [[0.9, 0], [-0.9, 0], [0, 0.9], [0, -0.9]]) { pts.push(L.point(leaf._point.x + dx * r, leaf._point.y + dy * r)); }
    }
    for (const p of pts) {
      const c = map.layerPointToContainerPoint(p);
      const rect = map.getContainer().getBoundingClientRect();
      const x = rect.left + c.x, y = rect.top + c.y;
      const top = document.elementFromPoint(x, y);
      if (top === leaf._renderer._container && leaves.includes(topmostAt(leaf._renderer, p))) { return { x, y }; }
    }
  }
  return null;
}
"""


def _geojson(built_dist: Path, layer: str) -> dict[str, Any]:
    return json.loads((built_dist / "layers" / f"{layer}.geojson").read_text(encoding="utf-8"))


def test_loads_offline_without_errors(map_page: OfflinePage) -> None:
    map_page.page.wait_for_timeout(300)
    assert map_page.blocked == [], f"the page tried to reach the network: {map_page.blocked}"
    assert map_page.console_errors == []
    assert map_page.page_errors == []
    assert map_page.dialogs == []


def test_no_default_marker_icon_is_requested(map_page: OfflinePage) -> None:
    assert map_page.page.evaluate("() => document.querySelectorAll('img.leaflet-marker-icon').length") == 0


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_draws_every_feature(map_page: OfflinePage, built_dist: Path, layer: str) -> None:
    expected = [f["properties"]["id"] for f in _geojson(built_dist, layer)["features"]]
    drawn = map_page.page.evaluate("(l) => window.militiaMap.layers[l].features.map((f) => f.id)", layer)
    assert drawn == expected


def test_layer_control_is_grouped_and_switches_layers(map_page: OfflinePage) -> None:
    page = map_page.page
    page.click(".mm-layers > summary")  # the panel opens folded to one line
    groups = page.evaluate("() => [...document.querySelectorAll('.mm-layers .mm-group > legend')].map((e) => e.textContent)")
    assert groups[:5] == ["Presence", "Sites", "Movements", "Strikes", "Risks"]
    box = page.locator("input[data-layer='movements']")
    assert box.is_checked()
    box.uncheck()
    assert not page.evaluate("() => militiaMap.map.hasLayer(militiaMap.layers.movements.group)")
    box.check()
    assert page.evaluate("() => militiaMap.map.hasLayer(militiaMap.layers.movements.group)")


@pytest.mark.parametrize("layer", LAYERS)
def test_clicking_a_feature_opens_its_source(map_page: OfflinePage, built_dist: Path, layer: str) -> None:
    features = _geojson(built_dist, layer)["features"]
    if not features:
        pytest.skip(f"layer {layer} has no features in the current data")
    page = map_page.page
    for index, feature in enumerate(features):
        point = page.evaluate(FIND_CLICK_POINT, [layer, index])
        if point is None:
            continue
        page.mouse.click(point["x"], point["y"])
        page.wait_for_selector(".leaflet-popup-content .mm-popup")
        text = page.inner_text(".leaflet-popup-content")
        evidence = json.loads(feature["properties"]["evidence"])
        assert f"id: {feature['properties']['id']}" in text
        for entry in evidence:
            assert entry["quote"] in text.replace("\n", " ")
            assert entry["source_title"] in text
        return
    pytest.fail(f"no feature of layer {layer} could be clicked (all covered by others)")


def test_popup_links_only_http(map_page: OfflinePage) -> None:
    page = map_page.page
    hrefs = page.evaluate(
        """() => {
          const out = [];
          for (const id of Object.keys(militiaMap.layers)) {
            for (const f of militiaMap.layers[id].features) {
              militiaMap.openPopup(id, f.id);
              document.querySelectorAll('.leaflet-popup-content a, .mm-countrywide a').forEach((a) => out.push(a.href));
            }
          }
          return out;
        }"""
    )
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs


def test_arrowheads_point_along_the_route_at_the_destination(map_page: OfflinePage, built_dist: Path) -> None:
    geod = Geod(ellps="WGS84")
    arrows = map_page.page.evaluate(
        """() => militiaMap.layers.movements.features.map((f) => {
             const leaves = f.layer.getLayers();
             const head = leaves.find((l) => l.options.shape && l.options.shape.startsWith('arrow-'));
             const at = head.getLatLng();
             return { id: f.id, rotation: head.options.rotation, lat: at.lat, lon: at.lng };
           })"""
    )
    features = {f["properties"]["id"]: f for f in _geojson(built_dist, "movements")["features"]}
    for arrow in arrows:
        coords = features[arrow["id"]]["geometry"]["coordinates"]
        end = coords[-1]
        # The page keeps PAGE_DECIMALS (about 1 m); the layer file more.
        assert (arrow["lon"], arrow["lat"]) == pytest.approx(tuple(end), abs=0.51 * 10**-PAGE_DECIMALS), "arrowhead must sit at the destination"
        prev = next(c for c in reversed(coords[:-1]) if geod.inv(c[0], c[1], end[0], end[1])[2] > 5_000)
        _, back_azimuth, _ = geod.inv(prev[0], prev[1], end[0], end[1])
        heading = math.radians((back_azimuth + 180.0) % 360.0)  # direction of travel at the end
        expected = math.atan2(-math.cos(heading), math.sin(heading))  # screen angle, y down
        diff = abs((arrow["rotation"] - expected + math.pi) % (2 * math.pi) - math.pi)
        assert math.degrees(diff) < 10, f"{arrow['id']}: arrowhead off by {math.degrees(diff):.1f} degrees"


def test_inbound_reads_apart_from_outbound(map_page: OfflinePage) -> None:
    shapes = map_page.page.evaluate(
        """() => militiaMap.layers.movements.features.map((f) => [f.properties.direction,
             f.layer.getLayers().find((l) => l.options.shape).options.shape, f.layer.getLayers().length])"""
    )
    by_direction = {d: (s, n) for d, s, n in shapes}
    if "inbound" in by_direction and "outbound" in by_direction:
        assert by_direction["inbound"] != by_direction["outbound"]
        assert by_direction["inbound"][1] > by_direction["outbound"][1], "inbound lines carry a casing"


def test_screenshot_is_not_blank(map_page: OfflinePage) -> None:
    shot = Image.open(io.BytesIO(map_page.page.screenshot())).convert("RGB")
    colours = shot.getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 200, "the map looks blank"
    land = (0xF4, 0xF1, 0xEA)
    assert any(c == land for _, c in colours), "the basemap's land colour is missing"
