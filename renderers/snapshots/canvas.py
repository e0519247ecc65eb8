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
* Pillow writes a PNG with adaptive row filters (it tries every PNG filter on every row). On
  these maps, large flat areas of one colour, that filtering is most of the PNG's writing time
  and makes the file larger than no filter at all, so :meth:`FileCanvas.print_png` writes the
  same pixels (RGBA, 8 bits, the same pHYs resolution) with filter type 0 on every row: about a
  third of the time, 10-15 % smaller files.
* a haloed label (a ``withStroke`` path effect) is drawn by turning its text into glyph outlines,
  once per format: the outlines depend only on the font and the text, so
  :func:`shared_text_paths` computes them once per process and the PNG, SVG and PDF reuse them.
* matplotlib opens each font file as a Python file object, and FreeType reads every glyph it
  loads (to measure, shape, render or outline a text) through that object: a Python call and a
  seek and read of the file each time, about two thirds of FreeType's time on these figures.
  :func:`fonts_in_memory` gives FreeType the same bytes from memory (:class:`FontBytes`, read
  once per process): the same glyphs, metrics and embedded fonts.
* matplotlib measures each text line (width, height, descent) once per renderer: each of the
  three formats of a figure, and every figure, measures the same legend rows, notes and labels
  again. :func:`shared_text_metrics` keeps the measures for the whole process, keyed by what the
  measure depends on (the renderer's kind and resolution, the text, the font properties, the
  font and hinting settings): the same numbers, so the same layout.
* drawing a figure makes and drops hundreds of thousands of small objects (transforms, paths,
  graphics contexts, many in reference cycles), and Python's cyclic garbage collector, at its
  default threshold of 700 new objects, ran about 800-1,300 times in the six figures, each time
  walking every object of the process (the layers, the dataset, the basemaps): about a tenth
  of the snapshots' CPU. :func:`few_collections` freezes the objects that exist when a figure
  starts (the collector skips them) and lets 10,000 objects accumulate between collections.
  The figure's own garbage is still collected, in fewer, smaller passes.
* text layout: matplotlib's PDF backend lays out each text with a helper that also loads every
  glyph's outline into FreeType (for text-to-path callers, which read it); the PDF text only
  needs the glyph numbers and positions, so :func:`lean_pdf_text` gives the PDF backend the same
  layout without the loads (about 28,000 in a build). Agg lays out each text it draws again in
  every figure; :func:`lean_agg_glyphs` keeps each layout (font, size, resolution, text and
  shaping options -> glyphs and positions) for the process.
