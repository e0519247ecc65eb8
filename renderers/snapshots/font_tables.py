"""A font's glyph metrics, character map and glyph names decoded once per process, for every PDF font subset made from it.

Every PDF of a build embeds subsets of the same four DejaVu faces (about 21 subsets in all), and
fontTools decodes each face's ``hmtx`` (advance widths), ``cmap`` (characters to glyphs) and
``post`` (glyph names, which also give the glyph order) again for each: about 15-20 ms of a
subset's 25-45 ms. :func:`with_decoded_tables` gives a freshly loaded font copies of those three
tables decoded once (:func:`_decoded`): new table objects with new dictionaries and lists, whose
values (numbers, strings, tuples) are immutable, so the subsetter, which replaces those
dictionaries and lists, never reaches the kept ones. The other tables (``glyf`` with its glyph
objects, which subsetting does change, and the small headers) are read from the file as before.
The subset is the same font, byte for byte (tests/renderers/test_snapshot_canvas.py).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont

SHARED_TABLES = ("hmtx", "cmap", "post")


@lru_cache(maxsize=16)
def _decoded(path: str, face_index: int) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Return the decoded ``hmtx``, ``cmap`` and ``post`` tables of the face and its glyph order (kept for the process: do not change them)."""
    options = subset.Options()
    options.font_number = face_index
    font = subset.load_font(path, options)
    order = tuple(font.getGlyphOrder())
    return {tag: font[tag] for tag in SHARED_TABLES if tag in font}, order


def _copy(tag: str, table: Any) -> Any:  # noqa: ANN401 - a fontTools table
    """Return a copy of a decoded table whose dictionaries and lists are new (their immutable values shared)."""
    new = copy.copy(table)
    if tag == "hmtx":
        new.metrics = dict(table.metrics)
    elif tag == "cmap":
        new.tables = []
        for sub in table.tables:
            fresh = copy.copy(sub)
            fresh.cmap = dict(sub.cmap)
            new.tables.append(fresh)
    elif tag == "post":
        for name in ("extraNames", "mapping", "glyphOrder"):
            if hasattr(table, name):
                setattr(new, name, copy.copy(getattr(table, name)))
    return new


def with_decoded_tables(font: TTFont, path: str, face_index: int) -> TTFont:
    """Give ``font`` (loaded lazily from ``path``, nothing of it read yet) copies of its face's decoded shared tables; return it."""
    tables, order = _decoded(path, face_index)
    font.glyphOrder = list(order)
    for tag, table in tables.items():
        font.tables[tag] = _copy(tag, table)
    return font


def warm(paths: list[tuple[str, int]]) -> None:
    """Decode the shared tables of these faces now (before the snapshot workers fork, so they share them)."""
    for path, face_index in paths:
        _decoded(path, face_index)
