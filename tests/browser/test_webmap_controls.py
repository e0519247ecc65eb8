"""The analyst's controls in a real browser: date, search, filters, story, permalink and About.

Expected results are computed here from the GeoJSON files, the dataset and geo.names, not read
back from the page's own code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pyproj import Geod

from dataset import Dataset
from dataset._timeline import story_claims
from geo.gazetteer import Gazetteer
from geo.names import normalize_name
from renderers.webmap.screenshot import OfflinePage, offline_page
from tests.time_rule import expected_spans

pytestmark = pytest.mark.browser
LAYERS = ("countrywide", "uncertainty", "presence", "movements", "strikes", "risks", "sites")
READY = "() => Boolean(window.militiaMap && window.militiaMap.ready === true)"
SHOWN = "() => Object.fromEntries(Object.keys(militiaMap.layers).map((k) => [k, militiaMap.shownIds(k).sort()]))"


def wait_for_popup_of(page: Any, feature_id: str) -> None:
    """Wait until an open popup shows ``feature_id`` (a closed popup fades out for a moment first)."""
    page.wait_for_function(
        "(id) => [...document.querySelectorAll('.leaflet-popup-content')].some((p) => p.textContent.includes('id: ' + id))", arg=feature_id, timeout=5_000
    )


def _features(built_dist: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: json.loads((built_dist / "layers" / f"{name}.geojson").read_text(encoding="utf-8"))["features"] for name in LAYERS}


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def expected_on(features: dict[str, list[dict[str, Any]]], day: dt.date, *, fade: bool, undated: bool) -> dict[str, list[str]]:
    """The ids each layer should show on ``day``: spans covering it, ended ones if faded, undated ones if asked.

    The end is the effective one, computed from data/ by the README's rule (tests/time_rule.py).
    """
    spans = expected_spans()
    out = {}
    for name, feats in features.items():
        keep = []
        for f in feats:
            p = f["properties"]
            start, end = _day(p["date_start"]), _day(spans[p["claim_id"]][1])
            if start is None and end is None:
                ok = undated
            elif start is not None and start > day:
                ok = False
            elif end is not None and end < day:
                ok = fade
            else:
                ok = True
            if ok:
                keep.append(p["id"])
        out[name] = sorted(keep)
    return out


@pytest.mark.parametrize("stop", range(6))
def test_quick_stops_show_the_claims_whose_span_covers_the_day(map_page: OfflinePage, built_dist: Path, dataset: Dataset, stop: int) -> None:
    page = map_page.page
    stops = dataset.timeline.stops
    if stop >= len(stops):
        pytest.skip("fewer stops in the data")
    day = stops[stop].date
    page.click(".mm-time-toggle")  # the quick stops open folded behind "More"
    page.click(f".mm-stop[data-date='{day.isoformat()}']")
    features = _features(built_dist)
    assert page.evaluate(SHOWN) == expected_on(features, day, fade=True, undated=True)
    # The claim that grounds the stop is among the current (not faded) marks.
    phases = page.evaluate(
        "(cid) => Object.entries(militiaMap.layers).flatMap(([k, e]) => e.features.filter((f) => f.properties.claim_id === cid).map((f) => f.phase))",
        stops[stop].claim,
    )
    assert phases, f"stop {stops[stop].id}: its claim draws nothing"
    assert set(phases) == {"current"}


def test_ended_claims_fade_or_hide_and_undated_can_be_hidden(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    features = _features(built_dist)
    page.fill(".mm-time-date", "2024-12-10")
    page.dispatch_event(".mm-time-date", "change")
    assert page.evaluate("() => militiaMap.state.date") == "2024-12-10"
    day = dt.date(2024, 12, 10)
    assert page.evaluate(SHOWN) == expected_on(features, day, fade=True, undated=True)
    spans = expected_spans()
    ends = {f["properties"]["id"]: _day(spans[f["properties"]["claim_id"]][1]) for f in features["movements"]}
    ended = [fid for fid, end in ends.items() if end and end < day]
    assert ended, "the data should have movements that ended before 10 Dec 2024"
    opacity = page.evaluate("(id) => militiaMap.layers.movements.features.find((f) => f.id === id).layer.getLayers().map((l) => l.options.opacity)", ended[0])
    assert max(opacity) < 0.5, "an ended movement must be drawn faded"
    page.click(".mm-time-toggle")  # the options open folded behind "More"
    page.uncheck(".mm-opt-ended input")
    assert page.evaluate(SHOWN) == expected_on(features, day, fade=False, undated=True)
    page.uncheck(".mm-opt-undated input")
    assert page.evaluate(SHOWN) == expected_on(features, day, fade=False, undated=False)
    page.click("text=All dates")
    assert page.evaluate(SHOWN) == {name: sorted(f["properties"]["id"] for f in feats) for name, feats in features.items()}


def test_slider_moves_the_date(map_page: OfflinePage) -> None:
    page = map_page.page
    slider = ".mm-time-slider"
    page.focus(slider)
    page.keyboard.press("Home")
    first = page.evaluate("() => militiaMap.state.date")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("() => militiaMap.state.date")
    assert first is not None
    assert second is not None
    assert dt.date.fromisoformat(second) - dt.date.fromisoformat(first) == dt.timedelta(days=1)


@pytest.mark.parametrize("query", ["Abu Kamal", "Al-Bukamal", "Albu Kamal", "البوكمال", "abou kemal"])
def test_search_finds_a_place_in_any_spelling_zooms_and_opens_it(map_page: OfflinePage, dataset: Dataset, query: str) -> None:
    page = map_page.page
    place = dataset.gazetteer.lookup_place("Al-Bukamal")
    page.fill(".mm-search-input", query)
    page.click(f".mm-search-results button[data-place='{place.id}']")
    page.wait_for_selector(".leaflet-popup-content .mm-place")
    card = page.inner_text(".leaflet-popup-content")
    assert place.name in card
    centre = page.evaluate("() => { const c = militiaMap.map.getCenter(); return [c.lat, c.lng, militiaMap.map.getZoom()]; }")
    distance = Geod(ellps="WGS84").inv(place.lon, place.lat, centre[1], centre[0])[2]
    assert distance < 2_000, f"map centred {distance:.0f} m from {place.name}"
    assert centre[2] >= 9


def test_enter_in_search_goes_to_the_best_match(map_page: OfflinePage) -> None:
    page = map_page.page
    page.fill(".mm-search-input", "Damascus")
    page.press(".mm-search-input", "Enter")
    page.wait_for_selector(".leaflet-popup-content .mm-place")
    assert "Damascus" in page.inner_text(".leaflet-popup-content .mm-title")


def test_page_keys_names_as_geo_names_does(map_page: OfflinePage, dataset: Dataset) -> None:
    """The page's name normalisation agrees with geo.names on every spelling in the gazetteer."""
    names = sorted({n for place in dataset.gazetteer for n in Gazetteer.names_of(place)})
    page_keys = map_page.page.evaluate("(names) => names.map((n) => militiaMap.normalizeName(n))", names)
    mismatches = [(n, k, normalize_name(n)) for n, k in zip(names, page_keys, strict=True) if k != normalize_name(n)]
    assert mismatches == []


