"""Compare two dates in the page: only at A, at both, only at B, and what changed between them.

Expected classes and changes are computed here from ``dist/layers/*.geojson`` and
``tests/time_rule.py`` (the README's rule, read from data/'s YAML), not from the page's code.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from layers.style import COMPARE_STYLES
from renderers.webmap.screenshot import OfflinePage
from tests.browser.test_webmap_time import CLASSES, features
from tests.time_rule import expected_spans

pytestmark = pytest.mark.browser
PAIRS = [("2024-11-27", "2024-12-14"), ("2024-12-06", "2024-12-08")]
CLAIM_LAYERS = ("movements", "strikes", "presence", "risks", "countrywide")


def covers(start: str | None, end: str | None, day: str) -> bool:
    """Whether an effective span covers ``day`` (ISO texts compare as dates); undated spans cover none."""
    if start is None and end is None:
        return False
    return not (start is not None and start > day) and not (end is not None and end < day)


def expected_compare(feats: dict[str, list[dict[str, Any]]], a: str, b: str) -> dict[str, dict[str, str]]:
    """Each feature's class between ``a`` and ``b``: only_a, both, only_b or neither."""
    spans = expected_spans()
    out: dict[str, dict[str, str]] = {}
    for name, fs in feats.items():
        out[name] = {}
        for f in fs:
            p = f["properties"]
            start, end = p["date_start"], spans[p["claim_id"]][1]
            at_a, at_b = covers(start, end, a), covers(start, end, b)
            out[name][p["id"]] = "both" if at_a and at_b else "only_a" if at_a else "only_b" if at_b else "neither"
    return out


def expected_changes(feats: dict[str, list[dict[str, Any]]], a: str, b: str) -> dict[str, str]:
    """``claim id -> started / ended / started and ended`` for claims that started (a < start <= b) or ended (a <= end < b)."""
    spans = expected_spans()
    out: dict[str, str] = {}
    for name in CLAIM_LAYERS:
        for f in feats[name]:
            p = f["properties"]
            start, end = p["date_start"], spans[p["claim_id"]][1]
            started = start is not None and a < start <= b
            ended = end is not None and a <= end < b
            if started or ended:
                out[p["claim_id"]] = "started and ended" if started and ended else "started" if started else "ended"
    return out


def compare_in_page(page: Any, a: str, b: str) -> None:
    """Open the Compare panel, tick the box and type the two dates, as a reader does."""
    if not page.evaluate("() => document.querySelector('.mm-compare').open"):
        page.click(".mm-compare > summary")
    page.fill(".mm-compare-a input", a)
    page.fill(".mm-compare-b input", b)
    if not page.is_checked(".mm-opt-compare input"):
        page.check(".mm-opt-compare input")
    else:
        page.dispatch_event(".mm-compare-b input", "change")


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_compare_classes_and_change_list_equal_the_rule(map_page: OfflinePage, built_dist: Path, a: str, b: str) -> None:
    page = map_page.page
    feats = features(built_dist)
    compare_in_page(page, a, b)
    assert page.evaluate("() => militiaMap.state.compare") == {"a": a, "b": b}
    want = expected_compare(feats, a, b)
    assert page.evaluate(CLASSES) == want
    assert {c for cls in want.values() for c in cls.values()} >= {"only_a", "both", "only_b"} or (a, b) == PAIRS[1]
    # Only the marks at A or B are shown; the rest hidden.
    shown = page.evaluate("() => Object.fromEntries(Object.keys(militiaMap.layers).map((k) => [k, militiaMap.shownIds(k).sort()]))")
    assert shown == {name: sorted(fid for fid, c in cls.items() if c != "neither") for name, cls in want.items()}
    # The list: one row per claim that started or ended between A and B.
    rows = page.eval_on_selector_all(".mm-changes-list .mm-change", "(els) => els.map((e) => [e.getAttribute('data-claim'), e.getAttribute('data-change')])")
    assert len(rows) == len({r[0] for r in rows}), "a claim is listed more than once"
    assert dict(rows) == expected_changes(feats, a, b)
    assert rows, f"something should change between {a} and {b}"
    assert f"({len(rows)})" in (page.text_content(".mm-changes-title") or "")
    # Each row gives its claim's quotes and citations (as the GeoJSON has them).
    by_claim = {f["properties"]["claim_id"]: f["properties"] for name in CLAIM_LAYERS for f in feats[name]}
    for claim_id, _ in rows[:6]:
        row = page.locator(f".mm-change[data-claim='{claim_id}']")
        text = row.text_content() or ""
        for entry in json.loads(by_claim[claim_id]["evidence"]):
            assert entry["quote"][:80] in text
            assert (entry["source_title"] or entry["source_id"]) in text
    # Its button opens the claim's popup.
    first = rows[0][0]
    page.click(f".mm-change[data-claim='{first}'] .mm-change-open")
    page.wait_for_function("() => document.querySelector('.leaflet-popup-content, .mm-countrywide .mm-current')")
    target = page.get_attribute(f".mm-change[data-claim='{first}'] .mm-change-open", "data-feature") or ""
    layer, _, fid = target.partition("/")
    if layer == "countrywide":
        assert page.get_attribute(".mm-countrywide .mm-current", "data-feature") == fid
    else:
        assert f"id: {fid}" in (page.text_content(".leaflet-popup-content") or "")
    assert map_page.page_errors == []


