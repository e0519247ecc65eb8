"""Which features a dated view draws, and how: new (halo), ongoing, ended (ghosted) or undated.

A dated view shows day ``D`` against an earlier day ``since``: the previous panel of a series,
or ``D`` minus the window (:data:`dataset.lifespan.DEFAULT_WINDOW_DAYS`) for a single view.

- *new*: the effective span started in ``(since, D]`` (:func:`dataset.lifespan.phase` with the
  window ``D - since``);
- *ongoing*: current on ``D``, started on or before ``since`` (or an open start);
- *ended*: the effective end lies in ``[since, D)``: the claim was current after ``since`` and
  is not on ``D``; drawn faded ("last reported <date>" where the end is the last report);
- *undated*: the claim gives no date at all; drawn as it is, on every date;
- not drawn: it starts after ``D``, or it had already ended before ``since`` (an earlier panel,
  or the window, showed its end).

Everything reads the effective span of each feature (``date_start`` and ``span_end``; overlays
without ``span_end`` use ``date_end``), so the snapshots, the credits' exclusion count and the
web map agree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

from dataset.lifespan import DEFAULT_WINDOW_DAYS, Lifespan, phase
from layers._layer import Layer

PHASE_COLUMN = "phase"
DRAWN_PHASES = ("new", "ongoing", "ended", "undated")


def iso_day(value: object) -> dt.date | None:
    """Return an ISO date text as a date; ``None``, NaN or an empty text (an open bound) as ``None``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return dt.date.fromisoformat(str(value)[:10])


def end_column(gdf: object) -> str:
    """Return the column holding the end the map uses: ``span_end`` for claims, ``date_end`` for overlays."""
    columns = getattr(gdf, "columns", ())
    return "span_end" if "span_end" in columns else "date_end"


def view_phase(start: dt.date | None, end: dt.date | None, day: dt.date, since: dt.date) -> str | None:
    """Return how a dated view draws an effective span ``start``..``end`` (see the module), or ``None`` (not drawn).

    Examples
    --------
    >>> d = dt.date
    >>> evacuation = (d(2024, 12, 6), d(2024, 12, 13))  # 6 Dec, last reported 13 Dec
    >>> [view_phase(*evacuation, day, since) for day, since in ((d(2024, 12, 6), d(2024, 11, 26)), (d(2024, 12, 8), d(2024, 12, 6)),
    ...                                                          (d(2024, 12, 15), d(2024, 12, 8)))]
    ['new', 'ongoing', 'ended']
    >>> view_phase(d(2024, 11, 30), d(2024, 12, 6), d(2024, 12, 15), d(2024, 12, 8)) is None  # ended before the previous panel
    True
    """
    if since >= day:
        msg = f"the earlier day {since} must come before the view's day {day}"
        raise ValueError(msg)
    span = Lifespan(start, end, "undated" if start is None and end is None else "stated", None, "")
    where = phase(span, day, window_days=(day - since).days)
    if where == "not_yet":
        return None
    if where == "ended":
        return "ended" if end is not None and end >= since else None
    return where


def default_since(day: dt.date, window_days: int = DEFAULT_WINDOW_DAYS) -> dt.date:
    """Return the earlier day a single dated view compares with: ``day`` minus the window."""
    return day - dt.timedelta(days=window_days)


def series_since(days: Sequence[dt.date], window_days: int = DEFAULT_WINDOW_DAYS) -> list[dt.date]:
    """Return, for each panel of a series, the day it is compared with: the previous panel (the window for the first)."""
    return [default_since(days[0], window_days), *days[:-1]] if days else []


def phase_layer(layer: Layer, day: dt.date, since: dt.date) -> Layer:
    """Return ``layer`` cut to the features a view of ``day`` (against ``since``) draws, with their phase in :data:`PHASE_COLUMN`."""
    gdf = layer.gdf
    if not len(gdf):
        return Layer(gdf.assign(**{PHASE_COLUMN: np.array([], dtype=object)}), layer.style)
    phases = [view_phase(iso_day(s), iso_day(e), day, since) for s, e in zip(gdf["date_start"], gdf[end_column(gdf)], strict=True)]
    keep = np.array([p is not None for p in phases], dtype=bool)
    out = gdf[keep].copy()
    out[PHASE_COLUMN] = [p for p in phases if p is not None]
    return Layer(out, layer.style)
