"""Web map at scale, side by side: this project's page, ``explore()``, pydeck and lonboard.

For each size (``--sizes 1000,100000,1000000``; a space list works too) the script generates
synthetic data (by default distinct claims, ``benchmarks/distinct.py``: ``n`` points plus
``n/5`` lines, points only from 1,000,000 on), builds every map from it and opens each in
headless Chromium with the network cut off, then prints one table of build time, HTML size,
load, first painted frame, pan/zoom redraw, tooltip and popup time and the JS heap. The maps:
this project (plain and ``compact=True``), ``GeoDataFrame.explore()``, pydeck
``Deck.to_html(offline=True)`` and lonboard ``Map.to_html()`` (blank offline, lonboard issue
#457: its screenshot is kept). See ``benchmarks/README.md`` for the criteria.

Usage (from the repository root)::

    .venv/bin/python benchmarks/webmap_scale.py --sizes 1000,100000,1000000
    .venv/bin/python benchmarks/webmap_scale.py --sizes 100000 --data quotes --maps ours,compact

Every build and every page load runs in its own child process with a deadline (and, for
builds, a memory limit), so a case that takes too long is reported as ``timeout`` instead of
hanging the run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project's packages importable
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (1_000, 10_000, 100_000)
MAPS = ("ours", "compact", "explore", "pydeck", "lonboard")
LABELS = {"ours": "militia-map", "compact": "mm compact", "explore": "explore()", "pydeck": "pydeck", "lonboard": "lonboard"}
DATA_MODES = ("distinct", "quotes", "resampled")
# Claim attributes the pydeck and lonboard pages carry (their tooltips show them); explore() gets every column.
DECK_COLUMNS = ("id", "name", "actors_label", "type_label", "status", "date_label", "date_precision", "loc_precision", "place_names", "citation", "quote")
DASH = "\u2014"
_RECORD = "@@bench "  # prefix of the JSON records a child prints on stdout
MB = 1_000_000


# ---------- child side: one build or one page ----------


def _emit(record: dict[str, Any]) -> None:
    print(_RECORD + json.dumps(record), flush=True)


def case_shape(n: int, data: str, lines_per_point: float, points_only_from: int) -> tuple[int, int]:
    """Return ``(points, lines)`` of a size: ``n`` points and ``n * lines_per_point`` lines (none from ``points_only_from`` on).

    For ``resampled`` data ``n`` is the total over every real layer, returned as ``(n, 0)``.
    """
    if data == "resampled" or n >= points_only_from:
        return n, 0
    return n, round(n * lines_per_point)


def case_label(shape: tuple[int, int], data: str) -> str:
    """Return the table's ``features`` cell: ``100,000 + 20,000 lines``, ``1,000,000``, ``1,000 (resampled)``."""
    points, lines = shape
    if data == "resampled":
        return f"{points:,} (resampled)"
    return f"{points:,} + {lines:,} lines" if lines else f"{points:,}"


def case_layers(spec: dict[str, Any]) -> tuple[Any, list[Any]]:
    """Return the dataset and the synthetic layers of a case, generated once per run and cached in ``spec['cache']``.

    With distinct claims the dataset's gazetteer also holds every generated place
    (``benchmarks.distinct.with_places``), as a real user's data would: so the CSV, and the page's
    "Download what I see", has its rows (a movement stop needs its place in the gazetteer).
    """
    from dataset.load import load_dataset  # noqa: PLC0415 - child only
    from layers import build_layers  # noqa: PLC0415

    ds = load_dataset(ROOT / "data")
    cache = Path(spec["cache"])
    if cache.is_file():
        with cache.open("rb") as f:
            layers = pickle.load(f)
    else:
        base = build_layers(ds)
        points, lines = spec["shape"]
        if spec["data"] == "resampled":
            from benchmarks.synthetic import synthetic_layers  # noqa: PLC0415

            layers = synthetic_layers(points, spec["seed"], base=base)
        else:
            from benchmarks.distinct import distinct_layers  # noqa: PLC0415

            layers = distinct_layers(points, lines, spec["seed"], base=base, quotes=spec["data"] == "quotes")
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("wb") as f:
            pickle.dump(layers, f, protocol=pickle.HIGHEST_PROTOCOL)
    if spec["data"] != "resampled":
        from benchmarks.distinct import with_places  # noqa: PLC0415

        ds = with_places(ds, layers)
    return ds, layers