def test_compare_styles_follow_compare_styles_and_the_legend_names_them(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    a, b = PAIRS[0]
    compare_in_page(page, a, b)
    want = expected_compare(features(built_dist), a, b)
    only_a = next(fid for fid, c in want["movements"].items() if c == "only_a")
    both = next(fid for fid, c in want["movements"].items() if c == "both")
    style = "(id) => militiaMap.layers.movements.features.find((f) => f.id === id).layer.getLayers().map((l) => [l.options.opacity, l.options.dashArray])"
    faded = page.evaluate(style, only_a)
    assert max(o for o, _ in faded) <= COMPARE_STYLES["only_a"].opacity + 0.01
    assert all(d == COMPARE_STYLES["only_a"].dash for _, d in faded)
    assert max(o for o, _ in page.evaluate(style, both)) > 0.5
    halos = sorted(page.evaluate("() => militiaMap.haloIds()"))
    on = page.evaluate("() => Object.fromEntries(Object.keys(militiaMap.layers).map((k) => [k, militiaMap.isVisible(k)]))")
    drawn = [n for n in want if on[n] and n not in ("countrywide", "uncertainty")]
    assert halos == sorted(f"{n}/{fid}" for n in drawn for fid, c in want[n].items() if c == "only_b")
    legend = page.text_content(".mm-legend-compare") or ""
    for key in ("only_a", "both", "only_b"):
        assert COMPARE_STYLES[key].label in legend
    if page.is_visible(".mm-legend-body"):
        assert page.is_visible(".mm-legend-compare .mm-legend-row")
        assert not page.is_visible(".mm-legend-day .mm-legend-row")


def test_a_compare_link_restores_the_same_classes(map_page: OfflinePage, built_dist: Path) -> None:
    page = map_page.page
    a, b = PAIRS[0]
    compare_in_page(page, a, b)
    link = page.evaluate("() => location.hash")
    assert f"cmp={a},{b}" in link
    classes = page.evaluate(CLASSES)
    fresh = page.context.new_page()  # a second tab opens the link
    fresh.goto((built_dist / "index.html").resolve().as_uri() + link)
    fresh.wait_for_function("() => Boolean(window.militiaMap && window.militiaMap.ready === true)", timeout=30_000)
    assert fresh.evaluate("() => militiaMap.state.compare") == {"a": a, "b": b}
    assert fresh.evaluate(CLASSES) == classes
    fresh.click(".mm-compare > summary")
    assert fresh.is_checked(".mm-opt-compare input")
    assert fresh.input_value(".mm-compare-a input") == a
    assert fresh.input_value(".mm-compare-b input") == b
    fresh.close()
    # Picking a day leaves the comparison.
    page.fill(".mm-time-date", "2024-12-08")
    page.dispatch_event(".mm-time-date", "change")
    assert page.evaluate("() => militiaMap.state.compare") is None
    assert "cmp=" not in page.evaluate("() => location.hash")
    assert dt.date.fromisoformat(page.evaluate("() => militiaMap.state.date")) == dt.date(2024, 12, 8)
