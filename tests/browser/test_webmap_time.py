"""New, ongoing and ended in the page: its classes equal the README's rule, read independently.

The expected class of every feature on a day is computed here from the GeoJSON files
(``dist/layers/*.geojson``) and ``tests/time_rule.py`` (which reads data/'s YAML itself), never
from the page's code or ``dataset/lifespan.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dataset import Dataset
from dataset.lifespan import METHOD_TIME
from layers.style import PHASE_STYLES
from renderers.webmap.screenshot import OfflinePage
from tests.browser.test_webmap_controls import wait_for_popup_of
from tests.time_rule import expected_phase, expected_spans

pytestmark = pytest.mark.browser
LAYERS = ("countrywide", "uncertainty", "presence", "movements", "strikes", "risks", "sites")
CLASSES = "() => Object.fromEntries(Object.keys(militiaMap.layers).map((k) => [k, militiaMap.classes(k)]))"


def features(built_dist: Path) -> dict[str, list[dict[str, Any]]]:
    """Every layer's GeoJSON features, as the build wrote them."""
    return {name: json.loads((built_dist / "layers" / f"{name}.geojson").read_text(encoding="utf-8"))["features"] for name in LAYERS}


def expected_classes(feats: dict[str, list[dict[str, Any]]], day: dt.date, window: int = 7) -> dict[str, dict[str, str]]:
    """The class of each feature on ``day``: its start as the GeoJSON says, its end by the README's rule."""
    spans = expected_spans()
    return {
        name: {f["properties"]["id"]: expected_phase(f["properties"]["date_start"], spans[f["properties"]["claim_id"]][1], day, window) for f in fs}
        for name, fs in feats.items()
    }


def expected_halos(feats: dict[str, list[dict[str, Any]]], classes: dict[str, dict[str, str]], on: dict[str, bool]) -> list[str]:
    """The marks that get the new-halo: new ones of drawn layers (no panel list, no uncertainty circle)."""
    drawn = [name for name in classes if on[name] and name not in ("countrywide", "uncertainty")]
    return sorted(f"{name}/{fid}" for name in drawn for fid, c in classes[name].items() if c == "new")


def popup_text(page: Any, feature_id: str) -> str:
    """The text of the open popup that shows ``feature_id``."""
    texts = page.evaluate("() => [...document.querySelectorAll('.leaflet-popup-content')].map((p) => p.textContent)")
    return next((t for t in texts if f"id: {feature_id}" in t), "")


def choose_day(page: Any, day: str) -> None:
    """Pick a day with the date field, as a reader does."""
    page.fill(".mm-time-date", day)
    page.dispatch_event(".mm-time-date", "change")


def test_every_quick_stop_classes_marks_as_the_rule_does(map_page: OfflinePage, built_dist: Path, dataset: Dataset) -> None:
    page = map_page.page
    feats = features(built_dist)
    page.click(".mm-time-toggle")
    on = page.evaluate("() => Object.fromEntries(Object.keys(militiaMap.layers).map((k) => [k, militiaMap.isVisible(k)]))")
    assert dataset.timeline.stops, "the data should have quick stops"
    seen: set[str] = set()
    for stop in dataset.timeline.stops:
        page.click(f".mm-stop[data-date='{stop.date.isoformat()}']")
        want = expected_classes(feats, stop.date)
        assert page.evaluate(CLASSES) == want, f"stop {stop.id} ({stop.date})"
        assert sorted(page.evaluate("() => militiaMap.haloIds()")) == expected_halos(feats, want, on), f"halos at stop {stop.id}"
        seen |= {c for cls in want.values() for c in cls.values()}
        # The date bar counts the three phases of the marks shown (circles repeat their points and are not counted).
        counted = [c for name, cls in want.items() if name != "uncertainty" and on[name] for c in cls.values()]
        summary = page.text_content(".mm-time-summary") or ""
        for phase, words in (("new", "new"), ("ongoing", "ongoing"), ("ended", "ended")):
            found = re.search(rf"(\d+) {words}", summary)
            assert found, f"the summary names no {words} count: {summary!r}"
            assert int(found.group(1)) == counted.count(phase), f"stop {stop.id}: {summary!r}"
    assert {"new", "ongoing", "ended"} <= seen, f"the stops should show each phase at least once, saw {seen}"


