"""The scale bar stands clear of the marks and labels (it sat on the Dar'ā marker in the overview and in the series' first panel)."""

from __future__ import annotations

import matplotlib as mpl
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from renderers.snapshots import default_series, default_views
from renderers.snapshots.canvas import FileCanvas
from renderers.snapshots.figure import RC, compose
from renderers.snapshots.scalebar import place_scale_bar, plan_scale_bar
from renderers.snapshots.series import A4, COLUMN, compose_series

SCALE_TEXT = "Scale true at"


def _bar_box(ax: Axes) -> Bbox:
    """Return the display box of the scale bar drawn on ``ax``, found by what it draws: its numbers, its note and its two halves (zorder 30)."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t for t in ax.texts if t.get_gid() == "scalebar-label" or t.get_text().startswith(SCALE_TEXT)]
    halves = [p for p in ax.patches if p.get_zorder() == 30]
    assert len(halves) == 2
    assert any(t.get_text().endswith(" km") for t in texts)
    return Bbox.union([a.get_window_extent(renderer) for a in [*texts, *halves]])


def _mark_boxes(ax: Axes) -> list[Bbox]:
    """Return a box around every scatter symbol on ``ax`` (its marker's size in points, at the figure's dpi)."""
    boxes = []
    px_per_pt = ax.figure.dpi / 72
    for coll in ax.collections:
        if not isinstance(coll, PathCollection) or not len(coll.get_offsets()):
            continue
        sizes = coll.get_sizes()
        for i, (x, y) in enumerate(coll.get_offset_transform().transform(coll.get_offsets())):
            half = (sizes[i % len(sizes)] ** 0.5) / 2 * px_per_pt
            boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def _label_boxes(ax: Axes) -> list[tuple[str, Bbox]]:
    """Return every placed label (annotations other than the north arrow) with its display box."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if isinstance(t, Annotation) and t.get_text() != "N"]


def _assert_clear(ax: Axes) -> None:
    bar = _bar_box(ax)
    frame = ax.get_window_extent()
    assert frame.x0 <= bar.x0
    assert bar.x1 <= frame.x1
    assert frame.y0 <= bar.y0
    assert bar.y1 <= frame.y1
    marks = [m for m in _mark_boxes(ax) if m.overlaps(bar)]
    assert not marks, f"the scale bar {bar} covers symbols at {marks}"
    labels = [text for text, box in _label_boxes(ax) if box.overlaps(bar)]
    assert not labels, f"the scale bar covers the labels {labels}"


@pytest.mark.parametrize("index", range(len(default_views())))
def test_scale_bar_of_each_view_covers_no_symbol_and_no_label(layers, dataset, index):
    with mpl.rc_context(RC):
        fig, _ = compose(layers, dataset, default_views()[index])
        _assert_clear(fig.axes[0])


@pytest.mark.parametrize("page", [A4, COLUMN], ids=["a4", "column"])
def test_scale_bar_of_the_series_first_panel_covers_no_symbol_and_no_label(layers, dataset, page):
    with mpl.rc_context(RC):
        fig, _ = compose_series(layers, dataset, default_series()[0], page)
        first = fig.axes[0]
        assert [t.get_text() for t in first.texts if t.get_gid() == "scalebar-label"][-1].endswith(" km")
        _assert_clear(first)


def _blank_axes() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(6, 4), dpi=100)
    FileCanvas(fig)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(35.0, 42.5)
    ax.set_ylim(32.2, 37.4)
    return fig, ax


def test_an_empty_map_gets_the_bar_at_its_usual_place():
    fig, ax = _blank_axes()
    bar, _ = place_scale_bar(ax, fig.canvas.get_renderer(), [], fontsize=7)
    assert bar == plan_scale_bar((35.0, 32.2, 42.5, 37.4))


def test_a_bar_moves_east_then_up_away_from_what_it_would_cover():
    fig, ax = _blank_axes()
    renderer = fig.canvas.get_renderer()
    usual, box = place_scale_bar(ax, renderer, [], fontsize=7)
    for artist in [*ax.texts, *ax.patches]:
        artist.remove()
    moved, moved_box = place_scale_bar(ax, renderer, [box], fontsize=7)
    assert moved.lat == usual.lat
    assert moved.lon_start > usual.lon_start
    assert moved.length_km == usual.length_km
    assert not moved_box.overlaps(box)
    for artist in [*ax.texts, *ax.patches]:
        artist.remove()
    frame = ax.get_window_extent(renderer)
    bottom = Bbox.from_extents(frame.x0, frame.y0, frame.x1, frame.y0 + 0.3 * frame.height)  # the whole lower part taken
    upper, upper_box = place_scale_bar(ax, renderer, [bottom], fontsize=7)
    assert upper.lat > 36.0
    assert not upper_box.overlaps(bottom)
