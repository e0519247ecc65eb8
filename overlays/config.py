"""Read ``data/overlays/overlays.yaml``: which overlay events the map shows (countries, dates, actors)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from overlays.problems import OverlayProblem, echo

KEYS = ("countries", "dates", "actors")


def _setting_problem(name: str, setting: str, message: str, hint: str) -> OverlayProblem:
    return OverlayProblem(name, 0, setting, message, hint, kind="setting")


@dataclass(frozen=True)
class OverlayFilter:
    """Which events to keep: in one of ``countries``, dated ``start`` to ``end``, with an actor matching ``pattern``.

    Parameters
    ----------
    countries
        ACLED country names (``country`` column), compared without regard to case.
    start, end
        The date window, both days included.
    actor_pattern
        Regular expression searched (case-insensitive) in every actor and associated actor.
    actor_label
        What the pattern stands for, in words (shown in the attribution).
    """

    countries: tuple[str, ...]
    start: dt.date
    end: dt.date
    actor_pattern: str
    actor_label: str

    def describe(self) -> str:
        """Return the filter in words, for the attribution line."""
        return f"{', '.join(self.countries)}; {self.start.isoformat()} to {self.end.isoformat()}; actors: {self.actor_label}"


def _day(value: Any, key: str, name: str, problems: list[OverlayProblem]) -> dt.date | None:  # noqa: ANN401 - YAML value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(_setting_problem(name, f"dates.{key}", f"{echo(str(value))} is not a date.", "Write YYYY-MM-DD, e.g. 2013-01-01."))
        return None


def _countries(doc: dict[str, Any], name: str, problems: list[OverlayProblem]) -> tuple[str, ...]:
    value = doc.get("countries")
    if not isinstance(value, list) or not value or not all(isinstance(c, str) and c.strip() for c in value):
        problems.append(_setting_problem(name, "countries", "must be a list of ACLED country names.", "Write: countries: [Syria, Iraq, Lebanon]"))
        return ()
    return tuple(c.strip() for c in value)


def _dates(doc: dict[str, Any], name: str, problems: list[OverlayProblem]) -> tuple[dt.date | None, dt.date | None]:
    value = doc.get("dates")
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        problems.append(_setting_problem(name, "dates", "must give start and end.", "Write: dates: {start: 2013-01-01, end: 2025-12-31}"))
        return None, None
    start, end = _day(value["start"], "start", name, problems), _day(value["end"], "end", name, problems)
    if start and end and start > end:
        problems.append(_setting_problem(name, "dates", f"start {start} is after end {end}.", "Swap them."))
        return None, None
    return start, end


def _actors(doc: dict[str, Any], name: str, problems: list[OverlayProblem]) -> tuple[str, str] | None:
    value = doc.get("actors")
    if not isinstance(value, dict) or not isinstance(value.get("pattern"), str) or not isinstance(value.get("label"), str):
        hint = "Write: actors: {label: pro-Iran militias, pattern: 'Pro-Iran|Hezbollah'}"
        problems.append(_setting_problem(name, "actors", "must give a pattern and a label.", hint))
        return None
    try:
        re.compile(value["pattern"])
    except re.error as exc:
        problems.append(_setting_problem(name, "actors.pattern", f"{echo(value['pattern'])} is not a regular expression ({exc}).",
                                       "Escape special characters with a backslash, e.g. 'Kata\\'ib'."))  # fmt: skip
        return None
    return value["pattern"], value["label"]


def load_filter(path: Path, name: str, problems: list[OverlayProblem]) -> OverlayFilter | None:
    """Return the filter of ``path``, or ``None`` after adding one problem per bad setting."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(_setting_problem(name, "", f"cannot read the settings ({str(exc).splitlines()[0]}).", "Fix the YAML (see data/README.md, Overlays)."))
        return None
    if not isinstance(doc, dict):
        problems.append(_setting_problem(name, "", "the settings must be a mapping with countries, dates and actors.", "See data/README.md, Overlays."))
        return None
    problems.extend(
        _setting_problem(name, str(key), "is not a setting.", f"Known settings: {', '.join(KEYS)}.") for key in sorted(set(doc) - set(KEYS), key=str)
    )
    countries, (start, end), actors = _countries(doc, name, problems), _dates(doc, name, problems), _actors(doc, name, problems)
    if not countries or start is None or end is None or actors is None:
        return None
    return OverlayFilter(countries, start, end, actors[0], actors[1])
