"""The ``build_map.py snapshot`` subcommand: one custom view (extent, date, title, formats), or a dated series, from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
from pathlib import Path

from dataset.model import Dataset
from overlays import OverlaySet
from renderers.snapshots.views import OVERVIEW_BBOX, Series, View, parse_as_of, parse_bbox

FORMATS = ("png", "svg", "pdf")
PAGE_NAMES = ("a4", "column")
DEFAULT_TITLE = "Custom view"


def add_snapshot_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``snapshot`` options to its subparser."""
    parser.add_argument("--bbox", default=None,
                        help="extent as LON_MIN,LAT_MIN,LON_MAX,LAT_MAX in degrees, e.g. 35.9,33.2,36.8,33.8 (required without --series; "
                             "with it, default: Syria and Lebanon)")  # fmt: skip
    parser.add_argument("--as-of", default=None, help="show claims whose date span covers this day (YYYY-MM-DD); default: all dates")
    parser.add_argument("--series", default=None,
                        help="comma-separated dates (YYYY-MM-DD, in order): one figure with one panel per date, marks new since the "
                             "previous panel highlighted and ended ones ghosted, and a change table")  # fmt: skip
    parser.add_argument("--page", default="a4,column", help="series page sizes among a4 (landscape) and column (85 mm wide); default: both")
    parser.add_argument("--title", default=DEFAULT_TITLE, help="title printed on the map")
    parser.add_argument("--format", default="png,pdf", help="comma-separated formats among png, svg, pdf (default: png,pdf)")
    parser.add_argument("--out", type=Path, default=Path("dist/snapshots"), help="output folder (default: dist/snapshots)")
    parser.add_argument("--name", default="custom", help="file name stem (default: custom)")


def _choices(text: str, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Return a comma-separated list of ``allowed`` words; raise ValueError naming ``option``."""
    words = tuple(w.strip().lower() for w in text.split(",") if w.strip())
    if not words or [w for w in words if w not in allowed]:
        msg = f"{option} expects a comma-separated list of {', '.join(allowed)}, got {text!r}"
        raise ValueError(msg)
    return words


def parse_series(text: str) -> tuple[dt.date, ...]:
    """Return the ``--series`` dates in order; raise ValueError naming the fix."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        days = tuple(parse_as_of(p) for p in parts)
    except ValueError:
        msg = f"--series expects comma-separated dates as YYYY-MM-DD (e.g. 2024-11-26,2024-12-06), got {text!r}"
        raise ValueError(msg) from None
    if not days or any(b <= a for a, b in itertools.pairwise(days)):
        msg = f"--series expects one or more dates in increasing order, each once, got {text!r}"
        raise ValueError(msg)
    return days


def snapshot_view(args: argparse.Namespace) -> tuple[View | Series, tuple[str, ...]]:
    """Return the view (or series) and formats the arguments ask for; raise ValueError naming a bad option."""
    formats = _choices(args.format, FORMATS, "--format")
    if not args.name or "/" in args.name or args.name.startswith("."):
        msg = f"--name must be a plain file stem such as 'damascus-airport', got {args.name!r}"
        raise ValueError(msg)
    series = getattr(args, "series", None)
    if series is not None:
        if args.as_of:
            msg = "give either --as-of (one dated view) or --series (one panel per date), not both"
            raise ValueError(msg)
        days = parse_series(series)
        bbox = parse_bbox(args.bbox) if args.bbox else OVERVIEW_BBOX
        pages = _choices(args.page, PAGE_NAMES, "--page")
        title = args.title if args.title != DEFAULT_TITLE else f"Situation on {', '.join(f'{d.day} {d:%b %Y}' for d in days)}"
        return Series(args.name, title, bbox, days, pages=pages), formats
    if not args.bbox:
        msg = "--bbox is required (LON_MIN,LAT_MIN,LON_MAX,LAT_MAX, e.g. 35.9,33.2,36.8,33.8) unless --series is given"
        raise ValueError(msg)
    bbox = parse_bbox(args.bbox)
    as_of = parse_as_of(args.as_of) if args.as_of else None
    caption = f"Situation on {as_of:%d %b %Y}" if as_of else ""
    return View(args.name, args.title, bbox, as_of, caption), formats


def run_snapshot(ds: Dataset, view: View | Series, formats: tuple[str, ...], out_dir: Path, overlay: OverlaySet | None = None) -> list[Path]:
    """Build the layers (with the ACLED ``overlay``, if any) and write ``view`` in ``formats`` into ``out_dir``; return the paths."""
    from layers import build_layers  # noqa: PLC0415 - keep `build_map.py --help` and usage errors fast
    from renderers.snapshots.figure import render_view  # noqa: PLC0415
    from renderers.snapshots.series import page_named, render_series  # noqa: PLC0415

    out_dir.mkdir(parents=True, exist_ok=True)
    layers = build_layers(ds, overlay)
    if isinstance(view, Series):
        return [path for name in view.pages for path in render_series(layers, ds, view, out_dir, page=page_named(name), formats=formats)]
    return render_view(layers, ds, view, out_dir, formats=formats)
