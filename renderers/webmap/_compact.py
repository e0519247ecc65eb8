"""Compact page data, format v5 (issue 14 §4): built by column from the layers, binary, streamed.

``static/decode.js`` turns the packed document back into exactly what
``renderers.webmap.build.page_data`` returns (the layer specs and GeoJSON-like features the page
draws from, features in the layer's order). Nothing here
builds one Python dict per feature: columns are factorized with pandas, distinct values are
transformed once (list columns parsed once per distinct text, evidence added once per distinct
evidence text), coordinates go through shapely and numpy.

The document, gzip-compressed then base64-encoded (:class:`CompactPayload`), is three frames,
each a little-endian ``uint32`` byte length then the bytes (JSON frames padded with spaces to a
multiple of 4 bytes):

1. the header, JSON: ``{"v": 5, "ints": N, "rest": {...}, "evidence": TABLE, "layers": [LAYER, ...]}``;
   ``rest`` holds the page data other than ``layers`` and ``evidence``; when the download has rows,
   ``rest.export.rows`` is empty and ``"export_rows"`` is a ``TABLE`` of them keyed by
   ``rest.export.columns`` (the decoder makes each record the list of its cells in that order);
   when the place search has places, ``rest.controls.places`` is empty and ``"places"`` is a
   ``TABLE`` of its records (the decoder puts them back there);
2. the string table, a JSON list of strings; string codes are indices into it;
3. the buffers: ``N`` int32 values in all, each buffer as byte planes (:mod:`renderers.webmap._planes`:
   a descriptor per buffer, then all its low bytes, all its next bytes, ...); a buffer is
   ``[offset, length]`` in values, counted over the buffers in order; two buffers with the same
   values are stored once.

``LAYER`` is ``{"spec", "n", "o", "g", "s", "c", "p"}``: the spec without ``geojson``; ``n``
features, whose geometries are stored in Morton order of their first position; ``o`` the place
of each stored geometry in the layer; ``g`` the geometry-type code of each (index into
:data:`GEOMETRY_TYPES`, -1 for none); ``s`` the nested part counts of the geometries, flattened
(LineString/MultiPoint: the number of positions; Polygon/MultiLineString: parts, then positions
per part; MultiPolygon: polygons, rings per polygon, positions per ring); ``c`` the x, y stream in
units of 1e-5 degree, each the difference to the previous position of the layer, or for a layer
of points alone ``{"z": [LOW, HIGH]}``, their Morton codes as steps (:mod:`renderers.webmap._zpoints`); ``p`` the
property columns ``[key, kind, buffer, extra]`` in the page's key order, their rows in the
layer's order (not the geometries'). ``TABLE`` is ``{"n", "p"}`` with the same columns, over
``n`` records. A column's numbers are its buffer as stored when the buffer is ``[offset, length,
0]``; otherwise the buffer holds, for each row, the difference of its number to the previous
row's (the first row's to 0) and the running sum gives the numbers. Kinds:

- ``"s"``: the number is a string code + 2, or with an integer ``extra`` a code + 2 counted from
  string ``extra``, or with a buffer ``extra`` (``[offset, length]``) a code + 2 into it: value
  ``c`` of that buffer is the string code; ``"l"``: a code + 2 into ``extra``, a list of lists of string codes; ``"u"``:
  a code + 2 into ``extra``, a list of JSON values; in these (and ``"t"``, ``"p"``) the number 1 is
  null and 0 an absent key (evidence records only); codes are numbered in order of first use;
- ``"i"``: the integer itself; ``"d"``: ``number / 10**extra`` (exact for these values);
- ``"D"``: an ISO date ``YYYY-MM-DD``, the number of days since 1970-01-01, plus (when ``extra``
  is a column index) that earlier ``"D"`` column's days in the same row;
- ``"t"``: texts from templates (:func:`_templated`): ``2 + t`` is template ``t`` of ``extra``, a
  list of pieces, each a string code (literal text) or ``-1 - j`` (the text of column ``j`` of
  the same row, never a ``"t"`` or ``"m"`` column), joined as text; ``2 + T + code`` (``T``
  templates) is the plain string ``code``;
- ``"p"``: a prefix and a number: ``2 + f`` is form ``f`` of ``extra["forms"]``, ``[prefix string
  code, width]``, followed by the row's number of the buffer ``extra["numbers"]`` written with at
  least ``width`` digits (zeros in front); ``2 + F + code`` the plain string ``code``;
- ``"m"``: lists of texts; the buffer is read as stored: per row the number of items (-1 null,
  -2 absent), then each item: ``t`` for template ``t`` of ``extra`` (as in ``"t"``), ``T + code``
  for the plain string ``code``;
- ``"r"``: lists of integers; the buffer is read as stored: per row its length, then its items,
  each the previous item of the column (0 before the first) plus the stored step;
- ``"g"``: (no buffer) the feature's first position on axis ``extra`` (0: x, 1: y), the same
  number as its geometry's (``lon``, ``lat`` of points);
- ``"="``: the same values as the column at index ``buffer`` of the same list (no buffer of its own);
- ``"f"``: derived from the row's feature (tables with a ``link``, below): ``extra`` is ``{"from":
  [SOURCE, ...], "else": [kind, buffer, extra] | null}``; the number ``c`` of a row is source ``c``
  of ``from`` or, past them, the value of the ``else`` column (a column as above, its own rows
  absent elsewhere; a ``"t"`` one's pieces are ``"f"`` columns without ``else``, filled first).
  A ``SOURCE`` is ``["p", key, conv]`` (the feature's property ``key``, null when it has none),
  ``["g", i, conv]`` (of a Point or LineString, i 0/1: x/y of its first position, 2/3: of its
  last) or ``["r", 0, conv]`` (``[[layer id, feature id]]``: the ``id`` of the layer in
  ``layers`` and the feature's property ``id``, null when that is not text); ``conv``: ``"v"``
  the value, ``"t"`` text ("" for null), ``"f"`` and ``"i"`` a number as the download's cell, ``[its text]`` ("" for null): JavaScript's
  ``String`` of it, with ``".0"`` after an integral ``"f"`` (the encoder derives a cell only
  where that is Python's text), ``"0"`` the first item of a list of texts, ``"1"`` the others
  joined by ``"; "``, ``"j"`` all of them joined by ``"; "``;
- ``"c"``: lists of texts joined from other columns of the row (records tables): ``extra`` is
  ``{"of": [j, ...], "else": [kind, buffer, extra] | null}``; the number 0 is the list of the
  items of columns ``j`` in order (a text: itself; a list: its items; null: none), each item kept
  once (the first); 1 is the value of the ``else`` column;
- ``"k"``: the place search's lookup keys (records tables): ``extra`` is ``{"of": j, "else": ...}``;
  0 is the distinct non-empty keys of the texts of list column ``j`` (``"c"`` or plain), each
  keyed by the page's ``normalizeName`` under ``rest.controls.name_rules``, sorted by UTF-16 code
  units (the encoder derives only names of characters where that is ``geo.names.normalize_name``
  in code point order); 1 is the ``else`` column's value. ``"c"`` and ``"k"`` columns are filled
  after all others (``"k"`` last), so they may read any other column of the row.

A records table may have ``"link": {"layer": BUFFER, "row": BUFFER}``: per record the index of a
layer in ``layers`` (-1: none) and the place of the record's feature in that layer (numbers as
in a column: stored or deltas); the evidence's feature is the first citing the entry. The encoder keeps a source for a row only where it gives exactly
the stored value.

No piece of text is ever parsed or evaluated: templates and prefixes are joined as strings.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import math
import operator
import re
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import pandas as pd

import shapely

from geo.names import normalize_name
from layers import Layer
from renderers.geojson import json_value
from renderers.webmap._escape import safe_url
from renderers.webmap._payload import _JSON_LIST_FIELDS, DECIMALS, LINE_TOLERANCE_DEG, EvidenceTable, dropped_columns, has_page_geometry, layer_spec, list_field
from renderers.webmap._planes import buffers_frame
from renderers.webmap._zpoints import code_steps

VERSION = 5
SCALE = 100_000  # integer units per degree: 1e-5 deg, about 1.1 m in latitude
GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
# shapely's type ids (get_type_id) of GEOMETRY_TYPES, in that order.
_SHAPELY_IDS = (0, 1, 3, 4, 5, 6)
GZIP_LEVEL = 6
_NULL = -1
_ABSENT = -2
_MISSING = object()  # a key an evidence record lacks
_INT32 = np.iinfo(np.int32)
# A text column of at most one distinct value per this many rows keeps its own codes, with a lookup buffer of their string codes.
_LOOKUP_ROWS = 4
# Above this many distinct floats a column is stored as scaled integers when that is exact.
_FLOATS_AS_VALUES = 64
_CHUNK = 3 * 65536  # base64 is written in pieces of a multiple of 3 bytes


def _part1by1(v: np.ndarray) -> np.ndarray:
    """Spread the low 32 bits of each value so a zero bit sits between any two (uint64)."""
    v = v.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F), (2, 0x3333333333333333), (1, 0x5555555555555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def morton(x: np.ndarray | int, y: np.ndarray | int) -> np.ndarray:
    """Return the Morton (Z-order) codes of non-negative 32-bit integers ``x``, ``y`` (x in the even bits)."""
    codes: np.ndarray = _part1by1(np.asarray(x)) | (_part1by1(np.asarray(y)) << np.uint64(1))
    return codes


class StringTable:
    """Distinct strings of the document, each stored once; values refer to them by index."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def code(self, text: str) -> int:
        """Return the index of ``text``, adding it on first use."""
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.strings)
            self.strings.append(text)
        return found

    def codes(self, texts: Sequence[str]) -> np.ndarray:
        """Return the indices of ``texts`` (int64), adding new ones."""
        found = list(map(self._index.get, texts))
        if None in found:  # new texts: added in order, one at a time (a text twice gets one code)
            for i, known in enumerate(found):
                if known is None:
                    found[i] = self.code(texts[i])
        return np.array(found, dtype=np.int64)


@dataclass
class _Buffers:
    """The int32 buffers of the document, in order; each is referred to as ``[offset, length]``."""

    arrays: list[np.ndarray] = field(default_factory=list)
    size: int = 0
    _seen: dict[bytes, tuple[int, int]] = field(default_factory=dict)

    def add(self, values: np.ndarray) -> list[int]:
        values = np.asarray(values)
        if values.size and (values.min() < _INT32.min or values.max() > _INT32.max):
            msg = "A value of the compact page data does not fit in 32 bits."
            raise ValueError(msg)
        array = values.astype("<i4", copy=False).ravel()
        key = array.tobytes()
        known = self._seen.get(key)
        if known is not None:  # the same values as an earlier buffer (actors and their label): one copy, two refs
            return list(known)
        ref = [self.size, int(array.size)]
        self._seen[key] = (ref[0], ref[1])
        self.arrays.append(array)
        self.size += int(array.size)
        return ref


