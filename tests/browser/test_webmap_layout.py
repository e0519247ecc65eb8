"""Map-first layout, measured in a real browser as the page opens: at 1400x900 and on a phone.

Panel areas are the bounding boxes the browser reports; their union is computed here with
shapely, independently of the page's own layout code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import shapely
from shapely.geometry import box

from layers.style import VIEW_SYRIA
from renderers.webmap.screenshot import PHONE_VIEWPORT, VIEWPORT, OfflinePage, offline_page

pytestmark = pytest.mark.browser

# Every box the page lays over the map: Leaflet controls (panels, zoom, scale, credits), the
# phone's dock, the story card and the About dialog, where shown.
PANEL_RECTS = """
() => {
  const root = militiaMap.map.getContainer();
  const nodes = [...root.querySelectorAll('.leaflet-control-container .leaflet-control, .mm-dock, .mm-story, .mm-modal')];
  const shown = nodes.filter((n) => {
    const s = getComputedStyle(n);
    return s.display !== 'none' && s.visibility !== 'hidden' && n.getClientRects().length;
  });
  const r = root.getBoundingClientRect();
  return {
    map: [r.left, r.top, r.right, r.bottom],
    panels: shown.map((n) => { const b = n.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }),
  };
}
"""
VIEW_ON_SCREEN = """
([w, s, e, n]) => {
  const map = militiaMap.map, a = map.latLngToContainerPoint([n, w]), b = map.latLngToContainerPoint([s, e]);
  const r = map.getContainer().getBoundingClientRect();
  return [r.left + a.x, r.top + a.y, r.left + b.x, r.top + b.y];
}
"""


def _unobscured(page: Any, area: list[float] | None = None) -> float:
    """Return the share of the map (or of ``area`` on screen) that no panel covers."""
    rects = page.evaluate(PANEL_RECTS)
    target = box(*rects["map"]) if area is None else box(*area).intersection(box(*rects["map"]))
    covered = shapely.union_all([box(*p) for p in rects["panels"]]).intersection(target)
    return 1.0 - covered.area / target.area


@pytest.fixture
def phone_page(chromium: str, built_dist: Path) -> Iterator[OfflinePage]:
    """The built map on a phone: 390 x 844, touch, mobile viewport."""
    with offline_page(chromium, phone=True) as view:
        view.open(built_dist / "index.html")
        yield view


def test_laptop_opens_with_three_quarters_of_the_map_clear(map_page: OfflinePage) -> None:
    page = map_page.page
    assert page.viewport_size == VIEWPORT
    share = _unobscured(page)
    assert share >= 0.75, f"panels cover {1 - share:.0%} of the map at 1400x900"


def test_laptop_panels_open_folded_to_one_line(map_page: OfflinePage) -> None:
    page = map_page.page
    for selector in (".mm-layers", ".mm-filters", ".mm-about", ".mm-time"):
        height = page.evaluate("(q) => document.querySelector(q).getBoundingClientRect().height", selector)
        assert height <= 48, f"{selector} opens {height:.0f} px tall, more than one line"
    assert not page.is_visible(".mm-time-stops"), "the quick stops open folded"
    page.click(".mm-time-toggle")
    assert page.is_visible(".mm-time-stops")
    assert page.get_attribute(".mm-time-toggle", "aria-expanded") == "true"


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_opening_view_shows_syria_lebanon_and_the_crossings_clear_of_panels(request: pytest.FixtureRequest, size: str) -> None:
    page = request.getfixturevalue("map_page" if size == "laptop" else "phone_page").page
    west, south, east, north = VIEW_SYRIA
    bounds = page.evaluate("() => { const b = militiaMap.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    assert bounds[0] <= west, f"view {bounds} cuts off the west of {VIEW_SYRIA}"
    assert bounds[1] <= south, f"view {bounds} cuts off the south of {VIEW_SYRIA}"
    assert bounds[2] >= east, f"view {bounds} cuts off the east of {VIEW_SYRIA}"
    assert bounds[3] >= north, f"view {bounds} cuts off the north of {VIEW_SYRIA}"
    # Not a small patch: the view box spans most of the map's width or height.
    on_screen = page.evaluate(VIEW_ON_SCREEN, list(VIEW_SYRIA))
    size_px = page.viewport_size
    assert max((on_screen[2] - on_screen[0]) / size_px["width"], (on_screen[3] - on_screen[1]) / size_px["height"]) >= 0.6
    share = _unobscured(page, on_screen)
    assert share >= 0.85, f"panels cover {1 - share:.0%} of Syria and Lebanon on opening ({size})"


def test_phone_shows_most_of_the_map(phone_page: OfflinePage) -> None:
    page = phone_page.page
    assert page.viewport_size == PHONE_VIEWPORT
    assert page.evaluate("() => matchMedia('(pointer: coarse)').matches"), "the phone context must be a touch device"
    share = _unobscured(page)
    assert share >= 0.60, f"panels cover {1 - share:.0%} of the map on a phone"


def test_phone_panels_open_one_at_a_time_as_a_bottom_sheet(phone_page: OfflinePage) -> None:
    page = phone_page.page
    width, height = PHONE_VIEWPORT["width"], PHONE_VIEWPORT["height"]
    open_panels = "() => [...document.querySelectorAll('.mm-dock > details[open], .mm-dock > .mm-time.mm-open')].map((d) => d.className)"
    assert page.evaluate(open_panels) == []
    for selector in (".mm-layers", ".mm-legend", ".mm-filters"):
        page.tap(f"{selector} > summary")
        opened = page.evaluate(open_panels)
        assert len(opened) == 1, f"after opening {selector}: {opened} open"
        assert selector[1:] in opened[0]
        sheet = page.evaluate("(q) => { const b = document.querySelector(q).getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }", selector)
        assert sheet[0] >= 0, f"{selector} sheet {sheet} leaves the screen"
        assert sheet[2] <= width, f"{selector} sheet {sheet} leaves the screen"
        assert sheet[3] <= height, f"{selector} sheet {sheet} leaves the screen"
        assert sheet[1] >= height * 0.4, f"{selector} sheet climbs above the lower 60% of the screen: {sheet}"
        dock_bottom = page.evaluate("() => document.querySelector('.mm-dock').getBoundingClientRect().bottom")
        assert dock_bottom == pytest.approx(height, abs=1), "the sheet sits on the bottom edge"
    page.tap(".mm-time-toggle")
    assert page.evaluate(open_panels) == ["mm-panel mm-time leaflet-control mm-open"]


def _fits(rect: list[float]) -> bool:
    return rect[0] >= 0 and rect[1] >= 0 and rect[2] <= PHONE_VIEWPORT["width"] and rect[3] <= PHONE_VIEWPORT["height"]


RECT = "(q) => { const n = document.querySelector(q); const b = n.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }"


def test_phone_popups_and_story_card_fit_the_screen(phone_page: OfflinePage, built_dist: Path) -> None:
    page = phone_page.page
    # The longest popup of each layer (most evidence) must fit.
    for layer in ("movements", "presence", "sites"):
        fid = page.evaluate(
            "(l) => militiaMap.layers[l].features.slice().sort((a, b) => b.properties.ev.length - a.properties.ev.length)[0].id",
            layer,
        )
        assert page.evaluate("([l, f]) => militiaMap.openPopup(l, f)", [layer, fid])
        page.wait_for_timeout(350)  # autopan
        rect = page.evaluate(RECT, ".leaflet-popup-content-wrapper")
        assert _fits(rect), f"{layer}/{fid} popup {rect} does not fit the phone's screen"
        # Nothing lies over it: not the title and search above, not the dock below.
        covered = shapely.union_all([box(*p) for p in page.evaluate(PANEL_RECTS)["panels"]]).intersection(box(*rect)).area
        assert covered <= 0.02 * box(*rect).area, f"{layer}/{fid} popup is {covered / box(*rect).area:.0%} under the panels"
        page.evaluate("() => { militiaMap.map.closePopup(); }")
    page.tap(".mm-story-start")
    for _ in range(3):
        rect = page.evaluate(RECT, ".mm-story")
        assert _fits(rect), f"story card {rect} does not fit the phone's screen"
        assert rect[1] >= PHONE_VIEWPORT["height"] * 0.4, "the story card leaves the upper part of the map visible"
        page.tap(".mm-story-nav [data-step='1']")


def _slider_x(page: Any, fraction: float) -> tuple[float, float]:
    rect = page.evaluate(RECT, ".mm-time-slider")
    return rect[0] + fraction * (rect[2] - rect[0]), (rect[1] + rect[3]) / 2


def test_phone_date_slider_works_by_touch(phone_page: OfflinePage) -> None:
    page = phone_page.page
    assert page.evaluate("() => militiaMap.state.date") is None
    x, y = _slider_x(page, 0.2)
    page.touchscreen.tap(x, y)
    tapped = page.evaluate("() => militiaMap.state.date")
    assert tapped is not None, "a tap on the slider picks a date"
    # Drag the thumb with real touch events (Chrome DevTools Protocol), from 20% to 80% along.
    cdp = page.context.new_cdp_session(page)
    x0, _ = _slider_x(page, 0.2)
    x1, _ = _slider_x(page, 0.8)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    steps = 12
    for i in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x0 + (x1 - x0) * i / steps, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    dragged = page.evaluate("() => militiaMap.state.date")
    assert dragged is not None
    assert dragged > tapped, f"dragging right moves the date later ({tapped} -> {dragged})"
    shown = page.input_value(".mm-time-date")
    assert shown == dragged, "the date box follows the slider"


def test_phone_opening_view_is_fitted_to_syria_and_lebanon_not_wider(phone_page: OfflinePage) -> None:
    """Upright, the phone's width binds: Syria, Lebanon and the crossings (VIEW_SYRIA) fill it edge to edge, bar a margin."""
    page = phone_page.page
    west, _south, east, _north = VIEW_SYRIA
    bounds = page.evaluate("() => { const b = militiaMap.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    assert bounds[0] <= west
    assert bounds[2] >= east
    assert (bounds[2] - bounds[0]) <= 1.08 * (east - west), f"phone opens {bounds[2] - bounds[0]:.2f} deg wide for a {east - west:.2f} deg box"
    on_screen = page.evaluate(VIEW_ON_SCREEN, list(VIEW_SYRIA))
    width = page.evaluate("() => militiaMap.map.getContainer().getBoundingClientRect().width")
    assert (on_screen[2] - on_screen[0]) / width >= 0.92
