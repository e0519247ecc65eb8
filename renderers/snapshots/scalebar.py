"""A scale bar in kilometres whose length is measured on the ellipsoid at its own latitude."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes

from pyproj import Geod

GEOD = Geod(ellps="WGS84")
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 150, 200, 250, 300, 500, 1000)


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


def plan_scale_bar(extent: tuple[float, float, float, float]) -> ScaleBar:
    """Return a bar in the lower left of ``extent`` about a fifth of the map wide, in round km."""
    lon_min, lat_min, lon_max, lat_max = extent
    lat = lat_min + 0.06 * (lat_max - lat_min)
    lon_start = lon_min + 0.04 * (lon_max - lon_min)
    _, _, width_m = GEOD.inv(lon_min, lat, lon_max, lat)
    target_km = width_m / 1000 / 5
    length_km = max([k for k in NICE_KM if k <= target_km] or [NICE_KM[0]])
    return ScaleBar(lon_start, lon_start + degrees_for_km(length_km, lon_start, lat), lat, float(length_km))


def draw_scale_bar(ax: Axes, bar: ScaleBar, *, fontsize: float) -> None:
    """Draw the bar: two black-and-white halves, ticks labelled 0, half and full length in km."""
    half = (bar.lon_start + bar.lon_end) / 2
    tick = (ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.006
    for (x0, x1), colour in (((bar.lon_start, half), "#000000"), ((half, bar.lon_end), "#FFFFFF")):
        ax.fill([x0, x1, x1, x0], [bar.lat, bar.lat, bar.lat + tick, bar.lat + tick], facecolor=colour, edgecolor="#000000", linewidth=0.6, zorder=30)
    halfway = bar.length_km / 2
    labels = ((bar.lon_start, "0"), (half, f"{halfway:g}"), (bar.lon_end, f"{bar.length_km:g} km"))
    for x, text in labels:
        ax.text(x, bar.lat + 2.2 * tick, text, ha="center", va="bottom", fontsize=fontsize, zorder=30, gid="scalebar-label")
    ax.text(bar.lon_start, bar.lat - 1.5 * tick, f"Scale true at {bar.lat:.1f}\u00b0N", ha="left", va="top", fontsize=fontsize * 0.8, zorder=30)
