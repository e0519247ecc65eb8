"""Time one map page in headless Chromium: load until drawn, hover tooltip, click popup, JS heap.

Used by ``webmap_scale.py`` in a child process (so a page that hangs the browser can be
killed); :func:`measure_page` reports each phase through ``emit`` as soon as it is known.

Criteria (the same shape for both pages; times are from ``performance.now()``, whose zero is
the start of the navigation):

- **load**: the first animation frame at which ``document.readyState == "complete"`` (the
  load event has fired) *and* the map says its data are drawn, plus one more frame to paint
  (``requestAnimationFrame`` then ``setTimeout(0)``). "Drawn" is ``window.militiaMap.ready``
  for this project's page; for ``explore()`` it is: its ``L.GeoJSON`` layer is on its
  ``L.Map`` and holds all ``n`` features (folium adds it in the page's inline script).
- **tooltip**: the map is set (no animation) to zoom 12 on one synthetic feature, then the
  mouse moves onto that spot; from the ``mousemove`` event's time stamp until a
  ``.leaflet-tooltip`` is in the DOM, plus one painted frame. On this project's page the map
  is set to its top zoom (13) instead, centred on the point drawn alone (not inside a cluster)
  that is nearest that feature (:data:`_PREPARE_ALONE`): under a cluster the hover would time
  the cluster's tooltip, and a click on a cluster below the top zoom zooms in, opening no popup
  (the 1M page's first point is still clustered at zoom 12).
- **popup**: a click on the same spot; from the ``mousedown`` time stamp until a
  ``.leaflet-popup`` with content is in the DOM, plus one painted frame. ``explore()`` binds
  no popup by default, so it is not measured there.
- **heap**: CDP ``Performance.getMetrics`` ``JSHeapUsedSize`` after the load, before and after
  a forced garbage collection (``HeapProfiler.collectGarbage``); also DOM ``Nodes`` and
  Chromium's cumulative ``ScriptDuration``/``LayoutDuration``/``RecalcStyleDuration``.
- **first frame** (:data:`PROBE`, an init script that runs before the page's own scripts): the
  first feature drawing call is the first canvas 2D ``fill``/``stroke``, the first WebGL
  ``drawArrays``/``drawElements`` (instanced or not), or the first animation frame at which an SVG
  ``path`` is in Leaflet's overlay pane or a cluster marker (``.mm-cluster``) in its marker pane;
  the basemaps are SVG in their own panes or absent, so every such call draws features. The first
  frame is then the ``requestAnimationFrame`` after that call, then ``setTimeout(0)``: the frame
  holding the drawing has been presented. A page that never draws (lonboard offline) has none.
- **redraw**: after the load, three programmatic moves, each without animation: zoom in one
  level, pan 350 px east, zoom out one level (Leaflet: ``setZoom``/``panBy`` with
  ``animate: false``, which fire ``moveend`` at once; deck.gl: ``setProps({initialViewState})``).
  Each is timed from just before the call to the ``setTimeout(0)`` after the second animation
  frame that follows: the pages defer their redraw to animation frames (Leaflet's canvas and
  this project's re-clustering on ``moveend`` are two such levels; deck.gl draws in its next
  frame), so the second frame is the one that holds the new drawing. The median of the three is
  reported; each move's time, its synchronous part and its drawing calls are in ``results.json``.
  This project's page prepares, once it is idle, what a zoom one step in or out needs (the plain
  strokes' picture of that zoom, the cluster symbols of that view) and adds the symbols of the
  off-screen margin after the frame: the moves follow the load's garbage collection and screenshot,
  which leave it that idle time. A move is done when the page says its picture is exact
  (``window.militiaMap.settled()``, if the page has it; :data:`_SETTLED`): a scaled copy shown first
  does not count.
- **first zoom**: in a load of its own (``first_zoom=True``), a zoom in one level started in the
  task in which the first frame is seen (:data:`FIRST_ZOOM`), so the page has had no idle time;
  timed as a redraw move. Before 2026-12-07 (session 13) this project's 100k page took 0.9-1.3 s
  for it (all lines stroked in its frame), against 0.1 s for the redraw moves after idle time.
- **screenshot**: a PNG of the page after the load (``page.png``), with its number of distinct
  colours (1 means blank).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from renderers.webmap.screenshot import offline_page

ROOT = Path(__file__).resolve().parent.parent
LEAFLET_DIST = ROOT / "node_modules" / "leaflet" / "dist"
# explore() pages load Leaflet from a CDN: any ".../leaflet@VERSION/dist/FILE" is served from npm.
_LEAFLET_CDN = re.compile(r"^https?://[^?#]*/leaflet@[^/]+/dist/([^?#]+)")
_CONTENT_TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}
INTERACTION_ZOOM = 12

# Finds the page's L.Map and L.GeoJSON layers among its globals (folium declares them with var).
_FIND = """
function __benchFind() {
  var found = { map: null, geojson: [] };
  if (!window.L) { return found; }
  if (window.militiaMap && window.militiaMap.map instanceof L.Map) { found.map = window.militiaMap.map; }
  Object.keys(window).forEach(function (k) {
    var v;
    try { v = window[k]; } catch (e) { return; }
    if (!found.map && v instanceof L.Map) { found.map = v; }
    if (v instanceof L.GeoJSON) { found.geojson.push(v); }
  });
  return found;
}
"""

# Records window.__bench.drawn on the first frame where the criterion holds, and .painted one frame later.
LEAFLET_KINDS = ("ours", "compact", "explore")
# Records the first feature drawing call and the frame after it (see the module docstring).
PROBE = """
(() => {
  var P = window.__probe = { draws: 0, firstDraw: null, firstFrame: null, how: '' };
  function hit(how) {
    P.draws += 1;
    if (P.firstDraw !== null) { return; }
    P.firstDraw = performance.now();
    P.how = how;
    requestAnimationFrame(function () { setTimeout(function () { P.firstFrame = performance.now(); if (P.onFirstFrame) { P.onFirstFrame(); } }, 0); });
  }
  function wrap(proto, names, how) {
    if (!proto) { return; }
    names.forEach(function (name) {
      var original = proto[name];
      if (typeof original !== 'function') { return; }
      proto[name] = function () { hit(how); return original.apply(this, arguments); };
    });
  }
  wrap(window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype, ['fill', 'stroke'], 'canvas 2D fill/stroke');
  wrap(window.WebGLRenderingContext && WebGLRenderingContext.prototype, ['drawArrays', 'drawElements'], 'WebGL draw call');
  wrap(window.WebGL2RenderingContext && WebGL2RenderingContext.prototype,
    ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced', 'drawRangeElements'], 'WebGL draw call');
  var features = '.leaflet-overlay-pane svg path, .leaflet-marker-pane .mm-cluster';
  function poll() {
    if (P.firstDraw === null && document.querySelector(features)) { hit('SVG path or cluster marker in the DOM'); }
    if (P.firstDraw === null) { requestAnimationFrame(poll); }
  }
  requestAnimationFrame(poll);
})();
"""
_DRAWN = {
    "ours": "document.readyState === 'complete' && !!(window.militiaMap && window.militiaMap.ready === true)",
    "compact": "document.readyState === 'complete' && !!(window.militiaMap && window.militiaMap.ready === true)",
    "pydeck": "document.readyState === 'complete' && window.__probe.firstFrame !== null",
    "lonboard": "document.readyState === 'complete'",
    "explore": (
        "document.readyState === 'complete' && (function () { var f = __benchFind();"
        " return !!f.map && f.geojson.some(function (g) { return f.map.hasLayer(g) && g.getLayers().length === n; }); })()"
    ),
}
_WAIT_DRAWN = """
(n) => {
  %(find)s
  if (window.__bench) { return true; }
  if (!(%(criterion)s)) { return false; }
  var b = window.__bench = { drawn: performance.now() };
  requestAnimationFrame(function () { setTimeout(function () { b.painted = performance.now(); }, 0); });
  return true;
}
"""
_TIMINGS = """
() => {
  var nav = performance.getEntriesByType('navigation')[0] || {};
  var pick = function (e) { return { name: e.name, start: e.startTime, duration: e.duration }; };
  return {
    response_end: nav.responseEnd, dom_interactive: nav.domInteractive,
    dom_content_loaded_end: nav.domContentLoadedEventEnd, load_event_end: nav.loadEventEnd,
    drawn: window.__bench.drawn, painted: window.__bench.painted,
    first_draw: window.__probe.firstDraw, first_frame: window.__probe.firstFrame, first_how: window.__probe.how, draws: window.__probe.draws,
    marks: performance.getEntriesByType('mark').map(pick), measures: performance.getEntriesByType('measure').map(pick)
  };
}
"""
# Centres the map on the target at zoom 12, once any running zoom animation has ended; sets window.__prep
# when done (asynchronously, so a slow redraw cannot block the driver).
_PREPARE = """
([lat, lon, zoom]) => {
  %(find)s
  window.__prep = null;
  window.__ev = {};
  var map = __benchFind().map;
  function settle() {
    // A zoom animation still running (e.g. the page's own fitBounds) would swallow setView.
    if (map._animatingZoom) { setTimeout(settle, 50); return; }
    map.closePopup();
    map.setView([lat, lon], Math.min(zoom, map.getMaxZoom()), { animate: false });
    requestAnimationFrame(function () { setTimeout(function () {
      var p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
      var x = box.left + p.x, y = box.top + p.y, hit = document.elementFromPoint(x, y);
      window.__prep = { x: x, y: y, zoom: map.getZoom(), hit: hit ? hit.tagName.toLowerCase() + '.' + String(hit.getAttribute('class') || '') : '' };
    }, 0); });
  }
  setTimeout(settle, 0);
  ['mousemove', 'mousedown'].forEach(function (type) {
    document.addEventListener(type, function (e) { if (!window.__ev[type]) { window.__ev[type] = e.timeStamp; } }, true);
  });
  return true;
}
"""
# This project's page: the top zoom, centred on the point drawn alone nearest the target (a click on a
# cluster below the top zoom zooms in and opens no popup); sets window.__prep as _PREPARE does, with
# the point's layer and id.
_PREPARE_ALONE = """
([lat, lon]) => {
  window.__prep = null;
  window.__ev = {};
  var app = window.militiaMap, map = app.map;
  function nearest() {
    var best = null, bestD = Infinity, at = L.latLng(lat, lon);
    Object.keys(app.layers).forEach(function (id) {
      var entry = app.layers[id];
      if (entry.spec.geometry !== 'point' || !app.isVisible(id)) { return; }
      entry.shown.forEach(function (f) {
        if (!f.inGroup || !f.latlng) { return; }
        var d = at.distanceTo(f.latlng);
        if (d < bestD) { bestD = d; best = f; }
      });
    });
    return best;
  }
  function settle(step) {
    if (map._animatingZoom) { setTimeout(function () { settle(step); }, 50); return; }
    map.closePopup();
    var top = map.getMaxZoom(), f = step ? nearest() : null;
    map.setView(f ? f.latlng : [lat, lon], top, { animate: false });
    // Twice: the points drawn alone are known once the view is at the top zoom (after its redraw).
    requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(function () {
      if (!step) { settle(1); return; }
      var g = nearest() || f;
      if (!g) { window.__prep = { error: 'no point drawn alone at the top zoom' }; return; }
      var p = map.latLngToContainerPoint(g.latlng), box = map.getContainer().getBoundingClientRect();
      var x = box.left + p.x, y = box.top + p.y, hit = document.elementFromPoint(x, y);
      window.__prep = { x: x, y: y, zoom: map.getZoom(), layer: g.layerId, id: String(g.id),
        metres_from_target: Math.round(L.latLng(lat, lon).distanceTo(g.latlng)),
        hit: hit ? hit.tagName.toLowerCase() + '.' + String(hit.getAttribute('class') || '') : '' };
    }, 0); }); });
  }
  setTimeout(function () { settle(0); }, 0);
  ['mousemove', 'mousedown'].forEach(function (type) {
    document.addEventListener(type, function (e) { if (!window.__ev[type]) { window.__ev[type] = e.timeStamp; } }, true);
  });
  return true;
}
"""
_WAIT_SHOWN = """
([selector, key]) => {
  var shown = window.__shown = window.__shown || {};
  if (shown[key]) { return true; }
  var node = document.querySelector(selector);
  if (!node || !node.textContent.trim()) { return false; }
  var b = shown[key] = { seen: performance.now(), text: node.textContent.trim().replace(/\\s+/g, ' ').slice(0, 80) };
  requestAnimationFrame(function () { setTimeout(function () { b.painted = performance.now(); }, 0); });
  return true;
}
"""

# Calls done(frames) once the frame the user sees after a move is final: the second animation frame
# after the call, then setTimeout(0); if the page says its picture is not yet exact then (this
# project's page may show a scaled copy first: window.militiaMap.settled() is false until the exact
# drawing is on its canvas), every later frame is looked at until it is, and the frame after it is
# waited for too. `frames` is the number of animation frames waited for.
_SETTLED = """
function __benchSettled(done) {
  var frames = 0;
  function exact() { var app = window.militiaMap; return !(app && typeof app.settled === 'function') || app.settled(); }
  function check(waited) {
    if (exact()) {
      if (waited) { requestAnimationFrame(function () { frames += 1; setTimeout(function () { done(frames); }, 0); }); return; }
      setTimeout(function () { done(frames); }, 0);
      return;
    }
    requestAnimationFrame(function () { frames += 1; check(true); });
  }
  requestAnimationFrame(function () { frames += 1; requestAnimationFrame(function () { frames += 1; check(false); }); });
}
"""

REDRAW_MOVES = ("zoom in", "pan", "zoom out")
PAN_PX = 350
# Runs the moves one after another (see the module docstring); sets window.__redraw to the list of timings.
_REDRAW = """
([moves, pan]) => {
  %(find)s
  %(settled)s
  window.__redraw = null;
  var leaflet = __benchFind().map, deck = (typeof deckInstance !== 'undefined') ? deckInstance : null, out = [];
  function move(name) {
    if (leaflet) {
      if (name === 'zoom in') { leaflet.setZoom(leaflet.getZoom() + 1, { animate: false }); }
      else if (name === 'zoom out') { leaflet.setZoom(leaflet.getZoom() - 1, { animate: false }); }
      else { leaflet.panBy([pan, 0], { animate: false }); }
      return;
    }
    var vp = deck.getViewports()[0], view = { longitude: vp.longitude, latitude: vp.latitude, zoom: vp.zoom, pitch: 0, bearing: 0 };
    if (name === 'zoom in') { view.zoom += 1; }
    else if (name === 'zoom out') { view.zoom -= 1; }
    else { var c = vp.unproject([vp.width / 2 + pan, vp.height / 2]); view.longitude = c[0]; view.latitude = c[1]; }
    deck.setProps({ initialViewState: view });
  }
  function run(i) {
    if (i >= moves.length) { window.__redraw = out; return; }
    if (leaflet && leaflet._animatingZoom) { setTimeout(function () { run(i); }, 50); return; }
    var ended = false, before = window.__probe.draws;
    if (leaflet) { leaflet.once('moveend', function () { ended = true; }); }
    var t0 = performance.now();
    move(moves[i]);
    var sync = performance.now() - t0;
    __benchSettled(function (frames) {
      var ms = performance.now() - t0;
      out.push({ move: moves[i], ms: ms, sync_ms: sync, moveend: leaflet ? ended : null, draws: window.__probe.draws - before, frames: frames });
      setTimeout(function () { run(i + 1); }, 300);
    });
  }
  if (!leaflet && !deck) { window.__redraw = { error: 'no Leaflet map and no deckInstance on the page' }; return true; }
  setTimeout(function () { run(0); }, 0);
  return true;
}
"""
# An init script for the first-zoom load: a zoom in one level (as the redraw's first move) started
# in the same task in which PROBE records the first frame, so the page has had no idle time; timed
# from the call until the frame the user sees is final (_SETTLED). Sets window.__firstZoom.
FIRST_ZOOM = """
(() => {
  %(find)s
  %(settled)s
  function go() {
    var leaflet = __benchFind().map, deck = (typeof deckInstance !== 'undefined') ? deckInstance : null, before = window.__probe.draws;
    if (!leaflet && !deck) { window.__firstZoom = { error: 'no Leaflet map and no deckInstance on the page' }; return; }
    var t0 = performance.now();
    if (leaflet) { leaflet.setZoom(leaflet.getZoom() + 1, { animate: false }); }
    else {
      var vp = deck.getViewports()[0];
      deck.setProps({ initialViewState: { longitude: vp.longitude, latitude: vp.latitude, zoom: vp.zoom + 1, pitch: 0, bearing: 0 } });
    }
    var sync = performance.now() - t0;
    __benchSettled(function (frames) {
      window.__firstZoom = { started_ms: t0, ms: performance.now() - t0, sync_ms: sync, draws: window.__probe.draws - before, frames: frames };
    });
  }
  window.__probe.onFirstFrame = go;
})();
"""

# deck.gl (pydeck): view the target at zoom 12, then tell where it is on the screen.
_DECK_PREPARE = """
([lat, lon, zoom]) => {
  window.__prep = null;
  window.__ev = {};
  deckInstance.setProps({ initialViewState: { longitude: lon, latitude: lat, zoom: zoom, pitch: 0, bearing: 0 } });
  requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(function () {
    var vp = deckInstance.getViewports()[0], p = vp.project([lon, lat]), box = deckInstance.getCanvas().getBoundingClientRect();
    window.__prep = { x: box.left + p[0], y: box.top + p[1], zoom: vp.zoom, hit: '' };
  }, 0); }); });
  ['mousemove', 'pointermove', 'mousedown'].forEach(function (type) {
    document.addEventListener(type, function (e) { if (!window.__ev[type]) { window.__ev[type] = e.timeStamp; } }, true);
  });
  return true;
}
"""
_DECK_TOOLTIP = ".deck-tooltip"


def _serve_leaflet(route: Any, served: list[str]) -> None:  # noqa: ANN401 - playwright's Route
    """Fulfil a Leaflet CDN request with the file from node_modules/leaflet/dist, else abort it."""
    match = _LEAFLET_CDN.match(route.request.url)
    path = (LEAFLET_DIST / match.group(1)).resolve() if match else None
    if path is None or not path.is_file() or LEAFLET_DIST.resolve() not in path.parents:
        route.fallback()
        return
    served.append(route.request.url)
    route.fulfill(status=200, body=path.read_bytes(), content_type=_CONTENT_TYPES.get(path.suffix, "application/octet-stream"))


def _metrics(cdp: Any) -> dict[str, float]:  # noqa: ANN401 - playwright's CDPSession
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def _top_functions(profile: dict[str, Any], limit: int = 15) -> list[dict[str, Any]]:
    """Return the functions with the most self time in a CDP CPU profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}

    def name_of(node_id: int) -> str:
        """Return the function's name, or "(anonymous in NAME)" after its nearest named caller."""
        own = str(nodes[node_id]["callFrame"].get("functionName") or "")
        if own:
            return own
        up = parent.get(node_id)
        while up is not None:
            caller = nodes[up]["callFrame"].get("functionName")
            if caller:
                return f"(anonymous in {caller})"
            up = parent.get(up)
        return "(anonymous)"

    self_us: Counter[int] = Counter()
    for node_id, delta in zip(profile.get("samples", []), profile.get("timeDeltas", []), strict=False):
        self_us[node_id] += delta
    by_function: Counter[tuple[str, str, int]] = Counter()
    for node_id, micros in self_us.items():
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url", "")
        where = url.rsplit("/", 1)[-1][:40] if url else ""
        by_function[(name_of(node_id), where, frame.get("lineNumber", -1) + 1)] += micros
    total = sum(by_function.values()) or 1
    return [
        {"function": name, "file": where, "line": line, "self_s": round(us / 1e6, 3), "share": round(us / total, 3)}
        for (name, where, line), us in by_function.most_common(limit)
    ]


