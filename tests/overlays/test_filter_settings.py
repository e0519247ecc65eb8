"""data/overlays/overlays.yaml: its checks (one message per bad setting) and the events it keeps, counted independently."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from overlays import load_overlays
from overlays.config import load_filter
from overlays.problems import OverlayProblem

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "data" / "overlays" / "overlays.yaml"
ACTOR_COLUMNS = ["actor1", "assoc_actor_1", "actor2", "assoc_actor_2"]


def write_settings(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "overlays.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def good() -> dict[str, object]:
    return {"countries": ["Syria"], "dates": {"start": "2022-01-01", "end": "2022-12-31"}, "actors": {"label": "Hezbollah", "pattern": "Hezbollah"}}


def expected_ids(csv_path: Path, countries: list[str], start: str, end: str, pattern: str) -> list[str]:
    """The event ids a filter should keep, computed with pandas (not the overlay code)."""
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    in_country = frame["country"].str.lower().isin([c.lower() for c in countries])
    in_window = (frame["event_date"] >= start) & (frame["event_date"] <= end)  # ISO dates sort as text
    actor = pd.concat([frame[c].str.contains(pattern, case=False, regex=True) for c in ACTOR_COLUMNS], axis=1).any(axis=1)
    return sorted(frame.loc[in_country & in_window & actor, "event_id_cnty"])


def test_the_committed_settings_are_valid():
    problems: list[OverlayProblem] = []
    rule = load_filter(SETTINGS, SETTINGS.name, problems)
    assert problems == []
    assert rule is not None
    assert "Syria" in rule.countries
    assert rule.start <= dt.date(2013, 1, 1)  # the map's whole period
    assert rule.end >= dt.date(2024, 12, 31)


def test_committed_settings_keep_the_pro_iran_events(acled_csv):
    doc = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    overlay = load_overlays([acled_csv], SETTINGS)
    assert overlay is not None
    want = expected_ids(acled_csv, doc["countries"], str(doc["dates"]["start"]), str(doc["dates"]["end"]), doc["actors"]["pattern"])
    assert sorted(e.event_id for e in overlay.events) == want
    assert len(want) == 6  # 6 of the 307 events name a pro-Iran militia, the PMF, Nujaba or the IRGC
    assert overlay.files[0].n_read == 307
    assert overlay.files[0].n_kept == 6
    # "Shuhada Badr" (a Syrian National Army faction) must not pass for the Iraqi Badr Organization.
    assert not any("Shuhada Badr" in e.actors() for e in overlay.events)


@pytest.mark.parametrize(
    ("countries", "start", "end", "pattern"),
    [
        (["Syria"], "2022-01-01", "2022-12-31", "."),
        (["syria"], "2022-03-01", "2022-03-31", "."),
        (["Syria"], "2022-01-01", "2022-06-30", "Military Forces of Turkey"),
        (["Syria"], "2022-05-07", "2022-05-07", "QSD|Islamic State"),
        (["Iraq", "Lebanon"], "2022-01-01", "2022-12-31", "."),
    ],
)
def test_filter_counts_match_an_independent_count(acled_csv, tmp_path, countries, start, end, pattern):
    settings = write_settings(tmp_path, {"countries": countries, "dates": {"start": start, "end": end}, "actors": {"label": "test", "pattern": pattern}})
    overlay = load_overlays([acled_csv], settings)
    assert overlay is not None
    assert sorted(e.event_id for e in overlay.events) == expected_ids(acled_csv, countries, start, end, pattern)
    assert [(e.event_date, e.event_id) for e in overlay.events] == sorted((e.event_date, e.event_id) for e in overlay.events)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"countries": []}, "countries", "must be a list of ACLED country names"),
        ({"countries": "Syria"}, "countries", "must be a list of ACLED country names"),
        ({"dates": {"start": "2022-01-01"}}, "dates", "must give start and end"),
        ({"dates": {"start": "2022-02-30", "end": "2022-12-31"}}, "dates.start", "is not a date"),
        ({"dates": {"start": "2023-01-01", "end": "2022-12-31"}}, "dates", "is after end"),
        ({"actors": {"label": "x", "pattern": "Kata(ib"}}, "actors.pattern", "is not a regular expression"),
        ({"actors": "Hezbollah"}, "actors", "must give a pattern and a label"),
        ({"colour": "red"}, "colour", "is not a setting"),
    ],
)
def test_one_message_per_bad_setting(tmp_path, change, field, words):
    path = write_settings(tmp_path, good() | change)
    problems: list[OverlayProblem] = []
    assert load_filter(path, path.name, problems) is None or field == "colour"
    assert [(p.file, p.column) for p in problems] == [("overlays.yaml", field)]
    assert words in str(problems[0])
    assert str(problems[0]).startswith(f"overlays.yaml: setting {field!r}: ")


def test_bad_yaml_is_a_message(tmp_path):
    path = tmp_path / "overlays.yaml"
    path.write_text("countries: [Syria\n", encoding="utf-8")
    problems: list[OverlayProblem] = []
    assert load_filter(path, path.name, problems) is None
    assert len(problems) == 1
    assert "cannot read the settings" in str(problems[0])


def test_good_settings_fix_the_problem(tmp_path):
    path = write_settings(tmp_path, good())
    problems: list[OverlayProblem] = []
    rule = load_filter(path, path.name, problems)
    assert problems == []
    assert rule is not None
    assert re.compile(rule.actor_pattern).pattern == "Hezbollah"


def test_settings_are_checked_even_without_overlay_files(tmp_path):
    from overlays import OverlayError  # noqa: PLC0415

    bad = write_settings(tmp_path, good() | {"countries": []})
    with pytest.raises(OverlayError) as info:
        load_overlays([], bad)
    assert [p.column for p in info.value.problems] == ["countries"]
    assert load_overlays([], write_settings(tmp_path, good())) is None
