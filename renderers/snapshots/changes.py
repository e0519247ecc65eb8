"""The series' change table: one row per claim that is new or ended in a panel, against the previous panel.

The rows are read from the features each panel draws (:func:`renderers.snapshots.views.select_layers`,
column ``phase``), so the table says exactly what the panels highlight (new, halo) and ghost (ended).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from dataclasses import dataclass

from matplotlib.axes import Axes

from layers import Layer
from layers.phases import PHASE_COLUMN, iso_day

CHANGES = ("new", "ended")
TITLE = "What changed (against the previous panel; the first panel against the 7 days before it)"


@dataclass(frozen=True)
class ChangeRow:
    """One row: the panel's date, the claim, what changed and the sources (their numbers in the list under the figure)."""

    day: dt.date
    claim_id: str
    claim: str
    change: str  # "new" or "ended"
    wording: str  # "new (since 6 Dec 2024)", "ended (last reported 13 Dec 2024)"
    sources: tuple[int, ...]
    country_wide: bool = False
    place: str = ""  # where it is drawn (place names, "A → B" for a route): said when two rows would read the same

    @property
    def gid(self) -> str:
        """Return the id the row's text carries in the SVG: ``change-row:<date>:<claim id>:<change>``."""
        return f"change-row:{self.day.isoformat()}:{self.claim_id}:{self.change}"


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "?"


def change_wording(change: str, end: object, end_basis: object) -> str:
    """Return what changed in the popup's words (``span_label``): "new", "ended (last reported …)", "ended (stated end …)"."""
    if change == "new":
        return "new"
    day = _day(iso_day(end))
    words = {"last_reported": f"last reported {day}", "last_dated": f"last dated {day}"}
    return f"ended ({words.get(str(end_basis), f'stated end {day}')})"


def change_rows(panels: list[tuple[dt.date, list[Layer]]], numbers: dict[str, int]) -> list[ChangeRow]:
    """Return the table's rows, panel by panel (new first, then ended, each by claim id), one per claim.

    Parameters
    ----------
    panels
        Each panel's date and the layers it draws (cut to its extent, with their phase).
    numbers
        Source id -> its number in the figure's source list.
    """
    rows: list[ChangeRow] = []
    for day, layers in panels:
        found: dict[tuple[str, str], ChangeRow] = {}
        for layer in layers:
            if layer.style.overlay or not len(layer.gdf) or PHASE_COLUMN not in layer.gdf.columns:
                continue
            for _, feat in layer.gdf[layer.gdf[PHASE_COLUMN].isin(CHANGES)].iterrows():
                change, claim_id = str(feat[PHASE_COLUMN]), str(feat["claim_id"])
                if (change, claim_id) in found:
                    continue
                nums = tuple(sorted({numbers[e["source_id"]] for e in json.loads(feat["evidence"] or "[]") if e["source_id"] in numbers}))
                wording = change_wording(change, feat["span_end"], feat["end_basis"])
                found[change, claim_id] = ChangeRow(
                    day, claim_id, str(feat["summary"]), change, wording, nums, bool(layer.style.panel), str(feat.get("place_names") or "")
                )
        rows += [found[key] for key in sorted(found, key=lambda k: (CHANGES.index(k[0]), k[1]))]
    return rows


def row_lines(row: ChangeRow, chars: int, *, two_lines: bool = False, with_place: bool = False) -> str:
    """Return one row as text, at most ``chars`` per line: date, what changed, the claim (shortened), its sources.

    With ``two_lines`` the claim goes on a second, indented line; ``with_place`` puts the place first.
    """
    refs = f" [{','.join(map(str, row.sources))}]" if row.sources else ""
    where = "country-wide: " if row.country_wide else f"{row.place}: " if with_place and row.place else ""
    head = f"{row.day.day} {row.day:%b}  {row.wording}"
    room = chars - len(refs) - (6 if two_lines else len(head) + 2)
    claim = textwrap.shorten(where + row.claim, max(room, 12), placeholder=" \u2026")
    return f"{head}\n      {claim}{refs}" if two_lines else f"{head}: {claim}{refs}"


def draw_change_table(ax: Axes, rows: list[ChangeRow], *, columns: int, fontsize: float, chars: int, height_pt: float, two_lines: bool = False) -> None:
    """Draw the table in ``ax``: a title, then the rows top-down in ``columns`` columns (each row's text carries :attr:`ChangeRow.gid`).

    ``chars`` is a line's width in characters of the bold type new rows are set in; ended rows are
    set in the regular, narrower type (grey), so more of their claim fits.
    """
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    title = textwrap.wrap(TITLE, int(chars * columns * fontsize / (fontsize + 1)))
    ax.text(0.0, 1.0, "\n".join(title), va="top", ha="left", fontsize=fontsize + 1, fontweight="bold", linespacing=1.15)
    if not rows:
        ax.text(0.0, 0.9, "Nothing began or ended between the panels.", va="top", ha="left", fontsize=fontsize, color="#555555")
        return
    per_column = -(-len(rows) // columns)
    top = 1.0 - (1.0 + 1.2 * len(title)) * (fontsize + 1) / height_pt
    step = min((top - 0.01) / per_column, (2 if two_lines else 1) * 1.3 * fontsize / height_pt)
    widths = [chars if row.change == "new" else int(chars * 1.12) for row in rows]
    texts = [row_lines(row, width, two_lines=two_lines) for row, width in zip(rows, widths, strict=True)]
    twins = {text for text in texts if texts.count(text) > 1}
    texts = [row_lines(row, width, two_lines=two_lines, with_place=True) if text in twins else text
             for row, width, text in zip(rows, widths, texts, strict=True)]  # fmt: skip
    for i, (row, text) in enumerate(zip(rows, texts, strict=True)):
        column, line = divmod(i, per_column)
        colour = "#000000" if row.change == "new" else "#555555"
        ax.text(column / columns, top - line * step, text, va="top", ha="left", fontsize=fontsize,
                color=colour, fontweight="bold" if row.change == "new" else "normal", gid=row.gid, linespacing=1.15)  # fmt: skip
