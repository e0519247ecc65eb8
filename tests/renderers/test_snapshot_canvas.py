"""The snapshot canvas' shortcuts draw what matplotlib draws without them."""

from __future__ import annotations

import io

import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from PIL import Image

from renderers.snapshots import canvas
from renderers.snapshots.canvas import FileCanvas, shared_text_paths

TEXTS = ["Damascus [1,2]", "from Iraq\nroute not stated", "Al-Qusayr (\u00b110 km)", " ", ""]
PROPS = [FontProperties(family="DejaVu Sans", size=6.5), FontProperties(family="DejaVu Sans", weight="bold", style="italic", size=7.5)]


def test_shared_outlines_equal_fresh_ones_and_are_computed_once() -> None:
    fresh = [TextToPath().get_text_path(prop, text) for prop in PROPS for text in TEXTS]
    with shared_text_paths():
        first = [TextToPath().get_text_path(prop, text) for prop in PROPS for text in TEXTS]
        held = len(canvas._TEXT_PATHS)
        again = [TextToPath().get_text_path(prop, text) for prop in PROPS for text in TEXTS]
        assert len(canvas._TEXT_PATHS) == held == len(PROPS) * len(TEXTS), "the second pass computed nothing"
        first[0][0].clear()  # a caller's own lists: emptying them leaves the cache intact
        assert TextToPath().get_text_path(PROPS[0], TEXTS[0])[0]
    assert not canvas._TEXT_PATHS, "one figure's cache, dropped after it"
    assert TextToPath.get_text_path is canvas._ORIGINAL_TEXT_PATH
    for (v0, c0), (v2, c2) in zip(fresh, again, strict=True):
        assert np.array_equal(np.asarray(v0, dtype=float).reshape(-1, 2), np.asarray(v2, dtype=float).reshape(-1, 2))
        assert list(c0) == list(c2)


def _haloed_png() -> np.ndarray:
    fig = Figure(figsize=(2, 1), dpi=150)
    FileCanvas(fig)
    for i, text in enumerate(TEXTS[:3]):
        fig.text(0.05, 0.8 - 0.3 * i, text, fontsize=7, path_effects=[patheffects.withStroke(linewidth=2.2, foreground="red")])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return np.asarray(Image.open(buf))


def test_haloed_text_draws_the_same_pixels_with_shared_outlines() -> None:
    plain = _haloed_png()
    with shared_text_paths():
        shared, twice = _haloed_png(), _haloed_png()
    assert (plain[..., 0] != plain[..., 1]).any(), "the red halo is drawn"
    assert np.array_equal(plain, shared)
    assert np.array_equal(plain, twice)