"""

from __future__ import annotations

import gc
import io
import math
import os
import struct
import types
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from fontTools import subset
from matplotlib import cbook, font_manager, ft2font
from matplotlib import text as _text_module
from matplotlib.backends import _backend_pdf_ps, backend_pdf
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.ft2font import LoadFlags, RenderMode
from matplotlib.textpath import TextToPath

from renderers.snapshots.font_tables import with_decoded_tables

# OpenType layout tables: shaping rules for a text engine; a PDF's glyphs are already placed.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH")


class FileCanvas(FigureCanvasAgg):
    """An Agg canvas for figures that are only saved to files: idle redraw requests are ignored."""

    def draw_idle(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - matplotlib's signature
        """Do nothing: the figure is drawn once per ``savefig``, never for a window."""

    def print_png(
        self, filename_or_obj: Any, *, metadata: dict[str, Any] | None = None, pil_kwargs: dict[str, Any] | None = None, **_print_figure: Any,  # noqa: ANN401
    ) -> None:  # fmt: skip
        """Write the figure as a PNG with no row filter (see the module docstring); zlib level ``pil_kwargs["compress_level"]``.

        A PNG with text chunks (a metadata value that is not ``None``) or other Pillow options
        is left to matplotlib's own writer. ``print_figure`` passes a method outside matplotlib
        its dpi, colours and orientation too: it has already applied them to the figure, and
        matplotlib's ``print_png`` ignores them as well.
        """
        options = dict(pil_kwargs or {})
        level = options.pop("compress_level", 6)  # Pillow's default
        if options or any(v is not None for v in (metadata or {}).values()):
            super().print_png(filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)  # type: ignore[no-untyped-call]
            return
        FigureCanvasAgg.draw(self)  # type: ignore[no-untyped-call]
        png = unfiltered_png(np.asarray(self.buffer_rgba()), self.figure.dpi, level)  # type: ignore[no-untyped-call]
        with cbook.open_file_cm(filename_or_obj, "wb") as fh:
            fh.write(png)


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def unfiltered_png(rgba: np.ndarray, dpi: float, level: int) -> bytes:
    """Return an 8-bit RGBA PNG of ``rgba`` (height x width x 4), every row with filter type 0, and ``dpi`` in pHYs as Pillow writes it."""
    height, width, _ = rgba.shape
    rows = np.zeros((height, width * 4 + 1), dtype=np.uint8)  # each row: its filter type (0, none), then its pixels
    rows[:, 1:] = rgba.reshape(height, width * 4)
    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", zlib.compress(rows.data, level)),
        _chunk(b"IEND", b""),
    ))  # fmt: skip


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
    drops them, which was about a third of each PDF's font subsetting. Its ``hmtx``, ``cmap``
    and ``post`` tables are copies of ones decoded once per process
    (:mod:`renderers.snapshots.font_tables`). The subset is the same font, byte for byte
    (tests/renderers/test_snapshot_canvas.py).
    """
    options = lean_subset_options(fontfile.face_index)
    font = subset.load_font(fontfile, options)
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    with_decoded_tables(font, str(fontfile), fontfile.face_index)  # widths, character map and glyph names decoded once per process
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(gids=glyphs)
    subsetter.subset(font)
    return _backend_pdf_ps.SubsetResults(font, subsetter.glyph_index_map)._as_cm()  # noqa: SLF001 - as matplotlib returns it


