"""Load the overlay: read every ACLED file, check it, apply the settings, and word the attribution."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from overlays.config import OverlayFilter, load_filter
from overlays.filter import filter_events
from overlays.model import AcledEvent
from overlays.problems import OverlayError, OverlayProblem
from overlays.read import read_acled_csv
from overlays.validate import parse_table

OVERLAY_DIR = "overlays"
SETTINGS_NAME = "overlays.yaml"
ACLED_CREDIT = "Armed Conflict Location & Event Data (ACLED); www.acleddata.com"


@dataclass(frozen=True)
class OverlayFile:
    """One overlay file: its name, its date and where that date comes from, and how many events it held."""

    name: str
    date: dt.date
    date_basis: str
    n_read: int
    n_kept: int


@dataclass(frozen=True)
class OverlaySet:
    """The overlay events to draw, the files they came from and the settings that chose them."""

    events: tuple[AcledEvent, ...]
    files: tuple[OverlayFile, ...]
    rule: OverlayFilter

    def attribution(self) -> str:
        """Return ACLED's attribution line: the credit, each file's date (saying where it comes from) and the filters used."""
        files = "; ".join(f"{f.name}, data as of {f.date.isoformat()} ({f.date_basis})" for f in self.files)
        return f"Overlay: {ACLED_CREDIT}. {files}. Filters: {self.rule.describe()}."


def overlay_paths(data_dir: Path, extra: list[Path] | None = None) -> list[Path]:
    """Return the ACLED files to read: ``data_dir/overlays/*.csv`` (sorted), then ``extra`` (each once)."""
    found = sorted((data_dir / OVERLAY_DIR).glob("*.csv"))
    seen: dict[Path, Path] = {}
    for path in [*found, *(extra or [])]:
        seen.setdefault(path.resolve(), path)
    return list(seen.values())


def _file_date(events: list[AcledEvent], path: Path) -> tuple[dt.date, str]:
    stamps = [e.timestamp for e in events if e.timestamp is not None]
    if stamps:
        return dt.datetime.fromtimestamp(max(stamps), tz=dt.UTC).date(), "latest ACLED timestamp in the file"
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).date(), "the file's modification date; it has no timestamp column"


def load_overlays(paths: list[Path], settings: Path) -> OverlaySet | None:
    """Return the overlay of ``paths`` filtered by ``settings``; ``None`` when there are no files.

    The settings are checked whenever they exist, with or without files.

    Raises
    ------
    OverlayError
        With every problem found in the settings and the files.
    """
    problems: list[OverlayProblem] = []
    rule = load_filter(settings, settings.name, problems) if settings.exists() else None
    if not paths:
        if problems:
            raise OverlayError(problems)
        return None
    if rule is None and not settings.exists():
        problems.append(OverlayProblem(str(settings), 0, "", "overlay files were given but the settings file is missing.",
                                       "Create it with countries, dates and actors (see data/README.md, Overlays)."))  # fmt: skip
    kept: list[AcledEvent] = []
    files: list[OverlayFile] = []
    for path in paths:
        table = read_acled_csv(path, path.name, problems)
        if table is None:
            continue
        events = parse_table(table, problems)
        chosen = filter_events(events, rule) if rule is not None else []
        if events:
            date, basis = _file_date(events, path)
            files.append(OverlayFile(path.name, date, basis, len(events), len(chosen)))
        kept += chosen
    if problems:
        raise OverlayError(problems)
    assert rule is not None  # noqa: S101 - a missing rule is a problem raised above
    return OverlaySet(tuple(sorted(kept, key=lambda e: (e.event_date, e.event_id))), tuple(files), rule)
