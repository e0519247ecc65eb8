"""Web map at scale: this project's page against ``GeoDataFrame.explore()`` on the same data.

For each size (default 1,000, 10,000 and 100,000 synthetic features, see
``benchmarks/synthetic.py``) the script builds both maps and opens each in headless
Chromium with the network cut off, then prints build time, HTML size, load time, tooltip
and popup time and the JS heap side by side. See ``benchmarks/README.md`` for the criteria.

Usage (from the repository root)::

    .venv/bin/python benchmarks/webmap_scale.py
    .venv/bin/python benchmarks/webmap_scale.py --sizes 1000 10000 --out /tmp/bench --skip-explore

Every build and every page load runs in its own child process with a deadline, so a case
that takes too long is reported as ``timeout`` instead of hanging the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
MAPS = ("ours", "compact", "explore")
LABELS = {"ours": "militia-map", "compact": "mm compact", "explore": "explore()"}
_RECORD = "@@bench "  # prefix of the JSON records a child prints on stdout
MB = 1_000_000


# ---------- child side: one build or one page ----------


def _emit(record: dict[str, Any]) -> None:
    print(_RECORD + json.dumps(record), flush=True)


def build_case(kind: str, n: int, seed: int, out_dir: Path) -> dict[str, Any]:
    """Build one map of ``n`` synthetic features; return its path, size, build time and target.

    Parameters
    ----------
    kind
        ``"ours"`` (``render_webmap``) or ``"explore"`` (``GeoDataFrame.explore(tiles=None)``
        on all layers concatenated, saved with ``Map.save``).
    n, seed
        Number of synthetic features and the seed that makes them.
    out_dir
        Folder for the page.

    Returns
    -------
    dict
        ``build_s`` (the build alone: making the synthetic data is not timed), ``html``,
        ``bytes`` and ``target``: ``(lat, lon)`` of the first point feature, to hover and click.
    """
    from benchmarks.synthetic import concat_layers, synthetic_layers  # noqa: PLC0415 - child only
    from dataset.load import load_dataset  # noqa: PLC0415
    from layers import build_layers  # noqa: PLC0415
    from renderers.webmap.build import render_webmap  # noqa: PLC0415

    ds = load_dataset(ROOT / "data")
    layers = synthetic_layers(n, seed, base=build_layers(ds))
    target = None
    for layer in layers:
        points = layer.gdf[layer.gdf.geom_type == "Point"]
        if len(points):
            point = points.geometry.iloc[0]
            target = {"lat": point.y, "lon": point.x, "layer": layer.name, "id": str(points["id"].iloc[0])}
            break
    out_dir.mkdir(parents=True, exist_ok=True)
    if kind in ("ours", "compact"):
        start = time.perf_counter()
        html = render_webmap(layers, ds, out_dir, compact=kind == "compact")[0]
        build_s = time.perf_counter() - start
    else:
        gdf = concat_layers(layers)
        html = out_dir / "explore.html"
        start = time.perf_counter()
        fmap = gdf.explore(tiles=None)
        fmap.save(str(html))
        build_s = time.perf_counter() - start
    return {"build_s": build_s, "html": str(html), "bytes": html.stat().st_size, "target": target}


def _child(spec: dict[str, Any]) -> int:
    if spec["mode"] == "build":
        _emit({"phase": "build", "status": "ok", **build_case(spec["kind"], spec["n"], spec["seed"], Path(spec["out_dir"]))})
        return 0
    from benchmarks._browser import measure_page  # noqa: PLC0415 - child only

    target = spec.get("target")
    measure_page(
        spec["chromium"],
        Path(spec["html"]),
        spec["kind"],
        spec["n"],
        (target["lat"], target["lon"]) if target and not spec.get("profile_to") else None,
        timeout_s=spec["timeout"],
        interaction_timeout_s=spec["interaction_timeout"],
        emit=_emit,
        profile_to=Path(spec["profile_to"]) if spec.get("profile_to") else None,
    )
    return 0


# ---------- parent side ----------


def run_child(spec: dict[str, Any], deadline_s: float, log: Path) -> tuple[list[dict[str, Any]], str]:
    """Run one case in a child process; return its records and ``ok``, ``timeout`` or ``failed``.

    The child gets its own process group, killed whole (browser included) past ``deadline_s``.
    Its stderr goes to ``log``.
    """
    out_path = log.with_suffix(".stdout")
    with out_path.open("w", encoding="utf-8") as out, log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)], stdout=out, stderr=err, cwd=ROOT, start_new_session=True
        )
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
        return "timeout" if child_status == "timeout" else ("failed" if child_status == "failed" else "-")
    if record.get("status") != "ok":
        return str(record.get("status"))
    value = record.get(key)
    return "-" if value is None else fmt.format(value)


def table_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    """Return the table's cells: one row per size and map."""
    rows = []
    for case in results:
        build = case["build"]
        phases = case["phases"]
        status = case["browser_status"]
        load = phases.get("load")
        loaded = bool(load and load.get("status") == "ok")
        tooltip = _cell(phases.get("tooltip"), "tooltip_s", "{:.3f}", child_status=status) if loaded else "-"
        popup = _cell(phases.get("popup"), "popup_s", "{:.3f}", child_status=status) if loaded else "-"
        if loaded and case["map"] == "explore":
            popup = "n/a"  # explore() binds no popup by default
        rows.append(
            [
                f"{case['n']:,}",
                LABELS[case["map"]],
                _cell(build, "build_s", child_status=case["build_status"]),
                "-" if build is None or build.get("status") != "ok" else f"{build['bytes'] / MB:.1f}",
                _cell(load, "load_s", child_status=status),
                tooltip,
                popup,
                _cell(load, "heap_used_after_gc_mb", "{:.0f}", child_status=status),
                _cell(load, "dom_nodes", "{:,}", child_status=status),
            ]
        )
    return rows