def _emit_profile(cdp: Any, path: Path, emit: Callable[[dict[str, Any]], None], note: str = "") -> None:  # noqa: ANN401
    """Stop the CPU profiler, write its profile to ``path`` and emit the top functions."""
    profile = cdp.send("Profiler.stop")["profile"]
    path.write_text(json.dumps(profile), encoding="utf-8")
    emit({"phase": "profile", "status": "ok", "file": str(path), "note": note, "top": _top_functions(profile)})


def measure_page(
    chromium: str,
    html: Path,
    kind: str,
    n: int,
    target: tuple[float, float] | None,
    *,
    timeout_s: float,
    interaction_timeout_s: float,
    emit: Callable[[dict[str, Any]], None],
    profile_to: Path | None = None,
    screenshot_to: Path | None = None,
    first_zoom: bool = False,
) -> None:
    """Open ``html`` offline and ``emit`` one record per measured phase.

    Parameters
    ----------
    chromium
        Path of the Chromium binary.
    html
        The page to open.
    kind
        ``"ours"``/``"compact"`` (this project's page), ``"explore"`` (``GeoDataFrame.explore()``),
        ``"pydeck"`` (``Deck.to_html(offline=True)``) or ``"lonboard"`` (``Map.to_html()``).
    n
        Number of features on the page (the explore criterion waits for all of them).
    target
        ``(lat, lon)`` of the feature to hover and click; ``None`` skips the interactions.
    timeout_s
        Longest wait for the load; past it the load is reported as ``"timeout"``.
    interaction_timeout_s
        Longest wait for each interaction step (and for the first frame after the load).
    emit
        Receives each record (a dict with a ``"phase"`` key) as soon as it is known.
    profile_to
        If given, record a CPU profile of the load, write it there and emit the top functions
        (the profiler slows the page: use a separate run for the timings).
    screenshot_to
        If given, write a PNG of the page after the load there.
    first_zoom
        Measure only the first zoom (:data:`FIRST_ZOOM`, a load of its own: the other phases
        follow idle time, which this one must not have) and emit it as phase ``"first_zoom"``.
    """
    with offline_page(chromium) as view:
        page = view.page
        page.add_init_script(PROBE)
        if first_zoom:
            page.add_init_script(FIRST_ZOOM % {"find": _FIND, "settled": _SETTLED})
        served: list[str] = []
        if kind == "explore":
            page.route(_LEAFLET_CDN, lambda route: _serve_leaflet(route, served))
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        if profile_to is not None:
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 500})
            cdp.send("Profiler.start")
        wall = time.perf_counter()
        try:
            page.goto(html.resolve().as_uri(), wait_until="commit", timeout=timeout_s * 1000)
            left = max(1.0, timeout_s - (time.perf_counter() - wall))
            page.wait_for_function(_WAIT_DRAWN % {"find": _FIND, "criterion": _DRAWN[kind]}, arg=n, polling="raf", timeout=left * 1000)
            page.wait_for_function("() => window.__bench && window.__bench.painted !== undefined", timeout=interaction_timeout_s * 1000)
        except Exception as exc:  # noqa: BLE001 - playwright's TimeoutError or a crashed page: report, don't raise
            emit({"phase": "load", "status": "timeout" if "Timeout" in type(exc).__name__ else "error", "error": str(exc).splitlines()[0][:300]})
            if profile_to is not None:  # what the page did until then is the interesting part
                _emit_profile(cdp, profile_to, emit, note="load did not finish; profile up to the timeout")
            return
        wall_s = time.perf_counter() - wall
        if first_zoom:
            _emit_first_zoom(page, interaction_timeout_s, emit)
            return
        # The first frame can follow the load (a canvas drawn in the next animation frame); a page
        # that draws nothing (lonboard offline) is given a few seconds.
        wait_ms = 5000 if kind == "lonboard" else interaction_timeout_s * 1000
        with contextlib.suppress(Exception):  # no first frame: reported as such below
            page.wait_for_function("() => window.__probe.firstFrame !== null", timeout=wait_ms)
        timings = page.evaluate(_TIMINGS)
        after_load = _metrics(cdp)
        cdp.send("HeapProfiler.collectGarbage")
        after_gc = _metrics(cdp)
        shot = _screenshot(page, screenshot_to) if screenshot_to is not None else {}
        emit(
            {
                "phase": "load",
                "status": "ok",
                "load_s": timings["painted"] / 1000,
                "first_frame_s": None if timings["first_frame"] is None else timings["first_frame"] / 1000,
                "first_draw_how": timings["first_how"],
                "wall_s": wall_s,
                "timings_ms": timings,
                "heap_used_mb": after_load.get("JSHeapUsedSize", 0) / 1e6,
                "heap_used_after_gc_mb": after_gc.get("JSHeapUsedSize", 0) / 1e6,
                "dom_nodes": int(after_gc.get("Nodes", 0)),
                "chromium_s": {k: round(after_load.get(k, 0.0), 3) for k in ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")},
                "leaflet_served": served,
                "blocked": [u for u in dict.fromkeys(view.blocked) if u not in served],
                "console_errors": view.console_errors[:5],
                "page_errors": view.page_errors[:5],
                **shot,
            }
        )
        if profile_to is not None:
            _emit_profile(cdp, profile_to, emit)
            return
        if timings["first_frame"] is not None:
            _redraw(page, interaction_timeout_s, emit)
        if target is not None and kind != "lonboard":
            _interact(page, kind, target, interaction_timeout_s, emit)


def _screenshot(page: Any, path: Path) -> dict[str, Any]:  # noqa: ANN401 - playwright's Page
    """Write a PNG of the page; return its path and its number of distinct colours (1: blank)."""
    from PIL import Image  # noqa: PLC0415 - Pillow comes with matplotlib

    try:
        page.screenshot(path=str(path), timeout=120_000)
    except Exception as exc:  # noqa: BLE001
        return {"screenshot": None, "screenshot_error": str(exc).splitlines()[0][:200]}
    with Image.open(path) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 16)
    return {"screenshot": str(path), "screenshot_colours": len(colours) if colours is not None else 1 << 16}


