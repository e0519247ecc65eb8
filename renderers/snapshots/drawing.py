"""Draw the basemap and the layers on a lon/lat axes, reading colours and rules from the style spec."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba

import geopandas as gpd
import shapely

from layers import Layer, StyleSpec
from layers.labels import arrow_end_labels, arrow_start_labels
from layers.style import BASEMAP, DIRECTION_STYLES, STATUS_STYLES

MARKERS = {"circle": "o", "square": "s", "triangle": "^", "star": "*", "diamond": "D", "cross": "P"}
HEADS = {"triangle": "-|>", "double": "-|>", "chevron": "->"}
# The basemap tones come from layers.style.BASEMAP (shared with the web map and QGIS).
SEA, LAND, BORDER = BASEMAP.sea, BASEMAP.land, BASEMAP.border
_TINT_MAX_SHARE = 0.15  # rings holding more of the view than this are drawn without fill


def dashes(pattern: str) -> Any:  # noqa: ANN401 - matplotlib's linestyle is a str or a tuple
    """Return a style-spec dash pattern ("2 3", px) as a matplotlib linestyle (points)."""
    if not pattern.strip():
        return "solid"
    return (0, tuple(float(v) for v in pattern.split()))


def marker_area(style: StyleSpec) -> float:
    """Return the scatter marker area (points squared) for a layer's ``size_px``."""
    return (style.size_px * 1.4) ** 2


def draw_basemap(ax: Axes, countries: gpd.GeoDataFrame) -> None:
    """Fill the sea, then draw the countries with thin grey borders."""
    ax.set_facecolor(SEA)
    if len(countries):
        countries.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6, zorder=1)


def draw_uncertainty(ax: Axes, layer: Layer) -> None:
    """Draw precision rings: an outline (dashed where the radius is an estimate), a faint fill, no centre pin.

    Claims sharing a place share one ring per colour, so stacked fills never darken an area.
    """
    style = layer.style
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    frame = shapely.box(x0, y0, x1, y1)
    seen: set[tuple[str, str]] = set()
    for _, row in layer.gdf.iterrows():
        colour = style.colour(str(row.get(style.category_field, "")))
        key = (str(row.get("place_id", row.get("id"))), colour)
        if key in seen:
            continue
        seen.add(key)
        # A ring that holds much of the view would only tint it: outline it, keep the basemap readable.
        big = row.geometry.contains(frame) or row.geometry.intersection(frame).area > _TINT_MAX_SHARE * frame.area
        own = float(row[style.fill_field]) if style.fill_field and style.fill_field in row else style.fill_opacity
        opacity = 0.0 if big else min(own, 0.1)  # layers.style.ring_fill_opacities: one small ring per place is filled
        line = dashes(style.estimate_dash) if bool(row.get("radius_estimated")) else "solid"
        for poly in getattr(row.geometry, "geoms", [row.geometry]):
            xs, ys = poly.exterior.xy
            ax.fill(list(xs), list(ys), facecolor=to_rgba(colour, opacity), edgecolor=colour,
                    linewidth=0.9, linestyle=line, zorder=3)  # fmt: skip


def draw_movements(ax: Axes, layer: Layer) -> None:
    """Draw movements as casing + line, dashed where the route is inferred, arrowhead at the destination."""
    style = layer.style
    for _, row in layer.gdf.iterrows():
        status = STATUS_STYLES[row["status"]]
        direction = DIRECTION_STYLES.get(str(row.get("direction")), DIRECTION_STYLES["outbound"])
        colour = style.colour(str(row[style.category_field]))
        width = style.size_px * 0.8 * direction.width_factor
        body = dashes(style.dash) if style.dash_field and row.get(style.dash_field) == style.dash_value else "solid"
        xs, ys = (list(v) for v in row.geometry.xy)
        if direction.casing:
            ax.plot(xs, ys, color=direction.casing, linewidth=width + 3.4, alpha=status.opacity, solid_capstyle="butt", zorder=5)
        if row["status"] != "reported":
            ax.plot(xs, ys, color=status.outline, linewidth=width + 1.8, linestyle=dashes(status.dash), alpha=status.opacity,
                    solid_capstyle="butt", zorder=5)  # fmt: skip
        ax.plot(xs, ys, color=colour, linewidth=width, linestyle=body, alpha=status.opacity, solid_capstyle="butt", zorder=6)
        _draw_head(ax, row.geometry, direction.arrow, colour, width, min(1.0, status.opacity + 0.05))


