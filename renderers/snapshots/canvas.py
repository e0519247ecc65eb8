"""The canvas a snapshot is drawn on, and the saving of one figure in several formats at the cost of one draw each.

Two costs of matplotlib's defaults that a file-only figure does not need are removed here:

* geopandas' ``plot`` asks the canvas for an idle redraw after every call; on a canvas with no
  window that is a full redraw of the figure each time (six per snapshot). :class:`FileCanvas`
  ignores idle redraws: the figure is drawn when it is saved.
* the PDF backend subsets each embedded TrueType font with fontTools, which decompiles the
  fonts' OpenType layout tables (GSUB, GPOS, GDEF, kern: kerning and ligature rules) only to
  subset them. A PDF positions every glyph itself and never reads those tables, so
  :func:`lean_pdf_fonts` leaves them out of the embedded subsets. The fonts stay embedded
  (Type 42, every used glyph with its outline, widths and names), the text stays selectable.
* a haloed label (a ``withStroke`` path effect) is drawn by turning its text into glyph outlines,
  once per format: the outlines depend only on the font and the text, so
  :func:`shared_text_paths` computes them once per process and the PNG, SVG and PDF reuse them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from fontTools import subset
from matplotlib.backends import _backend_pdf_ps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.textpath import TextToPath

# OpenType layout tables: shaping rules for a text engine; a PDF's glyphs are already placed.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH")


class FileCanvas(FigureCanvasAgg):
    """An Agg canvas for figures that are only saved to files: idle redraw requests are ignored."""

    def draw_idle(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - matplotlib's signature
        """Do nothing: the figure is drawn once per ``savefig``, never for a window."""


_ORIGINAL_SUBSET = _backend_pdf_ps.get_glyphs_subset


def lean_subset_options(face_index: int) -> subset.Options:
    """Return the fontTools options of the PDF subsets: matplotlib's, without the OpenType layout and other unread tables."""
    options = subset.Options(glyph_names=True, recommended_glyphs=True, layout_closure=False)
    options.drop_tables += [*LAYOUT_TABLES, "FFTM", "PfEd", "BDF", "meta", "MERG", "TSIV", "Zapf", "bdat", "bloc", "cidg", "fdsc", "feat",
                            "fmtx", "fond", "just", "kerx", "ltag", "morx", "trak", "xref"]  # fmt: skip
    options.font_number = face_index
    return options


def _lean_subset(fontfile: Any, glyphs: set[Any]) -> AbstractContextManager[Any]:  # noqa: ANN401 - matplotlib's private types
    """Subset ``fontfile`` to ``glyphs`` as matplotlib does, leaving out the OpenType layout tables.

    The layout tables are deleted from the (lazily loaded) font before ``Subsetter.subset``:
    fontTools decodes GSUB, GPOS and GDEF at its start (``_compact_layout_tables``) and only then
    drops them, which was about a third of each PDF's font subsetting. The subset is the same
    font, byte for byte (tests/renderers/test_snapshot_canvas.py).
    """
    options = lean_subset_options(fontfile.face_index)
    font = subset.load_font(fontfile, options)
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(gids=glyphs)
    subsetter.subset(font)
    return _backend_pdf_ps.SubsetResults(font, subsetter.glyph_index_map)._as_cm()  # noqa: SLF001 - as matplotlib returns it


@contextmanager
def lean_pdf_fonts() -> Iterator[None]:
    """Within the block, PDF font subsets leave out the OpenType layout tables (see the module docstring)."""
    _backend_pdf_ps.get_glyphs_subset = _lean_subset
    try:
        yield
    finally:
        _backend_pdf_ps.get_glyphs_subset = _ORIGINAL_SUBSET


_ORIGINAL_TEXT_PATH = TextToPath.get_text_path
_TEXT_PATHS: dict[tuple[Any, ...], Any] = {}


def _shared_text_path(self: TextToPath, prop: Any, s: str, ismath: Any = False, *, features: Any = None, language: Any = None) -> tuple[list[Any], list[Any]]:  # noqa: ANN401 - matplotlib's signature
    """Return ``TextToPath.get_text_path``'s outlines of ``s`` in ``prop``, computed once per font, text and shaping options."""
    shaping = (tuple(features) if features is not None else None, tuple(map(tuple, language)) if isinstance(language, list) else language)
    key = (prop.copy(), s, ismath, *shaping)
    found = _TEXT_PATHS.get(key)
    if found is None:
        found = _TEXT_PATHS[key] = _ORIGINAL_TEXT_PATH(self, prop, s, ismath, features=features, language=language)
    verts, codes = found
    return list(verts), list(codes)  # new lists: a caller owns what it gets, the cached outlines stay as computed


@contextmanager
def shared_text_paths() -> Iterator[None]:
    """Within the block, text outlines (path-effect halos) are computed once per font and text (see the module docstring)."""
    TextToPath.get_text_path = _shared_text_path  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        TextToPath.get_text_path = _ORIGINAL_TEXT_PATH  # type: ignore[method-assign]
        _TEXT_PATHS.clear()  # one figure's outlines: its formats share them, the next figure has its own texts