HEADER = ["features", "map", "build s", "HTML MB", "load s", "tooltip s", "popup s", "JS heap MB", "DOM nodes"]


def format_table(rows: list[list[str]]) -> str:
    """Return the rows as a fixed-width text table."""
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = ["  ".join(c.rjust(w) if i != 1 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in [HEADER, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    """Return the rows as a Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" if i == 1 else "--:" for i in range(len(HEADER))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


CRITERIA = """\
Criteria (see benchmarks/README.md):
- build s: render_webmap(layers) / GeoDataFrame.explore(tiles=None) + Map.save, in a fresh process; making the synthetic data is not timed.
- load s: from the start of navigation (performance.now() = 0) to the first animation frame where the load event has fired AND the
  map is drawn (ours: window.militiaMap.ready; explore: its L.GeoJSON layer is on the map with all n features), plus one painted frame.
  Fresh headless Chromium per page, file:// URL, every other request blocked.
- tooltip s / popup s: map set to zoom 12 on the first synthetic point; mouse moved there (tooltip) / clicked there (popup), from the
  input event's time stamp to the .leaflet-tooltip / .leaflet-popup in the DOM plus one painted frame. explore() has no popup by default: n/a.
- JS heap MB: CDP Performance.getMetrics JSHeapUsedSize after load and a forced GC; DOM nodes: CDP 'Nodes'.
- explore() names Leaflet 1.9.3, jQuery, Bootstrap, Font Awesome and awesome-markers on CDNs: its Leaflet JS/CSS are served from
  node_modules/leaflet/dist (1.9.4), every other remote request is aborted. This project's page makes no request at all."""


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
    return {
        "nproc": os.cpu_count(),
        "ram": ram,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "chromium": version,
        "geopandas": metadata.version("geopandas"),
        "folium": metadata.version("folium"),
    }


def _notes(results: list[dict[str, Any]]) -> list[str]:
    notes = []
    for case in results:
        load = case["phases"].get("load")
        name = f"{case['n']:,} {LABELS[case['map']]}"
        if case["build"] is None or case["build"].get("status") != "ok":
            notes.append(f"{name}: build {case['build_status']} (log: {case['build_log']})")
            continue
        if load is None or load.get("status") != "ok":
            err = (load or {}).get("error", "")
            notes.append(f"{name}: load {(load or {}).get('status', case['browser_status'])} {err}".rstrip() + f" (log: {case['browser_log']})")
            continue
        t = load["timings_ms"]
        chrome = load["chromium_s"]
        notes.append(
            f"{name}: DOM interactive {t['dom_interactive'] / 1000:.2f} s, DOMContentLoaded end {t['dom_content_loaded_end'] / 1000:.2f} s, "
            f"load event end {t['load_event_end'] / 1000:.2f} s, drawn {t['drawn'] / 1000:.2f} s, painted {t['painted'] / 1000:.2f} s "
            f"(wall {load['wall_s']:.2f} s); Chromium script {chrome['ScriptDuration']:.2f} s, layout {chrome['LayoutDuration']:.2f} s, "
            f"style {chrome['RecalcStyleDuration']:.2f} s; heap before GC {load['heap_used_mb']:.0f} MB"
        )
        if case["map"] == "explore":
            notes.append(f"{name}: served {len(load['leaflet_served'])} Leaflet file(s) from node_modules; aborted {len(load['blocked'])} remote request(s)")
        elif load["blocked"]:
            notes.append(f"{name}: the page tried the network: {load['blocked'][:3]}")
        errors = load["console_errors"] + load["page_errors"]
        if errors and case["map"] in ("ours", "compact"):
            notes.append(f"{name}: page errors: {errors[:3]}")
        notes.extend(f"{name}: performance entry {m['name']}: at {m['start']:.0f} ms, {m['duration']:.0f} ms" for m in t["marks"] + t["measures"])
        for phase in ("tooltip", "popup"):
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
            notes.append(f"{case['n']:,} {LABELS[case['map']]}: CPU profile ({profile.get('note') or 'separate run'}), top self time: {listed}")
    return notes


def write_reports(out: Path, results: list[dict[str, Any]], info: dict[str, Any], elapsed_s: float) -> tuple[Path, Path]:
    """Write ``results.json`` and ``results.md`` into ``out``; return their paths."""
    rows = table_rows(results)
    json_path = out / "results.json"
    json_path.write_text(json.dumps({"machine": info, "elapsed_s": elapsed_s, "header": HEADER, "rows": rows, "cases": results}, indent=2), encoding="utf-8")
    md_path = out / "results.md"
    notes = "\n".join(f"- {n}" for n in _notes(results) + _profile_notes(results))
    machine = ", ".join(f"{k} {v}" for k, v in info.items())
    text = f"# Web map scale benchmark\n\n{markdown_table(rows)}\n\nRun took {elapsed_s:.0f} s. Machine: {machine}.\n\n{notes}\n\n```\n{CRITERIA}\n```\n"
    md_path.write_text(text, encoding="utf-8")
    return json_path, md_path


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Return the command line options."""
    parser = argparse.ArgumentParser(prog="benchmarks/webmap_scale.py", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="numbers of synthetic features (default: 1000 10000 100000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the pages and results (default: a new temporary folder, kept)")
    parser.add_argument("--chromium", default=shutil.which("chromium"), help="Chromium binary (default: chromium on PATH)")
    parser.add_argument("--skip-explore", action="store_true", help="only this project's map")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for one page load, s (default 300)")
    parser.add_argument("--interaction-timeout", type=float, default=120.0, help="longest wait for one tooltip or popup, s (default 120)")
    parser.add_argument("--build-timeout", type=float, default=900.0, help="longest wait for one build, s (default 900)")
    parser.add_argument("--profile", action="store_true", help="also record a CPU profile of each page load (separate, untimed run)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_case(args: argparse.Namespace, kind: str, n: int, out: Path) -> dict[str, Any]:
    """Build and measure one map; return its record."""
    case_dir = out / f"{kind}-{n}"
    case_dir.mkdir(parents=True, exist_ok=True)
    build_log = case_dir / "build.log"
    records, build_status = run_child({"mode": "build", "kind": kind, "n": n, "seed": args.seed, "out_dir": str(case_dir)}, args.build_timeout, build_log)
    build = _by_phase(records).get("build")
    case: dict[str, Any] = {
        "n": n, "map": kind, "build": build, "build_status": build_status, "build_log": str(build_log),
        "phases": {}, "browser_status": "-", "browser_log": "",
    }  # fmt: skip
    if build is None or not args.chromium:
        return case
    spec = {
        "mode": "browser", "chromium": args.chromium, "html": build["html"], "kind": kind, "n": n, "target": build["target"],
        "timeout": args.timeout, "interaction_timeout": args.interaction_timeout,
    }  # fmt: skip
    browser_log = case_dir / "browser.log"
    records, status = run_child(spec, args.timeout + 3 * args.interaction_timeout + 120, browser_log)
    case.update(phases=_by_phase(records), browser_status=status, browser_log=str(browser_log))
    if args.profile:
        profile = {**spec, "profile_to": str(case_dir / "load.cpuprofile")}
        records, _ = run_child(profile, args.timeout * 2 + 120, case_dir / "profile.log")
        got = _by_phase(records).get("profile")
        if got:
            case["phases"]["profile"] = got
    return case


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit code."""
    args = parse_args(argv)
    if args.child is not None:
        return _child(json.loads(args.child))
    if not args.chromium:
        print("Chromium not found (apt-get install chromium, or pass --chromium PATH); builds only, no load times.", file=sys.stderr)
    kinds = ["ours", "compact"] if args.skip_explore else list(MAPS)
    if "explore" in kinds:
        try:
            import mapclassify  # noqa: F401, PLC0415 - explore() needs it
        except ImportError:
            print("GeoDataFrame.explore() needs mapclassify: .venv/bin/pip install -r benchmarks/requirements.txt (or pass --skip-explore)", file=sys.stderr)
            return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="webmap-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    info = machine_info(args.chromium)
    print(f"Web map scale benchmark: sizes {args.sizes}, seed {args.seed}, output in {out}")
    print(f"Machine: {info['nproc']} CPUs, {info['ram']} RAM, {info['chromium'] or 'no Chromium'}")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        for kind in kinds:
            case_start = time.perf_counter()
            results.append(run_case(args, kind, n, out))
            row = table_rows(results[-1:])[0]
            cells = ", ".join(f"{h} {c}" for h, c in zip(HEADER[2:], row[2:], strict=True))
            print(f"  {n:>7,} {LABELS[kind]:<11}  {cells}  [{time.perf_counter() - case_start:.0f} s]", flush=True)
            write_reports(out, results, info, time.perf_counter() - started)
    elapsed = time.perf_counter() - started
    json_path, md_path = write_reports(out, results, info, elapsed)
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
