"""Browser fixtures: the built web map opened in headless Chromium with the network cut off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from renderers.webmap.screenshot import OfflinePage, offline_page


@pytest.fixture
def map_page(chromium: str, built_dist: Path) -> Iterator[OfflinePage]:
    """The full build's index.html, loaded and ready, every non-file request blocked and recorded."""
    with offline_page(chromium) as view:
        view.open(built_dist / "index.html")
        yield view
