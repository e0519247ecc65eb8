"""Month, weekday and number words (English and Arabic) for reading dates."""

from __future__ import annotations

import calendar
import datetime as dt

MONTHS_EN = {
    name: n for n in range(1, 13) for name in {calendar.month_name[n].casefold(), calendar.month_abbr[n].casefold(), calendar.month_abbr[n].casefold() + "."}
} | {"sept": 9, "sept.": 9}
# Arabic month names: Levantine/Iraqi (كانون الأول) and the Gregorian loans (ديسمبر), with
# common spelling variants (أ/ا, ي/ى, ه/ة).
MONTHS_AR = {
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5, "حزيران": 6,
    "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10, "تشرين الاول": 10,
    "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6,
    "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10,
    "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
}  # fmt: skip
WEEKDAYS_EN = {calendar.day_name[n].casefold(): n for n in range(7)}
WEEKDAYS_AR = {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3, "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6}
NUMBERS = (
    "a few|a couple of|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|few|several|couple of|"
    r"\d+|[٠-٩]+|يوم|يومين|أسبوع|أسبوعين|شهر|شهرين|ثلاثة|أربعة|خمسة|ستة|سبعة|ثمانية|تسعة|عشرة|عدة|بضعة"
)
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
# Parts of a month (days) and of a year (months) for "early/mid/late".
PART_OF_MONTH = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
PART_OF_YEAR = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
PART_WORDS = {
    "early": "early", "beginning of": "early", "start of": "early", "the beginning of": "early", "the start of": "early",
    "mid": "mid", "mid-": "mid", "middle of": "mid", "the middle of": "mid",
    "late": "late", "end of": "late", "the end of": "late",
    "أوائل": "early", "اوائل": "early", "مطلع": "early", "بداية": "early", "أول": "early",
    "منتصف": "mid", "أواسط": "mid", "اواسط": "mid",
    "أواخر": "late", "اواخر": "late", "نهاية": "late", "أواخر شهر": "late",
}  # fmt: skip


def month_end(year: int, month: int) -> dt.date:
    """Return the last day of a month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_part(year: int, month: int, part: str) -> tuple[dt.date, dt.date]:
    """Return the days of the early, mid or late part of a month (1-10, 11-20, 21-end)."""
    first, last = PART_OF_MONTH[part]
    return dt.date(year, month, first), month_end(year, month) if part == "late" else dt.date(year, month, last)


def year_part(year: int, part: str) -> tuple[dt.date, dt.date]:
    """Return the months of the early, mid or late part of a year (Jan-Apr, May-Aug, Sep-Dec)."""
    first, last = PART_OF_YEAR[part]
    return dt.date(year, first, 1), month_end(year, last)


def last_weekday(on_or_before: dt.date, weekday: int) -> dt.date:
    """Return the latest day with ``weekday`` (Monday 0) on or before a date."""
    return on_or_before - dt.timedelta(days=(on_or_before.weekday() - weekday) % 7)
