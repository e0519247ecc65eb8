"""Draw the basemap context under the marks: lakes, rivers (named ones labelled), schematic roads."""

from __future__ import annotations

import math

from matplotlib.axes import Axes

from geo.basemap import RIVER_LABELS, load_lakes, load_rivers, load_roads
from layers.style import BASEMAP
from renderers.snapshots.drawing import dashes
from renderers.snapshots.labels import LabelRequest

Extent = tuple[float, float, float, float]


def _padded(extent: Extent) -> Extent:
    """Return a cache-friendly whole-degree box around ``extent``."""
    return (math.floor(extent[0]) - 1.0, math.floor(extent[1]) - 1.0, math.ceil(extent[2]) + 1.0, math.ceil(extent[3]) + 1.0)


def draw_context(ax: Axes, extent: Extent) -> list[LabelRequest]:
    """Draw lakes, rivers and roads inside ``extent``; return the river labels to place.

    Parameters
    ----------
    ax
        The map axes (lon/lat).
    extent
        The drawn extent ``(lon_min, lat_min, lon_max, lat_max)``.
    """
    region = _padded(extent)
    lakes = load_lakes(region)
    if len(lakes):
        lakes.plot(ax=ax, facecolor=BASEMAP.lake, edgecolor=BASEMAP.river, linewidth=0.4, zorder=1.5)
    rivers = load_rivers(region)
    if len(rivers):
        rivers.plot(ax=ax, color=BASEMAP.river, linewidth=BASEMAP.river_width * 0.75, zorder=1.6)
    roads = load_roads()
    if len(roads):
        roads.plot(ax=ax, color=BASEMAP.road, linewidth=BASEMAP.road_width * 0.75, linestyle=dashes(BASEMAP.road_dash), zorder=1.7)
    lon0, lat0, lon1, lat1 = extent
    return [
        LabelRequest(lon, lat, name, 5, 6.5, BASEMAP.river_label, "normal", "italic")
        for name, lon, lat in RIVER_LABELS
        if lon0 <= lon <= lon1 and lat0 <= lat <= lat1
    ]
