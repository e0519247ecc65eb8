"""A very long text shows its start and a button for the rest, in the popup and in the change list.

Chromium takes seconds to lay out a 100,000-character word of mixed scripts (Arabic and Latin
alternating: one bidi run every two characters), so a popup or a Compare change list that put
such a text in whole froze the page when opened. The page shows the start of such a text and
a "show all" button; the whole text is one click away, character for character.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataset import Dataset
from layers import Layer
from renderers.webmap import render_webmap
from renderers.webmap.screenshot import offline_page

pytestmark = pytest.mark.browser

# Alternating scripts with no break opportunity: the slowest kind of text to lay out.
LONG_SUMMARY = "summary " + "\u0645x" * 6_000
LONG_QUOTE = "quote " + "x\u0645" * 6_000 + " \U0001f600end"  # and a character outside the BMP
LAYER, ROW = "movements", 0


@pytest.fixture(scope="module")
def long_page(layers: list[Layer], dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The real web map with one movement's summary and its first quote 12,000 characters long."""
    changed = []
    fid = ""
    for layer in layers:
        if layer.name == LAYER:
            gdf = layer.gdf.copy()
            fid = str(gdf.iloc[ROW]["id"])
            evidence = json.loads(gdf.iloc[ROW]["evidence"])
            evidence[0]["quote"] = LONG_QUOTE
            gdf.loc[gdf.index[ROW], ["name", "summary", "evidence"]] = [LONG_SUMMARY, LONG_SUMMARY, json.dumps(evidence)]
            changed.append(Layer(gdf, layer.style))
        else:
            changed.append(layer)
    assert fid, f"no {LAYER} layer"
    page = render_webmap(changed, dataset, tmp_path_factory.mktemp("long"))[0]
    return page, fid


SHOWN = """(selector) => [...document.querySelectorAll(selector)].map((n) => ({
  text: n.textContent, clipped: n.getAttribute('data-clipped'), button: Boolean(n.querySelector('.mm-show-all')) }))"""


def _clipped_then_whole(page, selector: str, whole: str, limit: int) -> None:  # type: ignore[no-untyped-def]
    """The element at ``selector`` shows at most ``limit`` characters of ``whole``; its button shows all of it."""
    (node,) = [n for n in page.evaluate(SHOWN, selector) if n["clipped"]]
    assert node["clipped"] == str(len(whole)), "data-clipped should give the whole text's length"
    assert node["button"]
    head = node["text"].split("\u2026", 1)[0].lstrip("\u201c")
    assert 0 < len(head) <= limit
    assert whole.startswith(head)
    assert f"{len(whole):,} characters" in node["text"]
    page.click(f"{selector}[data-clipped] .mm-show-all")
    texts = [n["text"].strip("\u201c\u201d") for n in page.evaluate(SHOWN, selector)]
    assert whole in texts, "after 'show all' the whole text should be there, unchanged"
    assert not any(n["clipped"] for n in page.evaluate(SHOWN, selector))


def test_the_popup_shows_a_long_text_clipped_then_whole(chromium: str, long_page: tuple[Path, str]) -> None:
    path, fid = long_page
    with offline_page(chromium) as view:
        view.open(path)
        view.page.evaluate("([layer, id]) => militiaMap.openPopup(layer, id)", [LAYER, fid])
        _clipped_then_whole(view.page, ".leaflet-popup-content .mm-title", LONG_SUMMARY, 2000)
        _clipped_then_whole(view.page, ".leaflet-popup-content .mm-quote", LONG_QUOTE, 2000)
        assert view.page_errors == []


def test_the_change_list_shows_a_long_text_clipped_then_whole(chromium: str, long_page: tuple[Path, str]) -> None:
    path, fid = long_page
    with offline_page(chromium) as view:
        view.open(path)
        page = view.page
        page.click(".mm-compare > summary")
        page.check(".mm-opt-compare input")
        assert fid in page.evaluate("() => militiaMap.changes().map((c) => c.id)"), "the long claim should be in the change list"
        item = f'.mm-change[data-claim="{fid}"]'
        _clipped_then_whole(page, f"{item} .mm-title", LONG_SUMMARY, 400)
        _clipped_then_whole(page, f"{item} .mm-quote", LONG_QUOTE, 400)
        assert view.page_errors == []