@pytest.mark.parametrize("window", [1, 30])
def test_the_window_decides_what_is_new(map_page: OfflinePage, built_dist: Path, dataset: Dataset, window: int) -> None:
    page = map_page.page
    feats = features(built_dist)
    stop = dataset.timeline.stops[-1]
    page.click(".mm-time-toggle")
    page.click(f".mm-stop[data-date='{stop.date.isoformat()}']")
    page.select_option(".mm-window", str(window))
    want = expected_classes(feats, stop.date, window)
    assert page.evaluate(CLASSES) == want
    assert want != expected_classes(feats, stop.date, 7) or window == 7, "the window should change some class on this stop"
    assert f"w={window}" in page.evaluate("() => location.hash")


def test_a_link_with_a_window_restores_its_classes(chromium: str, built_dist: Path, dataset: Dataset) -> None:
    from renderers.webmap.screenshot import offline_page  # noqa: PLC0415

    day = dataset.timeline.stops[0].date
    with offline_page(chromium) as view:
        view.open(built_dist / "index.html", f"#d={day.isoformat()}&w=30")
        assert view.page.evaluate(CLASSES) == expected_classes(features(built_dist), day, 30)
        assert view.page.input_value(".mm-window") == "30"
        assert view.page_errors == []


def test_ended_and_new_marks_are_drawn_faded_and_haloed(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    day = dt.date(2024, 12, 8)
    choose_day(page, day.isoformat())
    want = expected_classes(features(built_dist), day)
    ended = [fid for fid, c in want["movements"].items() if c == "ended"]
    new = [fid for fid, c in want["movements"].items() if c == "new"]
    ongoing = [fid for fid, c in want["movements"].items() if c == "ongoing"]
    assert ended, "some movements should have ended by 8 Dec 2024"
    assert new, "some movements should be new on 8 Dec 2024"
    opacity = "(id) => Math.max(...militiaMap.layers.movements.features.find((f) => f.id === id).layer.getLayers().map((l) => l.options.opacity))"
    assert page.evaluate(opacity, ended[0]) <= PHASE_STYLES["ended"].opacity + 0.01
    if ongoing:
        assert page.evaluate(opacity, ongoing[0]) > 0.5
    # The halo is drawn in PHASE_STYLES["new"]'s colour, on its own pane under the marks.
    halo = page.evaluate(
        "() => { const h = []; militiaMap.map.eachLayer((l) => {"
        " const r = l.options && l.options.renderer; if (r && r.options.pane === 'mm-halos' && l.options.color) { h.push(l.options.color); } }); return h; }"
    )
    assert halo, "no halo drawn for the new marks"
    assert set(halo) == {PHASE_STYLES["new"].halo}


def test_popup_and_legend_say_last_reported_and_reported_as_of(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    day = dt.date(2024, 12, 20)
    choose_day(page, day.isoformat())
    spans = expected_spans()
    feats = features(built_dist)
    drawn = [f["properties"] for name in ("movements", "presence", "strikes", "risks") for f in feats[name]]
    event = next(p for p in drawn if spans[p["claim_id"]][2] == "last_reported" and (spans[p["claim_id"]][1] or "") < day.isoformat())
    state = next(p for p in drawn if spans[p["claim_id"]][2] == "as_of_source")
    layer_of = {p["id"]: name for name in ("movements", "presence", "strikes", "risks") for p in (f["properties"] for f in feats[name])}
    assert page.evaluate("([l, id]) => militiaMap.openPopup(l, id)", [layer_of[event["id"]], event["id"]])
    wait_for_popup_of(page, event["id"])
    text = popup_text(page, event["id"])
    assert "last reported" in text
    assert f"ended before {day.day} Dec {day.year} (faded)" in text
    assert event["span_label"] in text
    page.evaluate("() => { militiaMap.map.closePopup(); }")
    assert page.evaluate("([l, id]) => militiaMap.openPopup(l, id)", [layer_of[state["id"]], state["id"]])
    wait_for_popup_of(page, state["id"])
    assert "reported as of" in popup_text(page, state["id"])
    legend = page.text_content(".mm-legend-day") or ""
    for style in ("new", "ongoing", "ended"):
        assert PHASE_STYLES[style].label in legend
    assert "last reported <date>" in legend
    assert "reported as of <date>" in legend
    assert page.is_visible(".mm-legend-day .mm-legend-row") or not page.is_visible(".mm-legend-body")
    assert not page.is_visible(".mm-legend-compare .mm-legend-row"), "the compare rows show only when comparing"


def test_about_panel_gives_the_time_method(map_page: OfflinePage) -> None:
    page = map_page.page
    page.click(".mm-about-open")
    assert page.text_content(".mm-method-time") == METHOD_TIME
