"""A scale bar in kilometres whose length is measured on the ellipsoid at its own latitude, placed clear of the marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.transforms import Bbox

from pyproj import Geod

GEOD = Geod(ellps="WGS84")
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 150, 200, 250, 300, 500, 1000)
# The rows a bar may stand on, in the order tried: (edge, distance from it as a share of the map's height): near the
# foot of the map, at its head, then higher up from the foot (a crowded map, such as a series panel).
ROWS = (("lower", 0.06), ("lower", 0.045), ("upper", 0.15), *(("lower", round(0.09 + 0.03 * k, 2)) for k in range(8)))
_MARGIN = 0.01  # of the frame's height: the least room between the bar's note or numbers and the frame
_INSET_X = 0.04  # of the extent's width: the bar's distance from the frame's west side (and its numbers' from the east side)
_STEP_X = 0.02  # of the frame's width: the steps in which a bar slides along its row


@dataclass(frozen=True)
class ScaleBar:
    """Where the bar is drawn (lon/lat degrees) and the length it stands for."""

    lon_start: float
    lon_end: float
    lat: float
    length_km: float


def degrees_for_km(length_km: float, lon_start: float, lat: float) -> float:
    """Return the longitude span east of ``lon_start`` at ``lat`` that is ``length_km`` long.

    Solved by bisection on :meth:`pyproj.Geod.inv`, so it holds at any latitude.
    """
    low, high = 0.0, 179.0
    for _ in range(60):
        mid = (low + high) / 2
        _, _, dist_m = GEOD.inv(lon_start, lat, lon_start + mid, lat)
        low, high = (mid, high) if dist_m < length_km * 1000 else (low, mid)
    return (low + high) / 2


def plan_scale_bar(extent: tuple[float, float, float, float], edge: str = "lower", inset: float = ROWS[0][1]) -> ScaleBar:
    """Return a bar about a fifth of the map wide, in round km, at the west side of ``extent``, ``inset`` of its height from ``edge``."""
    lon_min, lat_min, lon_max, lat_max = extent
    lat = lat_max - inset * (lat_max - lat_min) if edge == "upper" else lat_min + inset * (lat_max - lat_min)
    lon_start = lon_min + _INSET_X * (lon_max - lon_min)
    _, _, width_m = GEOD.inv(lon_min, lat, lon_max, lat)
    target_km = width_m / 1000 / 5
    length_km = max([k for k in NICE_KM if k <= target_km] or [NICE_KM[0]])
    return ScaleBar(lon_start, lon_start + degrees_for_km(length_km, lon_start, lat), lat, float(length_km))


def draw_scale_bar(ax: Axes, bar: ScaleBar, *, fontsize: float) -> list[Artist]:
    """Draw the bar: two black-and-white halves, ticks labelled 0, half and full length in km; return what was drawn."""
    half = (bar.lon_start + bar.lon_end) / 2
    tick = (ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.006
    drawn: list[Artist] = []
    for (x0, x1), colour in (((bar.lon_start, half), "#000000"), ((half, bar.lon_end), "#FFFFFF")):
        drawn += ax.fill([x0, x1, x1, x0], [bar.lat, bar.lat, bar.lat + tick, bar.lat + tick], facecolor=colour, edgecolor="#000000",
                         linewidth=0.6, zorder=30)  # fmt: skip
    halfway = bar.length_km / 2
    labels = ((bar.lon_start, "0"), (half, f"{halfway:g}"), (bar.lon_end, f"{bar.length_km:g} km"))
    for x, text in labels:
        drawn.append(ax.text(x, bar.lat + 2.2 * tick, text, ha="center", va="bottom", fontsize=fontsize, zorder=30, gid="scalebar-label"))
    drawn.append(ax.text(bar.lon_start, bar.lat - 1.5 * tick, f"Scale true at {bar.lat:.1f}\u00b0N", ha="left", va="top", fontsize=fontsize * 0.8,
                         zorder=30))  # fmt: skip
    return drawn


def footprint(drawn: Sequence[Artist], renderer: RendererBase) -> Bbox:
    """Return the display box around every artist of a drawn bar (its halves, numbers and note)."""
    return Bbox.union([artist.get_window_extent(renderer) for artist in drawn])


def _overlaps(box: Bbox, taken: Sequence[Bbox]) -> int:
    return sum(box.overlaps(other) for other in taken)


def place_scale_bar(ax: Axes, renderer: RendererBase, taken: Sequence[Bbox], *, fontsize: float, keep_halfway: bool = True) -> tuple[ScaleBar, Bbox]:
    """Draw the bar where it covers none of ``taken`` (symbols, labels, furniture: display boxes); return it and its box.

    Each of :data:`ROWS` is tried in turn: on it the bar's place at the west side (the usual
    one), then at the east side (its numbers as far from the frame as the bar is at the west),
    then the places between, west to east. Where every place covers something, the one covering
    fewest boxes is used (the first of those). The bar has the same shape wherever it slides
    along a row (the parallels are straight, and the length in degrees is the same at any
    longitude), so each row's bar is measured once and its box moved. ``keep_halfway=False``
    drops the halfway number (a short bar). The returned box is the whole bar's (halves,
    numbers, note): labels placed after it avoid it. A row where the bar's note or numbers would
    come within :data:`_MARGIN` of the frame is passed over.
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    frame = ax.get_window_extent(renderer)
    best: tuple[int, ScaleBar, Bbox] | None = None
    for edge, inset in ROWS:
        bar = plan_scale_bar((x0, y0, x1, y1), edge, inset)
        drawn = _draw(ax, bar, fontsize, keep_halfway=keep_halfway)
        box = footprint(drawn, renderer)
        for artist in drawn:
            artist.remove()
        if box.y0 < frame.y0 + _MARGIN * frame.height or box.y1 > frame.y1 - _MARGIN * frame.height:
            continue  # its note or numbers would touch the frame
        room = frame.x0 + (1 - _INSET_X) * frame.width - box.x1  # how far east the box may move
        steps = int(room // (_STEP_X * frame.width)) if room > 0 else 0
        for shift in [0.0, *([room] if room > 0 else []), *(k * _STEP_X * frame.width for k in range(1, steps + 1))]:
            moved = box.translated(shift, 0)
            hits = _overlaps(moved, taken)
            if best is None or hits < best[0]:
                lon_shift = shift / frame.width * (x1 - x0)
                best = (hits, ScaleBar(bar.lon_start + lon_shift, bar.lon_end + lon_shift, bar.lat, bar.length_km), moved)
            if not hits:
                break
        if best is not None and not best[0]:
            break
    if best is None:  # no row fits in the frame (a very flat map): the usual place
        best = (0, plan_scale_bar((x0, y0, x1, y1)), Bbox.null())
    _, bar, _ = best
    return bar, footprint(_draw(ax, bar, fontsize, keep_halfway=keep_halfway), renderer)


def _draw(ax: Axes, bar: ScaleBar, fontsize: float, *, keep_halfway: bool) -> list[Artist]:
    drawn = draw_scale_bar(ax, bar, fontsize=fontsize)
    if keep_halfway:
        return drawn
    halfway = drawn[3]  # the halves (2), "0", then the halfway number
    halfway.remove()
    return [a for a in drawn if a is not halfway]
