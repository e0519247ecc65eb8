"""When a claim is current: the one rule for open ends, and the phase of a claim on a day.

The sources date most claims with an open end: a withdrawal "from 6 December", a presence
"since 2013". Drawn as they are written, such claims stay current on every later day, for
years. This module gives each claim an *effective span* that says no more than the sources:

- A claim with a stated end keeps it (``end_basis = "stated"``).
- An **event** (``time_kind: event`` in ``data/vocabulary.yaml``: a withdrawal, a strike, an
  evacuation, a declaration…) with no stated end ends on the day it was *last reported*: the
  publication date of its latest evidence (``end_basis = "last_reported"``). After that day
  it is shown faded, as "last reported <date>".
- An event whose evidence carries no publication date at all ends on the latest day the
  quote itself gives: its start, or the last day of the start's year or month when it is
  written to that precision (``end_basis = "last_dated"``): "last dated <date>".
- A **state** (``time_kind: state``: a presence, a supply line, a base…) with an open end
  keeps it open, labelled "reported as of <date>" with the latest evidence date
  (``end_basis = "as_of_source"``), or plainly open when no evidence is dated
  (``end_basis = "open"``).

The *evidence date* of one quote is the publication date of the works a report cites at the
quote's footnote (the reporting the report relies on) when they are dated, else the date of
the document the quote is from. A month or a year counts as its last day: the latest day the
publication can have been. A claim is *undated* when it has neither a start nor an end.

:func:`phase` then places a claim on a day ``D`` with a window ``W`` (7 days unless told):
``new`` (it started in ``(D − W, D]``), ``ongoing``, ``ended`` (its effective end is before
``D``), ``not_yet`` (it starts after ``D``) or ``undated``. The snapshots, the web map (a
JavaScript mirror tested against this module), the CSV and the QGIS layers all read these.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dataset.model import cited_works

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dataset.model import Claim, ClaimType, Dataset, Source

TIME_KINDS = ("event", "state")
END_BASES = ("stated", "last_reported", "last_dated", "as_of_source", "open", "undated")
PHASES = ("new", "ongoing", "ended", "not_yet", "undated")
DEFAULT_WINDOW_DAYS = 7

Phase = Literal["new", "ongoing", "ended", "not_yet", "undated"]

# The method text shown in the About panel and summarised in data/README.md.
METHOD_TIME = (
    "Open ends. Each claim type is an event (a withdrawal, strike, evacuation, crossing or declaration) or a state "
    "(a presence, supply line or base). A stated end date is kept. An event with no stated end ends on the day it was "
    "last reported, the publication date of its latest evidence (for a quote citing other works, the date of the works "
    "cited; a month or year counts as its last day); after that day it is shown faded as 'last reported <date>'. An "
    "event whose evidence has no publication date ends at the latest date its quote gives, its start (a year or month "
    "counting to its last day): 'last dated <date>'. A state "
    "with an open end stays open, 'reported as of <date>' of its latest evidence. On a day D, with a window W (7 days "
    "unless chosen), a claim is new if it started in the W days up to D, ended if its end is before D, and ongoing "
    "otherwise."
)


@dataclass(frozen=True)
class Lifespan:
    """A claim's effective span: the dates the map uses, and why its end is what it is.

    Attributes
    ----------
    start
        The stated start, or ``None`` (open: every earlier day).
    end
        The effective end, or ``None`` (open: every later day).
    end_basis
        One of :data:`END_BASES`: where ``end`` comes from.
    last_reported
        The latest evidence date, or ``None`` when no evidence is dated.
    time_kind
        ``"event"`` or ``"state"``.
    """

    start: dt.date | None
    end: dt.date | None
    end_basis: str
    last_reported: dt.date | None
    time_kind: str

    @property
    def undated(self) -> bool:
        """Return whether the claim has neither a start nor an end."""
        return self.end_basis == "undated"

    def label(self) -> str:  # noqa: PLR0911 - one wording per end basis
        """Return the span in words, e.g. "6 Dec 2024 – last reported 13 Dec 2024"."""
        if self.undated:
            return "undated"
        if self.end_basis == "stated":
            if self.start is None:
                return f"until {_day(self.end)}"
            return _day(self.start) if self.start == self.end else f"{_day(self.start)} – {_day(self.end)}"
        if self.end_basis == "last_reported":
            return f"{_day(self.start)} – last reported {_day(self.end)}"
        if self.end_basis == "last_dated":
            return f"{_day(self.start)}, last dated {_day(self.end)} (no source date)"
        if self.end_basis == "as_of_source":
            return f"since {_day(self.start)}, reported as of {_day(self.last_reported)}"
        return f"since {_day(self.start)}, open (no source date)"


def _day(day: dt.date | None) -> str:
    """Return ``6 Dec 2024`` (or ``?``)."""
    return f"{day.day} {day:%b %Y}" if day else "?"


def publication_day(text: str) -> dt.date | None:
    """Return the last day a publication dated ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` can have appeared.

    Examples
    --------
    >>> publication_day("2025-03"), publication_day("2024"), publication_day("2024-12-09"), publication_day("")
    (datetime.date(2025, 3, 31), datetime.date(2024, 12, 31), datetime.date(2024, 12, 9), None)
    """
    parts = text.strip().split("-") if text else []
    try:
        if len(parts) == 3:  # noqa: PLR2004
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:  # noqa: PLR2004
            year, month = int(parts[0]), int(parts[1])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if len(parts) == 1:
            return dt.date(int(parts[0]), 12, 31)
    except ValueError:
        return None
    return None


def evidence_dates(claim: Claim, sources: Mapping[str, Source]) -> list[dt.date]:
    """Return the publication date of each quote's evidence (see the module's rule), where known."""
    days: list[dt.date] = []
    for ev in claim.evidence:
        fn = ev.locator.footnote
        cited = cited_works(sources, ev.source, fn) if fn is not None else []
        cited_days = [d for c in cited if (d := publication_day(c.date)) is not None]
        if cited_days:
            days.append(max(cited_days))
            continue
        src = sources.get(ev.source)
        if src is not None and (own := publication_day(src.date)) is not None:
            days.append(own)
    return days


def last_dated_day(start: dt.date, precision: str) -> dt.date:
    """Return the latest day a start written with ``precision`` can mean: a year's or a month's last day, else the day."""
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        return dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return start


def span_of(claim: Claim, types: Mapping[str, ClaimType], sources: Mapping[str, Source]) -> Lifespan:
    """Return the effective span of ``claim`` from the claim types and sources (the module's rule).

    Parameters
    ----------
    claim
        The claim.
    types
        The claim types by id (their ``time_kind``).
    sources
        The sources by id (their dates, and the works cited at each footnote).
    """
    ctype = types.get(claim.type)
    kind = ctype.time_kind if ctype is not None else "state"
    start, end = claim.time.start, claim.time.end
    days = evidence_dates(claim, sources)
    last = max(days) if days else None
    if start is None and end is None:
        return Lifespan(None, None, "undated", last, kind)
    if end is not None:
        return Lifespan(start, end, "stated", last, kind)
    if kind == "event":
        if last is not None and (start is None or last >= start):
            return Lifespan(start, last, "last_reported", last, kind)
        if start is None:  # unreachable: an open start with an open end is undated
            return Lifespan(None, None, "undated", last, kind)
        return Lifespan(start, last_dated_day(start, claim.time.precision), "last_dated", last, kind)
    return Lifespan(start, None, "as_of_source" if last is not None else "open", last, kind)


def effective_span(ds: Dataset, claim: Claim) -> Lifespan:
    """Return the effective span of ``claim`` in dataset ``ds`` (see :func:`span_of`)."""
    return span_of(claim, ds.types, ds.sources)


def phase(span: Lifespan, day: dt.date, window_days: int = DEFAULT_WINDOW_DAYS) -> Phase:
    """Return where ``span`` stands on ``day``: new, ongoing, ended, not_yet or undated.

    ``new`` means the span started in ``(day − window_days, day]``; an open start is never new.
    ``ended`` takes precedence over ``new``: a claim whose effective end is before ``day`` is
    not current, however recently it started.

    Examples
    --------
    >>> s = Lifespan(dt.date(2024, 12, 6), dt.date(2024, 12, 13), "last_reported", dt.date(2024, 12, 13), "event")
    >>> [phase(s, dt.date(2024, 12, d)) for d in (5, 6, 12, 13, 14)]
    ['not_yet', 'new', 'new', 'ongoing', 'ended']
    """
    if span.undated:
        return "undated"
    if span.start is not None and span.start > day:
        return "not_yet"
    if span.end is not None and span.end < day:
        return "ended"
    if span.start is not None and (day - span.start).days < window_days:
        return "new"
    return "ongoing"


def is_current(span: Lifespan, day: dt.date) -> bool:
    """Return whether ``span`` is current on ``day`` (new or ongoing); undated claims are not."""
    return phase(span, day) in ("new", "ongoing")
