"""Report snapshots: static maps (PNG 300 dpi, SVG, PDF) with legend, scale, sources and disclaimer."""

from __future__ import annotations

from pathlib import Path

from dataset.model import Dataset
from layers import Layer
from renderers.snapshots.figure import FORMATS, render_view
from renderers.snapshots.views import View, default_views


def write_snapshots(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write every default view into ``out_dir/snapshots/`` in PNG, SVG and PDF; return the paths."""
    folder = out_dir / "snapshots"
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for view in default_views():
        paths += render_view(layers, ds, view, folder, formats=FORMATS)
    return paths


__all__ = ["View", "default_views", "render_view", "write_snapshots"]
