"""The ``build_map.py snapshot`` subcommand: one custom view (extent, date, title, formats) from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from dataset.model import Dataset
from overlays import OverlaySet
from renderers.snapshots.views import View, parse_as_of, parse_bbox

FORMATS = ("png", "svg", "pdf")


def add_snapshot_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``snapshot`` options to its subparser."""
    parser.add_argument("--bbox", required=True, help="extent as LON_MIN,LAT_MIN,LON_MAX,LAT_MAX in degrees, e.g. 35.9,33.2,36.8,33.8")
    parser.add_argument("--as-of", default=None, help="show claims whose date span covers this day (YYYY-MM-DD); default: all dates")
    parser.add_argument("--title", default="Custom view", help="title printed on the map")
    parser.add_argument("--format", default="png,pdf", help="comma-separated formats among png, svg, pdf (default: png,pdf)")
    parser.add_argument("--out", type=Path, default=Path("dist/snapshots"), help="output folder (default: dist/snapshots)")
    parser.add_argument("--name", default="custom", help="file name stem (default: custom)")


def snapshot_view(args: argparse.Namespace) -> tuple[View, tuple[str, ...]]:
    """Return the view and formats the arguments ask for; raise ValueError naming a bad option."""
    bbox = parse_bbox(args.bbox)
    as_of = parse_as_of(args.as_of) if args.as_of else None
    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        msg = f"--format expects a comma-separated list of {', '.join(FORMATS)}, got {args.format!r}"
        raise ValueError(msg)
    if not args.name or "/" in args.name or args.name.startswith("."):
        msg = f"--name must be a plain file stem such as 'damascus-airport', got {args.name!r}"
        raise ValueError(msg)
    caption = f"Situation on {as_of:%d %b %Y}" if as_of else ""
    return View(args.name, args.title, bbox, as_of, caption), formats


def run_snapshot(ds: Dataset, view: View, formats: tuple[str, ...], out_dir: Path, overlay: OverlaySet | None = None) -> list[Path]:
    """Build the layers (with the ACLED ``overlay``, if any) and write ``view`` in ``formats`` into ``out_dir``; return the paths."""
    from layers import build_layers  # noqa: PLC0415 - keep `build_map.py --help` and usage errors fast
    from renderers.snapshots.figure import render_view  # noqa: PLC0415

    out_dir.mkdir(parents=True, exist_ok=True)
    return render_view(build_layers(ds, overlay), ds, view, out_dir, formats=formats)
