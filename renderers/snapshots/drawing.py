"""Draw the basemap and the layers on a lon/lat axes, reading colours and rules from the style spec."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba

import geopandas as gpd
import shapely

from layers import Layer, StyleSpec
from layers.labels import arrow_end_labels, arrow_start_labels
from layers.phases import DRAWN_PHASES, PHASE_COLUMN
from layers.style import BASEMAP, DIRECTION_STYLES, PHASE_STYLES, STATUS_STYLES, PhaseStyle

MARKERS = {"circle": "o", "square": "s", "triangle": "^", "star": "*", "diamond": "D", "cross": "P"}
HEADS = {"triangle": "-|>", "double": "-|>", "chevron": "->"}
# The basemap tones come from layers.style.BASEMAP (shared with the web map and QGIS).
SEA, LAND, BORDER = BASEMAP.sea, BASEMAP.land, BASEMAP.border
_TINT_MAX_SHARE = 0.15  # rings holding more of the view than this are drawn without fill
PX_PT = 0.75  # a CSS pixel in points (the style spec's widths are in px)
HALO_GID = "halo-new"  # gid of every halo drawn under a new mark: "halo-new:<claim id>"
_PLAIN = PhaseStyle("")


def phase_style(row: Any) -> PhaseStyle:  # noqa: ANN401 - a pandas row
    """Return how a feature's phase changes its drawing (:data:`layers.style.PHASE_STYLES`); plain without a phase."""
    phase = row.get(PHASE_COLUMN) if hasattr(row, "get") else None
    return PHASE_STYLES.get(str(phase), _PLAIN) if phase else _PLAIN


def by_phase(gdf: gpd.GeoDataFrame) -> list[tuple[PhaseStyle, gpd.GeoDataFrame]]:
    """Return the features grouped by phase (one plain group when the view has no date)."""
    if PHASE_COLUMN not in gdf.columns:
        return [(_PLAIN, gdf)]
    return [(PHASE_STYLES[p], gdf[gdf[PHASE_COLUMN] == p]) for p in DRAWN_PHASES if (gdf[PHASE_COLUMN] == p).any()]


def dashes(pattern: str) -> Any:  # noqa: ANN401 - matplotlib's linestyle is a str or a tuple
    """Return a style-spec dash pattern ("2 3", px) as a matplotlib linestyle (points)."""
    if not pattern.strip():
        return "solid"
    return (0, tuple(float(v) for v in pattern.split()))


def marker_area(style: StyleSpec) -> float:
    """Return the scatter marker area (points squared) for a layer's ``size_px``."""
    return (style.size_px * 1.4) ** 2


_CLIP_MARGIN = 0.1  # of the drawn extent's larger side, on every side: the cut edges lie well outside the map's frame


def draw_basemap(ax: Axes, countries: gpd.GeoDataFrame) -> None:
    """Fill the sea, then draw the countries with thin grey borders, cut to the axes' extent (set before) and a margin.

    A view shows a part of the region's countries (a close-up of Damascus, a few percent of
    the 13,000 outline points of the overview's countries); the parts outside are cut away
    before drawing, so the PDF and SVG do not carry, nor the renderers transform, outlines
    nobody sees. The cut edges lie outside the frame (the axes clip every artist to it), and
    the borders inside are the same lines.
    """
    ax.set_facecolor(SEA)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    cut = cut_to_extent(countries, (x0, y0, x1, y1))
    if len(cut):
        cut.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6, zorder=1)