def _emit_first_zoom(page: Any, timeout_s: float, emit: Callable[[dict[str, Any]], None]) -> None:  # noqa: ANN401
    """Wait for the zoom :data:`FIRST_ZOOM` started at the first frame; emit it with the page's mm:move entries."""
    try:
        got = page.wait_for_function("() => window.__firstZoom", timeout=timeout_s * 1000).json_value()
    except Exception as exc:  # noqa: BLE001 - no first frame, or the zoom never settled
        emit({"phase": "first_zoom", "status": "timeout", "error": str(exc).splitlines()[0][:300]})
        return
    if got.get("error"):
        emit({"phase": "first_zoom", "status": "error", "error": got["error"]})
        return
    entries = page.evaluate(
        "(t) => performance.getEntriesByType('measure').filter(function (e) { return e.startTime >= t; })"
        ".map(function (e) { return { name: e.name, start: e.startTime, duration: e.duration }; })",
        got["started_ms"],
    )
    first = page.evaluate("() => window.__probe.firstFrame")
    emit({"phase": "first_zoom", "status": "ok", "first_zoom_ms": got["ms"], "first_frame_s": first / 1000, **got, "measures": entries})


def _redraw(page: Any, timeout_s: float, emit: Callable[[dict[str, Any]], None]) -> None:  # noqa: ANN401
    """Time the programmatic moves of :data:`REDRAW_MOVES`; emit their median and each one."""
    try:
        page.evaluate(_REDRAW % {"find": _FIND, "settled": _SETTLED}, [list(REDRAW_MOVES), PAN_PX])
        got = page.wait_for_function("() => window.__redraw", timeout=timeout_s * 1000 * len(REDRAW_MOVES)).json_value()
    except Exception as exc:  # noqa: BLE001
        emit({"phase": "redraw", "status": "timeout", "error": str(exc).splitlines()[0][:300]})
        return
    if isinstance(got, dict):
        emit({"phase": "redraw", "status": "error", "error": got.get("error", "")})
        return
    times = sorted(m["ms"] for m in got)
    emit({"phase": "redraw", "status": "ok", "redraw_ms": times[len(times) // 2], "moves": got})


def _interact(page: Any, kind: str, target: tuple[float, float], timeout_s: float, emit: Callable[[dict[str, Any]], None]) -> None:  # noqa: ANN401
    """Hover (tooltip) and, on this project's page, click (popup) the target; emit each time."""
    leaflet = kind in LEAFLET_KINDS
    try:
        if kind in ("ours", "compact"):
            page.evaluate(_PREPARE_ALONE, [target[0], target[1]])
        elif leaflet:
            page.evaluate(_PREPARE % {"find": _FIND}, [target[0], target[1], INTERACTION_ZOOM])
        else:
            page.evaluate(_DECK_PREPARE, [target[0], target[1], INTERACTION_ZOOM])
        prep = page.wait_for_function("() => window.__prep", timeout=timeout_s * 1000).json_value()
    except Exception as exc:  # noqa: BLE001
        emit({"phase": "tooltip", "status": "timeout", "error": f"setting the view: {str(exc).splitlines()[0][:200]}"})
        return
    if prep.get("error"):
        emit({"phase": "tooltip", "status": "error", "error": prep["error"]})
        return
    where = {k: prep[k] for k in ("layer", "id", "metres_from_target") if k in prep}
    steps = [("tooltip", ".leaflet-tooltip" if leaflet else _DECK_TOOLTIP, "mousemove")]
    if kind in ("ours", "compact"):
        steps.append(("popup", ".leaflet-popup .leaflet-popup-content", "mousedown"))
    for phase, selector, event in steps:
        try:
            if phase == "tooltip":
                page.mouse.move(prep["x"], prep["y"])
            else:
                page.mouse.click(prep["x"], prep["y"])
            page.wait_for_function(_WAIT_SHOWN, arg=[selector, phase], polling="raf", timeout=timeout_s * 1000)
            page.wait_for_function("(k) => window.__shown[k].painted !== undefined", arg=phase, timeout=timeout_s * 1000)
            got = page.evaluate("([k, ev]) => ({ shown: window.__shown[k], start: window.__ev[ev] === undefined ? null : window.__ev[ev] })", [phase, event])
        except Exception as exc:  # noqa: BLE001
            emit({"phase": phase, "status": "timeout", "error": str(exc).splitlines()[0][:300], "hit": prep.get("hit", "")})
            continue
        if got["start"] is None:
            emit({"phase": phase, "status": "error", "error": f"no {event} event reached the page", "hit": prep.get("hit", "")})
            continue
        seconds = (got["shown"]["painted"] - got["start"]) / 1000
        shown = got["shown"].get("text", "")
        emit({"phase": phase, "status": "ok", f"{phase}_s": seconds, "zoom": prep["zoom"], "hit": prep.get("hit", ""), "text": shown, **where})