def _target(layers: list[Any]) -> dict[str, Any] | None:
    for layer in layers:
        points = layer.gdf[layer.gdf.geom_type == "Point"]
        if len(points):
            point = points.geometry.iloc[0]
            return {"lat": point.y, "lon": point.x, "layer": layer.name, "id": str(points["id"].iloc[0])}
    return None


def _rgb(hex_colour: str) -> list[int]:
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def _deck_tables(layers: list[Any]) -> tuple[Any, Any]:
    """Return ``(points, lines)``: the features as GeoDataFrames with :data:`DECK_COLUMNS` and an RGB colour of their actor group."""
    from benchmarks.synthetic import concat_layers  # noqa: PLC0415
    from layers.style import ACTOR_GROUPS  # noqa: PLC0415

    gdf = concat_layers(layers)
    keep = [c for c in DECK_COLUMNS if c in gdf.columns and not (c == "quote" and not gdf[c].fillna("").astype(str).str.len().any())]
    colours = {g: _rgb(c) for g, (_, c) in ACTOR_GROUPS.items()}
    out = gdf[[*keep, "actor_group", gdf.geometry.name]].copy()
    out["color"] = [colours.get(g, [102, 102, 102]) for g in out["actor_group"].fillna("other")]
    kinds = out.geom_type
    return out[kinds == "Point"], out[kinds.isin(["LineString", "MultiLineString"])]


def _build_pydeck(layers: list[Any], html: Path) -> None:
    import pydeck as pdk  # noqa: PLC0415 - benchmarks/requirements.txt

    points, lines = _deck_tables(layers)
    deck_layers = []
    if len(lines):
        frame = pd_frame(lines.drop(columns=lines.geometry.name))
        frame["path"] = [[list(map(float, xy)) for xy in g.coords] for g in lines.geometry]
        deck_layers.append(pdk.Layer("PathLayer", frame, get_path="path", get_color="color", width_min_pixels=2, pickable=True))
    if len(points):
        frame = pd_frame(points.drop(columns=points.geometry.name))
        frame["lon"], frame["lat"] = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
        scatter = {"get_position": ["lon", "lat"], "get_fill_color": "color", "get_radius": 300, "radius_min_pixels": 3, "pickable": True}
        deck_layers.append(pdk.Layer("ScatterplotLayer", frame, **scatter))
    view = pdk.ViewState(latitude=34.8, longitude=38.7, zoom=6)
    tooltip = {"text": "{name}\n{date_label}\n{citation}"}
    deck = pdk.Deck(layers=deck_layers, initial_view_state=view, map_style=None, tooltip=tooltip)
    deck.to_html(str(html), offline=True, open_browser=False, notebook_display=False)


def pd_frame(gdf: Any) -> Any:  # noqa: ANN401 - a (Geo)DataFrame
    """Return ``gdf`` as a plain pandas DataFrame (pydeck serialises it to JSON records)."""
    import pandas as pd  # noqa: PLC0415

    return pd.DataFrame(gdf).reset_index(drop=True)


def _build_lonboard(layers: list[Any], html: Path) -> None:
    import geoarrow.rust.core as geoarrow  # noqa: PLC0415 - installed with lonboard
    import lonboard  # noqa: PLC0415 - benchmarks/requirements.txt
    import numpy as np  # noqa: PLC0415
    from arro3.core import Array, DataType, Table  # noqa: PLC0415

    def table(gdf: Any) -> Any:  # noqa: ANN401
        columns = [c for c in gdf.columns if c not in ("color", "actor_group", gdf.geometry.name)]
        data = {c: Array(gdf[c].fillna("").astype(str).tolist(), type=DataType.string()) for c in columns}
        data["geometry"] = geoarrow.from_shapely(gdf.geometry.to_numpy(), crs="EPSG:4326")
        return Table.from_pydict(data)

    points, lines = _deck_tables(layers)
    map_layers: list[Any] = []
    if len(lines):
        colour = np.array(lines["color"].tolist(), dtype=np.uint8)
        map_layers.append(lonboard.PathLayer(table=table(lines), get_color=colour, get_width=2, width_units="pixels"))
    if len(points):
        colour = np.array(points["color"].tolist(), dtype=np.uint8)
        map_layers.append(lonboard.ScatterplotLayer(table=table(points), get_fill_color=colour, get_radius=3, radius_units="pixels"))
    fmap = lonboard.Map(map_layers, view_state={"longitude": 38.7, "latitude": 34.8, "zoom": 6})
    fmap.to_html(str(html))


