"""Open a page built by a browser test and check, after the test, that none of its scripts failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from renderers.webmap.screenshot import OfflinePage, offline_page

DESKTOP = {"width": 1400, "height": 900}


def opened_without_errors(chromium: str, html: Path) -> Iterator[OfflinePage]:
    """Yield ``html`` open at 1400×900 with the network cut off; then assert the page raised no script error.

    Use it in a fixture as ``yield from opened_without_errors(chromium, page)``.
    """
    with offline_page(chromium, viewport=DESKTOP) as view:
        view.open(html)
        yield view
        assert view.page_errors == []
