"""Compose one snapshot figure (map, labels, legend, furniture) and save it as PNG, SVG and PDF, reproducibly."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from matplotlib.typing import RcKeyType

import geopandas as gpd

from dataset.model import Dataset
from geo.basemap import REGION_BBOX, load_countries, load_town_labels
from layers import Layer
from layers.credits import ViewNotes, credits_and_exclusions
from layers.labels import town_thresholds
from layers.style import BASEMAP, FOCUS_COUNTRY
from renderers.snapshots import furniture
from renderers.snapshots.canvas import FileCanvas, lean_figure_saving
from renderers.snapshots.context import draw_context
from renderers.snapshots.countrywide import countrywide_lines, draw_countrywide_box
from renderers.snapshots.drawing import country_label_points, draw_basemap, draw_layers, movement_end_labels, movement_start_labels
from renderers.snapshots.labels import LabelRequest, claims_first, place_labels
from renderers.snapshots.legend import draw_legend, legend_rows
from renderers.snapshots.plain_text import TEXT_RC, drawable, plain_dataset, plain_layers, plain_texts
from renderers.snapshots.scalebar import ScaleBar, place_scale_bar
from renderers.snapshots.shared import once
from renderers.snapshots.views import View, select_layers

FIGSIZE_IN = (10.0, 7.5)
DPI = 300
FORMATS = ("png", "svg", "pdf")
# The boxed list of country-wide claims, under the legend column and right of the source list.
COUNTRYWIDE_BOX = (0.43, 0.10, 0.56, 0.145)
_SAME_PLACE_DEG = 0.03
RC: dict[RcKeyType, object] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "militia-map",
    "pdf.fonttype": 42,
    "lines.scale_dashes": False,
    "font.family": "DejaVu Sans",
    "path.simplify": True,
    "pdf.compression": 3,  # zlib level of the PDF streams (default 6): the same content, written faster, about 9 % larger
    **TEXT_RC,  # no maths, no LaTeX: text from the data is drawn as written
}
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
# zlib level 3 (Pillow's default is 6) for canvas.FileCanvas.print_png, which writes the rows unfiltered: the same pixels, faster, smaller.
SAVE_OPTIONS: dict[str, dict[str, Any]] = {"png": {"pil_kwargs": {"compress_level": 3}}}


def render_view(layers: list[Layer], ds: Dataset, view: View, out_dir: Path, *, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Draw ``view`` and write ``out_dir/<slug>.<format>`` for each format; return the paths."""
    with mpl.rc_context(RC), lean_figure_saving():
        fig, _ = compose(layers, ds, view)
        paths = []
        for fmt in formats:
            path = out_dir / f"{view.slug}.{fmt}"
            fig.savefig(path, format=fmt, dpi=DPI, metadata=METADATA[fmt], **SAVE_OPTIONS.get(fmt, {}))
            paths.append(path)
    return paths


def compose(layers: list[Layer], ds: Dataset, view: View) -> tuple[Figure, ScaleBar]:
    """Return the finished figure of ``view`` and the scale bar drawn on it; every text in it is plain text."""
    clean_view = dataclasses.replace(view, title=drawable(view.title), date_caption=drawable(view.date_caption))
    with mpl.rc_context(TEXT_RC):
        fig, bar = _compose(once(plain_layers, layers), once(plain_dataset, ds), clean_view)
    plain_texts(fig)
    return fig, bar


