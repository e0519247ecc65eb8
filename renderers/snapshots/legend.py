"""The legend: one row per symbol the view shows (layers, actor colours, directions, routes, status, precision)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, FancyArrowPatch

from layers import Layer
from layers.phases import DRAWN_PHASES, PHASE_COLUMN
from layers.style import ACTOR_GROUPS, BASEMAP, DIRECTION_STYLES, PHASE_STYLES, RING_SYMBOL_RULE, STATUS_STYLES
from renderers.snapshots.drawing import HEADS, MARKERS, dashes

NEUTRAL = "#9E9E9E"
FIGURE_HEIGHT_IN = 7.5  # renderers.snapshots.figure.FIGSIZE_IN[1] (figure imports this module)


@dataclass(frozen=True)
class Row:
    """One legend row: how to draw the symbol (``kind`` + colours/patterns) and its label."""

    kind: str  # header, marker, line, circle
    label: str
    colour: str = NEUTRAL
    marker: str = "o"
    edge: str = "#222222"
    dash: str = ""  # outline dash (marker) or body dash (line)
    head: str = ""
    halo: str = ""  # a casing under the marker (the phase "new")
    opacity: float = 0.85


def _present(layers: list[Layer], field: str) -> list[str]:
    """Return the distinct values of ``field`` over every non-empty layer that has it."""
    values = {str(v) for layer in layers if len(layer.gdf) and field in layer.gdf for v in layer.gdf[field]}
    return sorted(values)


def legend_rows(layers: list[Layer]) -> list[Row]:
    """Return the legend rows for the features of ``layers`` (already cut to the view)."""
    shown = [layer for layer in layers if len(layer.gdf)]
    rows = [Row("header", "What is drawn")]
    for layer in shown:
        style = layer.style
        if style.panel:
            continue  # listed in the country-wide box, not drawn
        if style.geometry == "point" and style.category_field == "actor_group":
            rows.append(Row("marker", style.title, marker=MARKERS.get(style.marker, "o")))
        elif style.geometry == "point":
            prefix = "ACLED (overlay)" if style.overlay else "Site"
            for value in sorted({str(v) for v in layer.gdf[style.category_field]}):
                label = style.categories.get(value, (value, ""))[0]
                rows.append(Row("marker", f"{prefix}: {label}", colour=style.colour(value), marker=MARKERS.get(style.marker_for(value), "o")))
        elif style.geometry == "polygon":
            rows.append(Row("circle", style.title if style.overlay else f"Uncertainty ring: the place lies inside ({RING_SYMBOL_RULE})"))
            if "radius_estimated" in layer.gdf and layer.gdf["radius_estimated"].astype(bool).any():
                rows.append(Row("circle", "Dashed ring: radius estimated", dash=style.estimate_dash))
    groups = [g for g in ACTOR_GROUPS if g in _present(shown, "actor_group")]
    if groups:
        rows.append(Row("header", "Colour: actor group"))
        rows += [Row("marker", ACTOR_GROUPS[g][0], colour=ACTOR_GROUPS[g][1], marker="s") for g in groups]
    rows += _movement_rows([layer for layer in shown if layer.style.geometry == "line"])
    statuses = [s for s in STATUS_STYLES if s in _present(shown, "status")]
    if statuses:
        rows.append(Row("header", "Status (outline of symbols, casing of lines)"))
        rows += [Row("marker", STATUS_STYLES[s].label, edge=STATUS_STYLES[s].outline, dash=STATUS_STYLES[s].dash) for s in statuses]
    rows += phase_rows(shown)
    rows += [
        Row("header", "Context"),
        Row("line", "Main road, schematic (no surveyed route)", colour=BASEMAP.road, dash=BASEMAP.road_dash),
        Row("line", "River (Natural Earth 50 m; Orontes, Khabur schematic)", colour=BASEMAP.river),
    ]
    return rows


PHASE_HEADER = "Change on the date shown"


def phase_rows(layers: list[Layer]) -> list[Row]:
    """Return one row per phase the (dated) view draws, worded and drawn as :data:`layers.style.PHASE_STYLES` says."""
    present = {str(p) for layer in layers if PHASE_COLUMN in layer.gdf.columns for p in layer.gdf[PHASE_COLUMN]}
    phases = [p for p in DRAWN_PHASES if p in present]
    if not phases:
        return []
    rows = [Row("header", PHASE_HEADER)]
    for key in phases:
        style = PHASE_STYLES[key]
        rows.append(Row("marker", style.label, halo=style.halo, opacity=0.85 * style.opacity, edge="#222222"))
    return rows


def _movement_rows(lines: list[Layer]) -> list[Row]:
    """Return rows for movement directions and route certainty present in ``lines``."""
    if not lines:
        return []
    spec = lines[0].style
    rows = [Row("header", "Movements (arrowhead at the destination)")]
    present = _present(lines, "direction")
    rows += [Row("line", style.label, head=style.arrow, colour="#444444") for key, style in DIRECTION_STYLES.items() if key in present]
    routes = _present(lines, spec.dash_field) if spec.dash_field else []
    if any(r != spec.dash_value for r in routes):
        rows.append(Row("line", "Route as reported by the source", colour="#444444"))
    if spec.dash_value in routes:
        rows.append(Row("line", "Route inferred (source names only the ends)", colour="#444444", dash=spec.dash))
    return rows


def draw_legend(ax: Axes, rows: list[Row], *, fontsize: float, figure_height_in: float = FIGURE_HEIGHT_IN, wrap_chars: int = 47) -> None:
    """Draw ``rows`` top-down in ``ax`` (axes coordinates), symbols left, labels right wrapped at ``wrap_chars``."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    wrapped = [textwrap.wrap(r.label, wrap_chars if r.kind != "header" else wrap_chars + 3) or [""] for r in rows]
    n_lines = sum(len(w) for w in wrapped) + 0.5 * sum(r.kind == "header" for r in rows)
    step = min(0.05, 0.98 / max(n_lines, 1))
    # A long legend gets a smaller type, so that each line fits its step (1.3 x the font size).
    height_pt = ax.get_position().height * figure_height_in * 72
    fontsize = min(fontsize, step * height_pt / 1.3)
    y = 0.99
    for row, lines in zip(rows, wrapped, strict=True):
        if row.kind == "header":
            y -= 0.5 * step
        height = step * len(lines)
        mid = y - height / 2
        _draw_symbol(ax, row, mid, marker_area=min(60.0, (0.8 * step * height_pt) ** 2))
        x = 0.0 if row.kind == "header" else 0.16
        ax.text(x, mid, "\n".join(lines), va="center", ha="left", fontsize=fontsize, fontweight="bold" if row.kind == "header" else "normal",
                linespacing=1.15)  # fmt: skip
        y -= height


def _draw_symbol(ax: Axes, row: Row, y: float, *, marker_area: float = 60.0) -> None:
    """Draw one row's symbol centred at (0.07, y)."""
    if row.kind == "marker":
        if row.halo:
            ax.scatter([0.07], [y], s=(marker_area**0.5 + 6) ** 2, marker="o", c=[row.halo], linewidths=0, gid="legend-halo")
        ax.scatter([0.07], [y], s=marker_area, marker=row.marker, c=[to_rgba(row.colour, row.opacity)],
                   edgecolors=[to_rgba(row.edge, min(1.0, row.opacity / 0.85))], linewidths=1.1, linestyles=dashes(row.dash))  # fmt: skip
    elif row.kind == "circle":
        ax.add_patch(Circle((0.07, y), 0.018, facecolor=to_rgba(NEUTRAL, 0.05), edgecolor="#555555", linestyle=dashes(row.dash), linewidth=0.9))
    elif row.kind == "line":
        style = HEADS.get(row.head, "-")
        ax.add_patch(FancyArrowPatch((0.01, y), (0.13, y), arrowstyle=style, mutation_scale=11, color=row.colour, linewidth=1.8,
                                     linestyle=dashes(row.dash)))  # fmt: skip