def _factorize(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Return codes (-1 for NaN/None) and the distinct values as JSON-ready Python values, in first-seen order.

    Object columns are deduplicated by type and value (so ``1``, ``1.0`` and ``True`` stay apart),
    string and numeric columns with pandas.
    """
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "string":
        # Text with None/NaN for missing: pandas' own factorize; the distinct values are the texts.
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64), list(uniques)
    if series.dtype != object:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        if isinstance(series.dtype, pd.StringDtype) or (isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf"):
            # texts, or numbers and booleans without NaN (the sentinel takes it): tolist() gives the
            # same Python values as json_value of each, without a Python call per distinct value
            return np.asarray(codes, dtype=np.int64), uniques.tolist()
        return np.asarray(codes, dtype=np.int64), [json_value(u) for u in uniques]
    values = series.to_numpy()
    seen: dict[Any, int] = {}
    distinct: list[Any] = []
    out = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        plain = json_value(value)
        if plain is None:
            out[row] = _NULL
            continue
        try:
            key: Any = (type(plain), plain)
            hash(key)
        except TypeError:
            key = (type(plain), json.dumps(plain, sort_keys=True, default=str))
        found = seen.get(key)
        if found is None:
            found = seen[key] = len(distinct)
            distinct.append(plain)
        out[row] = found
    return out, distinct


def _all_of(values: Collection[Any], kind: type) -> bool:
    """Return whether every value's type is exactly ``kind`` (``all(type(v) is kind ...)``, True for none) without a Python step per value."""
    return set(map(type, values)) <= {kind}


def _all_lists_of(values: Collection[Any], kind: type) -> bool:
    """Return whether every value is a list (exactly) whose items' types are all exactly ``kind``."""
    return _all_of(values, list) and set(map(type, itertools.chain.from_iterable(values))) <= {kind}


def _row_values(codes: np.ndarray, distinct: list[Any]) -> list[Any]:
    """Return each row's value of a factorised column (None where its code is negative: null or absent)."""
    return [distinct[c] if c >= 0 else None for c in codes.tolist()]


def _renumber(codes: np.ndarray, distinct: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Return codes renumbered by first appearance in ``codes`` (markers below 0 kept) and the distinct values in that order."""
    valid = codes >= 0
    fresh, seen = pd.factorize(codes[valid])
    out = codes.copy()
    out[valid] = fresh
    return out, [distinct[int(u)] for u in seen]


def _column(codes: np.ndarray, distinct: list[Any], table: StringTable) -> tuple[str, np.ndarray, Any]:
    """Return ``(kind, values, extra)`` of a column given as codes into its distinct values.

    ``values`` is what goes into the column's buffer: the delta of each row's stored number to the
    previous row's (the first to 0), where the stored number is a code plus 2 (so null is 1 and an
    absent key 0) or, for ``"i"`` and ``"d"``, the number itself.
    """
    codes, distinct = _renumber(codes, distinct)
    if _all_of(distinct, str) or all(isinstance(v, str) for v in distinct):
        lut = table.codes(distinct)
        if len(lut) and np.array_equal(lut, np.arange(lut[0], lut[0] + len(lut))):
            # the distinct values are consecutive in the string table: the column's own codes + an offset
            return "s", _deltas(codes + 2), int(lut[0])
        if len(lut) * _LOOKUP_ROWS <= len(codes):
            # few distinct texts: the column's own codes (small numbers by first use, the same
            # buffer as a list column of the same values), their string codes in a lookup buffer
            return "s", _deltas(codes + 2), tuple(lut.tolist())
        return "s", _deltas(np.where(codes >= 0, lut[np.maximum(codes, 0)] if len(lut) else 0, codes) + 2), None
    if _all_lists_of(distinct, str) or all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in distinct):
        return "l", _deltas(codes + 2), [[table.code(i) for i in v] for v in distinct]
    if not (codes < 0).any():  # numbers in every row (a records table too: no absent key in this column)
        found = _number_column(codes, distinct)
        if found is not None:
            return found
    return "u", _deltas(codes + 2), distinct


def _number_column(codes: np.ndarray, distinct: list[Any]) -> tuple[str, np.ndarray, Any] | None:
    """Return an ``"i"``, ``"d"`` or ``"r"`` column of values without nulls, or None."""
    if _all_of(distinct, int):
        lut = np.array(distinct, dtype=object)
        if len(lut) and min(distinct) >= _INT32.min and max(distinct) <= _INT32.max:
            values = _deltas(lut.astype(np.int64)[codes])
            if _fits(values):
                return "i", values, None
    if len(distinct) > _FLOATS_AS_VALUES and _all_of(distinct, float):
        floats = np.array(distinct, dtype=np.float64)
        for digits in range(8):
            scaled = np.rint(floats * 10.0**digits)
            if np.abs(scaled).max() > _INT32.max:
                break
            if np.array_equal(scaled / 10.0**digits, floats):
                values = _deltas(scaled.astype(np.int64)[codes])
                if _fits(values):
                    return "d", values, digits
                break
    if len(distinct) * 2 > len(codes) and _all_lists_of(distinct, int):
        ragged = _ragged([distinct[c] for c in codes.tolist()])
        if ragged is not None:
            return "r", ragged, None
    return None


def _ragged(lists: list[list[int]]) -> np.ndarray | None:
    """Return the ``"r"`` buffer of lists of integers: per row its length, then its items, each minus the column's previous item (the first minus 0).

    None when a value does not fit in 32 bits.
    """
    counts = np.array([len(v) for v in lists], dtype=np.int64)
    items = np.array([i for v in lists for i in v], dtype=np.int64)
    if items.size and (items.min() < _INT32.min or items.max() > _INT32.max):
        return None
    steps = np.diff(items, prepend=np.int64(0))
    out = np.empty(len(counts) + len(items), dtype=np.int64)
    at = np.cumsum(counts + 1) - (counts + 1)  # where each row's length goes
    is_count = np.zeros(len(out), dtype=bool)
    is_count[at] = True
    out[at] = counts
    out[~is_count] = steps
    return out if _fits(out) else None


def _deltas(values: np.ndarray) -> np.ndarray:
    return np.diff(values.astype(np.int64), prepend=np.int64(0))


def _fits(values: np.ndarray) -> bool:
    return not values.size or bool(values.min() >= _INT32.min and values.max() <= _INT32.max)


def _add_column(
    columns: list[list[Any]], kept: list[tuple[str, np.ndarray | None, Any]], key: str, column: tuple[str, np.ndarray | None, Any], buffers: _Buffers
) -> None:
    """Append a column descriptor; a column equal to an earlier one of the table becomes ``[key, "=", its index, None]``."""
    kind, values, extra = column
    for index, (other_kind, other_values, other_extra) in enumerate(kept):
        same = other_values is None if values is None else other_values is not None and np.array_equal(other_values, values)
        if other_kind == kind and other_extra == extra and same:
            columns.append([key, "=", index, None])
            kept.append(column)
            return
    if values is None:
        columns.append([key, kind, None, extra])
    elif kind == "p":  # two buffers: the form of each row, then its number
        half = len(values) // 2
        columns.append([key, kind, _numbers_ref(_deltas(values[:half]), buffers), {"forms": extra, "numbers": _numbers_ref(_deltas(values[half:]), buffers)}])
    elif kind in ("r", "m"):  # read as they are
        columns.append([key, kind, buffers.add(values), extra])
    elif kind == "s" and isinstance(extra, tuple):  # the string codes of the column's codes, in a buffer of their own
        columns.append([key, kind, _numbers_ref(values, buffers), buffers.add(np.array(extra, dtype=np.int64))])
    else:
        columns.append([key, kind, _numbers_ref(values, buffers), extra])
    kept.append(column)


def _numbers_ref(deltas: np.ndarray, buffers: _Buffers) -> list[int]:
    """Add a column's numbers as deltas (``[offset, length]``) or, when that gives fewer distinct values, as they are (``[offset, length, 0]``).

    Codes of a few categories repeat as they are; codes numbered in order of first use and
    sorted numbers step by small deltas.
    """
    plain = np.cumsum(deltas)
    if len(deltas) > 1 and len(pd.unique(plain)) < len(pd.unique(deltas)):  # pd.unique: a hash table, no sort
        return [*buffers.add(plain), 0]
    return buffers.add(deltas)


def _geometry(layer: Layer) -> tuple[np.ndarray, list[list[int]], np.ndarray, np.ndarray]:
    """Return per feature its type code, its part counts, its number of positions, and all positions (n, 2).

    The same geometry the plain page has (``_payload._geometries``): points as they are, lines
    simplified, none for panels and for circles drawn from their centre and radius.
    """
    gdf, style = layer.gdf, layer.style
    n = len(gdf)
    none: tuple[np.ndarray, list[list[int]], np.ndarray, np.ndarray] = (
        np.full(n, -1, dtype=np.int64),
        [[] for _ in range(n)],
        np.zeros(n, dtype=np.int64),
        np.zeros((0, 2)),
    )
    if not has_page_geometry(layer):
        return none
    geoms = gdf.geometry.to_numpy()
    if style.geometry == "point":
        coords = np.round(shapely.get_coordinates(geoms), DECIMALS)
        if len(coords) != n:
            msg = f"Layer {style.layer!r}: every point feature needs exactly one position (empty or multi-part geometry found)."
            raise ValueError(msg)
        return np.zeros(n, dtype=np.int64), [[] for _ in range(n)], np.ones(n, dtype=np.int64), coords
    if style.geometry == "line":
        geoms = shapely.simplify(geoms, LINE_TOLERANCE_DEG, preserve_topology=False)
    ids = shapely.get_type_id(geoms)
    kinds = np.full(n, -1, dtype=np.int64)
    for code, sid in enumerate(_SHAPELY_IDS):
        kinds[ids == sid] = code
    if (kinds < 0).any():
        msg = f"Layer {style.layer!r}: a geometry of shapely type id {int(ids[kinds < 0][0])} cannot be encoded; expected one of {GEOMETRY_TYPES}."
        raise ValueError(msg)
    coords = np.round(shapely.get_coordinates(geoms), DECIMALS)
    counts = shapely.get_num_coordinates(geoms).astype(np.int64)
    return kinds, [_counts(g) for g in geoms], counts, coords


def _rings(polygon: Any) -> list[Any]:  # noqa: ANN401 - a shapely Polygon
    if polygon.is_empty:
        return []
    return [polygon.exterior, *polygon.interiors]


def _counts(geom: Any) -> list[int]:  # noqa: ANN401 - a shapely geometry
    """Return the nested part counts of one geometry (see the module docstring)."""
    kind = geom.geom_type
    if kind == "Point":
        return []
    if kind in ("LineString", "MultiPoint"):
        return [len(geom.coords)] if kind == "LineString" else [len(geom.geoms)]
    if kind == "MultiLineString":
        return [len(geom.geoms), *[len(part.coords) for part in geom.geoms]]
    if kind == "Polygon":
        rings = _rings(geom)
        return [len(rings), *[len(r.coords) for r in rings]]
    polys = [_rings(p) for p in geom.geoms]
    return [len(polys), *[len(r) for r in polys], *[len(ring.coords) for r in polys for ring in r]]


def _order_and_stream(kinds: np.ndarray, counts: np.ndarray, coords: np.ndarray) -> tuple[np.ndarray, np.ndarray | tuple[np.ndarray, np.ndarray]]:
    """Return the Morton order of the features (by first position; none first) and their positions in that order.

    The positions are the delta-coded x, y stream, or for a layer of points alone their sorted
    Morton codes as steps (:func:`renderers.webmap._zpoints.code_steps`: ``(LOW, HIGH)``).
    """
    ints = np.rint(coords * SCALE).astype(np.int64)
    starts = np.cumsum(counts) - counts
    has = counts > 0
    keys = np.full(len(kinds), -1, dtype=np.float64)
    if has.any():
        first = ints[starts[has]]
        keys[has] = morton(first[:, 0] + 180 * SCALE, first[:, 1] + 90 * SCALE).astype(np.float64)
    # Morton codes stay below 2**53 (x, y < 2**26), so float64 keys order them exactly.
    order = np.argsort(keys, kind="stable")
    if len(kinds) and (kinds == 0).all() and (counts == 1).all():  # points alone: each key is its point's code
        return order, code_steps(keys[order].astype(np.uint64))
    lens = counts[order]
    total = int(lens.sum())
    index = np.arange(total, dtype=np.int64) + np.repeat(starts[order] - (np.cumsum(lens) - lens), lens)
    ordered = ints[index]
    deltas = np.diff(ordered, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)) if total else ordered
    return order, deltas


def _property_columns(
    layer: Layer, first: np.ndarray | None, evidence: EvidenceTable, table: StringTable, buffers: _Buffers, keep: list[Any] | None = None
) -> list[list[Any]]:
    """Return the layer's property columns in the layer's row order, as ``_payload._properties`` makes each feature's properties.

    ``first`` is each feature's first position as the page decodes it (degrees, shape (n, 2)), or
    None when a feature has none: a float column equal to it row for row is stored as ``"g"``.
    """
    gdf = layer.gdf
    names = [c for c in gdf.columns if c != gdf.geometry.name]
    raw: list[tuple[str, np.ndarray, list[Any]]] = []

    def add(key: str, codes: np.ndarray, distinct: list[Any]) -> None:
        raw.append((key, codes, distinct))

    dropped = dropped_columns(layer)
    for name in names:
        if name in dropped:
            continue
        codes, distinct = _factorize(gdf[name])
        if name == "url":
            codes, distinct = _remap(codes, [safe_url(v) for v in distinct], null=safe_url(None))
        elif name in _JSON_LIST_FIELDS:
            distinct = [list_field(v) for v in distinct]
        add(name, codes, distinct)
    ids = gdf["id"].to_numpy() if "id" in gdf.columns else None
    if "evidence" in gdf.columns:
        codes, uniques = pd.factorize(gdf["evidence"], use_na_sentinel=True)
        firsts = _first_rows(codes, len(uniques))
        distinct = [evidence.add(u or "[]", _feature_id(ids, row)) for u, row in zip(uniques, firsts, strict=True)]
        codes, distinct = _remap(codes.astype(np.int64), distinct, null=None, null_value=lambda: evidence.add("[]", ""))
    else:
        codes, distinct = np.zeros(len(gdf), dtype=np.int64), [evidence.add("[]", "")] if len(gdf) else []
    add("ev", codes, distinct)
    if "url" not in names:
        add("url", np.zeros(len(gdf), dtype=np.int64), [""])
    if keep is not None:  # the columns as values, for the records tables that refer to them (_LayerSource)
        keep.extend(raw)
    return _table_columns(raw, table, buffers, first=first)


def _table_columns(
    raw: list[tuple[str, np.ndarray, list[Any]]],
    table: StringTable,
    buffers: _Buffers,
    *,
    first: np.ndarray | None = None,
    fixed: dict[int, list[Any]] | None = None,
) -> list[list[Any]]:
    """Return the column descriptors of one table given as ``(key, codes, distinct values)`` per column.

    Text columns of many distinct values that are mostly built from the row's other text values
    become ``"t"`` columns (:func:`_templated`); float columns equal to the features' first
    positions ``first`` become ``"g"``; the rest go through :func:`_column`.
    """
    templated = _templated(raw, table, skip=set(fixed or ()))
    columns: list[list[Any]] = []
    kept: list[tuple[str, np.ndarray | None, Any]] = []
    dates: dict[int, np.ndarray] = {}  # the day numbers of the "D" columns stored as they are (bases of others)
    for index, (key, codes, distinct) in enumerate(raw):
        if fixed and index in fixed:  # a derived column (_derived_columns), built already
            columns.append(fixed[index])
            kept.append(("f", None, object()))  # never equal to another column
            continue
        column = (
            templated.get(index)
            or _position_column(codes, distinct, first)
            or _date_column(index, codes, distinct, dates)
            or _numbered(codes, distinct, table)
            or _column(codes, distinct, table)
        )
        _add_column(columns, kept, key, column, buffers)
    return columns


_ISO_DAY = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}\Z")
_UNIX_DAY = dt.date(1970, 1, 1).toordinal()
# A date column is stored relative to an earlier one when that gives this many times fewer distinct numbers.
_DATE_BASE_GAIN = 4


def _date_column(index: int, codes: np.ndarray, distinct: list[Any], dates: dict[int, np.ndarray]) -> tuple[str, np.ndarray, Any] | None:
    """Return the ``"D"`` column of ISO dates (``YYYY-MM-DD``, years 1000-9999) in every row, or None.

    Its numbers are days since 1970-01-01, or (``extra`` = the index of an earlier ``"D"`` column
    of the table stored without a base) the difference to that column's days in the same row.
    """
    if len(codes) < _TEMPLATE_MIN_ROWS or (codes < 0).any() or not all(type(v) is str and _ISO_DAY.match(v) for v in distinct):
        return None
    try:
        table_days = np.array([dt.date.fromisoformat(v).toordinal() - _UNIX_DAY for v in distinct], dtype=np.int64)
    except ValueError:  # not a calendar day (2024-02-30)
        return None
    days = table_days[codes]
    best: tuple[int, int | None, np.ndarray] = (len(np.unique(days)), None, days)
    for base, base_days in dates.items():
        steps = days - base_days
        count = len(np.unique(steps))
        if count * _DATE_BASE_GAIN <= best[0] and (best[1] is None or count < best[0]):
            best = (count, base, steps)
    if best[1] is None:
        dates[index] = days
    return "D", _deltas(best[2]), best[1]


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """Return the first row of each code ``0..count-1``."""
    valid = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[valid], return_index=True)
    return valid[first] if count else np.zeros(0, dtype=np.int64)


def _feature_id(ids: np.ndarray | None, row: int) -> str:
    """Return a feature's id as ``_payload._properties`` names it in an error message."""
    return "" if ids is None else str(json_value(ids[row]))


def _remap(codes: np.ndarray, distinct: list[Any], *, null: Any, null_value: Callable[[], Any] | None = None) -> tuple[np.ndarray, list[Any]]:  # noqa: ANN401
    """Return codes and values where a null row takes the value ``null`` (or ``null_value()``) instead of staying null."""
    if not (codes < 0).any():
        return codes, distinct
    value = null_value() if null_value is not None else null
    if value is None:
        return codes, distinct
    return np.where(codes < 0, len(distinct), codes), [*distinct, value]


def _records_table(
    records: list[dict[str, Any]],
    table: StringTable,
    buffers: _Buffers,
    link: tuple[list[_LayerSource], np.ndarray, np.ndarray] | None = None,
    lists: dict[str, tuple[str, ...]] | None = None,
    name_keys: dict[str, str] | None = None,
    *,
    dates_only: bool = False,
) -> dict[str, Any]:
    """Return the columns of a list of flat records (the evidence entries); a record without a key gets -2.

    ``link`` (the layers' sources, and per record a layer index and feature row) lets columns
    that repeat the features be derived from them (:func:`_derived_columns`). ``lists`` names
    list columns that mostly are other columns of the row joined (``"c"``, :func:`_joined_lists`),
    ``name_keys`` list columns that mostly are the lookup keys of a list column's names (``"k"``).
    ``dates_only``: only columns of ISO days are derived (the evidence: its source dates).
    """
    keys = list(dict.fromkeys(itertools.chain.from_iterable(records)))  # every record's keys, in order of first use
    missing = itertools.repeat(_MISSING)
    columns = {key: list(map(dict.get, records, itertools.repeat(key), missing)) for key in keys}
    return _columns_table(columns, len(records), table, buffers, link, lists, name_keys, dates_only=dates_only)


def _columns_table(
    columns: dict[str, list[Any]],
    n: int,
    table: StringTable,
    buffers: _Buffers,
    link: tuple[list[_LayerSource], np.ndarray, np.ndarray] | None = None,
    lists: dict[str, tuple[str, ...]] | None = None,
    name_keys: dict[str, str] | None = None,
    *,
    dates_only: bool = False,
) -> dict[str, Any]:
    """Return :func:`_records_table` of records given as columns: per key each record's value, ``_MISSING`` where it has none.

    ``columns`` is emptied once its values are coded (at 1M rows its lists are gigabytes the rest of the table does not need).
    """
    raw = [(key, *_record_codes(values)) for key, values in columns.items()]
    columns.clear()
    fixed = _joined_lists(raw, lists or {}, name_keys or {}, table, buffers)
    if link is not None:
        skip = set(fixed)
        if dates_only:
            skip |= {j for j, (_key, _codes, distinct) in enumerate(raw) if not all(type(v) is str and _ISO_DAY.match(v) for v in distinct)}
        options = {"dates_only": True} if dates_only else {}
        fixed.update(_derived_columns(raw, link[0], link[1], link[2], table, buffers, skip=skip, **options))
    out: dict[str, Any] = {"n": n}
    if fixed and link is not None:
        out["link"] = {"layer": _numbers_ref(_deltas(link[1]), buffers), "row": _numbers_ref(_deltas(link[2]), buffers)}
    out["p"] = _table_columns(raw, table, buffers, fixed=fixed)
    return out


def _record_codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Return the codes of one records column (-2 absent: ``_MISSING``, -1 null) and its distinct values in order of first use.

    Values are the same when their texts are: a text itself, any other value
    ``json.dumps([type name, value], sort_keys=True, ensure_ascii=False)`` (so 1, 1.0 and True
    stay apart). Texts, one-text lists (download numbers), floats, integers, booleans and lists
    of texts are keyed without that JSON where that gives the same codes (:func:`_plain_keys`).
    """
    kinds = set(map(type, values))
    if kinds <= {str}:  # text in every record: pandas' factorize, same codes as below
        codes, uniques = pd.factorize(np.array(values, dtype=object))
        return np.asarray(codes, dtype=np.int64), list(uniques)
    if kinds == {list} and set(map(len, values)) == {1} and set(map(type, itertools.chain.from_iterable(values))) <= {str}:
        # a number's text in every record (download cells)
        codes, uniques = pd.factorize(np.array([v[0] for v in values], dtype=object))
        return np.asarray(codes, dtype=np.int64), [[u] for u in uniques]
    n = len(values)
    absent = np.fromiter(map(operator.is_, values, itertools.repeat(_MISSING)), dtype=bool, count=n)
    null = np.fromiter(map(operator.is_, values, itertools.repeat(None)), dtype=bool, count=n)
    rows = np.flatnonzero(~(absent | null))
    present = values if len(rows) == n else [values[r] for r in rows.tolist()]
    keys = _plain_keys(present)
    if keys is None:
        keys = [v if isinstance(v, str) else json.dumps([type(v).__name__, v], sort_keys=True, ensure_ascii=False) for v in present]
    found, _uniques = pd.factorize(np.fromiter(keys, dtype=object, count=len(keys)), use_na_sentinel=False)
    codes = np.where(absent, _ABSENT, _NULL).astype(np.int64)
    codes[rows] = found
    return codes, [present[r] for r in _first_rows(np.asarray(found, dtype=np.int64), len(_uniques)).tolist()]


def _plain_keys(values: list[Any]) -> list[Any] | None:
    """Return keys of non-null values that are equal exactly when their texts (:func:`_record_codes`) are, or None.

    Only for texts, floats (``repr``), integers, booleans and lists of texts (or of texts and
    lists of texts), and only when no
    text starts with ``["`` (which could be another value's JSON text).
    """
    kinds = set(map(type, values))
    if not kinds <= {str, float, int, bool, list}:
        return None
    if str in kinds and any(map(operator.methodcaller("startswith", '["'), (v for v in values if type(v) is str))):
        return None
    as_tuple: Callable[[list[Any]], tuple[Any, ...]] = tuple
    if list in kinds:
        lists = [v for v in values if type(v) is list]
        items = set(map(type, itertools.chain.from_iterable(lists)))
        if not items <= {str}:  # lists of texts and lists of texts (the places' [[layer, feature id], ...]): nested tuples
            inner = [i for v in lists for i in v if type(i) is list]
            if not items <= {str, list} or not set(map(type, itertools.chain.from_iterable(inner))) <= {str}:
                return None
            as_tuple = _nested_tuple
    if len(kinds) == 1:  # one kind: its own values (texts, integers, booleans), reprs (floats) or tuples (lists)
        kind = next(iter(kinds))
        return list(map(repr, values)) if kind is float else list(map(as_tuple, values)) if kind is list else list(values)
    return [v if type(v) is str else (float, repr(v)) if type(v) is float else (list, as_tuple(v)) if type(v) is list else (type(v), v) for v in values]


def _nested_tuple(value: list[Any]) -> tuple[Any, ...]:
    """Return a list of texts and lists of texts as a tuple of texts and tuples."""
    return tuple(i if type(i) is str else tuple(i) for i in value)


# Characters on which the page's normalizeName (controls.js, driven by _controls.name_rules) and
# geo.names.normalize_name provably agree (a test runs each through both): printable ASCII (not
# \x1c-\x1f, which Python's \s splits at and JavaScript's does not), Latin-1 letters and Latin
# Extended-A/B, the combining diacritics, the Arabic block's letters, marks and digits, and the
# separators and bidi marks both drop. A place with any other character in a name keeps its keys.
_KEY_SAFE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x2BC, 0x2BF),
    (0x300, 0x36F),
    (0x621, 0x65F),
    (0x660, 0x6FF),
    (0x200E, 0x200F),
    (0x2010, 0x2014),
    (0x2018, 0x2019),
    (0x202A, 0x202E),
)
_KEY_SAFE = frozenset(chr(c) for a, b in _KEY_SAFE_RANGES for c in range(a, b + 1))


def _lookup_keys(names: list[str]) -> list[str] | None:
    """Return the sorted distinct non-empty lookup keys of ``names`` as the page derives them, or None where the page might key a name otherwise."""
    if not all(_KEY_SAFE.issuperset(name) for name in names):
        return None
    return sorted({key for key in map(normalize_name, names) if key})


def _joined_items(values: tuple[Any, ...]) -> list[str] | None:
    """Return the items of a ``"c"`` row from its parts' values (a text: itself, a list of texts: its items, null: none), each once; None for other values."""
    items: list[str] = []
    for v in values:
        if type(v) is str:
            items.append(v)
        elif type(v) is list and all(type(i) is str for i in v):
            items.extend(v)
        elif v is not None:
            return None
    return list(dict.fromkeys(items))


def _joined_lists(
    raw: list[tuple[str, np.ndarray, list[Any]]], lists: dict[str, tuple[str, ...]], name_keys: dict[str, str], table: StringTable, buffers: _Buffers
) -> dict[int, list[Any]]:
    """Return the ``"c"`` and ``"k"`` columns of a records table, by column index.

    ``lists`` maps a column of lists of texts to the columns whose texts (one item each, null
    none) and lists (their items) joined, each item kept once, give its rows; ``name_keys`` a
    column of lists to the ``lists`` column whose names' lookup keys (:func:`_lookup_keys`) give
    its rows. A row either way is kept only where that gives exactly its value; the others stay
    in the column's ``else``. A column is kept as such when that covers half its rows.
    """
    n = len(raw[0][1]) if raw else 0
    at = {key: j for j, (key, _codes, _distinct) in enumerate(raw)}
    out: dict[int, list[Any]] = {}
    if n < _TEMPLATE_MIN_ROWS:
        return out
    joined: dict[str, list[Any]] = {}  # a "c" column's value per row (None where not a list of texts)

    def values(j: int) -> list[Any]:
        return _row_values(raw[j][1], raw[j][2])

    def column(j: int, kind: str, derived: np.ndarray, extra: dict[str, Any]) -> list[Any] | None:
        key, codes, distinct = raw[j]
        if derived.sum() * 2 < n:
            return None
        other: list[Any] | None = None
        if not derived.all():
            rest, rest_distinct = _renumber(np.where(derived, _ABSENT, codes), distinct)
            nested: list[list[Any]] = []
            _add_column(nested, [], key, _column(rest, rest_distinct, table), buffers)
            other = nested[0][1:]
        return [key, kind, _numbers_ref(_deltas((~derived).astype(np.int64)), buffers), {**extra, "else": other}]

    for key, parts in lists.items():
        if key not in at or not all(p in at and p != key for p in parts):
            continue
        j = at[key]
        mine = values(j)
        part_values = [values(at[p]) for p in parts]
        rows = zip(zip(*part_values, strict=True), mine, strict=True)
        derived = np.array([want is not None and _joined_items(row) == want for row, want in rows], dtype=bool)
        found = column(j, "c", derived, {"of": [at[p] for p in parts]})
        if found is not None:
            out[j] = found
            joined[key] = mine
    for key, of in name_keys.items():
        if key not in at or of not in joined:
            continue
        j = at[key]
        mine = values(j)
        names = joined[of]
        derived = np.array([type(v) is list and type(m) is list and _lookup_keys(v) == m for v, m in zip(names, mine, strict=True)], dtype=bool)
        found = column(j, "k", derived, {"of": at[of]})
        if found is not None:
            out[j] = found
    return out


# A text column is tried as a template column when it has more distinct values than rows / this.
_TEMPLATE_DISTINCT = 8
# Rows looked at to find the columns a text column is built from, and the share of them a column must be found in.
_TEMPLATE_SAMPLE = 256
_TEMPLATE_HITS = 0.3
# Below this many rows a template table costs about what it saves (the real page's tables, 98-200 rows, grew by 1.2 KB).
_TEMPLATE_MIN_ROWS = 256
# Shorter values are not looked for in a row's text (they would match inside words: "at" in "undated").
_TEMPLATE_MIN_VALUE = 3
# Columns of at most this many distinct values key the templates tried first for a row, and how many are tried.
_TEMPLATE_KEY_DISTINCT = 64
_TEMPLATE_TRIES = 4
_TEMPLATE_KEY_SAMPLE = 2048  # items the key columns are chosen on


_DIGITS = re.compile(r"([0-9]+)\Z")
_MAX_DIGITS = 9  # a number of up to 9 digits fits in 32 bits


# A "p" column has at most one form (prefix and width) per this many distinct texts: each prefix is stored once for them.
_NUMBERED_FORMS = 2


def _numbered(codes: np.ndarray, distinct: list[Any], table: StringTable) -> tuple[str, np.ndarray, Any] | None:
    """Return the ``"p"`` column of texts that mostly are a prefix then a number (``syn-presence-000123``), or None.

    ``extra`` lists the forms ``[prefix string code, width]`` (the number is written with at
    least ``width`` digits, zeros in front; 0 where it has no leading zero). The values are the
    form number of each row (0 absent, 1 null, ``2 + f`` the form ``f``, ``2 + F + code`` a plain
    string), then the number of each row (0 where it has none).
    """
    n = len(codes)
    if n < _TEMPLATE_MIN_ROWS or len(distinct) * _TEMPLATE_DISTINCT <= n or not _all_of(distinct, str):
        return None
    forms: dict[tuple[str, int], int] = {}
    form_of = np.full(len(distinct), -1, dtype=np.int64)
    number_of = np.zeros(len(distinct), dtype=np.int64)
    unmatched = 0
    for i, text in enumerate(distinct):
        # the trailing run of ASCII digits (what _DIGITS finds), without a regex
        prefix = text.rstrip("0123456789")
        size = len(text) - len(prefix)
        if not size or size > _MAX_DIGITS:
            unmatched += 1
            if unmatched * 2 > len(distinct):  # fewer than half can be numbered: not a "p" column
                return None
            continue
        digits = text[len(prefix) :]
        width = size if digits[0] == "0" and size > 1 else 0
        form = forms.get((prefix, width))
        if form is None:
            form = forms[prefix, width] = len(forms)
            if len(forms) * _NUMBERED_FORMS > len(distinct):  # too many forms (they only grow)
                return None
        form_of[i] = form
        number_of[i] = int(digits)
    if len(forms) * _NUMBERED_FORMS > len(distinct) or (form_of >= 0).sum() * 2 < len(distinct):
        return None
    valid = codes >= 0
    row_form = np.where(valid, form_of[np.maximum(codes, 0)], -1)
    numbered = valid & (row_form >= 0)
    kinds = np.where(codes == _ABSENT, 0, 1).astype(np.int64)
    kinds[numbered] = 2 + row_form[numbered]
    plain = valid & ~numbered
    if plain.any():
        kinds[plain] = 2 + len(forms) + table.codes([distinct[c] for c in codes[plain].tolist()])
    numbers = np.where(numbered, number_of[np.maximum(codes, 0)], 0)
    return "p", np.concatenate([kinds, numbers]), [[table.code(prefix), width] for prefix, width in forms]


def _position_column(codes: np.ndarray, distinct: list[Any], first: np.ndarray | None) -> tuple[str, None, int] | None:
    """Return ``("g", None, axis)`` when the column is, row for row, the same number as the feature's first position on ``axis`` (0: x, 1: y)."""
    if first is None or not len(codes) or (codes < 0).any() or not _all_of(distinct, float):
        return None
    values = np.array(distinct, dtype=np.float64)[codes]
    for axis in (0, 1):
        if np.array_equal(values, first[:, axis]):
            return "g", None, axis
    return None


def _texts(codes: np.ndarray, distinct: list[Any]) -> np.ndarray:
    """Return the text of each row (object array, None for null or absent)."""
    out = np.full(len(codes), None, dtype=object)
    valid = codes >= 0
    if valid.any():
        out[valid] = np.array(distinct, dtype=object)[codes[valid]]
    return out


def _inside(value: str | None, text: str) -> bool:
    """Return whether ``value`` is long enough to look for and stands inside ``text`` (and is not all of it)."""
    return value is not None and len(value) >= _TEMPLATE_MIN_VALUE and value != text and value in text


def _split_row(text: str, sources: list[tuple[int, str]]) -> tuple[str | int, ...]:
    """Return ``text`` as pieces: literal text, or the index of a column whose value stands there (longest values first)."""
    pieces: list[str | int] = [text]
    for column, value in sources:
        split: list[str | int] = []
        hit = False
        for piece in pieces:
            if type(piece) is not str or value not in piece:
                split.append(piece)
                continue
            hit = True
            parts = piece.split(value)
            if parts[0]:
                split.append(parts[0])
            for part in parts[1:]:
                split.append(column)
                if part:
                    split.append(part)
        if hit:
            pieces = split
    return tuple(pieces)


def _templated(raw: list[tuple[str, np.ndarray, list[Any]]], table: StringTable, skip: Collection[int] = ()) -> dict[int, tuple[str, np.ndarray, Any]]:
    """Return the ``"t"`` columns of a table: text columns whose rows are mostly other columns' values of the row joined with literal text.

    Columns in ``skip`` (stored otherwise) are not tried, but may be pieces of a template.

    A ``"t"`` column's number per row is 0 absent, 1 null, ``2 + t`` for the template ``t`` of
    ``extra`` (a list of pieces: a string code ``>= 0`` is literal text, ``-1 - j`` the value of
    column ``j`` of the same table in that row, never itself a ``"t"`` column), ``2 + T + code`` for
    the plain string ``code`` (``T`` templates). The decoder joins the pieces as text: nothing is
    parsed. A template used by one row only is not kept (that row stays a plain string).
    """
    n = len(raw[0][1]) if raw else 0
    if n < _TEMPLATE_MIN_ROWS:
        return {}
    text_columns = [j for j, (_key, _codes, distinct) in enumerate(raw) if distinct and _all_of(distinct, str)]
    texts = {j: _texts(raw[j][1], raw[j][2]) for j in text_columns}
    targets = [j for j in text_columns if len(raw[j][2]) * _TEMPLATE_DISTINCT > n and j not in skip]
    targets.sort(key=lambda j: sum(map(len, raw[j][2])) / len(raw[j][2]))
    sample = np.unique(np.linspace(0, n - 1, min(n, _TEMPLATE_SAMPLE)).astype(np.int64))
    keys = [raw[j][1] for j, (_key, _codes, distinct) in enumerate(raw) if 1 < len(distinct) <= _TEMPLATE_KEY_DISTINCT]
    out: dict[int, tuple[str, np.ndarray, Any]] = {}
    frozen: set[int] = set()  # columns a template refers to: they stay plain
    done: list[tuple[int, tuple[str, np.ndarray, Any]]] = []
    pending = set(targets)  # text columns not tried yet: no source until then
    for target in targets:
        pending.discard(target)
        if target in frozen:
            continue
        codes, distinct = raw[target][1], raw[target][2]
        same = next((column for j, column in done if np.array_equal(raw[j][1], codes) and raw[j][2] == distinct), None)
        if same is not None:
            out[target] = same
            continue
        values = texts[target]
        candidates = []
        for j in text_columns:
            if j == target or j in out or j in pending:
                continue
            other = texts[j]
            hits = sum(1 for r in sample.tolist() if values[r] is not None and _inside(other[r], values[r]))
            if hits >= _TEMPLATE_HITS * len(sample):
                candidates.append(j)
        if not candidates:
            continue
        found = _template_column(values, codes, [texts[j] for j in candidates], candidates, keys, table)
        if found is None:
            continue
        out[target] = found
        done.append((target, found))
        frozen.update(_referred(found[2]))
    list_targets = [
        j for j, (_key, _codes, distinct) in enumerate(raw)
        if j not in skip and len(distinct) * _TEMPLATE_DISTINCT > n and _all_lists_of(distinct, str)
    ]  # fmt: skip
    sources = [j for j in text_columns if j not in out]
    for target in list_targets:
        found_list = _list_target(raw[target], sources, texts, sample, keys, table)
        if found_list is not None:
            out[target] = found_list
    return out


def _referred(templates: list[list[int]]) -> set[int]:
    """Return the columns the templates refer to."""
    return {-1 - p for pieces in templates for p in pieces if p < 0}


def _list_target(
    column: tuple[str, np.ndarray, list[Any]],
    text_columns: list[int],
    texts: dict[int, np.ndarray],
    sample: np.ndarray,
    keys: list[np.ndarray],
    table: StringTable,
) -> tuple[str, np.ndarray, Any] | None:
    """Return the ``"m"`` column of a column of lists of texts built from the (plain) ``text_columns``, or None."""
    _key, codes, distinct = column
    lists: list[list[str] | None] = _row_values(codes, distinct)
    firsts = [(r, lists[r][0]) for r in sample.tolist() if lists[r]]
    candidates = [j for j in text_columns if firsts and sum(1 for r, item in firsts if _inside(texts[j][r], item)) >= _TEMPLATE_HITS * len(firsts)]
    if not candidates:
        return None
    return _template_list_column(lists, codes, [texts[j] for j in candidates], candidates, keys, table)


Pieces = tuple[str | int, ...]


def _row_template(text: str, row: tuple[Any, ...], order: list[tuple[int, int]]) -> Pieces | None:
    """Return the pieces of ``text`` split at the row's values (``order``: column, index into ``row``), or None when none stands in it."""
    found = [(column, row[i]) for column, i in order if row[i] and len(row[i]) >= _TEMPLATE_MIN_VALUE]
    if not found:
        return None
    pieces = _split_row(text, found)
    return None if len(pieces) == 1 and type(pieces[0]) is str else pieces


def _template_keys(items: list[tuple[int, str]], per_row: list[tuple[Any, ...]], order: list[tuple[int, int]], low: list[np.ndarray], n: int) -> list[Any]:
    """Return per row the key its recent templates are kept under: the codes of up to 3 low-cardinality columns.

    The columns are chosen on the first items: the ones with which the fewest rows would miss
    the recent templates of their key (each miss splits the text again).
    """
    sample = items[:_TEMPLATE_KEY_SAMPLE]
    templates = [_row_template(text, per_row[r], order) for r, text in sample]
    rows = [r for r, _text in sample]

    def misses(key: list[np.ndarray]) -> int:
        recent: dict[Any, list[Any]] = {}
        count = 0
        for r, t in zip(rows, templates, strict=True):
            tried = recent.setdefault(tuple(int(c[r]) for c in key), [])
            if t not in tried:
                count += 1
                tried.insert(0, t)
                del tried[_TEMPLATE_TRIES:]
        return count

    chosen: list[int] = []
    best = misses([])
    for _ in range(3):
        scores = [(misses([low[j] for j in [*chosen, j]]), j) for j in range(len(low)) if j not in chosen]
        if not scores or min(scores)[0] >= best:
            break
        best, pick = min(scores)
        chosen.append(pick)
    if not chosen:
        return [()] * n
    return list(zip(*[low[j].tolist() for j in chosen], strict=True))


def _match_templates(
    items: list[tuple[int, str]], sources: list[np.ndarray], columns: list[int], low: list[np.ndarray]
) -> tuple[list[Pieces | None], dict[Pieces, int], bool]:
    """Return the template of each ``(row, text)`` item (None: stays plain), the templates kept (numbered), and whether they are worth it.

    A template is a tuple of pieces: literal text, or the index of one of ``columns`` (texts
    ``sources``) whose value in the item's row stands there. Templates used once are dropped.
    """
    found_pieces: list[Pieces | None] = [None] * len(items)
    index: dict[Pieces, int] = {}
    uses: list[int] = []
    local = {c: i for i, c in enumerate(columns)}
    # Longest values first (on average), so a value holding another is taken whole.
    by_length = sorted(range(len(columns)), key=lambda i: (-np.mean([len(v) for v in sources[i][:512].tolist() if v] or [0]), columns[i]))
    per_row = list(zip(*[s.tolist() for s in sources], strict=True))
    order = [(columns[i], i) for i in by_length]
    keys = _template_keys(items, per_row, order, low, len(per_row))
    # Rows of one key (their low-cardinality columns' codes) mostly share a template: try the
    # key's recent templates first (a join and a compare), split the text only when none fits.
    recent: dict[Any, list[tuple[Pieces, Pieces, str | int]]] = {}
    # No more than half the items can be templated once this many have gone without one: not worth it.
    misses_left = len(items) - (len(items) + 1) // 2
    for at, (r, text) in enumerate(items):
        row = per_row[r]
        tried = recent.get(keys[r])
        if tried is None:
            tried = recent[keys[r]] = []
        pieces = None
        for known, compiled, head in tried:  # _known_template, inlined
            try:
                # the joined text starts with the first piece: a cheap no first (a null raises TypeError, as in the join)
                if not text.startswith(row[head] if type(head) is int else head):  # type: ignore[arg-type]  # head is str there
                    continue
                if "".join([row[p] if type(p) is int else p for p in compiled]) == text:  # type: ignore[misc]  # p is str there
                    pieces = known
                    break
            except TypeError:  # a null value: this template does not fit the row
                continue
        if pieces is None:
            pieces = _row_template(text, row, order)
            if pieces is None:
                misses_left -= 1
                if misses_left < 0:
                    return [None] * len(items), {}, False
                continue
            compiled = tuple(local[p] if isinstance(p, int) else p for p in pieces)
            tried.insert(0, (pieces, compiled, compiled[0]))
            del tried[_TEMPLATE_TRIES:]
        t = index.get(pieces)
        if t is None:
            t = index[pieces] = len(uses)
            uses.append(1)
        else:
            uses[t] += 1
        found_pieces[at] = pieces
    return _kept_templates(items, found_pieces, index, uses)


def _kept_templates(
    items: list[tuple[int, str]], found_pieces: list[Pieces | None], index: dict[Pieces, int], uses: list[int]
) -> tuple[list[Pieces | None], dict[Pieces, int], bool]:
    """Return the items' templates without those used once, the kept ones numbered in order of first use, and whether they are worth it.

    ``index`` numbers each template found in order of first use, ``uses`` counts its items.
    """
    shared = [pieces for pieces, t in index.items() if uses[t] > 1]
    number = {pieces: t for t, pieces in enumerate(shared)}
    kept = [p if p is not None and p in number else None for p in found_pieces]
    templated = sum(p is not None for p in kept)
    saved = sum(len(text) for (_r, text), p in zip(items, kept, strict=True) if p is not None)
    cost = sum(8 + sum(len(p) + 3 if type(p) is str else 4 for p in pieces) for pieces in shared)
    return kept, number, templated * 2 >= len(items) and saved >= 2 * cost


def _pieces_json(number: dict[Pieces, int], table: StringTable) -> list[list[int]]:
    """Return the templates as lists of string codes (literal text) and ``-1 - j`` (column ``j``), in their numbers' order."""
    return [[-1 - p if isinstance(p, int) else table.code(p) for p in pieces] for pieces in number]


def _template_column(
    values: np.ndarray, codes: np.ndarray, sources: list[np.ndarray], columns: list[int], keys: list[np.ndarray], table: StringTable
) -> tuple[str, np.ndarray, Any] | None:
    """Return the ``"t"`` column of ``values`` built from the columns ``columns`` (their texts ``sources``), or None when it saves little."""
    items = [(r, text) for r, text in enumerate(values.tolist()) if text is not None]
    kept, number, worth = _match_templates(items, sources, columns, keys)
    if not worth:
        return None
    extra = _pieces_json(number, table)
    count = len(number)
    nums = np.where(codes == _ABSENT, 0, 1).astype(np.int64)
    if items:
        # per item 2 + its template's number, or 2 + T + the code of its text (plain texts coded in item order, as one by one)
        rows = np.fromiter((r for r, _text in items), dtype=np.int64, count=len(items))
        templated = np.fromiter((pieces is not None for pieces in kept), dtype=bool, count=len(items))
        got = np.empty(len(items), dtype=np.int64)
        got[templated] = np.fromiter((number[pieces] for pieces in kept if pieces is not None), dtype=np.int64, count=int(templated.sum()))
        got[~templated] = count + table.codes([text for (_r, text), pieces in zip(items, kept, strict=True) if pieces is None])
        nums[rows] = 2 + got
    return "t", _deltas(nums), extra


def _template_list_column(
    lists: list[list[str] | None], codes: np.ndarray, sources: list[np.ndarray], columns: list[int], keys: list[np.ndarray], table: StringTable
) -> tuple[str, np.ndarray, Any] | None:
    """Return the ``"m"`` column of lists of texts whose items are built from ``columns``, or None when it saves little.

    Its buffer, read as it is: per row the number of items (-1 null, -2 absent), then each item:
    ``t`` for the template ``t`` of ``extra``, ``T + code`` for the plain string ``code``.
    """
    items = [(r, item) for r, lst in enumerate(lists) if lst is not None for item in lst]
    kept, number, worth = _match_templates(items, sources, columns, keys)
    if not worth:
        return None
    extra = _pieces_json(number, table)
    count = len(number)
    # per row its number of items (-1 null, -2 absent: the row's code), then its items' numbers
    heads = np.array([len(lst) if lst is not None else int(c) for lst, c in zip(lists, codes.tolist(), strict=True)], dtype=np.int64)
    templated = np.fromiter((pieces is not None for pieces in kept), dtype=bool, count=len(items))
    got = np.empty(len(items), dtype=np.int64)
    got[templated] = np.fromiter((number[pieces] for pieces in kept if pieces is not None), dtype=np.int64, count=int(templated.sum()))
    got[~templated] = count + table.codes([text for (_r, text), pieces in zip(items, kept, strict=True) if pieces is None])
    sizes = np.maximum(heads, 0) + 1
    out = np.empty(int(sizes.sum()), dtype=np.int64)
    at = np.cumsum(sizes) - sizes  # where each row's head goes
    is_head = np.zeros(len(out), dtype=bool)
    is_head[at] = True
    out[at] = heads
    out[~is_head] = got
    return "m", out, extra


def encode_layer(layer: Layer, evidence: EvidenceTable, table: StringTable, buffers: _Buffers, sources: list[_LayerSource] | None = None) -> dict[str, Any]:
    """Return the header entry of one layer (its buffers go into ``buffers``; what records tables may refer to into ``sources``)."""
    kinds, parts, counts, coords = _geometry(layer)
    order, stream = _order_and_stream(kinds, counts, coords)
    first = None
    if len(counts) and (counts > 0).all():
        # each feature's first position exactly as the decoder computes it: integer units / SCALE
        first = np.rint(coords[np.cumsum(counts) - counts] * SCALE) / SCALE
    shapes = [c for row in order for c in parts[row]]
    spec = layer_spec(layer)
    keep: list[Any] | None = [] if sources is not None else None
    props = _property_columns(layer, first, evidence, table, buffers, keep)
    if sources is not None and keep is not None:
        sources.append(_LayerSource.of(spec["id"], kinds, counts, coords, keep))
    return {
        "spec": spec,
        "n": len(order),
        "o": buffers.add(order),
        "g": buffers.add(kinds[order]),
        "s": buffers.add(np.array(shapes, dtype=np.int64)),
        "c": {"z": [buffers.add(stream[0]), buffers.add(stream[1])]} if isinstance(stream, tuple) else buffers.add(stream),
        "p": props,
    }


@dataclass
class CompactPayload:
    """The packed page data of a set of layers: written to a file in pieces, or returned as text.

    ``rest`` is the page data other than ``layers`` and ``evidence``
    (``renderers.webmap.build.page_rest``); the layers are encoded by column when the payload is
    built, so the header and buffers are ready and only compression and base64 remain.
    """

    header: dict[str, Any]
    strings: list[str]
    buffers: list[np.ndarray]
    level: int = GZIP_LEVEL

    def _frames(self) -> Iterator[bytes]:
        yield from _pieces_frame(list(json_pieces(self.header)))
        yield from _json_list_frame(self.strings)
        yield from buffers_frame(self.buffers)

    def gzip_chunks(self) -> Iterator[bytes]:
        """Yield the gzip stream (mtime 0, so the output is reproducible) in pieces."""
        compressor = zlib.compressobj(self.level, zlib.DEFLATED, 31)
        for piece in self._frames():
            out = compressor.compress(piece)
            if out:
                yield out
        yield compressor.flush()

    def base64_chunks(self) -> Iterator[str]:
        """Yield the base64 text of the gzip stream in pieces (each but the last from a multiple of 3 bytes)."""
        pending = b""
        for piece in self.gzip_chunks():
            pending += piece
            if len(pending) >= _CHUNK:
                cut = len(pending) - len(pending) % 3
                yield base64.b64encode(pending[:cut]).decode("ascii")
                pending = pending[cut:]
        yield base64.b64encode(pending).decode("ascii")

    def write(self, out: IO[str]) -> int:
        """Write the base64 text to ``out``; return the number of characters written."""
        written = 0
        for chunk in self.base64_chunks():
            out.write(chunk)
            written += len(chunk)
        return written

    def text(self) -> str:
        """Return the whole base64 text (for small pages and tests)."""
        return "".join(self.base64_chunks())


def _dumps(value: Any) -> str:  # noqa: ANN401 - a JSON value
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def json_pieces(value: Any, batch: int = 20_000) -> Iterator[bytes]:  # noqa: ANN401 - a JSON value
    """Yield the UTF-8 of ``json.dumps(value)`` (compact separators, no NaN) in pieces.

    Dicts (with text keys) and lists holding a dict or a list longer than ``batch`` are written
    item by item, other lists longer than ``batch`` in batches of items. The joined pieces are
    byte-identical to the one-string text, but no text longer than one batch is ever built, so a
    million-feature header needs neither the whole document nor the encoder's list of its millions
    of small parts in memory at once.
    """
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        yield b"{"
        for i, (key, item) in enumerate(value.items()):
            yield (b"," if i else b"") + _dumps(key).encode("utf-8") + b":"
            yield from json_pieces(item, batch)
        yield b"}"
        return
    if isinstance(value, list):
        if any(isinstance(item, dict) or (isinstance(item, list) and len(item) > batch) for item in value):
            yield b"["
            for i, item in enumerate(value):
                if i:
                    yield b","
                yield from json_pieces(item, batch)
            yield b"]"
            return
        if len(value) > batch:
            yield b"["
            for start in range(0, len(value), batch):
                yield (b"," if start else b"") + _dumps(value[start : start + batch])[1:-1].encode("utf-8")
            yield b"]"
            return
    yield _dumps(value).encode("utf-8")


def _pieces_frame(pieces: list[bytes]) -> Iterator[bytes]:
    """Yield one frame from its pieces: their padded total length, the pieces, the space padding to a multiple of 4."""
    size = sum(len(p) for p in pieces)
    pad = -size % 4
    yield (size + pad).to_bytes(4, "little")
    yield from pieces
    yield b" " * pad


def _json_list_frame(items: list[str], batch: int = 20_000) -> Iterator[bytes]:
    """Yield the frame of a JSON list of strings, encoded in batches (the whole text is never one string)."""
    pieces = [b"["]
    for start in range(0, len(items), batch):
        text = json.dumps(items[start : start + batch], ensure_ascii=False, separators=(",", ":"))
        pieces.append((b"," if start else b"") + text[1:-1].encode("utf-8"))
    pieces.append(b"]")
    size = sum(len(p) for p in pieces)
    pad = -size % 4
    yield (size + pad).to_bytes(4, "little")
    yield from pieces
    yield b" " * pad


# ---------- Records that repeat the layers: derived columns ("f") ----------
# A records table (the download's rows, the place search's records) mostly repeats what its
# features carry. Such a table has a ``link``: per row the layer (index into ``layers``, -1
# none) and the feature (its place in the layer) it belongs to. A derived column gives per row
# which of its sources holds the row's value (or its own stored value), each source a value of
# the linked feature converted by one of _CONVERSIONS. The encoder keeps a source for a row only
# when the conversion gives exactly the stored value.

_NO_MATCH = ("no match",)  # a predicted cell no stored cell equals
# Most sources one derived column tries, the share of sampled rows a source must match to be
# tried on all rows, and the share of rows the sources must cover for the column to be derived.
_DERIVED_SOURCES = 4
_DERIVED_SAMPLE = 512
_DERIVED_TRY = 0.05
_DERIVED_COVER = 0.5
# Columns of at most this many distinct values stay codes (they cost about as much as a choice).
_DERIVED_MIN_DISTINCT = 16
_EXACT_FIXED = (1e-4, 1e16)  # where Python's repr of a float and JavaScript's String agree (but for the ".0")


def _tag(value: Any) -> Any:  # noqa: ANN401 - a JSON value
    """Return a hashable key of a JSON value that keeps its type (1, 1.0, True and "1" differ; [x] is not x)."""
    if type(value) is list:
        return ("list", tuple(_tag(v) for v in value))
    if type(value) is dict:
        return ("dict", json.dumps(value, sort_keys=True))
    return (type(value).__name__, value)


def _number_text(value: Any, integral: bool) -> Any:  # noqa: ANN401
    """Return the cell the page writes for a number (``_export.export_cell``'s ``[text]``), or _NO_MATCH where its conversion may differ from Python's."""
    if value is None:
        return ("str", "")
    if type(value) not in (int, float):
        return _NO_MATCH
    x = float(value)
    if integral:
        return ("list", (("str", str(int(x))),)) if x.is_integer() and abs(x) < 2**53 else _NO_MATCH
    if (x == 0.0 and math.copysign(1.0, x) > 0) or _EXACT_FIXED[0] <= abs(x) < _EXACT_FIXED[1]:
        return ("list", (("str", repr(x)),))
    return _NO_MATCH


def _texts_of(value: Any) -> list[str] | None:  # noqa: ANN401
    return value if type(value) is list and all(type(v) is str for v in value) else None


def _convert_text(value: Any) -> Any:  # noqa: ANN401
    return ("str", value) if type(value) is str else ("str", "") if value is None else _NO_MATCH


def _convert_first(value: Any) -> Any:  # noqa: ANN401
    items = _texts_of(value)
    return ("str", items[0]) if items else _NO_MATCH


def _convert_rest(value: Any) -> Any:  # noqa: ANN401
    items = _texts_of(value)
    return ("str", "; ".join(items[1:])) if items is not None else _NO_MATCH


def _convert_join(value: Any) -> Any:  # noqa: ANN401
    items = _texts_of(value)
    return ("str", "; ".join(items)) if items is not None else _NO_MATCH


# What a derived column's source makes of the feature's value (the decoders do the same):
# "v" the value itself; "t" text ("" for null); "f"/"i" a float/integer as the download's cell
# [Python's text]; "0" the first text of a list, "1" the others joined by "; ", "j" all joined.
_CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "v": _tag,
    "t": _convert_text,
    "f": lambda v: _number_text(v, integral=False),
    "i": lambda v: _number_text(v, integral=True),
    "0": _convert_first,
    "1": _convert_rest,
    "j": _convert_join,
}


@dataclass
class _LayerSource:
    """What a records table can refer to in one encoded layer: its id, its features' rows by id, their values and end positions."""

    name: Any
    n: int
    ids: dict[str, int]
    raw: dict[str, tuple[np.ndarray, list[Any]]]
    # (n, 4): the first position's x, y and the last one's, as the page decodes them; NaN but for points and lines
    ends: np.ndarray

    @classmethod
    def of(cls, name: Any, kinds: np.ndarray, counts: np.ndarray, coords: np.ndarray, raw: list[Any]) -> _LayerSource:  # noqa: ANN401
        n = len(kinds)
        ends = np.full((n, 4), np.nan)
        ok = ((kinds == 0) | (kinds == 1)) & (counts > 0)
        if ok.any():
            decoded = np.rint(coords * SCALE) / SCALE  # as the decoder: integer units / SCALE
            starts = np.cumsum(counts) - counts
            ends[ok, 0:2] = decoded[starts[ok]]
            ends[ok, 2:4] = decoded[starts[ok] + counts[ok] - 1]
        columns = {key: (codes, distinct) for key, codes, distinct in raw}
        ids: dict[str, int] = {}
        if "id" in columns:
            codes, distinct = columns["id"]
            text = np.array([type(v) is str for v in distinct] + [False], dtype=bool)  # [-1]: a null id
            rows = np.flatnonzero(text[codes])
            firsts, at = np.unique(codes[rows], return_index=True)  # each text id's first row
            ids = dict(zip([distinct[c] for c in firsts.tolist()], rows[at].tolist(), strict=True))
        return cls(name, n, ids, columns, ends)

    def codes(self, source: tuple[str, Any]) -> tuple[np.ndarray, list[Any]]:
        """Return a source's value in each feature as codes into distinct values (negative: none, null).

        ``("p", key)`` a property, ``("g", i)`` an end coordinate (distinct by its bits: -0.0 is
        not 0.0), ``("r", 0)`` the feature's reference ``[[layer id, feature id]]`` (null without a text id).
        """
        kind, what = source
        if kind == "g":
            axis = self.ends[:, what]
            codes = np.full(self.n, _NULL, dtype=np.int64)
            known = ~np.isnan(axis)
            found, uniques = pd.factorize(axis[known].view(np.int64))
            codes[known] = found
            return codes, np.asarray(uniques, dtype=np.int64).view(np.float64).tolist()
        if kind == "r":
            codes, distinct = self.raw["id"] if "id" in self.raw else (np.full(self.n, _NULL, dtype=np.int64), [])
            return codes, [[[self.name, v]] if type(v) is str else None for v in distinct]
        if what in self.raw:
            return self.raw[what]
        return np.full(self.n, _NULL, dtype=np.int64), []


def _link(sources: list[_LayerSource], pairs: list[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Return per row the layer index and feature row named by ``(layer id, feature id)`` (-1, -1 where there is none)."""
    by_name: dict[str, int] = {}
    for i, src in enumerate(sources):
        by_name.setdefault(src.name, i)
    layer = np.full(len(pairs), -1, dtype=np.int64)
    row = np.full(len(pairs), -1, dtype=np.int64)
    for k, (name, fid) in enumerate(pairs):
        j = by_name.get(name) if type(name) is str else None
        if j is not None and type(fid) is str:
            r = sources[j].ids.get(fid)
            if r is not None:
                layer[k], row[k] = j, r
    return layer, row


def _key(tag: Any) -> Any:  # noqa: ANN401 - a tag (_tag)
    """Return the key of a tag: the tag with each text's ``("str", text)`` replaced by the text (keys are equal exactly when the tags are)."""
    kind = tag[0]
    if kind == "str":
        return tag[1]
    if kind == "list" and type(tag[1]) is tuple:
        return ("list", tuple(map(_key, tag[1])))
    return tag


def _float_keys(values: list[float], conv: str) -> list[Any] | None:
    """Return :func:`_keys` of floats where one C pass does it ("v", "f" and the text conversions), else None."""
    if conv == "v":
        return list(zip(itertools.repeat("float"), values))
    if conv == "f":  # ("list", (("str", repr(x)),)) where Python's text is the page's
        x = np.array(values, dtype=np.float64)
        size = np.abs(x)
        exact = ((x == 0) & ~np.signbit(x)) | ((size >= _EXACT_FIXED[0]) & (size < _EXACT_FIXED[1]))
        out: list[Any] = list(zip(itertools.repeat("list"), zip(map(repr, values))))
        for i in np.flatnonzero(~exact).tolist():
            out[i] = None
        return out
    if conv in ("t", "0", "1", "j"):  # not a text, not a list
        return [None] * len(values)
    return None


def _text_list_keys(values: list[list[str]], conv: str) -> list[Any]:
    """Return :func:`_keys` of lists of texts."""
    if conv == "v":
        return [("list", tuple(v)) for v in values]
    if conv == "0":
        return [v[0] if v else None for v in values]
    if conv == "1":
        return ["; ".join(v[1:]) for v in values]
    if conv == "j":
        return list(map("; ".join, values))
    return [None] * len(values)  # "t", "f", "i": not a text, not a number


def _keys(values: list[Any], conv: str) -> list[Any]:
    """Return the key (:func:`_key`) of what conversion ``conv`` makes of each value, None where it gives no match.

    Texts, floats, lists of texts (most of the layers' values) and, as themselves, lists of lists
    of texts (the marks' references ``[[layer, feature id], ...]``) are done without a Python call
    per value.
    """
    if _all_of(values, str):  # a text is itself ("v", "t"); no number, no list
        return list(values) if conv in ("v", "t") else [None] * len(values)
    found = _float_keys(values, conv) if _all_of(values, float) else _text_list_keys(values, conv) if _all_lists_of(values, str) else None
    if found is not None:
        return found
    if conv == "v" and _all_of(values, list) and _all_lists_of(list(itertools.chain.from_iterable(values)), str):
        # _key(_tag(v)): ("list", (("list", (text, ...)), ...)), each text its own key
        return [("list", tuple([("list", tuple(inner)) for inner in v])) for v in values]
    convert = _CONVERSIONS[conv]
    keys: list[Any] = []
    for value in values:
        tag = convert(value)
        keys.append(None if tag is _NO_MATCH else _key(tag))
    return keys


class _Interned:
    """Numbers for keys (:func:`_keys`): equal keys get one number, None is -1.

    A new key takes the next number of a counter that every key looked up with ``add`` moves on,
    so numbers are distinct (not consecutive) and one C pass numbers a whole list.
    """

    def __init__(self) -> None:
        self._ids: dict[Any, int] = {None: -1}
        self._next = itertools.count()
        self._odd: list[Any] = []  # keys that cannot be hashed (compared one by one)

    def _slow(self, key: Any, add: bool, missing: int) -> int:  # noqa: ANN401
        try:
            found = self._ids.get(key)
        except TypeError:
            for i, other in enumerate(self._odd):
                if other == key:
                    return -3 - i
            if not add:
                return missing
            self._odd.append(key)
            return -2 - len(self._odd)
        if found is None:
            if not add:
                return missing
            found = self._ids[key] = next(self._next)
        return found

    def numbers(self, keys: list[Any], *, add: bool = True, missing: int = -2) -> np.ndarray:
        """Return the number of each key (int64), adding new ones, or ``missing`` for a key not added before."""
        ids = self._ids
        try:
            found = list(map(ids.get, keys))
            if None in found and add:  # a known key keeps its number, a new one takes the counter's (its later copies the same)
                return np.fromiter(map(ids.setdefault, keys, self._next), dtype=np.int64, count=len(keys))
        except TypeError:  # an unhashable key (the keys before it that were new keep their numbers)
            return np.array([self._slow(k, add, missing) for k in keys], dtype=np.int64)
        if None in found:
            return np.array([missing if f is None else f for f in found], dtype=np.int64)
        return np.array(found, dtype=np.int64)

    @property
    def size(self) -> int:
        """Return how many keys have numbers."""
        return len(self._ids) + len(self._odd)


def _matches(predicted: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Return where a predicted number (-1 none, below -2 an unhashable key) equals the cell's (-2 where it has none)."""
    same: np.ndarray = (predicted != -1) & (predicted == cells)
    return same


class _Derive:
    """The derived search of one linked table: every source's value per row, numbered so that rows compare as whole arrays.

    A source's number in a row is that of the key of its converted value (:func:`_keys`) in the
    table's :class:`_Interned`, -1 where it gives none; a column's cell is numbered the same
    way (-2 where it has none), so a source gives a row's cell exactly where the numbers are equal.
    """

    def __init__(self, sources: list[_LayerSource], layer: np.ndarray, row: np.ndarray, sample: list[int]) -> None:
        self.sources = sources
        self.n = len(layer)
        self.sample = np.asarray(sample, dtype=np.int64)
        self.interned = _Interned()
        self._layer, self._row = layer, row
        self._rows: dict[tuple[str, Any], tuple[np.ndarray, list[Any]]] = {}
        self._luts: dict[tuple[tuple[str, Any], str], np.ndarray] = {}
        self._sample_values: dict[tuple[str, Any], tuple[list[Any], np.ndarray]] = {}
        self._sampled: dict[tuple[tuple[str, Any], str], np.ndarray] = {}

    def _source(self, source: tuple[str, Any]) -> tuple[np.ndarray, list[Any]]:
        """Return per row the index of its value among the source's values (all layers' distinct values), ``len`` for none, ``len + 1`` unlinked."""
        found = self._rows.get(source)
        if found is None:
            values: list[Any] = []
            at = np.empty(self.n, dtype=np.int32)
            at[self._layer < 0] = -1
            for i, src in enumerate(self.sources):
                codes, distinct = src.codes(source)
                mine = self._layer == i
                picked = codes[self._row[mine]]
                at[mine] = np.where(picked >= 0, picked + len(values), -2)
                values.extend(distinct)
            at[at == -2] = len(values)  # noqa: PLR2004 - the none marker above
            at[at == -1] = len(values) + 1
            found = self._rows[source] = (at, values)
        return found

    def _lut(self, source: tuple[str, Any], conv: str) -> np.ndarray:
        """Return the numbers of the source's values under ``conv``, then of none, then of an unlinked row (-1)."""
        _at, values = self._source(source)
        lut = np.full(len(values) + 2, -1, dtype=np.int64)  # key numbers are distinct, not small
        lut[: len(values)] = self.interned.numbers(_keys(values, conv))
        if source[0] != "g":  # a feature without the property (or a null one): what conv makes of null; no position: no match
            lut[len(values)] = self.interned.numbers(_keys([None], conv))[0]
        return lut

    def _sampled_values(self, source: tuple[str, Any]) -> tuple[list[Any], np.ndarray]:
        """Return the source's value in each sampled row (all linked; None for none) and where it has none."""
        found = self._sample_values.get(source)
        if found is None:
            values: list[Any] = [None] * len(self.sample)
            none = np.ones(len(self.sample), dtype=bool)
            layer, row = self._layer[self.sample], self._row[self.sample]
            for i, src in enumerate(self.sources):
                at = np.flatnonzero(layer == i)
                if not len(at):
                    continue
                codes, distinct = src.codes(source)
                for j, code in zip(at.tolist(), codes[row[at]].tolist(), strict=True):
                    if code >= 0:
                        values[j] = distinct[code]
                        none[j] = False
            found = self._sample_values[source] = (values, none)
        return found

    def sampled(self, source: tuple[str, Any], conv: str) -> np.ndarray:
        """Return the source's numbers in the sampled rows."""
        key = (source, conv)
        found = self._sampled.get(key)
        if found is None:
            lut = self._luts.get(key)
            if lut is not None:
                found = lut[self._source(source)[0][self.sample]]
            else:
                values, none = self._sampled_values(source)
                found = self.interned.numbers(_keys(values, conv))
                if source[0] == "g":  # no position: no match
                    found[none] = -1
            self._sampled[key] = found
        return found

    def predicted(self, source: tuple[str, Any], conv: str) -> np.ndarray:
        """Return the source's number in every row."""
        key = (source, conv)
        lut = self._luts.get(key)
        if lut is None:
            lut = self._luts[key] = self._lut(source, conv)
        numbers: np.ndarray = lut[self._source(source)[0]]
        return numbers

    def cells(self, codes: np.ndarray, distinct: list[Any], rows: np.ndarray) -> np.ndarray:
        """Return the number of the cell of each of ``rows``, -2 where it has none (their keys added)."""
        picked = codes[rows]
        valid = picked >= 0
        out = np.full(len(picked), -2, dtype=np.int64)
        if valid.any():
            used, inverse = np.unique(picked[valid], return_inverse=True)
            out[valid] = self.interned.numbers(_keys([distinct[c] for c in used.tolist()], "v"))[inverse]
        return out


class _CellNumbers:
    """The numbers of every cell of a column in a :class:`_Derive`'s table, -2 for none and for a key not numbered yet.

    The keys are looked up, not added (a column's own keys would only grow the table). A key not
    numbered is looked up again once new keys were numbered (a source computed since), so a
    source always finds the cells whose keys equal its values'.
    """

    def __init__(self, interned: _Interned, codes: np.ndarray, distinct: list[Any]) -> None:
        self.interned, self.codes = interned, codes
        self.keys = _keys(distinct, "v")
        self.numbers = np.full(len(distinct), -2, dtype=np.int64)
        self.unknown = np.arange(len(distinct))
        self.seen = -1  # the table's size at the last look-up

    def every(self) -> np.ndarray:
        """Return the number of each row's cell."""
        if len(self.unknown) and self.interned.size != self.seen:
            self.seen = self.interned.size
            found = self.interned.numbers([self.keys[i] for i in self.unknown.tolist()], add=False)
            self.numbers[self.unknown] = found
            self.unknown = self.unknown[found == -2]  # noqa: PLR2004 - not numbered
        if not len(self.numbers):
            return np.full(len(self.codes), -2, dtype=np.int64)
        return np.where(self.codes >= 0, self.numbers[np.maximum(self.codes, 0)], -2)


def _derived_sources(
    derive: _Derive,
    codes: np.ndarray,
    distinct: list[Any],
    candidates: list[tuple[str, Any]],
    share: float = 0.05,
) -> list[tuple[tuple[str, Any], str, np.ndarray]]:
    """Return the sources of one column (up to _DERIVED_SOURCES, most rows first), each with the rows it gives and no earlier one does.

    A source is tried on every row when it gives at least ``share`` of the sampled rows.
    """
    sample = derive.sample
    sampled_codes = codes[sample].tolist()
    kinds = {type(distinct[c]).__name__ if c >= 0 else _NO_MATCH[0] for c in sampled_codes}  # the cells' tags' kinds
    convs = [c for c in _CONVERSIONS if c == "v" or ("list" in kinds and c in "fi") or ("str" in kinds and c in "fi01jt")]
    tried = []
    predicted = {(source, conv): derive.sampled(source, conv) for source in candidates for conv in convs}
    cells = derive.cells(codes, distinct, sample)
    for source in candidates:
        for conv in convs:
            hits = int(np.count_nonzero(_matches(predicted[source, conv], cells)))
            if hits >= share * len(sample):
                tried.append((hits, source, conv))
    tried.sort(key=lambda t: -t[0])
    n = len(codes)
    remaining = [(source, conv) for _hits, source, conv in tried[: 4 * _DERIVED_SOURCES]]
    matched: dict[tuple[tuple[str, Any], str], np.ndarray] = {}  # a source's rows, computed when first needed
    every: list[_CellNumbers] = []  # the column's cells, numbered when first needed

    def rows_of(pair: tuple[tuple[str, Any], str]) -> np.ndarray:
        found = matched.get(pair)
        if found is None:
            numbers = derive.predicted(*pair)  # numbers the source's keys first, then the cells are looked up
            if not every:
                every.append(_CellNumbers(derive.interned, codes, distinct))
            found = matched[pair] = _matches(numbers, every[0].every())
        return found

    left = np.ones(n, dtype=bool)
    least = max(16, 0.01 * n)
    chosen: list[tuple[tuple[str, Any], str, np.ndarray]] = []
    while len(chosen) < _DERIVED_SOURCES and remaining:
        # The first source that gives the most rows still left. No source gives more than all of
        # them: the first to give all ends the search (the later ones are never computed), and
        # with fewer left than ``least`` none can be kept.
        bound = int(left.sum())
        if bound < least:
            break
        best, best_gain = remaining[0], -1
        for pair in remaining:
            gain_of = int(np.count_nonzero(rows_of(pair) & left))
            if gain_of > best_gain:
                best, best_gain = pair, gain_of
                if gain_of == bound:
                    break
        if best_gain < least:
            break
        chosen.append((best[0], best[1], rows_of(best) & left))
        left &= ~chosen[-1][2]
        remaining.remove(best)
    return chosen


def _derived_columns(
    raw: list[tuple[str, np.ndarray, list[Any]]],
    sources: list[_LayerSource],
    layer: np.ndarray,
    row: np.ndarray,
    table: StringTable,
    buffers: _Buffers,
    skip: Collection[int] = (),
    *,
    dates_only: bool = False,
) -> dict[int, list[Any]]:
    """Return the derived columns (``[key, "f", choices, {"from": [...], "else": COLUMN | None}]``) of a linked table, by column index.

    ``dates_only``: the sources are only the features' properties of ISO days.
    """
    n = len(layer)
    linked = np.flatnonzero(layer >= 0)
    if n < _TEMPLATE_MIN_ROWS or len(linked) * 2 < n or len(skip) >= len(raw):
        return {}
    sample = linked[np.unique(np.linspace(0, len(linked) - 1, min(len(linked), _DERIVED_SAMPLE)).astype(np.int64))].tolist()
    names = list(dict.fromkeys(key for src in sources for key in src.raw))
    if dates_only:
        days = [key for key in names if all(all(type(v) is str and _ISO_DAY.match(v) for v in src.raw[key][1]) for src in sources if key in src.raw)]
        candidates: list[tuple[str, Any]] = [("p", key) for key in days]
    else:
        candidates = [("p", key) for key in names] + [("g", i) for i in range(4)] + [("r", 0)]
    out: dict[int, list[Any]] = {}
    left: dict[int, np.ndarray] = {}  # the rows of each derived column that no source gives
    derive = _Derive(sources, layer, row, sample)
    for index, (key, codes, distinct) in enumerate(raw):
        if index in skip:
            continue
        found = _derived_column(key, codes, distinct, derive=derive, candidates=candidates, buffers=buffers)
        if found is not None:
            out[index], left[index] = found
    del derive  # its numbers of every source's values are not needed after the table
    # Each column's own values where no source gives them: a template of the fully derived text
    # columns of the row where that pays (the movements' "id#stop"), else a plain column.
    whole = [j for j in out if not left[j].any() and raw[j][2] and all(type(v) is str for v in raw[j][2])]
    texts = {j: _texts(raw[j][1], raw[j][2]) for j in whole}
    for index, rest_rows in left.items():
        if not rest_rows.any():
            continue
        key, codes, distinct = raw[index]
        rest, rest_distinct = _renumber(np.where(rest_rows, codes, _ABSENT), distinct)
        own = None
        many = len(rest_distinct) * _TEMPLATE_DISTINCT > rest_rows.sum() >= _TEMPLATE_MIN_ROWS
        if whole and many and all(type(v) is str for v in rest_distinct):
            own = _template_column(_texts(rest, rest_distinct), rest, [texts[j] for j in whole], whole, [], table)
        nested: list[list[Any]] = []
        _add_column(nested, [], key, own or _numbered(rest, rest_distinct, table) or _column(rest, rest_distinct, table), buffers)
        out[index][3]["else"] = nested[0][1:]
    return out


def _derived_column(
    key: str,
    codes: np.ndarray,
    distinct: list[Any],
    *,
    derive: _Derive,
    candidates: list[tuple[str, Any]],
    buffers: _Buffers,
) -> tuple[list[Any], np.ndarray] | None:
    """Return one column of a linked table as a derived column (``else`` still null) and the rows no source gives, or None when they give too few."""
    n = derive.n
    # A column of few distinct values is derived only when one source gives all its rows (its
    # choices are then one repeated number, stored once for all such columns).
    few = len(distinct) <= _DERIVED_MIN_DISTINCT
    chosen = _derived_sources(derive, codes, distinct, candidates, share=1.0 if few else _DERIVED_TRY)
    left = np.ones(n, dtype=bool)
    for _source, _conv, rows_of in chosen:
        left &= ~rows_of
    if (~left).sum() < _DERIVED_COVER * n or (few and (len(chosen) != 1 or left.any())):
        return None
    choice = np.full(n, len(chosen), dtype=np.int64)
    for s, (_source, _conv, rows_of) in enumerate(chosen):
        choice[rows_of] = s
    # the "else" column (the rows in ``left``) is made by _derived_columns once every column is known
    return [key, "f", _numbers_ref(_deltas(choice), buffers), {"from": [[src[0], src[1], conv] for src, conv, _r in chosen], "else": None}], left


# From this many places the place search's records go as a table (the real gazetteer's 31 are 1.7 KB smaller as JSON).
_PLACES_TABLE_MIN_ROWS = 256
# A place's spellings (_controls.places_payload: Gazetteer.names_of) are mostly its name, id and
# Arabic names, each once; its search keys the lookup keys of its spellings.
_PLACE_NAMES: dict[str, tuple[str, ...]] = {"names": ("name", "id", "arabic")}
_PLACE_KEYS = {"keys": "names"}


def _evidence_link(sources: list[_LayerSource], n: int) -> tuple[list[_LayerSource], np.ndarray, np.ndarray] | None:
    """Return the link of the evidence table: per entry the layer index and row of the first feature citing it (-1, -1: none).

    Columns of an entry that repeat that feature's properties (a source's date is often the
    claim's) are then derived from it (:func:`_derived_columns`).
    """
    layer = np.full(n, -1, dtype=np.int64)
    row = np.full(n, -1, dtype=np.int64)
    for j, source in enumerate(sources):
        if "ev" not in source.raw:
            continue
        codes, distinct = source.raw["ev"]  # per row a code into lists of entry indices
        valid = np.flatnonzero(codes >= 0)
        used, at = np.unique(codes[valid], return_index=True)
        firsts = np.full(len(distinct), -1, dtype=np.int64)
        firsts[used] = valid[at]
        lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
        entries = np.fromiter(itertools.chain.from_iterable(distinct), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(firsts, lengths)
        ok = (rows >= 0) & (entries >= 0) & (entries < n)
        entries, rows = entries[ok], rows[ok]
        order = np.lexsort((rows, entries))  # by entry, then row: each entry's first row first
        entries, rows = entries[order], rows[order]
        first = np.ones(len(entries), dtype=bool)
        first[1:] = entries[1:] != entries[:-1]
        entries, rows = entries[first], rows[first]
        new = layer[entries] < 0
        layer[entries[new]], row[entries[new]] = j, rows[new]
    if not (layer >= 0).any():
        return None
    return sources, layer, row


def encode(
    layers: list[Layer],
    rest: dict[str, Any],
    evidence: EvidenceTable | None = None,
    *,
    level: int = GZIP_LEVEL,
    export_cells: dict[str, list[Any]] | None = None,
) -> CompactPayload:
    """Return the compact payload of ``layers`` with the rest of the page data ``rest``.

    ``evidence`` is the table the layers' evidence goes into (a new one by default); it must be
    empty or hold only what the same page data put there before, as ``page_data`` does.
    ``export_cells`` are the download's rows by column (``_export.export_columns``), when
    ``rest["export"]`` has none: the same document as with them there as rows. The encoder
    empties the dict once it has coded them (so their memory is free for the tables after).
    """
    table = StringTable()
    buffers = _Buffers()
    evidence = evidence if evidence is not None else EvidenceTable()
    sources: list[_LayerSource] = []
    encoded = [encode_layer(layer, evidence, table, buffers, sources) for layer in layers]
    entries = _records_table(evidence.entries, table, buffers, _evidence_link(sources, len(evidence.entries)), dates_only=True)
    header: dict[str, Any] = {"v": VERSION, "ints": 0, "rest": rest, "evidence": entries, "layers": encoded}
    export = rest.get("export")
    cells = None
    if isinstance(export, dict) and export.get("rows"):
        columns, rows = export["columns"], export["rows"]
        cells = dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True))  # by column (a repeated name: its last cells)
    elif isinstance(export, dict) and export_cells is not None and not export.get("rows"):
        cells = {column: export_cells[column] for column in export["columns"]}
        export_cells.clear()
    n = len(next(iter(cells.values()))) if cells else 0
    if isinstance(export, dict) and cells and n:
        # The download's rows by column, their cells codes into the one string table (most are the
        # features' own ids, names and dates): the decoder puts them back as rows of cells.
        header["rest"] = {**rest, "export": {**export, "rows": []}}
        # each row belongs to the feature its layer and feature_id name: columns repeating it are derived
        nothing = [None] * n
        layer, row = _link(sources, list(zip(cells.get("layer", nothing), cells.get("feature_id", nothing), strict=True)))
        header["export_rows"] = _columns_table(cells, n, table, buffers, (sources, layer, row))  # (it empties cells)
    controls = header["rest"].get("controls")
    places = controls.get("places") if isinstance(controls, dict) else None
    if isinstance(places, list) and len(places) >= _PLACES_TABLE_MIN_ROWS and all(type(place) is dict for place in places):
        # The place search's gazetteer (one record per place: names, keys, position, the marks
        # naming it) by column like the evidence; the decoder puts the records back in
        # rest.controls.places.
        header["rest"] = {**header["rest"], "controls": {**controls, "places": []}}
        # each place is linked to the first mark naming it: its name, position and radius are mostly that mark's
        firsts = [f[0] if type(f := place.get("features")) is list and f and type(f[0]) is list else [] for place in places]
        layer, row = _link(sources, [(f[0], f[1]) if len(f) == 2 else (None, None) for f in firsts])  # noqa: PLR2004 - [layer, feature id]
        header["places"] = _records_table(places, table, buffers, (sources, layer, row), lists=_PLACE_NAMES, name_keys=_PLACE_KEYS)
    header["ints"] = buffers.size
    return CompactPayload(header, table.strings, buffers.arrays, level)
