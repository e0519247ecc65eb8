"""The open-end rule (dataset/lifespan.py) against an independent reading of data/README.md."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from dataset.lifespan import Lifespan, effective_span, phase, publication_day
from dataset.model import Dataset
from tests.time_rule import expected_phase, expected_spans

D = dt.date


def test_every_claim_type_says_event_or_state(dataset: Dataset) -> None:
    kinds = {t.id: t.time_kind for t in dataset.types.values()}
    assert set(kinds.values()) == {"event", "state"}
    # The issue's own examples.
    assert {kinds[t] for t in ("withdrawal", "air-strike", "evacuation", "declaration", "territory-handover")} == {"event"}
    assert {kinds[t] for t in ("presence", "supply-line", "headquarters")} == {"state"}


def test_every_claim_follows_the_readme_rule(dataset: Dataset) -> None:
    expected = expected_spans()
    got = {}
    for claim in dataset.claims:
        span = effective_span(dataset, claim)
        got[claim.id] = (span.start.isoformat() if span.start else None, span.end.isoformat() if span.end else None, span.end_basis)
    assert got == expected


def test_no_event_with_a_start_stays_open(dataset: Dataset) -> None:
    for claim in dataset.claims:
        span = effective_span(dataset, claim)
        if span.time_kind == "event" and not span.undated:
            assert span.end is not None, claim.id


def test_real_cases_read_as_an_analyst_expects(dataset: Dataset) -> None:
    by_id = {c.id: c for c in dataset.claims}
    # A Noon Post withdrawal "from 6 December": the article has no date, so the quote's own date ends it.
    span = effective_span(dataset, by_id["noonpost-withdrawal-to-iraq-via-albukamal"])
    assert (span.start, span.end, span.end_basis) == (D(2024, 12, 6), D(2024, 12, 6), "last_dated")
    # The same evacuation also quoted from EUAA footnote 531: last reported on the latest work cited there.
    span = effective_span(dataset, by_id["noonpost-evacuation-via-hmeimim"])
    cited = [publication_day(s.date) for s in dataset.cited_works("euaa-2025", 531)]
    assert span.end_basis == "last_reported"
    assert span.end == max(d for d in cited if d)
    assert "last reported" in span.label()
    # A state "since 2013" with an undated source stays open and says so.
    span = effective_span(dataset, by_id["noonpost-fighters-funneled-from-iraq"])
    assert (span.end, span.end_basis) == (None, "open")
    assert "open" in span.label()


def test_geojson_carries_the_effective_span(built_dist: Path) -> None:
    expected = expected_spans()
    seen = 0
    for path in (built_dist / "layers").glob("*.geojson"):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            if "span_end" not in p:
                continue  # overlays and context layers without claims
            start, end, basis = expected[p["claim_id"]]
            assert (p["span_end"], p["end_basis"]) == (end, basis), (path.name, p["id"])
            assert p["date_start"] == start
            seen += 1
    assert seen > 50


def test_csv_carries_the_effective_span(built_dist: Path) -> None:
    expected = expected_spans()
    with (built_dist / "militia_map.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert rows
    for row in rows:
        _, end, basis = expected[row["claim_id"]]
        assert (row["span_end"] or None, row["end_basis"]) == (end, basis), row["claim_id"]


def _span(start: D | None, end: D | None, basis: str = "stated") -> Lifespan:
    return Lifespan(start, end, basis, None, "event")


@pytest.mark.parametrize(
    ("start", "end", "day", "window"),
    [
        (D(2024, 12, 6), D(2024, 12, 6), D(2024, 12, 6), 7),  # starts and ends today: new
        (D(2024, 12, 6), None, D(2024, 12, 12), 7),  # 6 days after the start: still new
        (D(2024, 12, 6), None, D(2024, 12, 13), 7),  # 7 days after: the window (D-7, D] excludes it
        (D(2024, 12, 6), None, D(2024, 12, 7), 1),  # window 1: only the start day is new
        (D(2024, 12, 6), D(2024, 12, 10), D(2024, 12, 11), 7),  # ended yesterday, although started in the window
        (D(2024, 12, 6), D(2024, 12, 10), D(2024, 12, 5), 7),  # not yet
        (None, D(2024, 12, 10), D(2013, 1, 1), 7),  # open start: ongoing, never new
        (None, None, D(2024, 12, 8), 7),  # undated
    ],
)
def test_phase_at_its_edges(start: D | None, end: D | None, day: D, window: int) -> None:
    span = _span(start, end, "undated" if start is None and end is None else "stated")
    got = phase(span, day, window)
    assert got == expected_phase(start.isoformat() if start else None, end.isoformat() if end else None, day, window)


def test_phase_names_at_the_edges() -> None:
    # Written out by hand, so the oracle itself is checked too.
    s = _span(D(2024, 12, 6), D(2024, 12, 13))
    assert [phase(s, D(2024, 12, d)) for d in (5, 6, 12, 13, 14)] == ["not_yet", "new", "new", "ongoing", "ended"]
    assert phase(_span(None, None, "undated"), D(2024, 12, 8)) == "undated"


@pytest.mark.parametrize(
    ("text", "day"),
    [("2025-03", D(2025, 3, 31)), ("2024-02", D(2024, 2, 29)), ("2024", D(2024, 12, 31)), ("2024-12-09", D(2024, 12, 9)), ("", None), ("n.d.", None)],
)
def test_publication_day_is_the_last_possible_day(text: str, day: D | None) -> None:
    assert publication_day(text) == day
