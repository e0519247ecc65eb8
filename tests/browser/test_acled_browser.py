"""The ACLED overlay in a real browser: every kept event drawn, its popup names the event, ACLED is credited on the map and in About."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from renderers.webmap.screenshot import OfflinePage, offline_page

pytestmark = pytest.mark.browser
CREDIT = "Armed Conflict Location & Event Data (ACLED); www.acleddata.com"

# Centre the map on one ACLED event at zoom 10; return its screen point (page coordinates).
SCREEN_POINT = """
([id]) => {
  const app = window.militiaMap, map = app.map;
  const f = app.layers.acled.features.find((x) => x.id === id);
  map.setView(f.latlng, 10, { animate: false });
  const p = map.latLngToContainerPoint(f.latlng), box = map.getContainer().getBoundingClientRect();
  return { x: box.left + p.x, y: box.top + p.y };
}
"""


@pytest.fixture
def acled_page(chromium: str, acled_dist: Path) -> Iterator[OfflinePage]:
    """The overlay build's index.html, loaded offline."""
    with offline_page(chromium) as view:
        view.open(acled_dist / "index.html")
        yield view


def _kept_ids(acled_dist: Path) -> list[str]:
    collection = json.loads((acled_dist / "layers" / "acled.geojson").read_text(encoding="utf-8"))
    return sorted(f["id"] for f in collection["features"])


def test_every_kept_event_is_drawn_and_shown(acled_page, acled_dist):
    page = acled_page.page
    ids = _kept_ids(acled_dist)
    assert len(ids) == 6
    assert sorted(page.evaluate("() => militiaMap.layers.acled.features.map((f) => f.id)")) == ids
    assert sorted(page.evaluate("() => militiaMap.shownIds('acled')")) == ids
    assert acled_page.page_errors == []
    assert acled_page.blocked == []


def test_claim_filters_leave_the_overlay_alone_but_the_date_does_not(acled_page, acled_dist):
    page = acled_page.page
    ids = _kept_ids(acled_dist)
    page.evaluate("() => militiaMap.setState({ statuses: ['contested'], actors: ['Israel'] })")
    assert sorted(page.evaluate("() => militiaMap.shownIds('acled')")) == ids
    page.evaluate("() => militiaMap.setState({ statuses: null, actors: null, date: '2022-05-07' })")
    current = page.evaluate("() => militiaMap.layers.acled.features.filter((f) => f.phase === 'current').map((f) => f.id)")
    assert current == ["SYR101018"]  # the one kept event dated 7 May 2022 (time precision 1: that day only)
    shown = set(page.evaluate("() => militiaMap.shownIds('acled')"))
    assert shown == {"SYR97619", "SYR99737", "SYR100255", "SYR101018"}  # later events hidden; earlier ones faded as ended
    page.evaluate("() => militiaMap.setState({ date: '2021-12-31' })")
    assert page.evaluate("() => militiaMap.shownIds('acled')") == []


def test_clicking_an_event_opens_its_acled_popup(acled_page, acled_dist):
    page = acled_page.page
    for event_id in _kept_ids(acled_dist):
        point = page.evaluate(SCREEN_POINT, [event_id])
        page.mouse.click(point["x"], point["y"])
        page.wait_for_timeout(400)
        popup = page.locator(".leaflet-popup-content .mm-overlay-popup")
        if popup.count() == 0 or event_id not in popup.inner_text():  # a claim's mark lies on top here: try the next event
            continue
        text = popup.inner_text()
        assert "ACLED event (overlay), not a curated claim" in text
        assert "Fatalities" in text
        assert "ACLED sources" in text
        assert CREDIT in text
        return
    pytest.fail("no ACLED event could be clicked open")


def test_popup_by_id_shows_event_fields(acled_page):
    page = acled_page.page
    assert page.evaluate("() => militiaMap.openPopup('acled', 'SYR97619')")
    text = page.inner_text(".leaflet-popup-content")
    for words in ("SYR97619", "2022-01-06", "Harakat Hezbollah Al Nujaba", "Masrab", "Liveuamap; Facebook; SOHR", "not a curated claim"):
        assert words in text


def test_attribution_is_visible_on_the_map_and_in_about(acled_page):
    page = acled_page.page
    credit = page.locator(".leaflet-control-attribution")
    assert credit.is_visible()
    assert CREDIT in credit.inner_text()
    assert "data as of 2022-07-11" in credit.inner_text()
    page.evaluate("() => militiaMap.openAbout()")  # (the legend can cover the About button at this window size)
    about = page.locator("[data-overlay='acled']")
    assert about.is_visible()
    assert CREDIT in about.inner_text()
    assert "never counted as corroboration" in about.inner_text()
