"""Read typed fields from one YAML record, logging a problem for each bad one."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

from dataset.problems import ProblemLog, shown

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
MIN_YEAR, MAX_YEAR = 1900, 2100
# Ids of claims, places, sources, types and timeline stops: lowercase words joined by single hyphens.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Actor ids are the names claims use ("Liwa Fatemiyoun", "Asaib Ahl al-Haq").
ACTOR_ID_PATTERN = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")
MAX_ID_CHARS = 80


class RecordReader:
    """Typed access to one record; every bad field becomes one problem.

    Parameters
    ----------
    record
        The mapping read from YAML.
    file
        The data file (relative path) for messages.
    record_id
        How messages name the record.
    log
        Where problems go.
    allowed
        Field names the record may have; others are reported with a suggestion.
    """

    def __init__(
        self,
        record: Mapping[str, Any],
        file: str,
        record_id: str,
        log: ProblemLog,
        allowed: Iterable[str],
    ) -> None:
        self.record = record
        self.file = file
        self.record_id = record_id
        self.log = log
        allowed = list(allowed)
        for key in record:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"Did you mean {close[0]!r}?" if close else f"Allowed fields: {', '.join(allowed)}."
                if not re.fullmatch(r"[A-Za-z_]+", str(key)):
                    hint += " If this is the tail of a value, a comma split it: put the value in quotes."
                self.problem(str(key), "unknown field.", hint)

    def check_id(self, *, actor: bool = False) -> bool:
        """Return whether the record's ``id`` is a valid id, logging one problem if not.

        Parameters
        ----------
        actor
            Check against :data:`ACTOR_ID_PATTERN` (names) instead of :data:`ID_PATTERN`.
        """
        value = self.record.get("id")
        if value is None:
            self.problem("id", "is missing.", "Give every record a unique id.")
            return False
        if not isinstance(value, str) or not value.strip():
            self.problem("id", f"must be a non-empty text, got {shown(value)}.", "Write e.g. id: my-record-id.")
            return False
        if len(value) > MAX_ID_CHARS:
            self.problem("id", f"is {len(value)} characters long; ids have at most {MAX_ID_CHARS}.", "Use a short id; put the description in another field.")
            return False
        pattern = ACTOR_ID_PATTERN if actor else ID_PATTERN
        if pattern.fullmatch(value):
            return True
        if actor:
            rule, example = "letters, digits and single spaces or hyphens between words", re.sub(r"[^A-Za-z0-9]+", " ", value).strip()
        else:
            rule, example = "lowercase letters a-z, digits and single hyphens", re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        self.problem("id", f"{shown(value)} is not a valid id: use only {rule}.", f"Write e.g. {shown(example or 'my-id')}, and update every reference to it.")
        return False

    def problem(self, field: str, message: str, hint: str = "") -> None:
        """Log a problem with ``field`` of this record."""
        self.log.add(self.file, self.record_id, field, message, hint)

    def text(self, field: str, *, required: bool = True, prefix: str = "") -> str:
        """Return a non-empty string field ("" when absent and not required)."""
        name = prefix + field
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(name, "is missing.", f"Add a non-empty text value for {field!r}.")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(name, f"must be text, got {type(value).__name__} {shown(value)}.", "Write it as a quoted string.")
            return ""
        text = str(value).strip()
        if not text and required:
            self.problem(name, "is empty.", f"Give {field!r} a value.")
        return text

    def number(self, field: str, *, required: bool = True, positive: bool = False) -> float | None:
        """Return a number field, or ``None`` when absent or bad."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(field, "is missing.", "Add a number.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(field, f"must be a number, got {shown(value)}.", "Write digits, e.g. 34.45 (no quotes, no degree signs).")
            return None
        if not math.isfinite(value):
            self.problem(field, f"must be a finite number, got {value!r}.", "Write digits, e.g. 34.45 (not .nan or .inf).")
            return None
        if positive and value <= 0:
            self.problem(field, f"must be greater than 0, got {value!r}.", "Give the honest radius in km.")
            return None
        return float(value)

    def integer(self, field: str, *, required: bool = True, prefix: str = "") -> int | None:
        """Return a positive integer field, or ``None``."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(prefix + field, "is missing.", "Add a whole number.")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(prefix + field, f"must be a positive whole number, got {shown(value)}.", "Write e.g. 3.")
            return None
        return value

    def text_list(self, field: str, *, required: bool = False, prefix: str = "") -> list[str]:
        """Return a list of strings; a single string is accepted as a one-item list."""
        name = prefix + field
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(name, "is missing.", f"Add a list, e.g. {field}: [a, b].")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(name, f"must be a list of names, got {shown(value)}.", f"Write e.g. {field}: [a, b].")
            return []
        if required and not value:
            self.problem(name, "is empty.", "List at least one entry.")
        return [v.strip() for v in value]

    def choice(self, field: str, options: Iterable[str], *, default: str | None = None, prefix: str = "") -> str:
        """Return a field that must be one of ``options``."""
        options = list(options)
        value = self.record.get(field, default)
        if value is None:
            self.problem(prefix + field, "is missing.", f"Use one of: {', '.join(options)}.")
            return ""
        if value not in options:
            self.problem(prefix + field, f"{shown(value)} is not allowed.", f"Use one of: {', '.join(options)}.")
            return ""
        return str(value)

    def url(self, field: str) -> str:
        """Return an http(s) URL field, or ""."""
        value = self.text(field, required=False)
        if not value:
            return ""
        parsed = urlparse(value)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            self.problem(
                field,
                f"{shown(value)} is not an http or https URL.",
                "Give the full address seen (https://...), or leave the field out: never guess a URL.",
            )
            return ""
        return value

    def partial_date(self, field: str) -> str:
        """Return ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as text, or ""."""
        value = self.record.get(field)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value)
        if not _PARTIAL_DATE.match(text) or _check_date_text(text) is not None:
            self.problem(field, f"{shown(value)} is not a valid date.", "Write YYYY, YYYY-MM or YYYY-MM-DD.")
            return ""
        return text

    def date(self, field: str, *, prefix: str = "") -> dt.date | None:
        """Return a full date (``YYYY-MM-DD``) or ``None`` when absent or bad."""
        value = self.record.get(field)
        if value is None:
            return None
        name = prefix + field
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            if not MIN_YEAR <= value.year <= MAX_YEAR:
                self.problem(name, f"year {value.year} is impossible.", f"Use a year between {MIN_YEAR} and {MAX_YEAR}.")
                return None
            return value
        text = str(value)
        error = _check_date_text(text)
        if error is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        error = error or "a full day is needed"
        self.problem(name, f"{shown(value)} is not a valid date: {error}.", "Write a real day as YYYY-MM-DD.")
        return None

    def mapping(self, field: str, *, required: bool = True) -> dict[str, Any]:
        """Return a nested mapping field, or ``{}``."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(field, "is missing.", f"Add a {field!r} block.")
            return {}
        if not isinstance(value, dict):
            self.problem(field, f"must be a block of fields, got {shown(value)}.", f"Write {field}: {{...}}.")
            return {}
        return value


def _check_date_text(text: str) -> str | None:
    """Return why ``text`` is not a real (partial) date, or ``None`` when it is."""
    parts = text.split("-")
    if not all(p.isdigit() for p in parts) or len(parts) > 3:  # noqa: PLR2004
        return "expected digits as YYYY-MM-DD"
    year = int(parts[0])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"year {year} is impossible"
    try:
        dt.date(year, int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)  # noqa: PLR2004
    except ValueError as exc:
        return str(exc)
    return None