def build_case(spec: dict[str, Any]) -> dict[str, Any]:
    """Build one map of a case's synthetic features; return its path, size, build time and target.

    Parameters
    ----------
    spec
        ``kind`` (``"ours"``, ``"compact"``: ``render_webmap``; ``"explore"``:
        ``GeoDataFrame.explore(tiles=None)`` on all layers concatenated, saved with ``Map.save``;
        ``"pydeck"``: ``Deck.to_html(offline=True)``; ``"lonboard"``: ``Map.to_html()``),
        ``data``, ``shape``, ``seed``, ``cache`` (see :func:`case_layers`) and ``out_dir``.

    Returns
    -------
    dict
        ``build_s`` (the build alone: making or loading the synthetic data is not timed),
        ``html``, ``bytes``, ``features`` and ``target``: the first point feature, to hover and click;
        with quotes, ``quotes_gzip_bytes``: the gzip size (level 9) of all quotes alone.
    """
    from benchmarks.synthetic import concat_layers  # noqa: PLC0415
    from renderers.webmap.build import render_webmap  # noqa: PLC0415 - child only

    kind = spec["kind"]
    out_dir = Path(spec["out_dir"])
    ds, layers = case_layers(spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if kind in ("ours", "compact"):
        # The compact page (v3) is the default: "ours" is it; "compact" names it too, for older tables.
        html = render_webmap(layers, ds, out_dir)[0]
    elif kind == "explore":
        html = out_dir / "explore.html"
        concat_layers(layers).explore(tiles=None).save(str(html))
    elif kind == "pydeck":
        html = out_dir / "pydeck.html"
        _build_pydeck(layers, html)
    else:
        html = out_dir / "lonboard.html"
        _build_lonboard(layers, html)
    build_s = time.perf_counter() - start
    features = sum(len(layer.gdf) for layer in layers)
    record = {"build_s": build_s, "html": str(html), "bytes": html.stat().st_size, "target": _target(layers), "features": features}
    if spec["data"] == "quotes":
        quotes = [q for layer in layers if "quote" in layer.gdf.columns for q in layer.gdf["quote"].dropna().astype(str)]
        record["quotes_gzip_bytes"] = len(gzip.compress("\n".join(quotes).encode("utf-8"), compresslevel=9))
        record["quotes_bytes"] = sum(len(q.encode("utf-8")) for q in quotes)
    return record


def _child(spec: dict[str, Any]) -> int:
    if spec["mode"] == "build":
        _emit({"phase": "build", "status": "ok", **build_case(spec)})
        return 0
    from benchmarks._browser import measure_page  # noqa: PLC0415 - child only

    target = spec.get("target")
    measure_page(
        spec["chromium"],
        Path(spec["html"]),
        spec["kind"],
        spec["n"],
        (target["lat"], target["lon"]) if target and not spec.get("profile_to") and not spec.get("first_zoom") else None,
        timeout_s=spec["timeout"],
        interaction_timeout_s=spec["interaction_timeout"],
        emit=_emit,
        profile_to=Path(spec["profile_to"]) if spec.get("profile_to") else None,
        screenshot_to=Path(spec["screenshot_to"]) if spec.get("screenshot_to") else None,
        first_zoom=bool(spec.get("first_zoom")),
    )
    return 0


# ---------- parent side ----------


def _limit_memory(limit_bytes: int) -> None:
    """Cap the child's address space (``preexec_fn``), so a build too big for the machine fails alone."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def run_child(spec: dict[str, Any], deadline_s: float, log: Path, *, memory_bytes: int | None = None) -> tuple[list[dict[str, Any]], str]:
    """Run one case in a child process; return its records and ``ok``, ``timeout`` or ``failed``.

    The child gets its own process group, killed whole (browser included) past ``deadline_s``;
    ``memory_bytes`` caps its address space (not for browsers: Chromium reserves far more than it uses).
    Its stderr goes to ``log``.
    """
    out_path = log.with_suffix(".stdout")
    limit = (lambda: _limit_memory(memory_bytes)) if memory_bytes else None
    with out_path.open("w", encoding="utf-8") as out, log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
            stdout=out, stderr=err, cwd=ROOT, start_new_session=True, preexec_fn=limit,  # noqa: PLW1509 - no threads here
        )  # fmt: skip
        try:
            code = proc.wait(timeout=deadline_s)
            status = "ok" if code == 0 else "failed"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            status = "timeout"
    records = [json.loads(line[len(_RECORD) :]) for line in out_path.read_text(encoding="utf-8").splitlines() if line.startswith(_RECORD)]
    return records, status


def _by_phase(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["phase"]: r for r in records}


def _cell(record: dict[str, Any] | None, key: str, fmt: str = "{:.2f}", *, child_status: str = "ok") -> str:
    if record is None:
        return "timeout" if child_status == "timeout" else ("failed" if child_status == "failed" else DASH)
    if record.get("status") != "ok":
        return str(record.get("status"))
    value = record.get(key)
    return DASH if value is None else fmt.format(value)


def _first_frame_cell(case: dict[str, Any], load: dict[str, Any]) -> str:
    if load.get("first_frame_s") is not None:
        return f"{load['first_frame_s']:.2f}"
    return "blank offline" if case["map"] == "lonboard" else f"{DASH} (none)"


def table_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    """Return the table's cells: one row per size and map."""
    rows = []
    for case in results:
        build = case["build"]
        phases = case["phases"]
        status = case["browser_status"]
        load = phases.get("load")
        loaded = bool(load and load.get("status") == "ok")
        blank = case["map"] == "lonboard"
        first = _first_frame_cell(case, load) if load and loaded else _cell(load, "first_frame_s", child_status=status)
        drawn = loaded and load is not None and load.get("first_frame_s") is not None
        redraw = _cell(phases.get("redraw"), "redraw_ms", "{:.0f}", child_status=status) if drawn else DASH
        first_zoom = _cell(phases.get("first_zoom"), "first_zoom_ms", "{:.0f}", child_status=case.get("first_zoom_status", "ok")) if drawn else DASH
        tooltip = _cell(phases.get("tooltip"), "tooltip_s", "{:.3f}", child_status=status) if loaded and not blank else DASH
        popup = _cell(phases.get("popup"), "popup_s", "{:.3f}", child_status=status) if loaded and not blank else DASH
        if loaded and case["map"] in ("explore", "pydeck"):
            popup = "n/a"  # no popup by default: explore() binds none, pydeck has tooltips only
        rows.append(
            [
                case.get("label", f"{case['n']:,}"),
                LABELS[case["map"]],
                _cell(build, "build_s", child_status=case["build_status"]),
                DASH if build is None or build.get("status") != "ok" else f"{build['bytes'] / MB:.1f}",
                _cell(load, "load_s", child_status=status),
                first,
                redraw,
                first_zoom,
                tooltip,
                popup,
                _cell(load, "heap_used_after_gc_mb", "{:.0f}", child_status=status),
                _cell(load, "dom_nodes", "{:,}", child_status=status),
            ]
        )
    return rows


HEADER = ["features", "map", "build s", "HTML MB", "load s", "first frame s", "redraw ms", "first zoom ms", "tooltip s", "popup s", "JS heap MB", "DOM nodes"]


def format_table(rows: list[list[str]]) -> str:
    """Return the rows as a fixed-width text table."""
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = ["  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in [HEADER, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    """Return the rows as a Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" if i <= 1 else "--:" for i in range(len(HEADER))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


CRITERIA = """\
Criteria (see benchmarks/README.md):
- build s: render_webmap(layers[, compact=True]) / GeoDataFrame.explore(tiles=None) + Map.save / pydeck Deck(...).to_html(offline=True) /
  lonboard Map(...).to_html(), each in a fresh process, from the same GeoDataFrames (pydeck and lonboard: 11 claim columns and an RGB colour,
  converted inside the timed part); making the synthetic data is not timed.
- load s: from the start of navigation (performance.now() = 0) to the first animation frame where the load event has fired AND the
  map is drawn (ours: window.militiaMap.ready; explore: its L.GeoJSON layer is on the map with all n features; pydeck: the first frame
  below has happened; lonboard: the load event alone), plus one painted frame. Fresh headless Chromium per page, file:// URL, every other
  request blocked.
- first frame s: the frame after the first feature drawing call (canvas 2D fill/stroke, WebGL drawArrays/drawElements, or an SVG path /
  cluster marker in Leaflet's overlay or marker pane), seen by an init script, then setTimeout(0). "blank offline": no such call ever.
- redraw ms: median of three programmatic moves without animation (zoom in 1, pan 350 px east, zoom out 1: Leaflet setZoom/panBy,
  deck.gl setProps({initialViewState})), each from the call to the setTimeout(0) after the second animation frame after it (this
  project's page: and after the frame in which it says its picture is exact, militiaMap.settled(), if that comes later).
- first zoom ms: in a load of its own, a zoom in one level started in the task in which the first frame is seen (no idle time before
  it), timed as a redraw move; the redraw moves above follow the load's garbage collection and screenshot, which leave idle time.
- tooltip s / popup s: map set to zoom 12 on the first synthetic point (this project's page: its top zoom 13, on the point drawn alone
  nearest it, since a clustered point has no popup of its own); mouse moved there (tooltip) / clicked there (popup), from the
  input event's time stamp to the .leaflet-tooltip / .deck-tooltip / .leaflet-popup in the DOM plus one painted frame. explore() and
  pydeck have no popup by default: n/a.
- JS heap MB: CDP Performance.getMetrics JSHeapUsedSize after load and a forced GC; DOM nodes: CDP 'Nodes'.
- explore() names Leaflet 1.9.3, jQuery, Bootstrap, Font Awesome and awesome-markers on CDNs: its Leaflet JS/CSS are served from
  node_modules/leaflet/dist (1.9.4), every other remote request is aborted. pydeck's offline page inlines deck.gl but still names
  mapbox-gl and Bootstrap on CDNs (aborted; it draws without them). lonboard's page needs require.js, the Jupyter widget manager and
  parquet-wasm from CDNs (aborted): it stays blank (lonboard issue #457). This project's page makes no request at all."""


def machine_info(chromium: str | None) -> dict[str, Any]:
    """Return CPU count, RAM, Python, Chromium and library versions."""

    ram = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        first = meminfo.read_text(encoding="utf-8").splitlines()[0].split()
        ram = f"{int(first[1]) / 1024 / 1024:.1f} GiB"
    version = ""
    if chromium:
        try:
            version = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            version = "unknown"
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "ram": ram,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "chromium": version,
    }
    for package in ("geopandas", "folium", "pydeck", "lonboard"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "not installed"
    return info


def _load_note(name: str, case: dict[str, Any], load: dict[str, Any]) -> list[str]:
    t = load["timings_ms"]
    chrome = load["chromium_s"]
    first = f"first drawing call at {t['first_draw'] / 1000:.2f} s ({t['first_how']}), " if t.get("first_draw") is not None else "no drawing call, "
    notes = [
        (
            f"{name}: DOM interactive {t['dom_interactive'] / 1000:.2f} s, DOMContentLoaded end {t['dom_content_loaded_end'] / 1000:.2f} s, "
            f"load event end {t['load_event_end'] / 1000:.2f} s, {first}drawn {t['drawn'] / 1000:.2f} s, painted {t['painted'] / 1000:.2f} s "
            f"(wall {load['wall_s']:.2f} s); Chromium script {chrome['ScriptDuration']:.2f} s, layout {chrome['LayoutDuration']:.2f} s, "
            f"style {chrome['RecalcStyleDuration']:.2f} s; heap before GC {load['heap_used_mb']:.0f} MB"
        )
    ]
    if load.get("screenshot"):
        colours = load.get("screenshot_colours")
        notes.append(f"{name}: screenshot {load['screenshot']} ({colours} distinct colours{'; blank' if colours == 1 else ''})")
    if case["map"] == "explore":
        notes.append(f"{name}: served {len(load['leaflet_served'])} Leaflet file(s) from node_modules; aborted {len(load['blocked'])} remote request(s)")
    elif load["blocked"]:
        notes.append(f"{name}: aborted {len(load['blocked'])} remote request(s), e.g. {load['blocked'][:3]}")
    errors = load["console_errors"] + load["page_errors"]
    if errors and case["map"] in ("ours", "compact"):
        notes.append(f"{name}: page errors: {errors[:3]}")
    notes.extend(f"{name}: performance entry {m['name']}: at {m['start']:.0f} ms, {m['duration']:.0f} ms" for m in t["marks"] + t["measures"])
    return notes


def _notes(results: list[dict[str, Any]]) -> list[str]:
    notes = []
    for case in results:
        load = case["phases"].get("load")
        name = f"{case.get('label', case['n'])} {LABELS[case['map']]}"
        build = case["build"]
        if build is None or build.get("status") != "ok":
            notes.append(f"{name}: build {case['build_status']} (log: {case['build_log']})")
            continue
        if "quotes_gzip_bytes" in build:
            notes.append(
                f"{name}: the quotes alone are {build['quotes_bytes'] / MB:.1f} MB, {build['quotes_gzip_bytes'] / MB:.2f} MB gzipped; "
                f"target (b) HTML <= {build['quotes_gzip_bytes'] / MB + 3:.2f} MB, this page {build['bytes'] / MB:.2f} MB"
            )
        if load is None or load.get("status") != "ok":
            err = (load or {}).get("error", "")
            notes.append(f"{name}: load {(load or {}).get('status', case['browser_status'])} {err}".rstrip() + f" (log: {case['browser_log']})")
            continue
        notes.extend(_load_note(name, case, load))
        if case["map"] == "lonboard":
            notes.append(f"{name}: first frame, redraw, tooltip: {DASH}, nothing is drawn offline (lonboard issue #457)")
        redraw = case["phases"].get("redraw")
        if redraw and redraw.get("status") == "ok":
            moves = "; ".join(f"{m['move']} {m['ms']:.0f} ms (call {m['sync_ms']:.0f} ms, {m['draws']} drawing calls)" for m in redraw["moves"])
            notes.append(f"{name}: redraw moves: {moves}")
        zoom = case["phases"].get("first_zoom")
        if zoom and zoom.get("status") == "ok":
            entries = ", ".join(f"{m['name']} {m['duration']:.0f} ms" for m in zoom.get("measures", []))
            notes.append(
                f"{name}: first zoom (separate load, started at the first frame, {zoom['first_frame_s']:.2f} s): {zoom['ms']:.0f} ms "
                f"(call {zoom['sync_ms']:.0f} ms, {zoom['draws']} drawing calls, {zoom['frames']} frames){'; ' + entries if entries else ''}"
            )
        for phase in ("redraw", "tooltip", "popup", "first_zoom"):
            rec = case["phases"].get(phase)
            if rec and rec.get("status") != "ok":
                notes.append(f"{name}: {phase} {rec.get('status')}: {rec.get('error', '')}")
        if "profile" in case["phases"]:
            top = case["phases"]["profile"]["top"][:8]
            listed = "; ".join(f"{f['function']} ({f['file']}:{f['line']}) {f['self_s']:.2f} s" for f in top)
            notes.append(f"{name}: CPU profile (separate run), top self time: {listed}")
    return notes


def _profile_notes(results: list[dict[str, Any]]) -> list[str]:
    """Return one note per profile recorded for a page whose load did not finish."""
    notes = []
    for case in results:
        profile = case["phases"].get("profile")
        load = case["phases"].get("load")
        if profile and (load is None or load.get("status") != "ok"):
            listed = "; ".join(f"{f['function']} ({f['file']}:{f['line']}) {f['self_s']:.2f} s" for f in profile["top"][:8])
            name = f"{case.get('label', case['n'])} {LABELS[case['map']]}"
            notes.append(f"{name}: CPU profile ({profile.get('note') or 'separate run'}), top self time: {listed}")
    return notes


def write_reports(out: Path, results: list[dict[str, Any]], info: dict[str, Any], elapsed_s: float, command: str = "") -> tuple[Path, Path]:
    """Write ``results.json`` and ``results.md`` into ``out``; return their paths."""
    rows = table_rows(results)
    json_path = out / "results.json"
    payload = {"machine": info, "command": command, "elapsed_s": elapsed_s, "header": HEADER, "rows": rows, "cases": results}
    json_path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    md_path = out / "results.md"
    notes = "\n".join(f"- {n}" for n in _notes(results) + _profile_notes(results))
    machine = ", ".join(f"{k} {v}" for k, v in info.items())
    text = f"# Web map scale benchmark\n\n`{command}`\n\n{markdown_table(rows)}\n\nRun took {elapsed_s:.0f} s. Machine: {machine}.\n\n"
    text += f"{notes}\n\n```\n{CRITERIA}\n```\n"
    md_path.write_text(text, encoding="utf-8")
    return json_path, md_path


def parse_sizes(values: Sequence[str]) -> list[int]:
    """Return the sizes of ``--sizes``: a comma list (``1000,100000``), a space list, or both; ``_`` allowed (``1_000_000``)."""
    sizes = []
    for value in values:
        for part in value.split(","):
            text = part.strip().replace("_", "")
            if not text:
                continue
            if not text.isdigit() or int(text) <= 0:
                msg = f"--sizes: {part.strip()!r} is not a positive whole number of features (e.g. --sizes 1000,100000,1000000)."
                raise argparse.ArgumentTypeError(msg)
            sizes.append(int(text))
    if not sizes:
        msg = "--sizes: give at least one size, e.g. --sizes 1000,100000."
        raise argparse.ArgumentTypeError(msg)
    return sizes


def parse_maps(value: str) -> list[str]:
    """Return the maps of ``--maps`` (a comma list of :data:`MAPS`), in the table's order."""
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in names if v not in MAPS]
    if unknown or not names:
        msg = f"--maps: unknown map(s) {unknown}; choose from {', '.join(MAPS)}."
        raise argparse.ArgumentTypeError(msg)
    return [m for m in MAPS if m in names]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Return the command line options."""
    parser = argparse.ArgumentParser(prog="benchmarks/webmap_scale.py", description=__doc__.splitlines()[0])
    default_sizes = [",".join(map(str, DEFAULT_SIZES))]
    parser.add_argument("--sizes", nargs="+", default=default_sizes, help="numbers of points: 1000,100000,1000000 or 1000 100000 (default 1000,10000,100000)")
    data_help = "distinct claims (default), distinct claims with 150-character quotes, or resampled real rows"
    parser.add_argument("--data", choices=DATA_MODES, default="distinct", help=data_help)
    parser.add_argument("--lines-per-point", type=float, default=0.2, help="movement lines per point for distinct data (default 0.2: 100k points + 20k lines)")
    parser.add_argument("--points-only-from", type=int, default=1_000_000, help="sizes from this on have points only (default 1000000: case (c))")
    parser.add_argument("--maps", type=parse_maps, default=list(MAPS), help=f"comma list of maps (default all: {','.join(MAPS)})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the pages and results (default: a new temporary folder, kept)")
    parser.add_argument("--chromium", default=shutil.which("chromium"), help="Chromium binary (default: chromium on PATH)")
    parser.add_argument("--skip-explore", action="store_true", help="leave explore() out")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for one page load, s (default 300)")
    parser.add_argument("--interaction-timeout", type=float, default=120.0, help="longest wait for one tooltip, popup or move, s (default 120)")
    parser.add_argument("--build-timeout", type=float, default=900.0, help="longest wait for one build, s (default 900)")
    parser.add_argument("--build-memory-gb", type=float, default=12.0, help="address-space limit of one build, GB (default 12; 0: none)")
    parser.add_argument("--profile", action="store_true", help="also record a CPU profile of each page load (separate, untimed run)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is None:
        try:
            args.sizes = parse_sizes(args.sizes)
        except argparse.ArgumentTypeError as exc:
            parser.error(str(exc))
    if args.skip_explore:
        args.maps = [m for m in args.maps if m != "explore"]
    return args


def run_case(args: argparse.Namespace, kind: str, n: int, out: Path) -> dict[str, Any]:
    """Build and measure one map; return its record."""
    shape = case_shape(n, args.data, args.lines_per_point, args.points_only_from)
    case_dir = out / f"{kind}-{args.data}-{n}"
    case_dir.mkdir(parents=True, exist_ok=True)
    build_log = case_dir / "build.log"
    cache = out / "data" / f"{args.data}-{n}-{shape[1]}-seed{args.seed}.pickle"
    spec_build = {"mode": "build", "kind": kind, "data": args.data, "shape": list(shape), "seed": args.seed, "cache": str(cache), "out_dir": str(case_dir)}
    memory = int(args.build_memory_gb * 1e9) or None
    records, build_status = run_child(spec_build, args.build_timeout, build_log, memory_bytes=memory)
    build = _by_phase(records).get("build")
    case: dict[str, Any] = {
        "n": n, "shape": list(shape), "data": args.data, "label": case_label(shape, args.data), "map": kind, "build": build,
        "build_status": build_status, "build_log": str(build_log), "phases": {}, "browser_status": "-", "browser_log": "",
    }  # fmt: skip
    if build is None or not args.chromium:
        return case
    spec = {
        "mode": "browser", "chromium": args.chromium, "html": build["html"], "kind": kind, "n": build["features"], "target": build["target"],
        "timeout": args.timeout, "interaction_timeout": args.interaction_timeout, "screenshot_to": str(case_dir / "page.png"),
    }  # fmt: skip
    browser_log = case_dir / "browser.log"
    records, status = run_child(spec, args.timeout + 6 * args.interaction_timeout + 240, browser_log)
    case.update(phases=_by_phase(records), browser_status=status, browser_log=str(browser_log))
    if "first_frame_s" in (case["phases"].get("load") or {}) and case["phases"]["load"]["first_frame_s"] is not None:
        zoom_spec = {**spec, "first_zoom": True, "screenshot_to": None}
        records, zoom_status = run_child(zoom_spec, args.timeout + args.interaction_timeout + 120, case_dir / "first_zoom.log")
        case["first_zoom_status"] = zoom_status
        got = _by_phase(records).get("first_zoom")
        if got:
            case["phases"]["first_zoom"] = got
    if args.profile:
        profile = {**spec, "profile_to": str(case_dir / "load.cpuprofile"), "screenshot_to": None}
        records, _ = run_child(profile, args.timeout * 2 + 120, case_dir / "profile.log")
        got = _by_phase(records).get("profile")
        if got:
            case["phases"]["profile"] = got
    return case


def _missing_packages(kinds: list[str]) -> list[str]:
    needs = {"explore": "mapclassify", "pydeck": "pydeck", "lonboard": "lonboard"}
    missing = []
    for kind in kinds:
        if kind in needs:
            try:
                metadata.version(needs[kind])
            except metadata.PackageNotFoundError:
                missing.append(needs[kind])
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit code."""
    args = parse_args(argv)
    if args.child is not None:
        return _child(json.loads(args.child))
    if not args.chromium:
        print("Chromium not found (apt-get install chromium, or pass --chromium PATH); builds only, no load times.", file=sys.stderr)
    kinds = list(args.maps)
    missing = _missing_packages(kinds)
    if missing:
        print(f"Missing {', '.join(missing)}: .venv/bin/pip install -r benchmarks/requirements.txt (or leave those maps out with --maps)", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="webmap-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    info = machine_info(args.chromium)
    command = "benchmarks/webmap_scale.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"Web map scale benchmark: sizes {args.sizes}, data {args.data}, maps {','.join(kinds)}, seed {args.seed}, output in {out}")
    print(f"Machine: {info['nproc']} CPUs, {info['ram']} RAM, {info['chromium'] or 'no Chromium'}")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        for kind in kinds:
            case_start = time.perf_counter()
            results.append(run_case(args, kind, n, out))
            row = table_rows(results[-1:])[0]
            cells = ", ".join(f"{h} {c}" for h, c in zip(HEADER[2:], row[2:], strict=True))
            print(f"  {row[0]:>24} {LABELS[kind]:<11}  {cells}  [{time.perf_counter() - case_start:.0f} s]", flush=True)
            write_reports(out, results, info, time.perf_counter() - started, command)
    elapsed = time.perf_counter() - started
    json_path, md_path = write_reports(out, results, info, elapsed, command)
    print()
    print(format_table(table_rows(results)))
    print()
    for note in _notes(results) + _profile_notes(results):
        print(f"- {note}")
    print()
    print(CRITERIA)
    print(f"\nRun took {elapsed:.0f} s. Results: {md_path}, {json_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