@contextmanager
def _replaced(owner: Any, **values: Any) -> Iterator[None]:  # noqa: ANN401 - a module or class
    """Within the block, ``owner``'s attributes named in ``values`` are those values; leaving it puts back what each was on entering."""
    before = {name: getattr(owner, name) for name in values}
    for name, value in values.items():
        setattr(owner, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(owner, name, value)


def lean_pdf_fonts() -> AbstractContextManager[None]:
    """Within the block, PDF font subsets leave out the OpenType layout tables (see the module docstring)."""
    return _replaced(_backend_pdf_ps, get_glyphs_subset=_lean_subset)


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
    try:
        with _replaced(TextToPath, get_text_path=_shared_text_path):
            yield
    finally:
        _TEXT_PATHS.clear()  # one figure's outlines: its formats share them, the next figure has its own texts


_MTEXT: Any = _text_module  # its private _get_text_metrics_with_cache, which the stubs do not declare
_ORIGINAL_TEXT_METRICS = _MTEXT._get_text_metrics_with_cache  # noqa: SLF001 - matplotlib's per-renderer cache of text measures
# Text measures: (renderer kind, its dpi, points to pixels, text, font properties, math, dpi, settings) -> (width, height, descent).
_TEXT_METRICS: dict[tuple[Any, ...], tuple[float, float, float]] = {}
_MAX_TEXT_METRICS = 50_000
# The settings a text's measure depends on besides its font properties: which font files the names find, hinting, kerning, AFM fonts.
_METRICS_RC = ("font.family", "font.sans-serif", "font.serif", "font.monospace", "font.cursive", "font.fantasy", "text.hinting",
               "text.hinting_factor", "text.kerning_factor", "text.usetex", "pdf.use14corefonts", "ps.useafm", "mathtext.fontset",
               "mathtext.fallback", "mathtext.default")  # fmt: skip


def _rc_value(key: str) -> Any:  # noqa: ANN401 - any rc value
    params: Any = mpl.rcParams
    value = dict.__getitem__(params, key)  # the stored value, without RcParams' per-read checks
    return tuple(value) if isinstance(value, list) else value


def _shared_text_metrics(renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float) -> tuple[float, float, float]:  # noqa: ANN401
    """Return ``renderer.get_text_width_height_descent(text, fontprop, ismath)``, measured once per process for equal inputs.

    A :class:`~matplotlib.backends.backend_mixed.MixedModeRenderer` (PDF, SVG) measures with the
    renderer it draws with at the moment (``_renderer``).
    """
    inner = renderer._renderer if isinstance(renderer, MixedModeRenderer) else renderer  # noqa: SLF001
    key = (type(inner), getattr(inner, "dpi", None), inner.points_to_pixels(1.0), text, fontprop.copy(), ismath, dpi,
           *map(_rc_value, _METRICS_RC))  # fmt: skip
    found = _TEXT_METRICS.get(key)
    if found is None:
        if len(_TEXT_METRICS) > _MAX_TEXT_METRICS:
            _TEXT_METRICS.clear()
        found = _TEXT_METRICS[key] = _ORIGINAL_TEXT_METRICS(renderer, text, fontprop, ismath, dpi)
    return found


def shared_text_metrics() -> AbstractContextManager[None]:
    """Within the block, a text measured once is not measured again by another renderer or figure (see the module docstring)."""
    return _replaced(_MTEXT, _get_text_metrics_with_cache=_shared_text_metrics)


_ORIGINAL_GLYPHS = RendererAgg._draw_text_glyphs_and_boxes  # noqa: SLF001 - the per-glyph loop replaced below


# Rendered glyph bitmaps: (font, size, dpi, glyph, transform, flags, mode, 1/64-pixel offsets) -> (bitmap, left, top at that offset).
_GLYPH_BITMAPS: dict[tuple[Any, ...], tuple[np.ndarray, int, int]] = {}
_MAX_GLYPH_BITMAPS = 50_000


def _glyphs_without_boxes(self: RendererAgg, gc: Any, x: float, y: float, angle: float, glyphs: Any, boxes: Any) -> None:  # noqa: ANN401 - matplotlib's signature
    """Draw ``glyphs`` with the same FreeType and Agg calls as matplotlib's loop, the per-glyph constants computed once, each bitmap rendered once.

    matplotlib's loop rebuilt the same rotation matrix with numpy and asked the graphics
    context for its antialiasing for every glyph (about 28,000 glyphs in the six PNGs). Text
    with rule boxes (mathtext, which the snapshots never draw) goes to matplotlib's own loop.

    FreeType places a glyph at a position in 1/64 pixel, after hinting, so a glyph moved by
    whole pixels is the same bitmap moved by those pixels: each bitmap is rendered at the
    position's fraction of a pixel only, kept, and drawn at its whole-pixel offset. About
    60 % of the glyphs of a build are such repeats (same font, size, glyph and fraction).
    """
    if boxes:
        _ORIGINAL_GLYPHS(self, gc, x, y, angle, glyphs, boxes)  # type: ignore[no-untyped-call]
        return
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    load_flags = get_hinting_flag()  # type: ignore[no-untyped-call]
    antialiased = gc.get_antialiased()
    mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
    height, dpi, draw_image = self.height, self.dpi, self._renderer.draw_text_image
    matrices: dict[tuple[float, float], np.ndarray] = {}
    if len(_GLYPH_BITMAPS) > _MAX_GLYPH_BITMAPS:
        _GLYPH_BITMAPS.clear()
    for font, size, glyph_index, slant, extend, dx, dy in glyphs:  # dy is upwards
        fx, fy = round(0x40 * (x + dx * cos - dy * sin)), round(0x40 * (height - y + dx * sin + dy * cos))
        key = (font, size, dpi, glyph_index, angle, slant, extend, load_flags, mode, fx & 0x3F, fy & 0x3F)
        found = _GLYPH_BITMAPS.get(key)
        if found is None:
            font.set_size(size, dpi)
            matrix = matrices.get((slant, extend))
            if matrix is None:
                matrix = matrices[slant, extend] = (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]]).round().astype(int)
            font._set_transform(matrix, [fx & 0x3F, fy & 0x3F])  # noqa: SLF001 - the fraction of a pixel; the whole pixels are added below
            bitmap = font._render_glyph(glyph_index, load_flags, mode)  # noqa: SLF001
            buffer = bitmap.buffer
            if not antialiased:
                buffer *= 0xFF
            found = _GLYPH_BITMAPS[key] = (buffer, bitmap.left, bitmap.top)
        buffer, left, top = found
        draw_image(buffer, left + (fx >> 6), int(height) - (top + (fy >> 6)) + buffer.shape[0], 0, gc)


