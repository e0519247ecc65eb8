"""Place labels without collisions: try a few offsets around each point, skip a label that fits nowhere.

Each label is laid out once: its text box is measured at one offset, and the box at every other
offset is that box moved and re-aligned with the same arithmetic matplotlib's text layout uses
(:func:`offset_boxes`), so trying 14 offsets costs one measurement instead of 14 (the boxes are
equal to measuring each offset, to the last bit: tests/renderers/test_snapshot_labels.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

# Offsets in points (dx, dy, ha, va): right, left, above, below, then diagonals.
OFFSETS = (
    (7, 0, "left", "center"),
    (-7, 0, "right", "center"),
    (0, 7, "center", "bottom"),
    (0, -7, "center", "top"),
    (6, 6, "left", "bottom"),
    (-6, -6, "right", "top"),
    (6, -6, "left", "top"),
    (-6, 6, "right", "bottom"),
    # A second, wider ring for crowded places (the label still sits beside its point).
    (14, 10, "left", "bottom"),
    (-14, -10, "right", "top"),
    (14, -10, "left", "top"),
    (-14, 10, "right", "bottom"),
    (0, 16, "center", "bottom"),
    (0, -16, "center", "top"),
)


@dataclass(frozen=True)
class LabelRequest:
    """One label wanted at a point; lower ``priority`` is placed first."""

    lon: float
    lat: float
    text: str
    priority: int
    fontsize: float
    colour: str = "#111111"
    weight: str = "normal"
    style: str = "normal"


def annotate(ax: Axes, req: LabelRequest, offset: tuple[float, float, str, str]) -> Annotation:
    """Add ``req``'s label to ``ax`` at ``offset`` (dx, dy in points, ha, va) with its white halo."""
    dx, dy, ha, va = offset
    return ax.annotate(
        req.text, (req.lon, req.lat), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
        fontsize=req.fontsize, color=req.colour, fontweight=req.weight, fontstyle=req.style,
        path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")], zorder=40, annotation_clip=True,
    )  # fmt: skip


def offset_boxes(text: Annotation, renderer: RendererBase, offsets: tuple[tuple[float, float, str, str], ...] = OFFSETS) -> list[Bbox]:
    """Return the display box ``text`` would have at each of ``offsets``, from one layout of its lines.

    ``text`` is an annotation in "offset points" (as :func:`annotate` makes). Its box is what
    ``Annotation.get_window_extent`` returns after moving it to the offset: the unrotated text
    box (width ``w``, height ``h``, from matplotlib's layout) aligned on the anchor as
    ``Text._get_layout`` aligns it, then translated to the anchor's display position. A label
    whose point lies outside the axes gets the unit box at every offset, as matplotlib gives it.
    """
    if not text.get_visible() or not text._check_xy(renderer):  # type: ignore[attr-defined]  # noqa: SLF001 - the clip test get_window_extent makes
        return [Bbox.unit() for _ in offsets]
    text.update_positions(renderer)  # the offset transform: the annotated point in display space, points scaled to pixels
    anchor = text.get_transform()
    va = text.get_verticalalignment()
    text.set_verticalalignment("bottom")
    box = text._get_layout(renderer)[0]  # type: ignore[attr-defined]  # noqa: SLF001 - left/bottom aligned: exactly (0, 0, w, h)
    text.set_verticalalignment(va)
    w, h = box.x1, box.y1
    ymin = -h  # the layout's lowest y below the first line's top (exact: h = 0 - ymin)
    x_of = {"left": 0.0, "right": 0.0 - w, "center": 0.0 - (0.0 + w) / 2}
    y_of = {"bottom": ymin - ymin, "top": ymin - 0.0, "center": ymin - (ymin + 0.0) / 2}
    boxes = []
    for dx, dy, ha, va_ in offsets:
        tx, ty = anchor.transform((float(dx), float(dy)))
        boxes.append(Bbox.from_bounds(x_of[ha], y_of[va_], w, h).translated(tx, ty))
    return boxes


def _free(box: Bbox, taken: np.ndarray) -> bool:
    """Return whether ``box`` overlaps none of ``taken`` (rows x0, y0, x1, y1, each normalised), as ``Bbox.overlaps`` decides."""
    if not len(taken):
        return True
    ax1, ay1, ax2, ay2 = box.extents
    ax1, ax2 = min(ax1, ax2), max(ax1, ax2)
    ay1, ay2 = min(ay1, ay2), max(ay1, ay2)
    apart = (taken[:, 2] < ax1) | (taken[:, 0] > ax2) | (taken[:, 3] < ay1) | (taken[:, 1] > ay2)
    return bool(apart.all())


def _normalised(boxes: list[Bbox]) -> np.ndarray:
    ext = np.array([b.extents for b in boxes], dtype=float).reshape(-1, 4)
    return np.column_stack([np.minimum(ext[:, 0], ext[:, 2]), np.minimum(ext[:, 1], ext[:, 3]),
                            np.maximum(ext[:, 0], ext[:, 2]), np.maximum(ext[:, 1], ext[:, 3])])  # fmt: skip


CLAIM_PRIORITY = 0  # labels of this priority or lower name what the claims place (places, arrow ends): placed before the furniture


def claims_first(requests: list[LabelRequest]) -> tuple[list[LabelRequest], list[LabelRequest]]:
    """Split ``requests`` into the claims' labels (priority up to :data:`CLAIM_PRIORITY`) and the rest (rivers, towns, countries).

    :func:`place_labels` places in priority order, so placing the two parts one after the
    other places the same labels as one call, unless something is drawn in between (the
    scale bar, which the rest then avoid).
    """
    return [r for r in requests if r.priority <= CLAIM_PRIORITY], [r for r in requests if r.priority > CLAIM_PRIORITY]


def place_labels(ax: Axes, requests: list[LabelRequest], renderer: RendererBase, taken: list[Bbox]) -> int:
    """Draw each label at the first offset whose box overlaps no placed box; return how many were skipped.

    Parameters
    ----------
    ax
        The map axes (data in lon/lat).
    requests
        Labels to place; sorted here by priority, then text, for a stable result.
    renderer
        The figure's renderer, used to measure text boxes.
    taken
        Display-space boxes already occupied (symbols, furniture); extended in place.
    """
    skipped = 0
    frame = ax.get_window_extent(renderer)
    occupied = _normalised(taken)
    for req in sorted(requests, key=lambda r: (r.priority, r.text, r.lon, r.lat)):
        text = annotate(ax, req, OFFSETS[0])
        for k, raw in enumerate(offset_boxes(text, renderer)):
            box = raw.expanded(1.04, 1.08)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and _free(box, occupied):
                taken.append(box)
                occupied = np.vstack([occupied, _normalised([box])])
                if k:  # drawn at a later offset: made as that offset's annotation, as measuring each offset would leave it
                    text.remove()
                    annotate(ax, req, OFFSETS[k])
                break
        else:
            text.remove()
            skipped += 1
    return skipped
