"""The snapshots' shortcuts (shared outlines, rings that skip autoscaling) draw what matplotlib draws without them."""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from fontTools import subset
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontPath, FontProperties, findfont, get_font
from matplotlib.textpath import TextToPath
from PIL import Image

from renderers.snapshots import canvas, default_views, drawing, figure
from renderers.snapshots.canvas import FileCanvas, shared_text_paths
from renderers.snapshots.figure import render_view

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


def test_rings_drawn_without_autoscale_measuring_give_the_same_svg(layers, dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = next(v for v in default_views() if v.slug == "damascus")
    (tmp_path / "fast").mkdir()
    (tmp_path / "slow").mkdir()
    rings: list[int] = []
    real_draw = drawing._draw_rings

    def counted(ax, *args, **kwargs):
        before = len(ax.patches)
        real_draw(ax, *args, **kwargs)
        rings.append(len(ax.patches) - before)

    monkeypatch.setattr(drawing, "_draw_rings", counted)
    fast = render_view(layers, dataset, view, tmp_path / "fast", formats=("svg",))[0]
    assert sum(rings) > 0, "the view draws precision rings"
    monkeypatch.setattr(drawing, "_framed_already", lambda _ax: contextlib.nullcontext())
    slow = render_view(layers, dataset, view, tmp_path / "slow", formats=("svg",))[0]
    assert fast.read_bytes() == slow.read_bytes()


def _streams(pdf: bytes) -> list[bytes]:
    """Return every stream of ``pdf`` decompressed, and the PDF outside its streams with every number masked (lengths, offsets)."""
    out, rest, pos = [], [], 0
    for match in re.finditer(rb"/Filter /FlateDecode[^>]*>>\s*stream\n", pdf):
        if match.start() < pos:
            continue
        inflate = zlib.decompressobj()
        out.append(inflate.decompress(pdf[match.end() :]))
        rest.append(pdf[pos : match.end()])
        pos = len(pdf) - len(inflate.unused_data)
    rest.append(pdf[pos:])
    return [*out, re.sub(rb"\d+", b"0", b"".join(rest))]


def test_pdf_streams_at_the_faster_zlib_level_hold_the_same_content(layers, dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = next(v for v in default_views() if v.slug == "damascus")
    (tmp_path / "fast").mkdir()
    (tmp_path / "default").mkdir()
    fast = render_view(layers, dataset, view, tmp_path / "fast", formats=("pdf",))[0].read_bytes()
    monkeypatch.setitem(figure.RC, "pdf.compression", 6)  # matplotlib's default level
    default = render_view(layers, dataset, view, tmp_path / "default", formats=("pdf",))[0].read_bytes()
    assert fast != default, "the streams are compressed differently"
    got, want = _streams(fast), _streams(default)
    assert len(want) > 5
    assert got == want


def _font_bytes(font) -> bytes:
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("family", [{"family": "DejaVu Sans"}, {"family": "DejaVu Sans", "weight": "bold", "style": "italic"}])
def test_lean_subset_drops_layout_tables_first_and_gives_the_same_font(family: dict[str, str]) -> None:
    path = findfont(FontProperties(**family))
    ft = get_font(path)
    glyphs = {ft.get_char_index(ord(c)) for c in "Damascus [1,2] \u00b1 \u2192 Al-Qa'im fi"}
    fontfile = FontPath(path, 0)
    options = canvas.lean_subset_options(0)
    with subset.load_font(fontfile, options) as plain, canvas._lean_subset(fontfile, glyphs) as lean:
        assert "GSUB" in plain, "the font has layout tables to leave out"
        assert "GPOS" in plain
        plain_subsetter = subset.Subsetter(options=options)
        plain_subsetter.populate(gids=glyphs)
        plain_subsetter.subset(plain)  # fontTools' own order: decode the layout tables, then drop them
        assert not {"GSUB", "GPOS", "GDEF", "kern"} & set(lean.font.keys())
        assert lean.glyph_index_map == plain_subsetter.glyph_index_map
        assert _font_bytes(lean.font) == _font_bytes(plain)


@pytest.mark.parametrize("family", [{"family": "DejaVu Sans"}, {"family": "DejaVu Sans", "weight": "bold"}])
def test_subsets_sharing_decoded_tables_stay_the_fonts_fonttools_makes_from_the_file(family: dict[str, str]) -> None:
    """Subsets of one face one after another (small, large, accented and composite glyphs) share its decoded tables, never changing them."""
    path = findfont(FontProperties(**family))
    ft = get_font(path)
    fontfile = FontPath(path, 0)
    texts = ["0 100 km", "Al Qunay\u0163irah (\u00b130 km) [2] Dar\u02bf\u0101 \u2192 Iraq*", "".join(map(chr, range(0x20, 0x17F)))]
    glyph_sets = [{ft.get_char_index(ord(c)) for c in text} - {0} for text in texts]
    for glyphs in [*glyph_sets, *reversed(glyph_sets)]:  # each set again after the others: a table changed by one subset would show
        options = canvas.lean_subset_options(0)
        with subset.load_font(fontfile, options) as plain, canvas._lean_subset(fontfile, glyphs) as shared:
            plain_subsetter = subset.Subsetter(options=options)
            plain_subsetter.populate(gids=glyphs)
            plain_subsetter.subset(plain)  # every table read from the file
            assert shared.glyph_index_map == plain_subsetter.glyph_index_map
            assert _font_bytes(shared.font) == _font_bytes(plain)


def _png_figure(canvas_class: type) -> Figure:
    fig = Figure(figsize=(2.2, 1.3), dpi=120, facecolor=(1.0, 1.0, 0.9, 0.6))  # a translucent background: alpha is kept
    canvas_class(fig)
    fig.text(0.05, 0.6, "Al-Qusayr (\u00b110 km) [1,2]", fontsize=7, path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.4))
    ax.fill([0, 1, 0.5], [0, 0, 1], facecolor=(0.2, 0.4, 0.8, 0.3), edgecolor="black")
    return fig


def test_unfiltered_png_has_the_pixels_and_resolution_of_matplotlibs_png() -> None:
    pillow, ours = io.BytesIO(), io.BytesIO()
    _png_figure(FigureCanvasAgg).savefig(pillow, format="png", dpi=300, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    _png_figure(FileCanvas).savefig(ours, format="png", dpi=300, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    assert pillow.getvalue() != ours.getvalue(), "written by the unfiltered writer, not Pillow"
    want, got = Image.open(pillow), Image.open(ours)
    assert (got.mode, got.size, got.info) == (want.mode, want.size, want.info)
    pixels = np.asarray(got)
    assert np.array_equal(pixels, np.asarray(want))
    assert 0 < pixels[..., 3].min() < 255, "translucent pixels come through"
    raw = zlib.decompress(ours.getvalue()[ours.getvalue().index(b"IDAT") + 4 :])
    assert raw[:: pixels.shape[1] * 4 + 1] == bytes(pixels.shape[0]), "every row has filter type 0"
    Image.open(io.BytesIO(ours.getvalue())).verify()  # chunk lengths and CRCs


def test_png_with_text_chunks_is_left_to_matplotlib() -> None:
    buf = io.BytesIO()
    _png_figure(FileCanvas).savefig(buf, format="png", metadata={"Title": "Damascus"})
    assert Image.open(buf).info["Title"] == "Damascus"


def _png_pixels(fig: Figure) -> np.ndarray:
    """Return the pixels of ``fig`` saved as PNG (no software stamp)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return np.asarray(Image.open(buf))


def _text_png(*, antialiased: bool = True) -> np.ndarray:
    fig = Figure(figsize=(2.4, 1.2), dpi=150)
    FileCanvas(fig)
    for i, text in enumerate(TEXTS[:3]):
        fig.text(0.05 + 0.1 * i, 0.75 - 0.3 * i, text, fontsize=7 + i, rotation=(0, 17, 90)[i], style=("normal", "italic", "normal")[i],
                 antialiased=antialiased)  # fmt: skip
    return _png_pixels(fig)


@pytest.mark.parametrize("antialiased", [True, False])
def test_lean_agg_glyph_loop_draws_matplotlibs_pixels(antialiased: bool) -> None:
    plain = _text_png(antialiased=antialiased)
    with canvas.lean_agg_glyphs():
        lean = _text_png(antialiased=antialiased)
    assert RendererAgg._draw_text_glyphs_and_boxes is canvas._ORIGINAL_GLYPHS, "matplotlib's loop again after the block"
    assert (plain[..., :3] < 128).any(), "text is drawn"
    assert np.array_equal(plain, lean)


def _text_files() -> dict[str, bytes]:
    """Return a small figure with plain, bold-italic, haloed and multi-line text as PNG, SVG and PDF bytes, in the snapshots' settings."""
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    files = {}
    with mpl.rc_context(figure.RC):
        fig = Figure(figsize=(2.4, 1.6), dpi=150)
        FileCanvas(fig)
        for i, text in enumerate(TEXTS[:3]):
            fig.text(0.05 + 0.1 * i, 0.8 - 0.3 * i, text, fontsize=7 + i, rotation=(0, 17, 0)[i], style=("normal", "italic", "normal")[i],
                     weight=("normal", "bold", "normal")[i], path_effects=halo if i == 2 else None)  # fmt: skip
        for fmt in figure.FORMATS:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=figure.METADATA[fmt])
            files[fmt] = buf.getvalue()
    return files


def test_fonts_read_from_memory_give_the_same_files() -> None:
    from matplotlib import font_manager  # noqa: PLC0415

    path = findfont(PROPS[1])
    on_disk = get_font(path)
    plain = _text_files()
    with canvas.fonts_in_memory():
        in_memory = get_font(path)
        lean = _text_files()
    assert font_manager._get_font is canvas._ORIGINAL_GET_FONT, "matplotlib's font cache again after the block"
    assert isinstance(in_memory.fname, canvas.FontBytes), "FreeType reads this face from memory, not from the file"
    assert not isinstance(on_disk.fname, canvas.FontBytes)
    assert str(in_memory.fname) == str(on_disk.fname) == str(Path(path).resolve())
    assert FontPath(in_memory.fname, 0) == FontPath(on_disk.fname, 0), "the PDF backend names and embeds the face by its file"
    assert in_memory.postscript_name == on_disk.postscript_name
    for fmt in figure.FORMATS:
        assert lean[fmt] == plain[fmt], fmt
    assert b"/FontFile2" in lean["pdf"], "the fonts are embedded"
    assert b"DejaVuSans-BoldOblique" in lean["pdf"]
    assert b"Damascus [1,2]" in lean["svg"], "SVG text stays text"


def _repeated_text_png(*, antialiased: bool) -> np.ndarray:
    """Return a PNG of one label written 40 times, at positions a fraction of a pixel apart, upright and rotated."""
    fig = Figure(figsize=(3.0, 2.0), dpi=150)
    FileCanvas(fig)
    for i in range(40):
        fig.text(0.02 + 0.0231 * (i % 8) + 0.0007 * i, 0.9 - 0.11 * (i // 8) - 0.0013 * i, "Mezzeh [12]", fontsize=6.5, antialiased=antialiased,
                 rotation=(0, 0, 0, 33)[i % 4], weight=("normal", "bold")[i % 2])  # fmt: skip
    return _png_pixels(fig)


@pytest.mark.parametrize("antialiased", [True, False])
def test_glyph_bitmaps_rendered_once_are_drawn_at_matplotlibs_pixels(antialiased: bool) -> None:
    plain = _repeated_text_png(antialiased=antialiased)
    canvas._GLYPH_BITMAPS.clear()
    with canvas.lean_agg_glyphs():
        lean = _repeated_text_png(antialiased=antialiased)
    kept = len(canvas._GLYPH_BITMAPS)
    assert 0 < kept < 40 * len("Mezzeh [12]"), "repeated glyphs at the same fraction of a pixel were rendered once"
    assert (plain[..., :3] < 128).any(), "text is drawn"
    assert np.array_equal(plain, lean), f"{int((plain != lean).any(axis=2).sum())} pixels differ"


def _measures(dpi: float) -> list[tuple[float, float, float]]:
    """Return each text's box and line measures as matplotlib lays it out, drawn as PNG, PDF and SVG at ``dpi``."""
    found = []
    fig = Figure(figsize=(2, 1), dpi=dpi)
    FileCanvas(fig)
    texts = [fig.text(0.1, 0.5, text, fontproperties=prop) for prop in PROPS for text in TEXTS if text]
    for fmt in ("png", "pdf", "svg"):
        fig.savefig(io.BytesIO(), format=fmt)  # draws the texts with each format's renderer
        found += [(t.get_window_extent().bounds, t._get_layout(t._renderer)[1]) for t in texts]
    return found


def test_shared_text_metrics_equal_each_renderers_own_and_follow_dpi_and_fonts() -> None:
    plain_150, plain_300 = _measures(150), _measures(300)
    with mpl.rc_context({"font.sans-serif": ["DejaVu Sans"]}):
        plain_sans = _measures(150)  # PROPS name the family; a text in the default family below does not
    canvas._TEXT_METRICS.clear()
    with canvas.shared_text_metrics():
        shared_150 = _measures(150)
        held = len(canvas._TEXT_METRICS)
        shared_300 = _measures(300)  # another resolution: measured again, not taken from the 150 dpi figure
        assert len(canvas._TEXT_METRICS) > held
        count = len(canvas._TEXT_METRICS)
        again = _measures(150)
        assert len(canvas._TEXT_METRICS) == count, "another figure at 150 dpi measured nothing again"
        prop = FontProperties(family="sans-serif", size=9)
        with mpl.rc_context({"font.sans-serif": ["DejaVu Sans"]}):
            sans = RendererAgg(100, 100, 100).get_text_width_height_descent("Homs", prop, ismath=False)
            assert canvas._shared_text_metrics(RendererAgg(100, 100, 100), "Homs", prop, False, 100) == sans
        with mpl.rc_context({"font.sans-serif": ["DejaVu Sans Mono"]}):
            mono = RendererAgg(100, 100, 100).get_text_width_height_descent("Homs", prop, ismath=False)
            assert canvas._shared_text_metrics(RendererAgg(100, 100, 100), "Homs", prop, False, 100) == mono != sans, "the font settings are in the key"
    from matplotlib import text as mtext  # noqa: PLC0415

    assert mtext._get_text_metrics_with_cache is canvas._ORIGINAL_TEXT_METRICS, "matplotlib's own cache again after the block"
    assert plain_150 == shared_150 == again
    assert plain_300 == shared_300 != plain_150
    assert plain_sans == plain_150


def test_few_collections_freezes_older_objects_and_restores_the_collector() -> None:
    import gc  # noqa: PLC0415

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    with canvas.few_collections():
        assert gc.get_threshold()[0] == canvas._COLLECTION_THRESHOLD > threshold[0]
        assert gc.get_freeze_count() > frozen, "the objects made before the figure are left out of its collections"
        with canvas.few_collections():  # a figure drawn inside another block: the outer block keeps the settings
            pass
        assert gc.get_threshold()[0] == canvas._COLLECTION_THRESHOLD
        cycle: list[object] = []
        cycle.append(cycle)
        marker = [0]
        cycle.append(marker)
        referrers = len(gc.get_referrers(marker))
        del cycle
        gc.collect()
        assert len(gc.get_referrers(marker)) < referrers, "garbage made inside the block is still collected"
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen


KERNED = ["AVATAR To Yarmouk", "Tall Abyad \u00b7 \u062d\u0645\u0635", "Deir Ez-Zor (\u00b115 km) [3,4]"]


def _sized_text_figure(dpi: float) -> Figure:
    """Return a figure with each of :data:`KERNED` at two sizes and weights, one rotated (kerning pairs, Arabic letters, a fallback-free run)."""
    fig = Figure(figsize=(3.0, 1.6), dpi=dpi)
    FileCanvas(fig)
    for i, text in enumerate(KERNED):
        fig.text(0.03, 0.85 - 0.3 * i, text, fontsize=6.5, family="DejaVu Sans")
        fig.text(0.45, 0.85 - 0.3 * i, text, fontsize=9.0, family="DejaVu Sans", weight="bold", rotation=(0, 0, 12)[i])
    return fig


def test_agg_layouts_kept_per_size_and_resolution_draw_matplotlibs_pixels() -> None:
    plain = [_png_pixels(_sized_text_figure(dpi)) for dpi in (100, 150)]
    canvas._AGG_LAYOUTS.clear()
    with canvas.lean_agg_glyphs():
        kept = [_png_pixels(_sized_text_figure(dpi)) for dpi in (100, 150)]
        held = len(canvas._AGG_LAYOUTS)
        again = [_png_pixels(_sized_text_figure(dpi)) for dpi in (100, 150)]
        assert len(canvas._AGG_LAYOUTS) == held == 2 * 2 * len(KERNED), "one layout per text, size and resolution, none made again"
    assert RendererAgg.draw_text is canvas._ORIGINAL_AGG_TEXT, "matplotlib's draw_text again after the block"
    for p, k, a in zip(plain, kept, again, strict=True):
        assert (p[..., :3] < 128).any(), "text is drawn"
        assert np.array_equal(p, k), f"{int((p != k).any(axis=2).sum())} pixels differ"
        assert np.array_equal(p, a)


def test_pdf_text_laid_out_without_glyph_loads_gives_the_same_pdf() -> None:
    def pdf() -> bytes:
        buf = io.BytesIO()
        with mpl.rc_context(figure.RC):
            _sized_text_figure(72).savefig(buf, format="pdf", metadata=figure.METADATA["pdf"])
        return buf.getvalue()

    plain = pdf()
    with canvas.lean_pdf_text():
        lean = pdf()
        path, _ = TextToPath().get_text_path(PROPS[0], KERNED[0])  # text to path still loads its glyphs (its own layout)
        assert len(path) > 0
    from matplotlib.backends import backend_pdf  # noqa: PLC0415

    assert backend_pdf._text_helpers is canvas._PDF_TEXT_HELPERS
    assert lean == plain
    assert b"/FontFile2" in lean


def _basemap_png(slug: str, *, cut: bool) -> tuple[np.ndarray, int, tuple[float, float, float, float], tuple[float, float, float, float]]:
    """Return a view's basemap as the snapshots draw it (or with the whole countries), its outline points, the drawn extent and the points' bounds."""
    from geo.basemap import load_countries  # noqa: PLC0415

    view = next(v for v in default_views() if v.slug == slug)
    countries = load_countries(figure._region(view.bbox))
    fig = Figure(figsize=(4.0, 3.0), dpi=200)
    FileCanvas(fig)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    figure.frame_map(ax, view.bbox, 0.75, spine_width=0.8)
    if cut:
        drawing.draw_basemap(ax, countries)
    else:
        ax.set_facecolor(drawing.SEA)
        countries.plot(ax=ax, facecolor=drawing.LAND, edgecolor=drawing.BORDER, linewidth=0.6, zorder=1)
    figure.frame_map(ax, view.bbox, 0.75, spine_width=0.8)
    points = np.concatenate([path.vertices for collection in ax.collections for path in collection.get_paths()])
    bounds = (*points.min(axis=0), *points.max(axis=0))
    return _png_pixels(fig), len(points), figure.drawn_extent(ax), bounds


@pytest.mark.parametrize("slug", ["damascus", "overview"])
def test_basemap_cut_to_the_view_draws_the_same_map(slug: str) -> None:
    whole, whole_points, extent, _ = _basemap_png(slug, cut=False)
    cut, cut_points, same_extent, (x0, y0, x1, y1) = _basemap_png(slug, cut=True)
    assert same_extent == extent
    margin = drawing._CLIP_MARGIN * max(extent[2] - extent[0], extent[3] - extent[1]) + 1e-9
    assert extent[0] - margin <= x0 < extent[0], "cut a margin outside the frame, not at it"
    assert extent[1] - margin <= y0 < extent[1]
    assert extent[2] < x1 <= extent[2] + margin
    assert extent[3] < y1 <= extent[3] + margin
    assert cut_points < whole_points / 2, "the outlines outside the view are not drawn"
    assert (whole != whole[0, 0]).any(), "land, sea and borders are drawn"
    assert np.array_equal(whole, cut), f"{int((whole != cut).any(axis=2).sum())} pixels differ"


def test_locator_with_the_countries_cut_to_the_region_draws_the_same_inset(monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.basemap import REGION_BBOX, load_countries  # noqa: PLC0415
    from renderers.snapshots import furniture  # noqa: PLC0415

    def inset() -> tuple[np.ndarray, int]:
        fig = Figure(figsize=(2.7, 2.1), dpi=200)
        FileCanvas(fig)
        ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
        furniture.draw_inset(ax, load_countries(REGION_BBOX), REGION_BBOX, (35.5, 33.0, 37.5, 35.0))
        return _png_pixels(fig), sum(len(path.vertices) for collection in ax.collections for path in collection.get_paths())

    cut, cut_points = inset()
    monkeypatch.setattr(furniture, "cut_to_extent", lambda frame, _extent: frame)
    whole, whole_points = inset()
    assert cut_points < whole_points / 2, "the outlines outside the region are not drawn"
    assert (whole[..., 0] > whole[..., 1]).any(), "the view's red outline is drawn"
    assert np.array_equal(whole, cut), f"{int((whole != cut).any(axis=2).sum())} pixels differ"
