"""An independent reading of the open-end rule in data/README.md ("Time: open ends and phases").

Tests compare the build (``span_end``, ``end_basis`` in the GeoJSON files, the web page's
classes, the snapshot series' change table) with this module. It reads the raw YAML files of
``data/`` itself and shares no code with ``dataset/lifespan.py``: if the two disagree, one of
them does not follow the README.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


def _last_day(text: Any) -> dt.date | None:
    """The last day of a YYYY / YYYY-MM / YYYY-MM-DD publication date."""
    if text in (None, ""):
        return None
    text = str(text)
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    if len(text) == 7:
        year, month = int(text[:4]), int(text[5:])
        first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_of_next - dt.timedelta(days=1)
    return dt.date(int(text), 12, 31)


def expected_spans(data: Path = DATA) -> dict[str, tuple[str | None, str | None, str]]:  # noqa: PLR0912 - the README's rule, case by case
    """Return ``claim id -> (start, effective end, basis)`` as ISO texts, computed from data/'s YAML."""
    vocab = yaml.safe_load((data / "vocabulary.yaml").read_text(encoding="utf-8"))
    kinds = {t["id"]: t["time_kind"] for t in vocab["types"]}
    sources = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    own_date = {s["id"]: _last_day(s.get("date")) for s in sources}
    cited: dict[tuple[str, int], list[dt.date]] = {}
    for s in sources:
        for c in s.get("cited_in", []):
            for fn in c.get("footnotes", []):
                day = _last_day(s.get("date"))
                cited.setdefault((c["document"], fn), [])
                if day:
                    cited[(c["document"], fn)].append(day)
    out: dict[str, tuple[str | None, str | None, str]] = {}
    for path in sorted((data / "claims").glob("*.yaml")):
        for claim in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]:
            when = claim.get("time") or {}
            start, end = when.get("start"), when.get("end")
            start = dt.date.fromisoformat(str(start)) if start else None
            end = dt.date.fromisoformat(str(end)) if end else None
            days = []
            for ev in claim["evidence"]:
                fn = (ev.get("locator") or {}).get("footnote")
                behind = cited.get((ev["source"], fn), []) if fn is not None else []
                if behind:
                    days.append(max(behind))
                elif own_date.get(ev["source"]):
                    days.append(own_date[ev["source"]])
            last = max(days) if days else None
            if start is None and end is None:
                span = (None, None, "undated")
            elif end is not None:
                span = (start, end, "stated")
            elif kinds[claim["type"]] == "event":
                if last and (start is None or last >= start):
                    span = (start, last, "last_reported")
                else:
                    precision = when.get("precision")
                    latest = _last_day(str(start.year)) if precision == "year" else _last_day(start.isoformat()[:7]) if precision == "month" else start
                    span = (start, latest, "last_dated")
            else:
                span = (start, None, "as_of_source" if last else "open")
            out[claim["id"]] = (span[0].isoformat() if span[0] else None, span[1].isoformat() if span[1] else None, span[2])
    return out


def expected_phase(start: str | None, end: str | None, day: dt.date, window: int = 7) -> str:
    """Return new / ongoing / ended / not_yet / undated for an effective span on ``day``."""
    s = dt.date.fromisoformat(start) if start else None
    e = dt.date.fromisoformat(end) if end else None
    if s is None and e is None:
        return "undated"
    if s is not None and s > day:
        return "not_yet"
    if e is not None and e < day:
        return "ended"
    if s is not None and day - dt.timedelta(days=window) < s <= day:
        return "new"
    return "ongoing"
