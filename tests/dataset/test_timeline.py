"""The timeline of the web map's date control: stops at the sources' turning points, each grounded in a claim."""

from __future__ import annotations

import datetime as dt

from dataset._timeline import story_claims
from dataset.model import Dataset

# The turning points the analysts asked for (issue 6): 2013, 2017, 27 Nov, 6 Dec, 8 Dec, 14 Dec 2024.
ASKED = {"2013", "2017", "2024-11-27", "2024-12-06", "2024-12-08", "2024-12-14"}


def test_stops_cover_the_turning_points_asked_for(dataset: Dataset) -> None:
    stops = dataset.timeline.stops
    found = {s.date.isoformat() if s.date.year == 2024 else str(s.date.year) for s in stops}
    assert found >= ASKED


def test_every_stop_shows_the_claim_that_grounds_it(dataset: Dataset) -> None:
    claims = {c.id: c for c in dataset.claims}
    for stop in dataset.timeline.stops:
        claim = claims[stop.claim]
        start, end = claim.time.start, claim.time.end
        assert start is None or start <= stop.date, stop.id
        assert end is None or stop.date <= end, stop.id


def test_stops_are_in_date_order(dataset: Dataset) -> None:
    dates = [s.date for s in dataset.timeline.stops]
    assert dates == sorted(dates)


def test_story_is_every_claim_starting_in_its_window_in_date_order(dataset: Dataset) -> None:
    story = dataset.timeline.story
    assert story is not None
    steps = story_claims(dataset.claims, story)
    expected = {c.id for c in dataset.claims if c.time.start and story.start <= c.time.start <= story.end}
    assert {c.id for c in steps} == expected
    starts = [c.time.start or dt.date.max for c in steps]
    assert starts == sorted(starts)
    # The withdrawal's key day-precision events are steps.
    ids = [c.id for c in steps]
    assert "noonpost-irgc-hq-mezzeh-closed" in ids
    assert "euaa-sharaa-declares-end-of-iran-presence" in ids
    assert ids.index("noonpost-irgc-hq-mezzeh-closed") < ids.index("euaa-sharaa-declares-end-of-iran-presence")