def _compose(layers: list[Layer], ds: Dataset, view: View) -> tuple[Figure, ScaleBar]:
    """Draw the map, labels, legend and furniture of ``view`` (texts already made plain by :func:`compose`)."""
    shown = select_layers(layers, view)
    fig = Figure(figsize=FIGSIZE_IN, dpi=DPI, facecolor="white")
    FileCanvas(fig)
    ax = fig.add_axes((0.025, 0.255, 0.655, 0.655))
    region = _region(view.bbox)
    _set_extent(ax, view.bbox)  # the extent first: the basemap is cut to it
    draw_basemap(ax, load_countries(region))
    _set_extent(ax, view.bbox)
    river_labels = draw_context(ax, drawn_extent(ax))
    _set_extent(ax, view.bbox)  # geopandas' plot resets the axis labels and limits
    points = draw_layers(ax, shown)
    furniture.draw_north_arrow(ax)
    numbers = furniture.number_sources(shown)
    bar = _draw_labels(fig, ax, shown, numbers, points, view, ds, river_labels)
    if not any(len(layer.gdf) for layer in shown):
        furniture.draw_empty_notice(ax)
    furniture.draw_inset(fig.add_axes((0.705, 0.70, 0.27, 0.21)), load_countries(REGION_BBOX), REGION_BBOX, drawn_extent(ax))
    draw_legend(fig.add_axes((0.705, 0.255, 0.29, 0.43)), legend_rows(shown), fontsize=6.5)
    furniture.draw_title(fig, view.title, view.subtitle(ds.info.as_of))
    panel = next((layer for layer in shown if layer.style.panel), None)
    draw_countrywide_box(fig.add_axes(COUNTRYWIDE_BOX), countrywide_lines(panel, numbers), fontsize=5.2)
    furniture.draw_footer(fig, ds, numbers, view_notes(layers, ds, view), width=76)
    return fig, bar


def view_notes(layers: list[Layer], ds: Dataset, view: View) -> ViewNotes:
    """Return the credits and the exclusion note of ``view`` (:func:`layers.credits.credits_and_exclusions`)."""
    since = view.compared_with
    if view.as_of is None or since is None:
        return credits_and_exclusions(ds, layers, bbox=view.bbox)
    return credits_and_exclusions(ds, layers, days=(view.as_of,), bbox=view.bbox, window_days=(view.as_of - since).days)