def cut_to_extent(frame: gpd.GeoDataFrame, extent: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Return ``frame`` (its other columns kept) with each geometry cut to ``extent`` plus a margin, dropping those left empty."""
    if not len(frame):
        return frame
    x0, y0, x1, y1 = extent
    margin = _CLIP_MARGIN * max(x1 - x0, y1 - y0)
    cut = frame.copy()
    cut["geometry"] = shapely.intersection(frame.geometry.to_numpy(), shapely.box(x0 - margin, y0 - margin, x1 + margin, y1 + margin))
    return cut[~cut.geometry.is_empty]


def draw_uncertainty(ax: Axes, layer: Layer, *, scale: float = 1.0) -> None:
    """Draw precision rings: an outline (dashed where the radius is an estimate), a faint fill, no centre pin.

    Claims sharing a place share one ring per colour, so stacked fills never darken an area. A ring
    is an area of uncertainty, not a mark: it gets no halo when new (its symbol does), and is
    faded when ended.
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    frame = shapely.box(x0, y0, x1, y1)
    seen: set[tuple[str, str]] = set()
    with _framed_already(ax):
        _draw_rings(ax, layer, frame, seen, scale)


@contextmanager
def _framed_already(ax: Axes) -> Iterator[None]:
    """Within the block, patches added to ``ax`` leave its data limits alone.

    ``Axes.add_patch`` measures every patch for autoscaling, walking each ring's outline
    segment by segment (a ring has about a hundred vertices). A snapshot's map has its
    extent set before any mark is drawn and never autoscales, so nothing reads those limits.
    """
    ax._update_patch_limits = lambda patch: None  # type: ignore[attr-defined]  # noqa: SLF001, ARG005
    try:
        yield
    finally:
        del ax._update_patch_limits  # type: ignore[attr-defined]  # noqa: SLF001 - the class's method again


def _draw_rings(ax: Axes, layer: Layer, frame: shapely.Polygon, seen: set[tuple[str, str]], scale: float) -> None:
    style = layer.style
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
        phase = phase_style(row)
        for poly in getattr(row.geometry, "geoms", [row.geometry]):
            xs, ys = poly.exterior.xy
            ax.fill(list(xs), list(ys), facecolor=to_rgba(colour, opacity * phase.opacity), edgecolor=to_rgba(colour, phase.opacity),
                    linewidth=0.9 * scale, linestyle=line, zorder=3)  # fmt: skip


def draw_movements(ax: Axes, layer: Layer, *, scale: float = 1.0) -> None:
    """Draw movements as casing + line, dashed where the route is inferred, arrowhead at the destination.

    A new movement gets the phase halo under its casing; an ended one is faded (its phase's opacity).
    """
    style = layer.style
    for _, row in layer.gdf.iterrows():
        status = STATUS_STYLES[row["status"]]
        phase = phase_style(row)
        alpha = status.opacity * phase.opacity
        direction = DIRECTION_STYLES.get(str(row.get("direction")), DIRECTION_STYLES["outbound"])
        colour = style.colour(str(row[style.category_field]))
        width = style.size_px * 0.8 * direction.width_factor * scale
        body = dashes(style.dash) if style.dash_field and row.get(style.dash_field) == style.dash_value else "solid"
        xs, ys = (list(v) for v in row.geometry.xy)
        if phase.halo:
            ax.plot(xs, ys, color=phase.halo, linewidth=width + (3.4 + phase.halo_width * PX_PT) * scale, solid_capstyle="round", zorder=4.9,
                    gid=f"{HALO_GID}:{row.get('claim_id', row.get('id'))}")  # fmt: skip
        if direction.casing:
            ax.plot(xs, ys, color=direction.casing, linewidth=width + 3.4 * scale, alpha=alpha, solid_capstyle="butt", zorder=5)
        if row["status"] != "reported":
            ax.plot(xs, ys, color=status.outline, linewidth=width + 1.8 * scale, linestyle=dashes(status.dash), alpha=alpha,
                    solid_capstyle="butt", zorder=5)  # fmt: skip
        ax.plot(xs, ys, color=colour, linewidth=width, linestyle=body, alpha=alpha, solid_capstyle="butt", zorder=6)
        _draw_head(ax, row.geometry, direction.arrow, colour, width, min(1.0, alpha + 0.05), scale=scale)


def _draw_head(ax: Axes, line: shapely.LineString, arrow: str, colour: str, width: float, alpha: float, *, scale: float = 1.0) -> None:
    """Draw the arrowhead at the line's destination end (two in tandem for ``double``)."""
    ends = [(1.0, 0.93)] + ([(0.955, 0.90)] if arrow == "double" else [])
    for tip_at, tail_at in ends:
        tip, tail = line.interpolate(tip_at, normalized=True), line.interpolate(tail_at, normalized=True)
        ax.annotate("", xy=(tip.x, tip.y), xytext=(tail.x, tail.y), zorder=7, arrowprops={
            "arrowstyle": HEADS.get(arrow, "-|>"), "color": colour, "linewidth": width, "mutation_scale": (10 + 3 * width / scale) * scale,
            "shrinkA": 0, "shrinkB": 0, "alpha": alpha,
        })  # fmt: skip


def draw_points(ax: Axes, layer: Layer, *, scale: float = 1.0) -> list[tuple[float, float]]:
    """Draw a point layer, fill by category, outline by status; return the drawn positions.

    A new point gets the phase halo (a disc under its symbol); an ended one is faded.
    """
    style = layer.style
    drawn: list[tuple[float, float]] = []
    area = marker_area(style) * scale**2
    for phase, frame in by_phase(layer.gdf):
        xs_all, ys_all = frame.geometry.x.tolist(), frame.geometry.y.tolist()
        if phase.halo:
            halo_area = (area**0.5 + phase.halo_width * PX_PT * 2 * scale) ** 2
            ids = frame["claim_id"] if "claim_id" in frame.columns else frame.get("id", [None] * len(frame))
            for x, y, claim in zip(xs_all, ys_all, ids, strict=True):
                ax.scatter([x], [y], s=halo_area, marker="o", c=[phase.halo], linewidths=0, zorder=9.5, gid=f"{HALO_GID}:{claim}")
        categories = [str(c) for c in frame[style.category_field]]
        # One scatter per (status, symbol), in sorted order, rows in layer order: as pandas' groupby(sort=True) gave them.
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (status_id, category) in enumerate(zip(frame["status"].tolist(), categories, strict=True)):
            if isinstance(status_id, str):  # groupby left out rows with no status
                groups.setdefault((status_id, style.marker_for(category)), []).append(i)
        for (status_id, shape), rows in sorted(groups.items()):
            status = STATUS_STYLES[status_id]
            fill = style.fill_opacity * status.opacity * phase.opacity
            colours = [to_rgba(style.colour(categories[i]), fill) for i in rows]
            xs, ys = [xs_all[i] for i in rows], [ys_all[i] for i in rows]
            ax.scatter(xs, ys, s=area, marker=MARKERS.get(shape, "o"), c=colours, edgecolors=[to_rgba(status.outline, phase.opacity)],
                       linewidths=1.1 * scale, linestyles=dashes(status.dash), zorder=10)  # fmt: skip
            drawn.extend(zip(xs, ys, strict=True))
    return drawn


def draw_layers(ax: Axes, layers: list[Layer], *, scale: float = 1.0) -> list[tuple[float, float]]:
    """Draw every layer in order (symbols and lines ``scale`` times their size); return the positions of point symbols (for label avoidance)."""
    points: list[tuple[float, float]] = []
    for layer in layers:
        if not len(layer.gdf) or layer.style.panel:
            continue  # a panel layer (country-wide claims) is listed beside the map, not drawn on it
        if layer.style.geometry == "polygon":
            draw_uncertainty(ax, layer, scale=scale)
        elif layer.style.geometry == "line":
            draw_movements(ax, layer, scale=scale)
        else:
            points.extend(draw_points(ax, layer, scale=scale))
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
