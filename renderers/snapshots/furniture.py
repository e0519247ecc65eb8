"""Map furniture: title block, north arrow, locator inset, numbered source list and the footer notes."""

from __future__ import annotations

import json
import math
import textwrap

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import geopandas as gpd
import shapely

from dataset.model import Dataset
from layers import Layer
from layers.credits import ViewNotes
from renderers.snapshots.drawing import BORDER, LAND, SEA, cut_to_extent

NO_FEATURES = "No sourced features in this view and date"
MAX_ONE_COLUMN = 9  # source lines that fit in one column


def draw_title(fig: Figure, title: str, subtitle: str) -> None:
    """Write the title and the subtitle (date shown, dataset as-of date) across the top."""
    fig.text(0.025, 0.972, title, ha="left", va="top", fontsize=15, fontweight="bold")
    fig.text(0.025, 0.933, subtitle, ha="left", va="top", fontsize=9, color="#333333")


def draw_north_arrow(ax: Axes) -> None:
    """Draw a north arrow in the map's upper right corner (north is up: the map is in lon/lat)."""
    ax.annotate("N", xy=(0.96, 0.95), xytext=(0.96, 0.86), xycoords="axes fraction", ha="center", va="top", fontsize=10,
                fontweight="bold", zorder=31, arrowprops={"arrowstyle": "-|>", "color": "#111111", "linewidth": 1.5,
                                                          "mutation_scale": 14})  # fmt: skip


def draw_inset(ax: Axes, countries: gpd.GeoDataFrame, region: tuple[float, float, float, float], view: tuple[float, float, float, float]) -> None:
    """Draw the locator: the wider region with the view's extent outlined in red (the countries cut to it, as the map's basemap)."""
    ax.set_facecolor(SEA)
    countries = cut_to_extent(countries, region)
    countries.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.3)
    syria = countries[countries["name"] == "Syria"]
    if len(syria):
        syria.plot(ax=ax, facecolor="#E2DCCD", edgecolor="#555555", linewidth=0.5)
    lon_min, lat_min, lon_max, lat_max = view
    ax.add_patch(Rectangle((lon_min, lat_min), lon_max - lon_min, lat_max - lat_min, fill=False, edgecolor="#C00000", linewidth=1.4, zorder=5))
    ax.set_xlim(region[0], region[2])
    ax.set_ylim(region[1], region[3])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_aspect(1 / math.cos(math.radians((region[1] + region[3]) / 2)), adjustable="box")
    ax.text(0.02, 0.03, "Locator: view outlined in red", transform=ax.transAxes, fontsize=6.5, ha="left", va="bottom",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5})  # fmt: skip


def number_sources(layers: list[Layer]) -> dict[str, int]:
    """Return source id → number (1, 2, …) over the evidence of the shown features, in id order."""
    ids = {e["source_id"] for layer in layers for ev in layer.gdf.get("evidence", []) for e in json.loads(ev or "[]")}
    return {sid: n for n, sid in enumerate(sorted(ids), start=1)}


def source_lines(ds: Dataset, numbers: dict[str, int], *, width: int) -> list[str]:
    """Return the numbered source list, one wrapped entry per source document."""
    lines = []
    for sid, n in numbers.items():
        src = ds.sources.get(sid)
        text = src.citation_text() + (f" <{src.url}>" if src and src.url else "") if src else sid
        lines += textwrap.wrap(f"[{n}] {text}", width, subsequent_indent="     ", max_lines=2, placeholder=" \u2026")
    return lines


# Characters per footer line: the notes run the page's width, clear of the country-wide box above.
FOOTER_WIDTH = 222


def footer_notes(ds: Dataset, notes: ViewNotes) -> list[str]:
    """Return the footer's notes: dataset and version, data digest, a dated credit per layer, the exclusion note, disclaimer."""
    return [
        f"{ds.info.title} \u00b7 dataset version {ds.info.version} \u00b7 as of {ds.info.as_of.isoformat()} \u00b7 {ds.info.licence}",
        f"data/ SHA-256 {ds.data_sha256}" if ds.data_sha256 else "data/ SHA-256 not computed",
        "Credits: " + "; ".join(notes.credits[1:]) + ".",
        f"Not shown: {notes.exclusion}",
        f"Disclaimer: {ds.info.disclaimer}",
    ]


def draw_footer(fig: Figure, ds: Dataset, numbers: dict[str, int], notes: ViewNotes, *, width: int = 118) -> None:
    """Write the source list, the credits of each layer (overlays too), the exclusion note, version and disclaimer.

    The list is one column ``width`` characters wide (two half-width columns when it is long
    and the full width is free).
    """
    fig.text(0.025, 0.232, "Sources (numbers after place names on the map)", fontsize=7.5, fontweight="bold", va="top")
    lines = source_lines(ds, numbers, width=width) or ["No source: nothing is drawn in this view."]
    columns = [lines]
    if len(lines) > MAX_ONE_COLUMN and width >= 118:  # noqa: PLR2004 - the full width is free
        lines = source_lines(ds, numbers, width=92)
        half = (len(lines) + 1) // 2
        columns = [lines[:half], lines[half:]]
    for i, column in enumerate(columns):
        fig.text(0.025 + 0.49 * i, 0.212, "\n".join(column), fontsize=6, va="top", ha="left", linespacing=1.3, family="DejaVu Sans")
    text = "\n".join(textwrap.fill(n, FOOTER_WIDTH) for n in footer_notes(ds, notes))
    fig.text(0.025, 0.012, text, fontsize=5.8, va="bottom", ha="left", color="#333333", linespacing=1.3)


def draw_empty_notice(ax: Axes) -> None:
    """Say on the map that the view and date hold no sourced feature."""
    ax.text(0.5, 0.5, NO_FEATURES, transform=ax.transAxes, ha="center", va="center", fontsize=14, fontweight="bold", color="#7A0000",
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": "#7A0000", "alpha": 0.92}, zorder=50)  # fmt: skip


def view_box(extent: tuple[float, float, float, float]) -> shapely.Polygon:
    """Return the extent as a polygon (for clipping the basemap)."""
    return shapely.box(*extent)
