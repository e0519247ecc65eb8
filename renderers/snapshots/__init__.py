"""Report snapshots: static maps (PNG 300 dpi, SVG, PDF) with legend, scale, sources and disclaimer, and the dated series."""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from fontTools.ttLib import getTableClass
from matplotlib.font_manager import FontProperties, findfont

from dataset.model import Dataset
from geo.basemap import REGION_BBOX, load_countries, load_lakes, load_rivers, load_roads, load_town_labels
from layers import Layer
from renderers.snapshots import font_tables
from renderers.snapshots.figure import FORMATS, render_view
from renderers.snapshots.plain_text import plain_dataset, plain_layers
from renderers.snapshots.series import clean_series, page_named, render_series, series_parts
from renderers.snapshots.shared import once, sharing
from renderers.snapshots.views import Series, View, default_series, default_views

log = logging.getLogger("militia_map.snapshots")
# What the forked workers draw from: set just before the pool starts, inherited by fork (no pickling).
_JOB: tuple[list[Layer], Dataset, Path, list[Task]] | None = None
# One figure to draw: a single view, or a series on one page size (its name).
Task = View | tuple[Series, str]
# Font tables the PDF subsets decompile whose fontTools classes are imported on first use (the others are imported with matplotlib).
_FONT_TABLES = ("OS/2", "cvt ", "fpgm", "gasp", "hhea", "loca", "prep")


def tasks() -> list[Task]:
    """Return every figure the build draws: the single views, then each series on each of its page sizes."""
    return [*default_views(), *((series, page) for series in default_series() for page in series.pages)]


def _render(layers: list[Layer], ds: Dataset, task: Task, folder: Path) -> list[Path]:
    if isinstance(task, View):
        return render_view(layers, ds, task, folder, formats=FORMATS)
    series, page = task
    return render_series(layers, ds, series, folder, page=page_named(page), formats=FORMATS)


def _draw(index: int) -> list[Path]:
    """Draw the figure ``index`` of the job (by number: the worker draws the parent's own task object, whose computed parts it shares)."""
    if _JOB is None:  # pragma: no cover - set before any worker starts
        msg = "snapshot worker started without its job"
        raise RuntimeError(msg)
    layers, ds, folder, views = _JOB
    return _render(layers, ds, views[index], folder)


def workers() -> int:
    """Return how many processes draw snapshots: the cores this process may use (``MILITIA_MAP_JOBS`` overrides)."""
    wanted = os.environ.get("MILITIA_MAP_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _progress(done: int, total: int) -> None:
    """Report done/total: rewritten in place on a terminal, else one plain line per figure (a log file gets no carriage returns)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  snapshots {done}/{total}" + ("\n" if done == total else ""))
        sys.stderr.flush()
    else:
        log.info("  snapshots %d/%d", done, total)


def warm_caches() -> None:
    """Read the basemap files and the GeoNames towns once, so the forked workers share them instead of each reading them again.

    Also imports what every worker would otherwise import on its first figure: pyplot (which
    geopandas' ``plot`` imports), the SVG backend, and fontTools' classes of the font tables the
    PDF subsets read; and decodes the tables the PDF subsets of the four DejaVu Sans faces share
    (:mod:`renderers.snapshots.font_tables`).
    """
    load_countries()
    load_town_labels()
    load_lakes(REGION_BBOX)
    load_rivers(REGION_BBOX)
    load_roads()
    importlib.import_module("matplotlib.pyplot")
    importlib.import_module("matplotlib.backends.backend_svg")
    for tag in _FONT_TABLES:
        getTableClass(tag)
    faces = [FontProperties(family="DejaVu Sans", weight=weight, style=style) for weight in ("normal", "bold") for style in ("normal", "italic")]
    font_tables.warm([(findfont(face), 0) for face in faces])


def share_inputs(layers: list[Layer], ds: Dataset, views: list[Task]) -> None:
    """Within :func:`renderers.snapshots.shared.sharing`, compute what the figures of ``views`` compute alike (before the fork)."""
    plain, plain_ds = once(plain_layers, layers), once(plain_dataset, ds)
    for task in views:
        if not isinstance(task, View):
            once(series_parts, plain, plain_ds, once(clean_series, task[0]))


def write_snapshots(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write every default view and series (:func:`tasks`) into ``out_dir/snapshots/`` in PNG, SVG and PDF; return the paths.

    Figures are drawn in parallel, one process per core (forked, so the layers are not copied),
    the longest (the series) first; each figure's files are the same as a serial run's, and the
    paths come back in :func:`tasks` order.
    """
    with sharing():
        return _write(layers, ds, out_dir)


def _write(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    global _JOB  # noqa: PLW0603 - the forked workers' input
    folder = out_dir / "snapshots"
    folder.mkdir(parents=True, exist_ok=True)
    views = tasks()
    share_inputs(layers, ds, views)
    n = min(workers(), len(views))
    if n <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        paths: list[Path] = []
        for i, view in enumerate(views, start=1):
            paths += _render(layers, ds, view, folder)
            _progress(i, len(views))
        return paths
    warm_caches()
    _JOB = (layers, ds, folder, views)
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
            longest_first = sorted(range(len(views)), key=lambda i: isinstance(views[i], View))
            futures = {pool.submit(_draw, i): i for i in longest_first}
            results: dict[int, list[Path]] = {}
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                _progress(done, len(views))
    finally:
        _JOB = None
    return [p for i in range(len(views)) for p in results[i]]


__all__ = ["Series", "View", "default_series", "default_views", "render_series", "render_view", "tasks", "workers", "write_snapshots"]