_ORIGINAL_AGG_TEXT = RendererAgg.draw_text
# Agg text layouts: (font, size, dpi, text, hinting, features, language) -> ((font or fallback, glyph, x, y), ...).
_AGG_LAYOUTS: dict[tuple[Any, ...], tuple[tuple[Any, int, float, float], ...]] = {}
_MAX_AGG_LAYOUTS = 20_000


def _shaping(value: Any) -> Any:  # noqa: ANN401 - None, a str or a sequence of features or language runs
    """Return a text's font features or language as a hashable value."""
    if isinstance(value, list | tuple):
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value


def _agg_text_with_kept_layout(  # noqa: PLR0917 - matplotlib's signature
    self: RendererAgg, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False, mtext: Any = None,  # noqa: ANN401
) -> None:  # fmt: skip
    """Draw ``s`` as matplotlib's ``RendererAgg.draw_text`` does, laying out each font, size, resolution and text once per process."""
    if ismath:
        _ORIGINAL_AGG_TEXT(self, gc, x, y, s, prop, angle, ismath, mtext)  # type: ignore[no-untyped-call]
        return
    font = self._prepare_font(prop)  # type: ignore[no-untyped-call]
    flags = get_hinting_flag()  # type: ignore[no-untyped-call]
    features = mtext.get_fontfeatures() if mtext is not None else None
    language = mtext.get_language() if mtext is not None else None
    size = prop.get_size_in_points()
    key = (font, size, self.dpi, s, flags, _shaping(features), _shaping(language))
    glyphs = _AGG_LAYOUTS.get(key)
    if glyphs is None:
        if len(_AGG_LAYOUTS) > _MAX_AGG_LAYOUTS:
            _AGG_LAYOUTS.clear()
        items = font._layout(s, flags=flags, features=features, language=language)  # noqa: SLF001
        glyphs = _AGG_LAYOUTS[key] = tuple((item.ft_object, item.glyph_index, item.x, item.y) for item in items)
    self._draw_text_glyphs_and_boxes(gc, x, y, angle, ((ft, size, index, 0, 1, gx, gy) for ft, index, gx, gy in glyphs), [])  # type: ignore[no-untyped-call]


def lean_agg_glyphs() -> AbstractContextManager[None]:
    """Within the block, Agg lays out each text once per process and draws its glyphs with :func:`_glyphs_without_boxes` (the same pixels)."""
    return _replaced(RendererAgg, _draw_text_glyphs_and_boxes=_glyphs_without_boxes, draw_text=_agg_text_with_kept_layout)


_BACKEND_PDF: Any = backend_pdf  # its _text_helpers, which the stubs do not declare
_PDF_TEXT_HELPERS = _BACKEND_PDF._text_helpers  # noqa: SLF001 - the module whose layout the PDF backend calls


def _layout_without_loading(string: str, font: Any, *, features: Any = None, language: Any = None) -> Any:  # noqa: ANN401 - matplotlib's types
    """Return ``_text_helpers.layout``'s items (glyph, character, position, kerning) without loading each glyph into ``font``."""
    return iter(font._layout(string, LoadFlags.NO_HINTING, features=features, language=language))  # noqa: SLF001


_LEAN_PDF_TEXT_HELPERS = types.SimpleNamespace(layout=_layout_without_loading)


def lean_pdf_text() -> AbstractContextManager[None]:
    """Within the block, the PDF backend lays out text without loading each glyph's outline (see the module docstring)."""
    return _replaced(_BACKEND_PDF, _text_helpers=_LEAN_PDF_TEXT_HELPERS)


@lru_cache(maxsize=16)
def _font_file(path: str) -> bytes:
    """Return the bytes of the font file ``path`` (read once per process)."""
    return Path(path).read_bytes()


