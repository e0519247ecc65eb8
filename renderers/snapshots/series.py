"""The snapshot series: one figure, one dated panel per date on one extent, a shared legend and scale bar, the change table.

Each panel is the view of its date against the previous panel (the first against the window
before it, :mod:`layers.phases`): marks new since then are drawn over the yellow halo, marks
that ended since then are faded. Under the panels, the change table lists those claims panel
by panel, then the numbered sources, the credits of every layer and the exclusion note.

Two page sizes: A4 landscape (the panels in a row) and one 85 mm journal column (stacked).
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from dataset.model import Dataset
from geo.basemap import load_countries, load_town_labels
from layers import Layer
from layers.credits import ViewNotes, credits_and_exclusions
from layers.style import FOCUS_COUNTRY
from renderers.snapshots import furniture
from renderers.snapshots.canvas import FileCanvas, lean_figure_saving
from renderers.snapshots.changes import ChangeRow, change_rows, draw_change_table
from renderers.snapshots.context import draw_context
from renderers.snapshots.drawing import country_label_points, draw_basemap, draw_layers, movement_end_labels, movement_start_labels
from renderers.snapshots.figure import DPI, FORMATS, METADATA, RC, SAVE_OPTIONS, drawn_extent, frame_map
from renderers.snapshots.labels import LabelRequest, claims_first, place_labels
from renderers.snapshots.legend import Row, draw_legend, legend_rows
from renderers.snapshots.plain_text import TEXT_RC, drawable, plain_dataset, plain_layers, plain_texts
from renderers.snapshots.scalebar import place_scale_bar
from renderers.snapshots.shared import once
from renderers.snapshots.views import Series, View, select_layers

MM = 1 / 25.4  # inches per millimetre
PANEL_GID = "series-panel"  # each panel's axes: gid "series-panel-<date>"
SAME_EXTENT = "Same extent and scale in every panel"
COUNTRY_WIDE = "Country-wide claims (a whole country, no place) are not drawn; the table lists them when they begin or end."


@dataclass(frozen=True)
class Page:
    """One page size of the series and where everything sits on it (mm; rows of panels, then the table)."""

    name: str  # file suffix: "a4" or "column"
    width_mm: float
    columns: int  # panels per row
    margin_mm: float
    gap_mm: float
    title_pt: float
    text_pt: float  # table, legend and sources
    symbol_scale: float  # symbols and lines, against a single view's
    table_columns: int
    legend_beside: bool  # legend right of the table (A4) or above it (column)
    legend_mm: float  # legend width beside the table
    footer_chars: int
    height_mm: float | None = None  # a fixed page height (A4), or as tall as the content (the column)


A4 = Page("a4", 297.0, 4, 7.0, 2.5, 12.0, 6.0, 0.55, 2, True, 78.0, 250, 210.0)
COLUMN = Page("column", 85.0, 1, 3.0, 2.0, 8.0, 5.0, 0.6, 1, False, 0.0, 88)
PAGES = (A4, COLUMN)


def page_named(name: str) -> Page:
    """Return the page size called ``name`` ("a4" or "column")."""
    return next(page for page in PAGES if page.name == name)


def _aspect(bbox: tuple[float, float, float, float]) -> float:
    """Return the height/width of ``bbox`` drawn at 1/cos(mid-latitude)."""
    lon_min, lat_min, lon_max, lat_max = bbox
    return (lat_max - lat_min) / ((lon_max - lon_min) * math.cos(math.radians((lat_min + lat_max) / 2)))


@dataclass(frozen=True)
class Frame:
    """The figure's size and its parts' rectangles in mm from the top left: (x, y, width, height)."""

    size_mm: tuple[float, float]
    title_y: float
    panels: list[tuple[float, float, float, float]]
    table: tuple[float, float, float, float]
    legend: tuple[float, float, float, float]
    sources_y: float
    footer_y: float
    margin_mm: float

    def margin_frac(self) -> float:
        """Return the left margin as a figure fraction."""
        return self.margin_mm / self.size_mm[0]

    def rect(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """Return an mm box as a figure rectangle (left, bottom, width, height in figure fractions)."""
        x, y, w, h = box
        width, height = self.size_mm
        return (x / width, 1 - (y + h) / height, w / width, h / height)


def plan_frame(page: Page, n_panels: int, bbox: tuple[float, float, float, float], title: str, n_rows: int, n_sources: int, n_legend: int) -> Frame:
    """Return where the title, panels, legend, table, sources and footer sit, growing the page's height to fit them."""
    m, gap = page.margin_mm, page.gap_mm
    inner = page.width_mm - 2 * m
    pw = (inner - (page.columns - 1) * gap) / page.columns
    ph = pw * min(_aspect(bbox), 1.2)
    title_lines = len(textwrap.wrap(title, int(inner / (page.title_pt * 0.3528 * 0.62))))
    subtitle_lines = 1 if page.footer_chars > 150 else 3  # noqa: PLR2004
    top = m + (title_lines * page.title_pt * 1.3 + subtitle_lines * (page.text_pt + 0.5) * 1.3 + 2) * 0.3528
    panels = [(m + (i % page.columns) * (pw + gap), top + (i // page.columns) * (ph + gap), pw, ph) for i in range(n_panels)]
    below = top + -(-n_panels // page.columns) * (ph + gap) + 1.5
    line_mm = page.text_pt * 1.3 * 0.3528
    sources_h = (n_sources + 1.8) * line_mm
    footer_lines = 14 if page.footer_chars < 150 else 7  # noqa: PLR2004 - the narrow page wraps the notes into more lines
    footer_h = footer_lines * page.text_pt * 0.95 * 1.3 * 0.3528
    if page.height_mm is not None:  # a fixed page: the table and the legend share what the panels and the notes leave
        footer_y = page.height_mm - m - footer_h
        sources_y = footer_y - sources_h
        table_h = sources_y - gap - below
        table = (m, below, inner - page.legend_mm - gap, table_h)
        legend = (m + inner - page.legend_mm, below, page.legend_mm, table_h)
        return Frame((page.width_mm, page.height_mm), m, panels, table, legend, sources_y, footer_y, m)
    legend_h = (n_legend + 4) * line_mm * 1.2
    table_h = (math.ceil(n_rows / page.table_columns) * (1 if page.table_columns > 1 else 2) + 4) * line_mm
    legend = (m, below, inner, legend_h)
    table = (m, below + legend_h + gap, inner, table_h)
    sources_y = table[1] + table[3] + gap
    footer_y = sources_y + sources_h
    return Frame((page.width_mm, footer_y + footer_h + m), m, panels, table, legend, sources_y, footer_y, m)


def _set_panel_extent(ax: Axes, bbox: tuple[float, float, float, float], box_mm: tuple[float, float, float, float]) -> None:
    """Show at least ``bbox`` in a panel of ``box_mm`` (:func:`renderers.snapshots.figure.frame_map`, a thinner frame)."""
    frame_map(ax, bbox, box_mm[3] / box_mm[2], spine_width=0.6)


def _panel_labels(ax: Axes, shown: list[Layer], numbers: dict[str, int], extent: tuple[float, float, float, float], fontsize: float) -> list[LabelRequest]:
    """Return a panel's labels: places with their source numbers, arrow ends, the largest towns, countries (smaller type)."""
    from renderers.snapshots.figure import _feature_labels  # noqa: PLC0415 - the single view's place labels

    shrink = fontsize / 7.5
    # Places first (a panel is small); arrow ends without the words the legend's series note gives once.
    requests = [dataclasses.replace(r, fontsize=r.fontsize * shrink, priority=-3) for r in _feature_labels(shown, numbers)]
    requests += [LabelRequest(x, y, _short(text), -2, fontsize * 0.9, "#111111", "bold") for x, y, text in movement_end_labels(shown, extent)]
    requests += [
        LabelRequest(x, y, _short(text), -1, fontsize * 0.85, "#333333", "bold", "italic")
        for x, y, text in movement_start_labels(shown, extent, home=FOCUS_COUNTRY)
    ]
    towns = load_town_labels(min_population=2_000_000, home_min_population=400_000, bbox=extent)
    for i, row in enumerate(towns.itertuples()):
        ax.plot([row.geometry.x], [row.geometry.y], marker="o", markersize=1.4, color="#444444", zorder=8)
        requests.append(LabelRequest(row.geometry.x, row.geometry.y, str(row.label), 10 + 100 * int(row.rank) + i, fontsize * 0.9, "#444444"))
    requests += [
        LabelRequest(x, y, name.upper(), 10_000, fontsize * 1.05, "#888888", "bold")
        for x, y, name in country_label_points(load_countries(_region(extent)), extent)
    ]
    return requests


CROSSING_NOTE = "Arrow-end labels name the country; a * marks a crossing point the sources do not state (drawn at the border)."


def _short(text: str) -> str:
    """Return an arrow label without its "crossing point not stated" note (a ``*`` instead; the legend says what it means)."""
    for note in (", route and crossing point not stated", ", crossing point not stated", "\nroute and crossing point not stated"):
        text = text.replace(note, "*")
    return text


def _region(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    lon_min, lat_min, lon_max, lat_max = bbox
    pad = max(lon_max - lon_min, lat_max - lat_min)
    return (math.floor(lon_min - pad), math.floor(lat_min - pad), math.ceil(lon_max + pad), math.ceil(lat_max + pad))


def _symbol_box(ax: Axes, lon: float, lat: float, scale: float) -> Bbox:
    x, y = ax.transData.transform((lon, lat))
    half = 4.5 * scale * ax.figure.dpi / 72
    return Bbox.from_extents(x - half, y - half, x + half, y + half)


def draw_panel(fig: Figure, frame: Frame, box: tuple[float, float, float, float], view: View, shown: list[Layer], numbers: dict[str, int], page: Page,
               *, first: bool) -> Axes:  # fmt: skip
    """Draw one dated panel (basemap, context, marks with their phase, labels, its date stamp); the first gets the scale bar and north arrow."""
    assert view.as_of is not None  # noqa: S101 - a series panel always has a date
    ax = fig.add_axes(frame.rect(box))
    ax.set_gid(f"{PANEL_GID}-{view.as_of.isoformat()}")
    _set_panel_extent(ax, view.bbox, box)  # the extent first: the basemap is cut to it
    draw_basemap(ax, load_countries(_region(view.bbox)))
    _set_panel_extent(ax, view.bbox, box)
    river_labels = draw_context(ax, drawn_extent(ax))
    _set_panel_extent(ax, view.bbox, box)  # geopandas' plot resets the limits
    points = draw_layers(ax, shown, scale=page.symbol_scale)
    fontsize = page.text_pt
    stamp = ax.text(0.015, 0.985, view.date_caption or f"{view.as_of.day} {view.as_of:%b %Y}", transform=ax.transAxes, ha="left", va="top",
                    fontsize=fontsize * 1.5, fontweight="bold", zorder=45, gid="panel-date",
                    bbox={"boxstyle": "square,pad=0.3", "facecolor": "white", "edgecolor": "#333333", "linewidth": 0.5})  # fmt: skip
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    taken = [_symbol_box(ax, x, y, page.symbol_scale) for x, y in points]
    taken += [t.get_window_extent(renderer) for t in ax.texts]
    stamp.update_bbox_position_size(renderer)  # place the stamp's white box (wider than its text) before measuring it
    patch = stamp.get_bbox_patch()
    taken.append((patch if patch is not None else stamp).get_window_extent(renderer).expanded(1.05, 1.2))
    extra = [dataclasses.replace(r, fontsize=fontsize * 0.9) for r in river_labels]
    claims, rest = claims_first([*_panel_labels(ax, shown, numbers, drawn_extent(ax), fontsize), *extra])
    place_labels(ax, claims, renderer, taken)
    if first:  # clear of the symbols and the claims' labels; a panel's bar is short: its halfway number would touch the length
        taken.append(place_scale_bar(ax, renderer, taken, fontsize=fontsize * 0.9, keep_halfway=False)[1])
    place_labels(ax, rest, renderer, taken)
    return ax


def series_legend_rows(shown: list[Layer]) -> list[Row]:
    """Return the shared legend's rows: every symbol any panel shows, the change styles, and the series' notes."""
    return [*legend_rows(shown), Row("header", "Series"), Row("marker", SAME_EXTENT, colour="#FFFFFF", edge="#FFFFFF", opacity=0.0),
            Row("marker", CROSSING_NOTE, colour="#FFFFFF", edge="#FFFFFF", opacity=0.0),
            Row("marker", COUNTRY_WIDE, colour="#FFFFFF", edge="#FFFFFF", opacity=0.0)]  # fmt: skip


def series_notes(layers: list[Layer], ds: Dataset, series: Series) -> ViewNotes:
    """Return the credits and exclusion note of ``series``: country-wide claims not drawn, dates, extent."""
    return credits_and_exclusions(ds, layers, days=series.days, bbox=series.bbox, panels_listed=False)


def compose_series(layers: list[Layer], ds: Dataset, series: Series, page: Page) -> tuple[Figure, list[ChangeRow]]:
    """Return the finished series figure on ``page`` and its change table's rows; every text in it is plain text."""
    with mpl.rc_context(TEXT_RC):
        fig, rows = _compose(once(plain_layers, layers), once(plain_dataset, ds), once(clean_series, series), page)
    plain_texts(fig)
    return fig, rows


def clean_series(series: Series) -> Series:
    """Return ``series`` with its title and captions made drawable."""
    return dataclasses.replace(series, title=drawable(series.title), captions=tuple(drawable(c) for c in series.captions))


@dataclass(frozen=True)
class SeriesParts:
    """What every page of a series draws alike: the panels' views and features, source numbers, change rows, legend rows, notes."""

    views: list[View]
    shown: list[list[Layer]]
    numbers: dict[str, int]
    rows: list[ChangeRow]
    legend: list[Row]
    notes: ViewNotes


def series_parts(layers: list[Layer], ds: Dataset, series: Series) -> SeriesParts:
    """Return the parts of ``series`` that do not depend on the page (:func:`renderers.snapshots.shared.once` shares them between pages)."""
    views = series.panels()
    shown = [select_layers(layers, view) for view in views]
    every = [layer for panel in shown for layer in panel]
    numbers = furniture.number_sources(every)
    rows = change_rows([(view.as_of, panel) for view, panel in zip(views, shown, strict=True) if view.as_of is not None], numbers)
    drawn = [layer for layer in every if not layer.style.panel]
    legend = series_legend_rows(_merge(drawn))
    return SeriesParts(views, shown, numbers, rows, legend, series_notes(layers, ds, series))


def _compose(layers: list[Layer], ds: Dataset, series: Series, page: Page) -> tuple[Figure, list[ChangeRow]]:
    parts = once(series_parts, layers, ds, series)
    views, shown, numbers, rows, legend = parts.views, parts.shown, parts.numbers, parts.rows, parts.legend
    sources = furniture.source_lines(ds, numbers, width=page.footer_chars)
    frame = plan_frame(page, len(views), series.bbox, series.title, len(rows), len(sources), len(legend))
    width, height = frame.size_mm
    fig = Figure(figsize=(width * MM, height * MM), dpi=DPI, facecolor="white")
    FileCanvas(fig)
    for i, (view, panel, box) in enumerate(zip(views, shown, frame.panels, strict=True)):
        draw_panel(fig, frame, box, view, panel, numbers, page, first=i == 0)
    first_view = views[0]
    title_y = 1 - frame.title_y / height
    title_chars = int((width - 2 * page.margin_mm) / (page.title_pt * 0.3528 * 0.62))
    title = textwrap.wrap(series.title, title_chars)
    fig.text(frame.margin_frac(), title_y, "\n".join(title), ha="left", va="top", fontsize=page.title_pt, fontweight="bold", linespacing=1.1)
    since = first_view.compared_with
    sub_chars = int((width - 2 * page.margin_mm) / ((page.text_pt + 0.5) * 0.3528 * 0.56))
    subtitle = (f"One panel per date; marks new since the previous panel have a yellow halo, ended ones are faded "
                f"(first panel: against {since.day} {since:%b %Y}) \u00b7 dataset as of {ds.info.as_of.isoformat()}") if since else ""  # fmt: skip
    fig.text(frame.margin_frac(), title_y - len(title) * page.title_pt * 1.3 * 0.3528 / height, "\n".join(textwrap.wrap(subtitle, sub_chars)),
             ha="left", va="top", fontsize=page.text_pt + 0.5, color="#333333")  # fmt: skip
    legend_ax = fig.add_axes(frame.rect(frame.legend))
    legend_pt = page.text_pt - 0.5
    draw_legend(legend_ax, legend, fontsize=legend_pt, figure_height_in=height * MM, wrap_chars=int((frame.legend[2] * 0.82) / (legend_pt * 0.3528 * 0.55)))
    table_ax = fig.add_axes(frame.rect(frame.table))
    column_mm = frame.table[2] / page.table_columns
    draw_change_table(table_ax, rows, columns=page.table_columns, fontsize=page.text_pt, chars=_line_chars(column_mm, page),
                      height_pt=frame.table[3] / 0.3528, two_lines=page.table_columns == 1)  # fmt: skip
    notes = parts.notes
    x = frame.margin_frac()
    fig.text(x, 1 - frame.sources_y / height, "Sources (numbers after place names and in the table)", fontsize=page.text_pt + 0.5, fontweight="bold", va="top")
    fig.text(x, 1 - frame.sources_y / height - 1.6 * page.text_pt * 0.3528 / height, "\n".join(sources) or "No source: nothing is drawn.",
             fontsize=page.text_pt, va="top", ha="left", linespacing=1.25)  # fmt: skip
    footer = "\n".join(textwrap.fill(n, page.footer_chars) for n in furniture.footer_notes(ds, notes))
    fig.text(x, 1 - frame.footer_y / height, footer, fontsize=page.text_pt * 0.95, va="top", ha="left", color="#333333", linespacing=1.3)
    return fig, rows


def _line_chars(column_mm: float, page: Page) -> int:
    """Return how many characters fit on a line of a table column (bold DejaVu Sans averages about 0.63 em)."""
    return int(column_mm / (page.text_pt * 0.3528 * 0.63)) - 2


def _merge(layers: list[Layer]) -> list[Layer]:
    """Return one layer per style with the features of every panel (for the shared legend)."""
    import pandas as pd  # noqa: PLC0415

    by_style: dict[str, list[Layer]] = {}
    for layer in layers:
        by_style.setdefault(layer.style.layer, []).append(layer)
    out = []
    for group in by_style.values():
        frames = [layer.gdf for layer in group if len(layer.gdf)]
        gdf = pd.concat(frames) if frames else group[0].gdf
        out.append(Layer(gdf, group[0].style))
    return out


def render_series(layers: list[Layer], ds: Dataset, series: Series, out_dir: Path, *, page: Page = A4, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Draw ``series`` on ``page`` and write ``out_dir/<slug>-<page>.<format>`` for each format; return the paths."""
    with mpl.rc_context(RC), lean_figure_saving():
        fig, _ = compose_series(layers, ds, series, page)
        paths = []
        for fmt in formats:
            path = out_dir / f"{series.slug}-{page.name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=DPI, metadata=METADATA[fmt], **SAVE_OPTIONS.get(fmt, {}))
            paths.append(path)
    return paths
