"""Reading ACLED exports: both actor-type styles and both date forms, and one clear message per problem."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from overlays import OverlayError, load_overlays
from overlays.problems import ECHO_MAX, OverlayProblem
from overlays.read import read_acled_csv
from overlays.validate import parse_acled_date, parse_table

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "data" / "overlays" / "overlays.yaml"
# ACLED's actor types by code, as its codebook lists them (written out here, not taken from the code).
TEXT_LABELS = {
    "0": "", "1": "State forces", "2": "Rebel group", "3": "Political militia", "4": "Identity militia",
    "5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces",
}  # fmt: skip
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def raw_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Return the header and rows of a CSV as plain text (the test's own reading)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    """Write rows under ``header`` as a CSV and return its path."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def today_style(row: dict[str, str]) -> dict[str, str]:
    """Return ``row`` as today's ACLED exports write it: text actor types, dates like '07 May 2022'."""
    day = dt.date.fromisoformat(row["event_date"])
    out = dict(row)
    out["event_date"] = f"{day.day:02d} {MONTH_NAMES[day.month - 1]} {day.year}"
    out["inter1"], out["inter2"] = TEXT_LABELS[row["inter1"]], TEXT_LABELS[row["inter2"]]
    return out


def problems_of(path: Path) -> list[OverlayProblem]:
    """Return every problem reading and checking ``path`` finds."""
    problems: list[OverlayProblem] = []
    table = read_acled_csv(path, path.name, problems)
    if table is not None:
        parse_table(table, problems)
    return problems


@pytest.fixture(scope="module")
def acled_rows(acled_csv: Path) -> tuple[list[str], list[dict[str, str]]]:
    return raw_rows(acled_csv)


def test_old_numeric_codes_read_all_307_events(acled_csv, acled_rows):
    problems: list[OverlayProblem] = []
    table = read_acled_csv(acled_csv, acled_csv.name, problems)
    assert table is not None
    events = parse_table(table, problems)
    assert problems == []
    _, rows = acled_rows
    assert len(events) == len(rows) == 307
    by_id = {e.event_id: e for e in events}
    for row in rows:
        event = by_id[row["event_id_cnty"]]
        assert event.event_date.isoformat() == row["event_date"]
        assert (event.lat, event.lon) == (float(row["latitude"]), float(row["longitude"]))
        assert event.inter1 == TEXT_LABELS[row["inter1"]]
        assert event.inter2 == TEXT_LABELS[row["inter2"]]
        assert event.notes == row["notes"].strip()


def test_text_labels_and_long_dates_read_the_same_events(acled_csv, acled_rows, tmp_path):
    header, rows = acled_rows
    converted = write_rows(tmp_path / "acled_today.csv", header, [today_style(r) for r in rows])
    assert "May 2022" in converted.read_text(encoding="utf-8")  # the copy really is in the other style
    old, new = [], []
    for path, out in ((acled_csv, old), (converted, new)):
        problems: list[OverlayProblem] = []
        table = read_acled_csv(path, path.name, problems)
        assert table is not None
        out.extend(parse_table(table, problems))
        assert problems == []
    strip = [{k: v for k, v in vars(e).items() if k != "file"} for e in old]
    assert strip == [{k: v for k, v in vars(e).items() if k != "file"} for e in new]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2022-05-07", dt.date(2022, 5, 7)), ("07 May 2022", dt.date(2022, 5, 7)), ("7 may 2022", dt.date(2022, 5, 7)),
     ("15 Sep 2022", dt.date(2022, 9, 15)), ("31 December 2021", dt.date(2021, 12, 31))],
)  # fmt: skip
def test_both_date_forms(text, expected):
    assert parse_acled_date(text) == expected


@pytest.mark.parametrize("text", ["2022-02-30", "31 June 2022", "07 Mai 2022", "May 2022", "07/05/2022", "2022-5-7", "", "07 Ma 2022"])
def test_bad_dates_are_none(text):
    assert parse_acled_date(text) is None


