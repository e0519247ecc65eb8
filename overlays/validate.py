"""Check and parse the rows of an ACLED export: dates in both of ACLED's forms, both styles of actor type."""

from __future__ import annotations

import datetime as dt
import math
import re

from overlays.model import AcledEvent
from overlays.problems import OverlayProblem, echo
from overlays.read import CsvTable

# ACLED's actor types: the numeric inter1/inter2 codes of older exports and today's text labels.
INTER_LABELS = {
    "0": "", "1": "State forces", "2": "Rebel group", "3": "Political militia", "4": "Identity militia",
    "5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces",
}  # fmt: skip
_INTER_BY_TEXT = {label.lower(): label for label in INTER_LABELS.values() if label}
# ACLED's six event types (as ACLED spells them today).
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots", "Strategic developments")
_EVENT_TYPE_BY_TEXT = {t.lower(): t for t in EVENT_TYPES}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LONG_DATE = re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})$")
PRECISIONS = (1, 2, 3)


class _Row:
    """One row being checked: reads cells, collecting one problem per bad cell."""

    def __init__(self, table: CsvTable, number: int, cells: dict[str, str], problems: list[OverlayProblem]) -> None:
        self.table, self.number, self.cells, self.problems = table, number, cells, problems
        self.ok = True

    def bad(self, column: str, message: str, hint: str) -> None:
        self.ok = False
        self.problems.append(OverlayProblem(self.table.name, self.number, column, message, hint))

    def text(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.bad(column, "the cell is empty.", "Every ACLED event has this field; re-export the row.")
        return value


def parse_acled_date(text: str) -> dt.date | None:
    """Return the day of ``YYYY-MM-DD`` or ACLED's ``07 May 2022`` (English month names, any case); ``None`` if neither."""
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    match = _LONG_DATE.match(text)
    if match is None:
        return None
    day, month, year = match.groups()
    names = [m for m in MONTHS if m == month.lower() or (len(month) >= 3 and m[:3] == month.lower())]  # noqa: PLR2004 - "May", "Sep"
    if len(names) != 1:
        return None
    try:
        return dt.date(int(year), MONTHS.index(names[0]) + 1, int(day))
    except ValueError:
        return None


def _date(row: _Row) -> dt.date | None:
    text = row.required("event_date")
    if not text:
        return None
    day = parse_acled_date(text)
    if day is None:
        row.bad("event_date", f"{echo(text)} is not a date.", "Write YYYY-MM-DD (2022-05-07) or ACLED's '07 May 2022'.")
    return day


def _number(row: _Row, column: str, low: float, high: float) -> float:
    text = row.required(column)
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        row.bad(column, f"{echo(text)} is not a number.", f"Give decimal degrees between {low:g} and {high:g}.")
        return math.nan
    if not (low <= value <= high):  # also catches NaN
        row.bad(column, f"{echo(text)} is outside {low:g} to {high:g}.", "Latitude and longitude may be swapped; latitude is north-south.")
        return math.nan
    return value


def _code(row: _Row, column: str, allowed: tuple[int, ...]) -> int:
    text = row.required(column)
    if text and text in {str(a) for a in allowed}:
        return int(text)
    if text:
        row.bad(column, f"{echo(text)} is not one of ACLED's codes {', '.join(map(str, allowed))}.", "See ACLED's codebook for this column.")
    return 0


def _inter(row: _Row, column: str) -> str:
    text = row.text(column)
    if not text:  # today's exports leave it empty where there is no second actor (older ones wrote 0)
        return ""
    if text in INTER_LABELS:
        return INTER_LABELS[text]
    if text.lower() in _INTER_BY_TEXT:
        return _INTER_BY_TEXT[text.lower()]
    known = ", ".join(f"{k} or {v!r}" for k, v in INTER_LABELS.items() if v)
    row.bad(column, f"{echo(text)} is not an ACLED actor type.", f"Use a code or label: {known}.")
    return ""


def _event_type(row: _Row) -> str:
    text = row.required("event_type")
    if text and text.lower() not in _EVENT_TYPE_BY_TEXT:
        row.bad("event_type", f"{echo(text)} is not an ACLED event type.", f"Use one of: {', '.join(EVENT_TYPES)}.")
    return _EVENT_TYPE_BY_TEXT.get(text.lower(), text)


def _count(row: _Row, column: str) -> int:
    text = row.text(column) or "0"
    if not text.isdigit():
        row.bad(column, f"{echo(text)} is not a whole number of 0 or more.", "ACLED writes fatalities as a count, 0 when unknown.")
        return 0
    return int(text)


def _timestamp(row: _Row) -> int | None:
    text = row.text("timestamp")
    if not text:
        return None
    if not text.isdigit():
        row.bad("timestamp", f"{echo(text)} is not a Unix time.", "ACLED's timestamp is whole seconds since 1970.")
        return None
    return int(text)


def parse_row(table: CsvTable, number: int, cells: dict[str, str], problems: list[OverlayProblem]) -> AcledEvent | None:
    """Return the event of one row, or ``None`` after adding one problem per bad cell."""
    row = _Row(table, number, cells, problems)
    event = AcledEvent(
        event_id=row.required("event_id_cnty"), event_date=_date(row) or dt.date.min,
        time_precision=_code(row, "time_precision", PRECISIONS), event_type=_event_type(row), sub_event_type=row.text("sub_event_type"),
        actor1=row.required("actor1"), assoc_actor_1=row.text("assoc_actor_1"), inter1=_inter(row, "inter1"),
        actor2=row.text("actor2"), assoc_actor_2=row.text("assoc_actor_2"), inter2=_inter(row, "inter2"),
        country=row.required("country"), admin1=row.text("admin1"), admin2=row.text("admin2"), admin3=row.text("admin3"),
        location=row.required("location"), lat=_number(row, "latitude", -90, 90), lon=_number(row, "longitude", -180, 180),
        geo_precision=_code(row, "geo_precision", PRECISIONS), source=row.text("source"), source_scale=row.text("source_scale"),
        notes=row.text("notes"), fatalities=_count(row, "fatalities"), timestamp=_timestamp(row), file=table.name, row=number,
    )  # fmt: skip
    return event if row.ok else None


def parse_table(table: CsvTable, problems: list[OverlayProblem]) -> list[AcledEvent]:
    """Return the events of every good row; bad rows add their problems, and a repeated event id is one too."""
    events: list[AcledEvent] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        event = parse_row(table, number, cells, problems)
        if event is None:
            continue
        if event.event_id in seen:
            problems.append(OverlayProblem(table.name, number, "event_id_cnty", f"event {echo(event.event_id)} is also in row {seen[event.event_id]}.",
                                           "Keep one row per ACLED event."))  # fmt: skip
            continue
        seen[event.event_id] = number
        events.append(event)
    return events