def _draw_head(ax: Axes, line: shapely.LineString, arrow: str, colour: str, width: float, alpha: float) -> None:
    """Draw the arrowhead at the line's destination end (two in tandem for ``double``)."""
    ends = [(1.0, 0.93)] + ([(0.955, 0.90)] if arrow == "double" else [])
    for tip_at, tail_at in ends:
        tip, tail = line.interpolate(tip_at, normalized=True), line.interpolate(tail_at, normalized=True)
        ax.annotate("", xy=(tip.x, tip.y), xytext=(tail.x, tail.y), zorder=7, arrowprops={
            "arrowstyle": HEADS.get(arrow, "-|>"), "color": colour, "linewidth": width, "mutation_scale": 10 + 3 * width,
            "shrinkA": 0, "shrinkB": 0, "alpha": alpha,
        })  # fmt: skip


def draw_points(ax: Axes, layer: Layer) -> list[tuple[float, float]]:
    """Draw a point layer, fill by category, outline by status; return the drawn positions."""
    style = layer.style
    drawn: list[tuple[float, float]] = []
    shapes = layer.gdf[style.category_field].map(lambda c: style.marker_for(str(c))).rename("shape")
    for (status_id, shape), group in layer.gdf.groupby([layer.gdf["status"], shapes], sort=True):
        status = STATUS_STYLES[str(status_id)]
        colours = [to_rgba(style.colour(str(c)), style.fill_opacity * status.opacity) for c in group[style.category_field]]
        xs, ys = group.geometry.x.tolist(), group.geometry.y.tolist()
        ax.scatter(xs, ys, s=marker_area(style), marker=MARKERS.get(str(shape), "o"), c=colours, edgecolors=status.outline,
                   linewidths=1.1, linestyles=dashes(status.dash), zorder=10)  # fmt: skip
        drawn.extend(zip(xs, ys, strict=True))
    return drawn


def draw_layers(ax: Axes, layers: list[Layer]) -> list[tuple[float, float]]:
    """Draw every layer in order; return the positions of point symbols (for label avoidance)."""
    points: list[tuple[float, float]] = []
    for layer in layers:
        if not len(layer.gdf) or layer.style.panel:
            continue  # a panel layer (country-wide claims) is listed beside the map, not drawn on it
        if layer.style.geometry == "polygon":
            draw_uncertainty(ax, layer)
        elif layer.style.geometry == "line":
            draw_movements(ax, layer)
        else:
            points.extend(draw_points(ax, layer))
    return points


def movement_end_labels(layers: list[Layer], extent: tuple[float, float, float, float]) -> list[tuple[float, float, str]]:
    """Return one label per drawn arrow end (``layers.labels.arrow_end_labels``, shared with QGIS)."""
    return arrow_end_labels(layers, extent)


def movement_start_labels(layers: list[Layer], extent: tuple[float, float, float, float], *, home: str) -> list[tuple[float, float, str]]:
    """Return "from <country>" at arrow starts (``layers.labels.arrow_start_labels``, shared with QGIS); a note goes on a second line."""
    return [(x, y, text.replace(", ", "\n", 1)) for x, y, text in arrow_start_labels(layers, extent, home=home)]


def country_label_points(countries: gpd.GeoDataFrame, bbox: tuple[float, float, float, float]) -> list[tuple[float, float, str]]:
    """Return a label position inside each country's visible part, with its name."""
    box = shapely.box(*bbox)
    found = []
    for name, geom in zip(countries["name"], countries.geometry, strict=True):
        part = shapely.intersection(geom, box)
        if not part.is_empty and part.area > 0.02 * box.area:
            point = part.representative_point()
            found.append((point.x, point.y, str(name)))
    return found
