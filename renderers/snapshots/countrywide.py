"""The boxed list of country-wide claims beside the map: a claim placed only in a country is listed, not pinned."""

from __future__ import annotations

import json
import textwrap

from matplotlib.axes import Axes

from layers import Layer

TITLE = "Country-wide claims (no place named: listed, not drawn)"
_MAX_CHARS = 66


def countrywide_lines(layer: Layer | None, numbers: dict[str, int]) -> list[str]:
    """Return one short line per country-wide claim: its country, its summary and its source numbers."""
    if layer is None or not len(layer.gdf):
        return []
    lines = []
    for _, row in layer.gdf.sort_values(["country", "date_start", "id"], na_position="first").iterrows():
        nums = sorted({numbers[e["source_id"]] for e in json.loads(row["evidence"] or "[]") if e["source_id"] in numbers})
        ref = f" [{','.join(map(str, nums))}]" if nums else ""
        text = textwrap.shorten(f"{row['country']}: {row['summary']}", _MAX_CHARS - len(ref), placeholder=" \u2026")
        lines.append(f"\u2022 {text}{ref}")
    return lines


def draw_countrywide_box(ax: Axes, lines: list[str], *, fontsize: float) -> None:
    """Draw ``lines`` in two columns inside a framed box filling ``ax``."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_edgecolor("#555555")
    ax.text(0.012, 0.97, TITLE, va="top", ha="left", fontsize=fontsize + 1, fontweight="bold")
    if not lines:
        ax.text(0.012, 0.80, "None in this view and date.", va="top", ha="left", fontsize=fontsize, color="#555555")
        return
    half = (len(lines) + 1) // 2 if len(lines) > 6 else len(lines)  # noqa: PLR2004 - one column for a short list
    for i, column in enumerate((lines[:half], lines[half:])):
        if column:
            ax.text(0.012 + 0.5 * i, 0.80, "\n".join(column), va="top", ha="left", fontsize=fontsize, linespacing=1.25)
