"""Read the dates of a sentence into the claim time model (start, end, precision, as_written).

Rules on top of ``dateparser``: early/mid/late parts of a month or year, weekdays and
"overnight" relative to the report's date, month-only and year-only expressions as ranges,
Arabic month names (Levantine "كانون الأول" and Gregorian "ديسمبر", also paired as
"كانون الأول/ديسمبر"). A duration ("within ten days") is flagged for the reviewer, never
turned into a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import dateparser

from drafting._calendar import (
    ARABIC_DIGITS,
    MONTHS_AR,
    MONTHS_EN,
    NUMBERS,
    PART_WORDS,
    WEEKDAYS_AR,
    WEEKDAYS_EN,
    last_weekday,
    month_end,
    month_part,
    year_part,
)


def _alt(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


_MON = rf"(?P<mon>{_alt(MONTHS_EN)})"
_MON_AR = rf"(?P<mon>{_alt(MONTHS_AR)})(?:\s*[/(\-]\s*(?P<mon2>{_alt(MONTHS_AR)})\)?)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d|(?:١[٨٩]|٢٠)[٠-٩][٠-٩])"
_DAY = r"(?P<day>[0-3]?[0-9]|[٠-٣]?[٠-٩])"
_PART_EN = r"(?P<part>early|mid-|mid|late|the beginning of|the start of|the middle of|the end of|beginning of|start of|end of)"
_PART_AR = rf"(?P<part>{_alt(k for k in PART_WORDS if not k.isascii())})"
_AR_YEAR_WORD = r"(?:\s*(?:عام|سنة|العام))?\s*"
_EN_WD = rf"(?P<wd>{_alt(w.capitalize() for w in WEEKDAYS_EN)})"
_AR_WD = rf"(?:يوم\s+)?(?P<wd>{_alt(WEEKDAYS_AR)})"
_AR_DAY_PREFIX = r"(?<![\u0600-\u06ff])"

# Ordered: the first pattern to claim a stretch of text wins it.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("day", re.compile(rf"\b{_DAY}(?:st|nd|rd|th)?\s+{_MON}\s*,?\s*{_YEAR}\b", re.IGNORECASE)),
    ("day", re.compile(rf"\b{_MON}\s+{_DAY}(?:st|nd|rd|th)?\s*,?\s*{_YEAR}\b", re.IGNORECASE)),
    ("day_ar", re.compile(rf"{_AR_DAY_PREFIX}{_DAY}\s*(?:من\s+)?{_MON_AR}{_AR_YEAR_WORD}{_YEAR}")),
    ("part_month", re.compile(rf"\b{_PART_EN}\s*{_MON}\s*,?\s*{_YEAR}\b", re.IGNORECASE)),
    ("part_month_ar", re.compile(rf"{_PART_AR}\s+(?:شهر\s+)?{_MON_AR}{_AR_YEAR_WORD}{_YEAR}")),
    ("month", re.compile(rf"\b{_MON}\s*,?\s*{_YEAR}\b", re.IGNORECASE)),
    ("month_ar", re.compile(rf"(?:شهر\s+)?{_MON_AR}{_AR_YEAR_WORD}{_YEAR}")),
    ("part_year", re.compile(rf"\b{_PART_EN}\s*{_YEAR}\b", re.IGNORECASE)),
    ("part_year_ar", re.compile(rf"{_PART_AR}{_AR_YEAR_WORD}{_YEAR}")),
    ("years", re.compile(rf"\b(?:between\s+|from\s+)?(?P<y1>(?:1[89]|20)\d\d)\s*(?:and|to|-|–|until)\s*{_YEAR}\b", re.IGNORECASE)),
    ("since", re.compile(rf"\b(?:since|from|starting in)\s+{_YEAR}\b", re.IGNORECASE)),
    ("since", re.compile(rf"(?:منذ|ابتداء من|اعتبارا من)\s*(?:عام|سنة|العام)?\s*{_YEAR}")),
    ("year", re.compile(rf"\b{_YEAR}\b")),
    ("year", re.compile(rf"(?:عام|سنة|العام)\s*{_YEAR}")),
    ("next_day", re.compile(r"\b(?:the\s+)?(?:next|following)\s+(?:morning|day|evening)\b|\ba day later\b|\bthe day after\b", re.IGNORECASE)),
    ("next_day", re.compile(r"(?:صباح|مساء)?\s*(?:في\s+)?اليوم\s+التالي|صباح\s+(?:ال)?غد|(?<![\u0600-\u06ff])في\s+الغد")),
    ("relative", re.compile(r"\b(?:yesterday|today|the day before yesterday|(?:one|two|three|four|five|six|\d+) days ago)\b", re.IGNORECASE)),
    ("relative", re.compile(r"(?:أمس|البارحة|اليوم|أول أمس)")),
    ("overnight", re.compile(r"\b(?:overnight|last night|during the night|on the night of)\b", re.IGNORECASE)),
    ("overnight", re.compile(r"(?:ليلة أمس|ليل أمس|خلال الليل|الليلة الماضية|ليلا)")),
    ("weekday", re.compile(rf"\b(?:on\s+|last\s+|this\s+(?:past\s+)?)?{_EN_WD}\b", re.IGNORECASE)),
    ("weekday", re.compile(_AR_WD)),
]
DURATION = re.compile(
    rf"\b(?:within|for|over|in|after|during|in the next|in the past|for the past|over the past)\s+"
    rf"(?:the\s+)?(?:next\s+|past\s+|last\s+|coming\s+)?(?:{NUMBERS})\s+(?:days?|weeks?|months?|years?|hours?)\b"
    rf"|\b(?:{NUMBERS})\s+(?:days?|weeks?|months?|years?|hours?)\s+(?:before|after|later|earlier)\b"
    rf"|(?:خلال|في غضون|لمدة|بعد)\s+(?:{NUMBERS})\s*(?:أيام|يوما|يومًا|أسابيع|أسبوعا|أشهر|شهرا|سنوات|ساعة|ساعات)?",
    re.IGNORECASE,
)


@dataclass
class DateReading:
    """What the date rules read in one sentence.

    Parameters
    ----------
    time
        The proposed ``time`` block of a claim.
    others
        Further date expressions in the sentence, as written, for the reviewer.
    durations
        Durations ("within ten days"), flagged and never turned into a date.
    last
        The time of the last date the sentence reads (``None`` when it reads none): where the
        narrative stands when the next sentence begins.
    """

    time: dict[str, Any]
    others: list[str] = field(default_factory=list)
    durations: list[str] = field(default_factory=list)
    last: dict[str, Any] | None = None


def _int(text: str) -> int:
    return int(text.translate(ARABIC_DIGITS))


def _month(m: re.Match[str]) -> int:
    name = m.group("mon")
    return MONTHS_EN.get(name.casefold()) or MONTHS_AR[name]


def _span(start: dt.date | None, end: dt.date | None, precision: str, as_written: str, basis: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if start is not None:
        out["start"] = start.isoformat()
    if end is not None:
        out["end"] = end.isoformat()
    out["precision"] = precision
    out["as_written"] = as_written
    if basis:
        out["basis"] = basis
    return out


def _parse_day(text: str) -> dt.date | None:
    parsed = dateparser.parse(text, languages=["en", "ar"], settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date() if parsed else None


def _read(kind: str, m: re.Match[str], report_date: dt.date | None) -> dict[str, Any] | None:  # noqa: PLR0911
    written = m.group(0).strip()
    groups = m.groupdict()
    if kind == "day":
        day = _parse_day(written)
        return _span(day, day, "day", written) if day else None
    if kind == "day_ar":
        if groups.get("mon2") and MONTHS_AR[groups["mon2"]] != MONTHS_AR[groups["mon"]]:
            return None
        day = dt.date(_int(m.group("year")), _month(m), _int(m.group("day")))
        return _span(day, day, "day", written)
    year = _int(groups["year"]) if groups.get("year") else None
    if kind.startswith("part_month") and year:
        start, end = month_part(year, _month(m), PART_WORDS[m.group("part").casefold()])
        return _span(start, end, "approximate", written)
    if kind.startswith("month") and year:
        month = _month(m)
        return _span(dt.date(year, month, 1), month_end(year, month), "month", written)
    if kind.startswith("part_year") and year:
        start, end = year_part(year, PART_WORDS[m.group("part").casefold()])
        return _span(start, end, "approximate", written)
    if kind == "years" and year:
        return _span(dt.date(int(m.group("y1")), 1, 1), dt.date(year, 12, 31), "year", written)
    if kind == "since" and year:
        return _span(dt.date(year, 1, 1), None, "year", written, basis="the text gives a start ('since'), no end")
    if kind == "year" and year:
        return _span(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", written)
    return _relative(kind, m, written, report_date)


def _relative(kind: str, m: re.Match[str], written: str, report_date: dt.date | None) -> dict[str, Any] | None:
    if report_date is None:
        return None
    basis = f"relative to the report's date, {report_date.isoformat()}"
    if kind == "weekday":
        wd = m.group("wd")
        day = last_weekday(report_date, WEEKDAYS_EN.get(wd.casefold(), WEEKDAYS_AR.get(wd, 0)))
        return _span(day, day, "day", written, basis=f"the last {wd} on or before the report's date, {report_date.isoformat()}")
    if kind == "overnight":
        return _span(
            report_date - dt.timedelta(days=1), report_date, "approximate", written, basis=f"the night before the report's date, {report_date.isoformat()}"
        )
    base = dt.datetime.combine(report_date, dt.time(12))
    parsed = dateparser.parse(written, languages=["en", "ar"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
    if parsed is None:
        return None
    return _span(parsed.date(), parsed.date(), "day", written, basis=basis)


def _matches(sentence: str) -> list[tuple[str, re.Match[str]]]:
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((kind, m))
    return sorted(found, key=lambda km: km[1].start())


def read_dates(sentence: str, *, report_date: dt.date | None = None) -> DateReading:
    """Read the dates of one sentence.

    Parameters
    ----------
    sentence
        The sentence as written (English or Arabic).
    report_date
        The report's date, for weekdays, "overnight" and "yesterday"; without it those are
        listed for the reviewer but give no date.

    Returns
    -------
    DateReading
        The first date read becomes ``time``; the rest go to ``others``.
    """
    durations = [d.group(0).strip() for d in DURATION.finditer(sentence)]
    spans = [(d.start(), d.end()) for d in DURATION.finditer(sentence)]
    readings: list[tuple[str, re.Match[str], dict[str, Any] | None, str]] = []
    for kind, m in _matches(sentence):
        if any(m.start() < e and s < m.end() for s, e in spans):
            continue
        readings.append((kind, m, _read(kind, m, report_date), m.group(0).strip()))
    readings = _next_day(readings)
    opened = [_began_by(sentence, *_open_ended(sentence, kind, m, time, written)) for kind, m, time, written in readings]
    final = _overnight_with_day([(k, t, w) for k, _, t, w in opened])
    dated = [r for r in final if r[1] is not None]
    others = [w for _, r, w in final if r is None] + [w for _, _, w in dated[1:]]
    if not dated:
        return DateReading({"precision": "unknown", "as_written": "(no date in the text)"}, others, durations)
    time = dated[0][1]
    assert time is not None  # noqa: S101
    return DateReading(time, others, durations, dated[-1][1])


def _next_day(readings: list[tuple[str, re.Match[str], dict[str, Any] | None, str]]) -> list[tuple[str, re.Match[str], dict[str, Any] | None, str]]:
    """Date "the next morning" / "اليوم التالي" as the day after the day the sentence read before it."""
    out = []
    day: dict[str, Any] | None = None
    for kind, m, read, written in readings:
        time = read
        if kind == "next_day" and day is not None:
            after = dt.date.fromisoformat(day["end"]) + dt.timedelta(days=1)
            time = _span(after, after, "day", written, basis=f"the day after {day['as_written']!r}")
        if time is not None and time.get("precision") == "day":
            day = time
        out.append((kind, m, time, written))
    return out


_BY_BEFORE = re.compile(r"(?:\bby|\bas of|بحلول|مع حلول)\s*$", re.IGNORECASE)
_BEGAN = re.compile(
    r"\b(?:began|begun|begins|started|starts|were beginning)\b|(?<![\u0600-\u06ff])و?(?:بدأ|بدأت|بدأوا|بدؤوا|شرع|شرعت|شرعوا)(?![\u0600-\u06ff])", re.IGNORECASE
)


def _began_by(sentence: str, kind: str, m: re.Match[str], time: dict[str, Any] | None, written: str) -> tuple[str, re.Match[str], dict[str, Any] | None, str]:
    """Open "By 6 December 2024, the militias began pulling out": under way from that date, no end given."""
    by, began = _BY_BEFORE.search(sentence[: m.start()]), _BEGAN.search(sentence)
    if time is None or "start" not in time or by is None or began is None:
        return kind, m, time, written
    as_written = sentence[by.start() : m.end()].strip()
    basis = f"{as_written!r} with a beginning ({began.group(0)!r}): under way by then; the text gives no end"
    return kind, m, {"start": time["start"], "precision": "approximate", "as_written": as_written, "basis": basis}, written


_SINCE_BEFORE = re.compile(r"(?:\bsince|\bstarting(?: in| from)?|\bbeginning in|\bfrom|منذ|ابتداء من|اعتبارا من)\s*(?:the\s+)?$", re.IGNORECASE)


def _open_ended(sentence: str, kind: str, m: re.Match[str], time: dict[str, Any] | None, written: str) -> tuple[str, re.Match[str], dict[str, Any] | None, str]:
    """Open the end of a date preceded by "since" or "starting in" ("starting in early 2013")."""
    if time is None or "end" not in time or "start" not in time or not _SINCE_BEFORE.search(sentence[: m.start()]):
        return kind, m, time, written
    prefix = _SINCE_BEFORE.search(sentence[: m.start()])
    assert prefix is not None  # noqa: S101
    as_written = sentence[prefix.start() : m.end()].strip()
    opened = {k: v for k, v in time.items() if k != "end"} | {"as_written": as_written, "basis": f"the text gives a start ({as_written!r}), no end"}
    return kind, m, opened, written


def _overnight_with_day(readings: list[tuple[str, dict[str, Any] | None, str]]) -> list[tuple[str, dict[str, Any] | None, str]]:
    """Widen a day to the night after it when the sentence also says "overnight"."""
    kinds = [k for k, _, _ in readings]
    if "overnight" not in kinds:
        return readings
    for n, (kind, time, written) in enumerate(readings):
        if kind in ("day", "day_ar") and time is not None:
            night = next(w for k, _, w in readings if k == "overnight")
            end = dt.date.fromisoformat(time["end"]) + dt.timedelta(days=1)
            widened = {**time, "end": end.isoformat(), "precision": "approximate", "as_written": f"{night} … {written}"}
            rest = [r for i, r in enumerate(readings) if i != n and r[0] != "overnight"]
            return [(kind, widened, written), *rest]
    return readings


def parse_citation_date(text: str) -> str | None:
    """Return a footnote's date as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, or ``None``."""
    for kind, m in _matches(text):
        time = _read(kind, m, None)
        if time is None:
            continue
        if time["precision"] == "day":
            return str(time["start"])
        if time["precision"] == "month":
            return str(time["start"])[:7]
        if kind == "year":
            return str(time["start"])[:4]
    return None