class FontBytes(io.BytesIO):
    """A font file's bytes in memory, for FreeType to read glyphs from; ``str()`` is the file's path.

    An ``FT2Font`` made from a file object keeps that object as its ``fname``. matplotlib's PDF
    backend names, tracks and embeds each font by ``str(font.fname)`` (``FontPath``), so that
    stays the path of the file the bytes came from, as for a font opened by path. (No
    ``__fspath__``: ``FT2Font`` would take the object for a path and open the file again.)
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Hold the bytes of the font file at ``path``."""
        self.path = os.fspath(path)
        super().__init__(_font_file(self.path))

    def __str__(self) -> str:
        """Return the font file's path."""
        return self.path


def _ft2font_from_memory(path: Any, *args: Any, **kwargs: Any) -> ft2font.FT2Font:  # noqa: ANN401 - FT2Font's signature
    """Return ``ft2font.FT2Font(path, ...)`` reading the file's bytes from memory (:class:`FontBytes`)."""
    return ft2font.FT2Font(FontBytes(path), *args, **kwargs)


_FONT_MANAGER: Any = font_manager  # its private _get_font and ft2font, which the stubs do not declare
_ORIGINAL_GET_FONT = _FONT_MANAGER._get_font  # noqa: SLF001 - the cached font factory behind font_manager.get_font
_FT2FONT_FROM_MEMORY = types.SimpleNamespace(FT2Font=_ft2font_from_memory)


@lru_cache(maxsize=64)
def _get_font_from_memory(font_filepaths: Any, *, _kerning_factor: Any, thread_id: int, enable_last_resort: bool) -> ft2font.FT2Font:  # noqa: ANN401
    """Return matplotlib's ``_get_font(...)`` (the font and its fallbacks) with every face read from memory."""
    module = _FONT_MANAGER.ft2font
    _FONT_MANAGER.ft2font = _FT2FONT_FROM_MEMORY  # _get_font only calls ft2font.FT2Font
    try:
        return _ORIGINAL_GET_FONT.__wrapped__(  # type: ignore[no-any-return]
            font_filepaths,
            _kerning_factor=_kerning_factor,
            thread_id=thread_id,
            enable_last_resort=enable_last_resort,
        )
    finally:
        _FONT_MANAGER.ft2font = module


if hasattr(os, "register_at_fork"):  # as matplotlib does for its own cache: a forked child opens its fonts again
    os.register_at_fork(after_in_child=_get_font_from_memory.cache_clear)


def fonts_in_memory() -> AbstractContextManager[None]:
    """Within the block, the fonts matplotlib opens read their glyphs from memory (see the module docstring)."""
    return _replaced(_FONT_MANAGER, _get_font=_get_font_from_memory)


_COLLECTION_THRESHOLD = 10_000  # new objects between two collections of the youngest generation (Python's default: 700)
_FEW_COLLECTIONS = [0]  # depth of nested few_collections blocks


@contextmanager
def few_collections() -> Iterator[None]:
    """Within the block, the garbage collector skips the objects made before it and runs less often (see the module docstring).

    The outermost block freezes (``gc.freeze``) and raises the threshold; leaving it restores
    the threshold and unfreezes, so those objects are collected as before afterwards.
    """
    before = gc.get_threshold()
    if _FEW_COLLECTIONS[0] == 0:
        gc.freeze()
        gc.set_threshold(_COLLECTION_THRESHOLD, *before[1:])
    _FEW_COLLECTIONS[0] += 1
    try:
        yield
    finally:
        _FEW_COLLECTIONS[0] -= 1
        if _FEW_COLLECTIONS[0] == 0:
            gc.set_threshold(*before)
            gc.unfreeze()


@contextmanager
def lean_figure_saving() -> Iterator[None]:
    """Within the block, every saving shortcut of this module is on (the module docstring lists them); the same files."""
    with ExitStack() as stack:
        for block in (few_collections, lean_pdf_fonts, lean_pdf_text, shared_text_paths, shared_text_metrics, lean_agg_glyphs, fonts_in_memory):
            stack.enter_context(block())
        yield
