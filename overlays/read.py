"""Read an ACLED export (CSV) into header and rows, with a problem for a file that cannot be one."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from overlays.problems import OverlayProblem, echo

# The columns the overlay needs; an ACLED export has more (all are kept as read).
REQUIRED_COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities",
)  # fmt: skip
# At least this many of the required columns must be there for the file to count as an ACLED export
# (otherwise one "not an ACLED export" message replaces a list of every missing column).
MIN_ACLED_COLUMNS = 3


@dataclass(frozen=True)
class CsvTable:
    """The rows of one CSV file: each a dict of column to text, with its line number."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _decode(path: Path, name: str, problems: list[OverlayProblem]) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(OverlayProblem(name, 0, "", f"cannot read the file ({exc.strerror or exc}).", "Check the path given to --overlay."))
        return None
    if not raw.strip():
        problems.append(OverlayProblem(name, 0, "", "the file is empty.", "Export the events from ACLED again, with the header row."))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            OverlayProblem(name, line, "", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}).",
                           "Save the export as UTF-8 CSV (ACLED's own exports are UTF-8).")
        )  # fmt: skip
        return None


def read_acled_csv(path: Path, name: str, problems: list[OverlayProblem]) -> CsvTable | None:
    """Return the table of ACLED export ``path``, or ``None`` after adding its problems.

    Parameters
    ----------
    path
        The CSV file.
    name
        How messages name the file.
    problems
        Where problems go: unreadable, empty, not UTF-8, not an ACLED export, missing columns.
    """
    text = _decode(path, name, problems)
    if text is None:
        return None
    try:
        reader = csv.reader(text.splitlines(keepends=True))
        lines = list(reader)
    except csv.Error as exc:
        problems.append(OverlayProblem(name, 0, "", f"the file is not readable CSV ({exc}).", "Export it from ACLED as CSV."))
        return None
    header = tuple(h.strip() for h in lines[0]) if lines else ()
    present = [c for c in REQUIRED_COLUMNS if c in header]
    if len(present) < MIN_ACLED_COLUMNS:
        shown = echo(",".join(header))
        problems.append(
            OverlayProblem(name, 1, "", f"this is not an ACLED export: its header {shown} lacks ACLED's columns (event_id_cnty, event_date, latitude, ...).",
                           "Give a CSV exported from ACLED (acleddata.com or the acledR package), header row first.")
        )  # fmt: skip
        return None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    problems.extend(
        OverlayProblem(name, 1, column, "the header lacks this ACLED column.", "Export all of ACLED's columns (not a subset).") for column in missing
    )
    if missing:
        return None
    rows = []
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(OverlayProblem(name, n, "", f"the row has {len(cells)} cells, the header {len(header)}.", "Check for an unquoted comma."))
            continue
        rows.append((n, dict(zip(header, cells, strict=True))))
    return CsvTable(name, header, tuple(rows))