def _region(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Return the basemap extent for a view: the view padded on every side (cache-friendly rounding)."""
    lon_min, lat_min, lon_max, lat_max = bbox
    pad = max(lon_max - lon_min, lat_max - lat_min)
    return (math.floor(lon_min - pad), math.floor(lat_min - pad), math.ceil(lon_max + pad), math.ceil(lat_max + pad))


def fit_extent(bbox: tuple[float, float, float, float], box_ratio: float) -> tuple[float, float, float, float]:
    """Return ``bbox`` widened about its centre so that, drawn at 1/cos(mid-latitude), it fills a box of height/width ``box_ratio``."""
    lon_min, lat_min, lon_max, lat_max = bbox
    scale = math.cos(math.radians((lat_min + lat_max) / 2))
    width, height = (lon_max - lon_min) * scale, lat_max - lat_min
    if height / width < box_ratio:
        grow = (width * box_ratio - height) / 2
        return (lon_min, lat_min - grow, lon_max, lat_max + grow)
    grow = (height / box_ratio - width) / 2 / scale
    return (lon_min - grow, lat_min, lon_max + grow, lat_max)


def _set_extent(ax: Axes, bbox: tuple[float, float, float, float]) -> None:
    """Show at least ``bbox`` in the single view's map axes (see :func:`frame_map`)."""
    box = ax.get_position(original=True)
    frame_map(ax, bbox, (box.height * FIGSIZE_IN[1]) / (box.width * FIGSIZE_IN[0]), spine_width=0.8)


def frame_map(ax: Axes, bbox: tuple[float, float, float, float], box_ratio: float, *, spine_width: float) -> None:
    """Show at least ``bbox`` in axes of height/width ``box_ratio``, at 1/cos(mid-latitude) so shapes and distances are true there.

    Ticks and axis labels are cleared and the frame drawn ``spine_width`` points wide; the
    single view and each panel of a series frame their maps with this.
    """
    lon_min, lat_min, lon_max, lat_max = fit_extent(bbox, box_ratio)
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(1 / math.cos(math.radians((lat_min + lat_max) / 2)), adjustable="box")
    ax.apply_aspect()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(spine_width)


def drawn_extent(ax: Axes) -> tuple[float, float, float, float]:
    """Return the drawn extent (after the aspect adjustment) as a bbox."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return (x0, y0, x1, y1)


def _named_towns(ds: Dataset) -> dict[int, str]:
    """Return ``{GeoNames id: gazetteer name}`` of every town a claim names."""
    ids = {pid for claim in ds.claims for pid in claim.place_ids()}
    return {p.geonames_id: p.name for pid in ids if (p := ds.gazetteer.get(pid)) is not None and p.geonames_id is not None}


def label_requests(ax: Axes, shown: list[Layer], numbers: dict[str, int], ds: Dataset, extent: tuple[float, float, float, float]) -> list[LabelRequest]:
    """Return every label wanted on the map: features, arrow ends, towns (draws their dots), countries."""
    requests = _feature_labels(shown, numbers)
    requests += [LabelRequest(x, y, text, -2, 6.5, "#111111", "bold") for x, y, text in movement_end_labels(shown, extent)]
    requests += [LabelRequest(x, y, text, -1, 6.2, "#333333", "bold", "italic") for x, y, text in movement_start_labels(shown, extent, home=FOCUS_COUNTRY)]
    labelled = [(r.lon, r.lat) for r in requests]
    min_population, home_min_population = town_thresholds(extent)
    towns = load_town_labels(
        min_population=min_population,
        home_min_population=home_min_population,
        bbox=extent,
        named=_named_towns(ds),
    )
    for i, row in enumerate(towns.itertuples()):
        if any(abs(row.geometry.x - x) < _SAME_PLACE_DEG and abs(row.geometry.y - y) < _SAME_PLACE_DEG for x, y in labelled):
            continue  # the feature label already names this town
        home = row.country in {"SY", "LB"}
        colour = BASEMAP.town_label if home else BASEMAP.town_label_foreign
        ax.plot([row.geometry.x], [row.geometry.y], marker="o", markersize=2.2, color=colour, zorder=8)
        requests.append(LabelRequest(row.geometry.x, row.geometry.y, str(row.label), 10 + 100 * int(row.rank) + i, 6.5, colour))
    return requests


def _draw_labels(
    fig: Figure, ax: Axes, shown: list[Layer], numbers: dict[str, int], points: list[tuple[float, float]], view: View,
    ds: Dataset, extra: list[LabelRequest],
) -> ScaleBar:  # fmt: skip
    """Label features and arrow ends first, then draw the scale bar, then rivers and towns, then countries, skipping any that would collide.

    The scale bar goes in the first corner clear of the symbols and the claims' labels
    (:func:`renderers.snapshots.scalebar.place_scale_bar`); the labels after it avoid it.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    taken = [_symbol_box(ax, x, y) for x, y in points]
    taken += [t.get_window_extent(renderer) for t in ax.texts]
    extent = drawn_extent(ax)
    requests = [*label_requests(ax, shown, numbers, ds, extent), *extra]
    countries = load_countries(_region(view.bbox))
    for x, y, name in country_label_points(countries, extent):
        requests.append(LabelRequest(x, y, name.upper(), 10_000, 8.5, "#777777", "bold"))
    claims, rest = claims_first(requests)
    place_labels(ax, claims, renderer, taken)
    bar, box = place_scale_bar(ax, renderer, taken, fontsize=7)
    place_labels(ax, rest, renderer, [*taken, box])
    return bar


def _symbol_box(ax: Axes, lon: float, lat: float) -> Bbox:
    """Return the display box a point symbol occupies (about 10 pt square)."""
    x, y = ax.transData.transform((lon, lat))
    half = 4.5 * ax.figure.dpi / 72
    return Bbox.from_extents(x - half, y - half, x + half, y + half)


def _feature_labels(shown: list[Layer], numbers: dict[str, int]) -> list[LabelRequest]:
    """Return one label per labelled place: its name and the numbers of the sources behind it."""
    merged: dict[tuple[float, float, str], set[int]] = {}
    for layer in shown:
        if layer.style.geometry != "point" or not len(layer.gdf) or layer.style.overlay:  # overlay events carry no claim sources
            continue
        for _, row in layer.gdf.iterrows():
            name = str(row.get("place_name") or row.get("name"))
            if bool(row.get("on_ring")) and row.get("radius_km"):
                name += f" (\u00b1{float(row['radius_km']):.0f} km)"  # a ring marker, not the place's centre
            key = (round(row.geometry.x, 4), round(row.geometry.y, 4), name)
            merged.setdefault(key, set()).update(numbers[e["source_id"]] for e in json.loads(row["evidence"] or "[]"))
    return [LabelRequest(x, y, f"{name} [{','.join(map(str, sorted(nums)))}]", 0, 7.5, "#000000", "bold") for (x, y, name), nums in merged.items()]


def town_frame(extent: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Return the GeoNames towns labelled in a view of ``extent`` (exposed for tests)."""
    return load_town_labels(min_population=15_000, home_min_population=15_000, bbox=extent)