def _one_bad(acled_rows, tmp_path: Path, column: str, value: str) -> list[OverlayProblem]:
    header, rows = acled_rows
    bad = [dict(r) for r in rows[:5]]
    bad[2][column] = value
    return problems_of(write_rows(tmp_path / "bad.csv", header, bad))


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("latitude", "91.5", "outside -90 to 90"),
        ("latitude", "north", "is not a number"),
        ("longitude", "-181", "outside -180 to 180"),
        ("longitude", "", "the cell is empty"),
        ("latitude", "nan", "outside -90 to 90"),
        ("event_date", "2022-13-01", "is not a date"),
        ("event_date", "07 Mai 2022", "is not a date"),
        ("geo_precision", "4", "is not one of ACLED's codes 1, 2, 3"),
        ("time_precision", "day", "is not one of ACLED's codes 1, 2, 3"),
        ("inter1", "9", "is not an ACLED actor type"),
        ("inter2", "Freedom fighters", "is not an ACLED actor type"),
        ("event_type", "Skirmish", "is not an ACLED event type"),
        ("fatalities", "-3", "is not a whole number"),
    ],
)
def test_one_message_per_bad_cell_naming_file_row_column(acled_rows, tmp_path, column, value, words):
    problems = _one_bad(acled_rows, tmp_path, column, value)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.file, problem.row, problem.column) == ("bad.csv", 4, column)  # header is row 1, so the third event is row 4
    text = str(problem)
    assert text.startswith(f"bad.csv: row 4, column {column!r}: ")
    assert words in text
    assert "Hint: " in text


def test_a_long_bad_value_is_cut_to_80_characters(acled_rows, tmp_path):
    problems = _one_bad(acled_rows, tmp_path, "event_date", "x" * 500)
    assert len(problems) == 1
    assert "x" * (ECHO_MAX - 1) + "\u2026" in str(problems[0])
    assert "x" * ECHO_MAX not in str(problems[0])


def test_every_bad_row_is_reported_at_once(acled_rows, tmp_path):
    header, rows = acled_rows
    bad = [dict(r) for r in rows[:6]]
    bad[0]["latitude"], bad[3]["event_date"], bad[3]["longitude"] = "100", "yesterday", "east"
    problems = problems_of(write_rows(tmp_path / "bad.csv", header, bad))
    assert [(p.row, p.column) for p in problems] == [(2, "latitude"), (5, "event_date"), (5, "longitude")]


def test_missing_columns_one_message_each(acled_rows, tmp_path):
    header, rows = acled_rows
    keep = [h for h in header if h not in {"latitude", "geo_precision"}]
    path = write_rows(tmp_path / "cut.csv", keep, [{k: r[k] for k in keep} for r in rows[:3]])
    problems = problems_of(path)
    assert [(p.row, p.column) for p in problems] == [(1, "latitude"), (1, "geo_precision")]
    assert all("the header lacks this ACLED column" in str(p) for p in problems)


def test_not_an_acled_export_is_one_message(tmp_path):
    path = tmp_path / "gazetteer.csv"
    path.write_text("name,lat,lon\nDamascus,33.5,36.3\n", encoding="utf-8")
    problems = problems_of(path)
    assert len(problems) == 1
    assert "not an ACLED export" in str(problems[0])
    assert "'name,lat,lon'" in str(problems[0])


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    problems = problems_of(path)
    assert [str(p) for p in problems] == ["empty.csv: the file is empty. Hint: Export the events from ACLED again, with the header row."]


def test_non_utf8_file(acled_csv, tmp_path):
    path = tmp_path / "latin1.csv"
    text = acled_csv.read_text(encoding="utf-8").replace("Deir-ez-Zor", "Deir-ez-Zôr", 1)
    path.write_bytes(text.encode("latin-1", errors="replace"))
    problems = problems_of(path)
    assert len(problems) == 1
    assert "not UTF-8" in str(problems[0])
    assert "0xf4" in str(problems[0])


def test_utf8_with_bom_is_read(acled_csv, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + acled_csv.read_bytes())
    assert problems_of(path) == []


def test_repeated_event_id(acled_rows, tmp_path):
    header, rows = acled_rows
    problems = problems_of(write_rows(tmp_path / "twice.csv", header, [rows[0], rows[1], rows[0]]))
    assert len(problems) == 1
    assert (problems[0].row, problems[0].column) == (4, "event_id_cnty")
    assert "also in row 2" in str(problems[0])


def test_load_overlays_raises_with_every_problem_of_every_file(acled_rows, tmp_path):
    header, rows = acled_rows
    one = [dict(r) for r in rows[:3]]
    one[1]["latitude"] = "999"
    bad = write_rows(tmp_path / "one.csv", header, one)
    empty = tmp_path / "two.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(OverlayError) as info:
        load_overlays([bad, empty], SETTINGS)
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("one.csv", 3, "latitude"), ("two.csv", 0, "")]
