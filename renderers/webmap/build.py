"""Assemble the offline web map from the layers and write ``dist/index.html``."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
from collections.abc import Iterator
from pathlib import Path

import folium

from dataset.model import Dataset
from layers import Layer
from layers.style import VIEW_SYRIA
from renderers.webmap._assets import assert_offline
from renderers.webmap._basemap import basemap_payload, claim_places
from renderers.webmap._compact import CompactPayload, encode
from renderers.webmap._controls import controls_payload
from renderers.webmap._elements import DATA_ELEMENT_ID, CompactWebmapApp, OfflineMap, PageFigure, WebmapApp
from renderers.webmap._escape import script_json
from renderers.webmap._export import export_columns, export_payload
from renderers.webmap._ids import set_deterministic_ids
from renderers.webmap._legend import legend_payload
from renderers.webmap._page import PageError, assert_only_own_scripts, csp_meta, fill_slots, own_scripts
from renderers.webmap._payload import EvidenceTable, group_order, layer_payload, meta_payload, styles_payload

INDEX = "index.html"
# Map centre and zoom before the page fits the view to the data (Syria), as (lat, lon).
DEFAULT_CENTRE_LATLON = (34.8, 38.9)
DEFAULT_ZOOM = 6
# The view the page opens on, (lon_min, lat_min, lon_max, lat_max): Syria, Lebanon and the border
# crossings (layers.style.VIEW_SYRIA, shared with the snapshots and QGIS). Lines leaving it are
# labelled at its edge by the page.
VIEW_BBOX = VIEW_SYRIA
# folium's viewport <meta> disables zoom (WCAG 1.4.4 asks that people can zoom); the page allows it.
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
# Quarter zoom steps, so the opening view fits Syria closely on any screen (a phone's too).
ZOOM_SNAP = 0.25


def build_date(environ: dict[str, str] | None = None) -> str:
    """Return the build time as ``YYYY-MM-DD HH:MM UTC``, from ``SOURCE_DATE_EPOCH`` when set."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            when = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            msg = f"SOURCE_DATE_EPOCH must be a Unix time in seconds, got {epoch!r}."
            raise ValueError(msg) from exc
    else:
        when = dt.datetime.now(tz=dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (as it was before, after it).

    The page data are millions of new small objects, none of them in a reference cycle that
    must be freed early; each collection the allocations trigger scans every object alive
    (the layers too), so at 100k features the collector took more time than the work
    (EvidenceTable.add over 120,000 entries: 4.3 s with it, 1.8 s without). Nothing is
    left uncollected: the collector runs as usual after the block.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@collector_paused()
def page_data(layers: list[Layer], ds: Dataset, *, built: str) -> dict[str, object]:
    """Return everything the page draws and asks about.

    Meta, styles, layer groups, layers (features refer to the shared ``evidence`` table), legend,
    basemap, what the controls need (places to search, filter choices, timeline and story, the
    About panel's text and sources) and the CSV's rows for "Download what I see".
    """
    evidence = EvidenceTable()
    layer_data = [layer_payload(layer, evidence) for layer in layers]
    rest = page_rest(layers, ds, built=built)
    first = {k: rest[k] for k in ("meta", "view", "styles", "groups")}
    return {**first, "layers": layer_data, "evidence": evidence.entries, **{k: v for k, v in rest.items() if k not in first}}


def page_rest(layers: list[Layer], ds: Dataset, *, built: str, export: dict[str, object] | None = None) -> dict[str, object]:
    """Return the page data other than ``layers`` and ``evidence`` (see :func:`page_data`); ``export``, when given, is its download part."""
    return {
        "meta": meta_payload(ds, built),
        "view": {"bounds": [[VIEW_BBOX[1], VIEW_BBOX[0]], [VIEW_BBOX[3], VIEW_BBOX[2]]]},
        "styles": styles_payload(),
        "groups": group_order(layers),
        "legend": legend_payload(layers),
        "basemap": basemap_payload(claim_places(layers, ds)),
        "controls": controls_payload(ds, layers),
        "export": export if export is not None else export_payload(layers, ds),
    }


@collector_paused()
def compact_payload(layers: list[Layer], ds: Dataset, *, built: str) -> CompactPayload:
    """Return the compact document (``_compact``, v4) whose decoding is :func:`page_data`, built by column."""
    # the download's rows go by column, as the encoder stores them (not rows of cells then columns again)
    export, cells = export_columns(layers, ds)
    return encode(layers, page_rest(layers, ds, built=built, export=export), export_cells=cells)


def build_webmap(layers: list[Layer], ds: Dataset, *, built: str | None = None, compact: bool = True) -> folium.Map:
    """Return the folium map (inside its figure), ready to render offline.

    Parameters
    ----------
    layers
        The layers in drawing order (areas first).
    ds
        The dataset, for its title, version, as-of date, licence and disclaimer.
    built
        Build date shown on the page; by default from ``SOURCE_DATE_EPOCH`` or the clock.
    compact
        Put the compact document (``renderers.webmap._compact``: by column, binary, gzip + base64)
        in the data block (the default); ``False`` writes the plain JSON of :func:`page_data`
        instead, for debugging.
    """
    figure = PageFigure(ds.info.title, ds.data_sha256)
    fmap = OfflineMap(
        location=list(DEFAULT_CENTRE_LATLON),
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        # L.map options, camelCase: folium gives min_zoom/max_zoom only to a tile layer, and there is none.
        minZoom=4,
        maxZoom=13,
        zoom_snap=ZOOM_SNAP,
    )
    figure.add_child(fmap)
    when = built or build_date()
    fmap.add_child(CompactWebmapApp(compact_payload(layers, ds, built=when)) if compact else WebmapApp(script_json(page_data(layers, ds, built=when))))
    set_deterministic_ids(figure)
    return fmap


def _app(fmap: folium.Map) -> WebmapApp:
    apps = [child for child in fmap._children.values() if isinstance(child, WebmapApp)]  # noqa: SLF001 - branca keeps children here
    if len(apps) != 1:
        msg = f"The map has {len(apps)} WebmapApp elements, expected one (build it with build_webmap)."
        raise RuntimeError(msg)
    return apps[0]


def render_page(fmap: folium.Map) -> str:
    """Return the page's HTML with its security policy; raise if anything would load remotely.

    The templates render only the project's code; the title and data go in afterwards
    (:func:`~renderers.webmap._page.fill_slots`). The policy hashes the scripts the project writes,
    and the finished page is checked to hold no other script.
    """
    before, after, payload = _page_parts(fmap)
    return before + (payload.text() if payload is not None else "") + after


def _page_parts(fmap: folium.Map) -> tuple[str, str, CompactPayload | None]:
    """Return the checked page split around its data block's text, and the compact payload that goes there (if any).

    With a plain page the data is already in ``before``. With a compact one the checks run on
    the page with an empty block; the block's text is base64 (only ``A-Za-z0-9+/=``), which
    cannot close the element or hold markup, and is streamed in by :func:`render_webmap`.
    """
    figure = fmap.get_root()
    if not isinstance(figure, PageFigure):
        msg = "The map must sit in a PageFigure (build it with build_webmap)."
        raise TypeError(msg)
    page = figure.render()
    codes = own_scripts(figure)
    charset = '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />'
    if page.count(charset) != 1:
        msg = "The rendered page lacks folium's charset <meta>; cannot place the Content-Security-Policy after it."
        raise RuntimeError(msg)
    page = page.replace(charset, charset + "\n" + csp_meta(codes) + '\n<meta name="referrer" content="no-referrer">' + digest_meta(figure.data_sha256), 1)
    page = _VIEWPORT.sub(VIEWPORT_META, page.replace("<html>", '<html lang="en">', 1), count=1)
    app = _app(fmap)
    payload = app.payload if isinstance(app, CompactWebmapApp) else None
    page = fill_slots(page, title=figure.page_title, data_json=app.data_json)
    assert_only_own_scripts(page, codes)
    assert_offline(page)
    if payload is None:
        return page, "", None
    empty = f"{_DATA_OPEN}</script>"
    if page.count(empty) != 1:
        msg = f"The page has {page.count(empty)} empty data blocks, expected one to stream the compact data into."
        raise PageError(msg)
    cut = page.index(empty) + len(_DATA_OPEN)
    return page[:cut], page[cut:], payload


_DATA_OPEN = f'<script type="application/json" id="{DATA_ELEMENT_ID}">'
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")


def digest_meta(data_sha256: str) -> str:
    """Return the ``<meta>`` naming the SHA-256 of ``data/`` (dataset/digest.py), or "" without one; only hex digits pass."""
    if not re.fullmatch(r"[0-9a-f]{64}", data_sha256):
        return ""
    return f'\n<meta name="militia-map:data-sha256" content="{data_sha256}">'


@collector_paused()  # the page data and the writing of their packed text (see collector_paused)
def render_webmap(layers: list[Layer], ds: Dataset, out_dir: Path, *, compact: bool = True) -> list[Path]:
    """Write ``out_dir/index.html``, the offline web map (``compact``: see :func:`build_webmap`); return its path.

    The compact data is written in pieces (gzip stream, then base64 by multiples of 3 bytes),
    each checked to be base64, so a large map is never one string in memory; the page is
    written to a temporary file and moved into place, so a failed build leaves the old page.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / INDEX
    before, after, payload = _page_parts(build_webmap(layers, ds, compact=compact))
    partial = path.with_name(f".{INDEX}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            out.write(before)
            for chunk in payload.base64_chunks() if payload is not None else ():
                if not _BASE64.fullmatch(chunk):
                    msg = "The compact data block holds a character outside base64."
                    raise PageError(msg)
                out.write(chunk)
            out.write(after)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return [path]
