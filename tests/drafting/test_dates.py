"""Dates read into the claim time model; durations flagged, never dated."""

from __future__ import annotations

import datetime as dt

import pytest

from drafting.dates import parse_citation_date, read_dates

# 10 December 2024 was a Tuesday (independent fact: the fall of Assad, Sunday 8 December 2024).
REPORT = dt.date(2024, 12, 10)


def _time(text: str, report_date: dt.date | None = REPORT) -> dict[str, object]:
    return read_dates(text, report_date=report_date).time


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("on 5 December 2024 they left", "2024-12-05", "2024-12-05", "day"),
        ("on December 5, 2024 they left", "2024-12-05", "2024-12-05", "day"),
        ("in early December 2024", "2024-12-01", "2024-12-10", "approximate"),
        ("by mid-December 2024", "2024-12-11", "2024-12-20", "approximate"),
        ("in late February 2024", "2024-02-21", "2024-02-29", "approximate"),  # leap year
        ("in late 2023", "2023-09-01", "2023-12-31", "approximate"),
        ("in March 2011", "2011-03-01", "2011-03-31", "month"),
        ("in 2013", "2013-01-01", "2013-12-31", "year"),
        ("in Damascus in 2023 and 2024", "2023-01-01", "2024-12-31", "year"),
    ],
)
def test_english_absolute_dates(text: str, start: str, end: str, precision: str) -> None:
    time = _time(text)
    assert (time["start"], time["end"], time["precision"]) == (start, end, precision)


def test_since_opens_the_end_and_says_why() -> None:
    time = _time("Since 2017, Israel has launched strikes")
    assert time["start"] == "2017-01-01"
    assert "end" not in time
    assert time["basis"]
    assert _time("starting in early 2013, Tehran opened routes")["start"] == "2013-01-01"
    assert "end" not in _time("starting in early 2013, Tehran opened routes")


def test_weekday_is_the_last_one_on_or_before_the_report_date() -> None:
    time = _time("On Friday the militias left")
    assert time["start"] == time["end"] == "2024-12-06"
    assert dt.date.fromisoformat(str(time["start"])).weekday() == 4
    assert "report" in str(time["basis"])


def test_weekday_without_report_date_gives_no_date() -> None:
    reading = read_dates("On Friday the militias left", report_date=None)
    assert reading.time["precision"] == "unknown"
    assert reading.others == ["On Friday"]


def test_overnight_alone_and_with_a_day() -> None:
    alone = _time("Strikes hit Homs overnight")
    assert (alone["start"], alone["end"], alone["precision"]) == ("2024-12-09", "2024-12-10", "approximate")
    with_day = _time("Overnight on 1 December 2024 they crossed")
    assert (with_day["start"], with_day["end"]) == ("2024-12-01", "2024-12-02")


def test_yesterday_through_dateparser() -> None:
    assert _time("Yesterday they left")["start"] == "2024-12-09"
    assert _time("غادروا أمس")["start"] == "2024-12-09"


@pytest.mark.parametrize("text", ["They will all leave within ten days.", "over the past two weeks", "خلال عشرة أيام", "in a few days"])
def test_durations_are_flagged_never_dated(text: str) -> None:
    reading = read_dates(text, report_date=REPORT)
    assert reading.durations
    assert reading.time["precision"] == "unknown"


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("في 5 كانون الأول 2024", "2024-12-05", "2024-12-05", "day"),
        ("في ٥ ديسمبر ٢٠٢٤", "2024-12-05", "2024-12-05", "day"),  # Arabic-Indic digits
        ("في أوائل كانون الأول/ديسمبر 2024", "2024-12-01", "2024-12-10", "approximate"),
        ("في منتصف تشرين الثاني 2024", "2024-11-11", "2024-11-20", "approximate"),
        ("في شباط 2024", "2024-02-01", "2024-02-29", "month"),
        ("في أواخر عام 2023", "2023-09-01", "2023-12-31", "approximate"),
        ("في عام 2013", "2013-01-01", "2013-12-31", "year"),
    ],
)
def test_arabic_dates(text: str, start: str, end: str, precision: str) -> None:
    time = _time(text)
    assert (time["start"], time["end"], time["precision"]) == (start, end, precision)


def test_arabic_weekday_and_since() -> None:
    assert _time("يوم الجمعة انسحبت القوات")["start"] == "2024-12-06"
    since = _time("منذ عام 2017 تشن إسرائيل غارات")
    assert since["start"] == "2017-01-01"
    assert "end" not in since


def test_levantine_pair_that_disagrees_is_not_a_day() -> None:
    assert _time("في 5 كانون الأول/نوفمبر 2024")["precision"] != "day"


def test_no_date() -> None:
    assert _time("Iran expressed firm support.") == {"precision": "unknown", "as_written": "(no date in the text)"}


def test_citation_dates() -> None:
    assert parse_citation_date("9 December 2024") == "2024-12-09"
    assert parse_citation_date("December 17, 2024") == "2024-12-17"
    assert parse_citation_date("March 2025") == "2025-03"
    assert parse_citation_date("2024") == "2024"


def test_the_next_morning_is_the_day_after_the_day_read_before_it() -> None:
    reading = read_dates("On December 5, 2024 he was told to report the next morning.", report_date=None)
    assert reading.time["start"] == "2024-12-05"  # the sentence's first date stays its time
    assert reading.last is not None
    assert (reading.last["start"], reading.last["end"], reading.last["precision"]) == ("2024-12-06", "2024-12-06", "day")
    assert "December 5, 2024" in reading.last["basis"]
    leap = read_dates("They arrived on 28 February 2024 and left the following day.", report_date=None).last
    assert leap is not None
    assert leap["start"] == "2024-02-29"


def test_arabic_next_day() -> None:
    reading = read_dates("اتصلوا به في 31 كانون الأول 2024 وطلبوا حضوره صباح اليوم التالي.", report_date=None)
    assert reading.last is not None
    assert reading.last["start"] == "2025-01-01"


def test_the_next_day_without_a_day_before_it_gives_no_date() -> None:
    reading = read_dates("They left the next morning.", report_date=REPORT)
    assert reading.time["precision"] == "unknown"
    assert reading.others == ["the next morning"]
    assert reading.last is None


def test_by_a_date_with_a_beginning_opens_the_end() -> None:
    """ "By December 6, 2024, the militias began pulling out": under way from that date, no end given."""
    time = _time("By December 6, 2024, as opposition gains continued, the militias began pulling out in groups.")
    assert (time["start"], time["precision"]) == ("2024-12-06", "approximate")
    assert "end" not in time
    assert "began" in str(time["basis"])
    ar = _time("بحلول 6 كانون الأول/ديسمبر 2024 بدأت الميليشيات بالانسحاب على دفعات.")
    assert (ar["start"], ar["precision"]) == ("2024-12-06", "approximate")
    assert "end" not in ar
    # without a beginning, "by" keeps the date's own span
    plain = _time("By December 6, 2024, the militias had left.")
    assert (plain["start"], plain["end"], plain["precision"]) == ("2024-12-06", "2024-12-06", "day")
