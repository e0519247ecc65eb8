"""Place labels without collisions: try a few offsets around each point, skip a label that fits nowhere."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
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
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for req in sorted(requests, key=lambda r: (r.priority, r.text, r.lon, r.lat)):
        for dx, dy, ha, va in OFFSETS:
            text = ax.annotate(
                req.text, (req.lon, req.lat), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                fontsize=req.fontsize, color=req.colour, fontweight=req.weight, fontstyle=req.style,
                path_effects=halo, zorder=40, annotation_clip=True,
            )  # fmt: skip
            box = text.get_window_extent(renderer).expanded(1.04, 1.08)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            text.remove()
        else:
            skipped += 1
    return skipped