def test_place_card_lists_marks_that_open_their_popup(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    page.fill(".mm-search-input", "Damascus")
    page.press(".mm-search-input", "Enter")
    page.wait_for_selector(".mm-place-features button")
    ref = page.get_attribute(".mm-place-features button", "data-feature")
    layer, fid = ref.split("/", 1)
    page.click(".mm-place-features button")
    wait_for_popup_of(page, fid)
    ids = {f["properties"]["id"] for f in _features(built_dist)[layer]}
    assert fid in ids


def test_filters_combine_with_each_other_and_the_layer_switches(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    features = _features(built_dist)
    page.click(".mm-filters > summary")
    page.click(".mm-filter-actors > summary")
    page.click(".mm-filter-actors .mm-filter-tools button:text('none')")
    page.check(".mm-filter-actors input[value='Hezbollah']")
    expected = {name: sorted(f["properties"]["id"] for f in feats if "Hezbollah" in json.loads(f["properties"]["actors"])) for name, feats in features.items()}
    assert page.evaluate(SHOWN) == expected
    page.click(".mm-filter-statuses > summary")
    page.uncheck(".mm-filter-statuses input[value='reported']")
    expected = {
        name: sorted(f["properties"]["id"] for f in feats if "Hezbollah" in json.loads(f["properties"]["actors"]) and f["properties"]["status"] != "reported")
        for name, feats in features.items()
    }
    assert page.evaluate(SHOWN) == expected
    page.click(".mm-layers > summary")  # the layer list opens folded
    page.uncheck("input[data-layer='movements']")
    assert page.evaluate(SHOWN)["movements"] == []
    assert page.evaluate(SHOWN)["presence"] == expected["presence"]
    counts = page.inner_text("input[data-layer='presence'] ~ .mm-count")
    assert counts == f"({len(expected['presence'])} of {len(features['presence'])})"


def test_type_filter(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    features = _features(built_dist)
    page.evaluate("() => militiaMap.setState({types: ['withdrawal']})")
    shown = page.evaluate(SHOWN)
    assert shown == {name: sorted(f["properties"]["id"] for f in feats if f["properties"]["type"] == "withdrawal") for name, feats in features.items()}
    assert shown["movements"], "withdrawals are drawn as movements"


def test_story_walks_the_withdrawal_in_date_order_with_the_keyboard(map_page: OfflinePage, dataset: Dataset) -> None:
    page = map_page.page
    story = dataset.timeline.story
    assert story is not None
    page.click(".mm-story-start")
    steps = page.evaluate("() => militiaMap.story.steps.map((s) => [s.claim_id, s.start])")
    ids = [c.id for c in story_claims(dataset.claims, story)]
    assert [s[0] for s in steps] == [i for i in ids if i in {s[0] for s in steps}]
    drawn_or_unmapped = {c.id for c in dataset.claims if c.unmapped or c.id in ids}
    assert {s[0] for s in steps} <= drawn_or_unmapped
    assert len(steps) >= 20
    starts = [s[1] for s in steps]
    assert starts == sorted(starts)
    seen = []
    for i in range(len(steps)):
        state = page.evaluate("() => [militiaMap.story.index(), militiaMap.state.date]")
        assert state == [i, steps[i][1]]
        assert f"step {i + 1} of {len(steps)}" in page.text_content(".mm-story")
        features = page.evaluate("(i) => militiaMap.story.steps[i].features", i)
        panel = page.text_content(".mm-story")
        if features:
            # The step shows the claim's card (its first mark's popup content) and rings every mark on the map.
            assert f"id: {features[0][1]}" in panel
            claim = next(c for c in dataset.claims if c.id == steps[i][0])
            assert claim.evidence[0].quote in panel
            # Country-wide claims are listed, not drawn: nothing of theirs to ring.
            drawn = [ref for ref in features if not page.evaluate("(l) => Boolean(militiaMap.layers[l].panel)", ref[0])]
            assert page.evaluate("() => militiaMap.map.getContainer().querySelectorAll('.leaflet-mm-data-labels-pane path').length") >= len(drawn)
        else:
            assert "Not on the map" in panel
            assert f"id: {steps[i][0]}" in panel
        seen.append(i)
        page.keyboard.press("ArrowRight")
    assert page.evaluate("() => militiaMap.story.index()") == len(steps) - 1, "Right at the last step stays there"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => militiaMap.story.index()") == len(steps) - 2
    page.keyboard.press("Escape")
    assert page.evaluate("() => militiaMap.story.index()") is None
    assert not page.is_visible(".mm-story")


def test_permalink_restores_the_exact_view(chromium: str, built_dist: Path) -> None:
    with offline_page(chromium) as first:
        first.open(built_dist / "index.html")
        page = first.page
        page.evaluate(
            """() => {
              militiaMap.setVisible('risks', false);
              militiaMap.setState({date: '2024-12-06', actors: ['IRGC', 'Hezbollah'], statuses: ['reported', 'claimed'], ended: 'hide'});
              militiaMap.map.setView([34.9, 37.4], 9, {animate: false});
            }"""
        )
        page.click(".mm-layers > summary")  # the layer list opens folded
        page.uncheck(".mm-layers .mm-group:last-of-type input")  # town labels off
        page.click(".mm-time-toggle")  # the link button sits behind "More"
        page.click("text=Link to this view")
        link = page.input_value(".mm-link-text")
        before = page.evaluate(
            """() => ({centre: militiaMap.map.getCenter(), zoom: militiaMap.map.getZoom(), state: militiaMap.state,
                        on: Object.keys(militiaMap.layers).filter((k) => militiaMap.isVisible(k)), shown: Object.fromEntries(
                        Object.keys(militiaMap.layers).map((k) => [k, militiaMap.shownIds(k).sort()]))})"""
        )
        assert page.url == link, "the address bar carries the view too"
    with offline_page(chromium) as second:
        second.page.goto(link)
        second.page.wait_for_function(READY)
        after = second.page.evaluate(
            """() => ({centre: militiaMap.map.getCenter(), zoom: militiaMap.map.getZoom(), state: militiaMap.state,
                        on: Object.keys(militiaMap.layers).filter((k) => militiaMap.isVisible(k)), shown: Object.fromEntries(
                        Object.keys(militiaMap.layers).map((k) => [k, militiaMap.shownIds(k).sort()]))})"""
        )
        towns = second.page.evaluate(
            "() => [militiaMap.map.getContainer().querySelectorAll('.mm-town').length,"
            " document.querySelector('.mm-layers .mm-group:last-of-type input').checked]"
        )
        assert towns == [0, False], "town labels stay off, and their box says so"
        assert second.console_errors == []
    assert after["zoom"] == before["zoom"] == 9
    assert after["centre"]["lat"] == pytest.approx(before["centre"]["lat"], abs=1e-4)
    assert after["centre"]["lng"] == pytest.approx(before["centre"]["lng"], abs=1e-4)
    assert after["state"] == before["state"]
    assert after["on"] == before["on"]
    assert "risks" not in after["on"]
    assert after["shown"] == before["shown"]
    assert after["state"]["date"] == "2024-12-06"


def test_permalink_reopens_a_popup(chromium: str, built_dist: Path) -> None:
    with offline_page(chromium) as first:
        first.open(built_dist / "index.html")
        fid = first.page.evaluate("() => militiaMap.layers.sites.features[0].id")
        first.page.evaluate("(id) => militiaMap.openPopup('sites', id)", fid)
        link = first.page.evaluate("() => militiaMap.permalink()")
    with offline_page(chromium) as second:
        second.page.goto(link)
        second.page.wait_for_function(READY)
        wait_for_popup_of(second.page, fid)


def test_about_panel_says_method_sources_version_and_disclaimer(map_page: OfflinePage, dataset: Dataset) -> None:
    page = map_page.page
    page.click(".mm-about-open")
    text = page.text_content(".mm-modal")
    flat = " ".join(text.split())
    for src in dataset.sources.values():
        assert " ".join(src.citation_text().split()) in flat, src.id
    assert dataset.info.version in text
    assert dataset.info.as_of.isoformat() in text
    assert " ".join(dataset.info.disclaimer.split()) in flat
    assert "Method" in text
    first_method = dataset.info.method.split("\n\n")[0]
    assert " ".join(first_method.split()) in flat
    assert "built" in text
    page.keyboard.press("Escape")
    assert not page.is_visible(".mm-modal")


def test_arabic_names_run_right_to_left(map_page: OfflinePage, dataset: Dataset) -> None:
    page = map_page.page
    page.click(".mm-about-open")
    cells = page.evaluate(
        """() => [...document.querySelectorAll('.mm-about-places td.mm-ar')].filter((td) => td.textContent)
                 .map((td) => [td.textContent, getComputedStyle(td).direction])"""
    )
    arabic = {n for place in dataset.gazetteer for n in place.arabic_names}
    assert cells, "no Arabic names shown"
    assert all(direction == "rtl" for _, direction in cells)
    assert {name for text, _ in cells for name in text.split("\u060c ")} <= arabic
    page.keyboard.press("Escape")
    page.fill(".mm-search-input", "البوكمال")
    direction = page.evaluate("() => getComputedStyle(document.querySelector('.mm-search-results .mm-result-ar')).direction")
    assert direction == "rtl"


def test_corroborated_filter_popup_and_link(chromium: str, built_dist: Path) -> None:
    """ "Only corroborated claims" keeps the marks whose GeoJSON says corroborated (>= 2 independent works, not contested)."""
    features = _features(built_dist)
    expected = {name: sorted(f["properties"]["id"] for f in feats if f["properties"].get("corroborated") is True) for name, feats in features.items()}
    assert any(expected.values()), "the data hold corroborated claims"
    with offline_page(chromium) as first:
        first.open(built_dist / "index.html")
        page = first.page
        page.click(".mm-filters > summary")
        page.check(".mm-opt-corroborated input")
        assert page.evaluate(SHOWN) == expected
        fid = expected["movements"][0]
        page.evaluate("(id) => militiaMap.openPopup('movements', id)", fid)
        popup = page.locator(".leaflet-popup-content .mm-popup")
        popup.wait_for()
        props = next(f["properties"] for f in features["movements"] if f["properties"]["id"] == fid)
        works = json.loads(props["independent_works"])
        assert f"Independent sources{props['corroboration']} ({'; '.join(works)}): corroborated" in popup.inner_text().replace("\n", "")
        link = page.evaluate("() => militiaMap.permalink()")
        assert "c2=1" in link
    with offline_page(chromium) as second:
        second.page.goto(link)
        second.page.wait_for_function(READY)
        assert second.page.evaluate(SHOWN) == expected
        assert second.page.is_checked(".mm-opt-corroborated input")


def test_about_panel_gives_credits_and_lists_every_claim_not_on_the_map(map_page: OfflinePage, built_dist: Path) -> None:
    import csv  # noqa: PLC0415 - only this test reads the CSV

    page = map_page.page
    page.click(".mm-about-open")
    with (built_dist / "claims_not_on_map.csv").open(encoding="utf-8-sig", newline="") as fh:
        left = {row["claim_id"]: row for row in csv.DictReader(fh)}
    assert left, "the real data has claims that name no place"
    listed = page.evaluate("() => [...document.querySelectorAll('[data-section=\"not-on-map\"] li[data-claim]')].map((li) => li.dataset.claim)")
    assert sorted(listed) == sorted(left)
    note = page.text_content("[data-section='not-on-map'] .mm-exclusion") or ""
    assert re.search(r"\d+ claims? (is|are) not on this map", note), note
    credit_lines = page.evaluate("() => [...document.querySelectorAll('.mm-about-credits li')].map((li) => li.textContent)")
    joined = " ".join(credit_lines)
    for word in ("dataset version", "Natural Earth", "GeoNames", "schematic"):
        assert word in joined, (word, credit_lines)
