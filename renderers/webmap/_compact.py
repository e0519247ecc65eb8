"""Compact encoding of the page's data document (issue 14 §4).

The page data (``renderers.webmap.build.page_data``) is encoded so that a large map stays
small; ``static/decode.js`` turns it back into the very same layer specs and GeoJSON-like
features the page draws from:

- coordinates become integers in units of 1e-5 degree (about 1 m), features of a layer are put
  in Morton (Z-order) order of their first coordinate, and every coordinate is stored as the
  difference to the previous one in that layer's coordinate stream;
- every string in the feature properties (categories, dates, names, ids, repeated lists)
  becomes an index into one string table shared by the whole document;
- properties are stored by column, so a key is written once per layer, not once per mark;
- properties that are the same on every mark of a claim (its quote, evidence, dates, actors…:
  a claim drawn as a ring, a point and an arrow end repeats them) are stored once per claim in
  a claims table, and each mark refers to its claim by index;
- the whole document is JSON, gzip-compressed and base64-encoded (:func:`pack`); the page
  decompresses it with ``DecompressionStream``, never ``eval``.

Encoding format (``v`` = 2). The document's ``claims`` holds ``ids`` (string indices of the
claim ids) and ``p`` (the columns of the claims' shared values, one row per claim, as below).
Per layer: ``spec`` (the layer spec without ``geojson``), ``n`` features, ``g`` geometry-type
codes (index into :data:`GEOMETRY_TYPES`, -1 for none), ``s`` the nested part counts of each
geometry (flattened), ``c`` the delta-coded integer x, y stream, ``k`` the claim index of each
feature (-1 for none) and ``p`` the property columns ``[key, kind, values]``: kind ``"s"`` holds
string indices, ``"l"`` lists of string indices, ``"j"`` plain JSON values; in ``"s"`` and
``"l"`` -1 is null, -2 an absent key and -3 "the claim's value"; kind ``"m"`` holds ``[1, value]``,
``[0]`` (absent) or ``[2]`` (the claim's value). A feature takes its claim's values first, then
its own columns; a key with no column is the claim's (or absent).
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

SCALE = 100_000  # integer units per degree: 1e-5 deg, about 1.1 m in latitude
GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
_MISSING = -2
_NULL = -1
_INHERITED = -3


def morton(x: int, y: int) -> int:
    """Return the Morton (Z-order) code of two non-negative 32-bit integers, bits interleaved."""
    code = 0
    for bit in range(32):
        code |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    return code


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


def _points(geometry: dict[str, Any]) -> tuple[list[int], list[list[float]]]:
    """Return the nested part counts and the flat list of positions of a GeoJSON geometry."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return [], [coords]
    if kind in ("LineString", "MultiPoint"):
        return [len(coords)], list(coords)
    if kind in ("Polygon", "MultiLineString"):
        return [len(coords), *[len(r) for r in coords]], [p for r in coords for p in r]
    if kind == "MultiPolygon":
        counts = [len(coords)]
        counts += [len(poly) for poly in coords]
        counts += [len(ring) for poly in coords for ring in poly]
        return counts, [p for poly in coords for ring in poly for p in ring]
    msg = f"Geometry type {kind!r} cannot be encoded; expected one of {GEOMETRY_TYPES}."
    raise ValueError(msg)


def _column(values: list[Any], table: StringTable) -> tuple[str, list[Any]]:
    """Return the kind and the coded values of one property column (see the module docstring)."""
    present = [v for v in values if v is not _MISSING_VALUE and v is not _INHERIT and v is not None]
    if present and all(isinstance(v, str) for v in present):
        return "s", [_code(v, table.code) for v in values]
    if present and all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in present):
        return "l", [_code(v, lambda items: [table.code(i) for i in items]) for v in values]
    if any(v is _MISSING_VALUE or v is _INHERIT for v in values):
        return "m", [[0] if v is _MISSING_VALUE else [2] if v is _INHERIT else [1, v] for v in values]
    return "j", values


def _code(value: Any, code: Any) -> Any:  # noqa: ANN401 - a coded value or a marker
    """Return the marker of an absent, inherited or null value, else ``code(value)``."""
    if value is _MISSING_VALUE:
        return _MISSING
    if value is _INHERIT:
        return _INHERITED
    return _NULL if value is None else code(value)


_MISSING_VALUE = object()  # the feature has no such key
_INHERIT = object()  # the feature's value is its claim's, stored in the claims table


def _same(a: Any, b: Any) -> bool:  # noqa: ANN401
    """Return whether two property values are the same value of the same type (1, 1.0 and True kept apart).

    Inside lists and dicts Python's ``==`` decides; JavaScript, which reads the result, has one
    number type anyway.
    """
    return type(a) is type(b) and a == b


def claims_table(layers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return each claim's shared values: the properties of its first mark, in document order.

    A later mark of the claim inherits every value equal to these and stores only its own
    differences (its id, its radius, or a site's evidence of several claims).
    """
    first: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for feature in layer["geojson"]["features"]:
            cid = feature["properties"].get("claim_id")
            if isinstance(cid, str) and cid not in first:
                first[cid] = {k: v for k, v in feature["properties"].items() if k not in _PER_MARK}
    return first


# Keys that are always a mark's own, never worth sharing.
_PER_MARK = frozenset({"id", "claim_id"})


def encode_layer(layer: dict[str, Any], table: StringTable, claims: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return the compact form of one layer spec from ``page_data`` (see the module docstring).

    ``claims`` is :func:`claims_table` (in order): a feature's values equal to its claim's are
    left to that table.
    """
    claims = claims or {}
    index = {cid: n for n, cid in enumerate(claims)}
    spec = {k: v for k, v in layer.items() if k != "geojson"}
    features = layer["geojson"]["features"]
    keyed = []
    for feature in features:
        geometry = feature["geometry"]
        counts, points = _points(geometry) if geometry else ([], [])
        ints = [(round(p[0] * SCALE), round(p[1] * SCALE)) for p in points]
        key = morton(ints[0][0] + 180 * SCALE, ints[0][1] + 90 * SCALE) if ints else -1
        keyed.append((key, geometry, counts, ints, feature["properties"]))
    keyed.sort(key=lambda item: item[0])
    kinds, shapes, stream = [], [], []
    last_x = last_y = 0
    for _, geometry, counts, ints, _props in keyed:
        kinds.append(GEOMETRY_TYPES.index(geometry["type"]) if geometry else -1)
        shapes.extend(counts)
        for x, y in ints:
            stream += [x - last_x, y - last_y]
            last_x, last_y = x, y
    shared = [claims.get(props["claim_id"]) if isinstance(props.get("claim_id"), str) else None for *_, props in keyed]
    keys = list(dict.fromkeys([*(k for *_, props in keyed for k in props), *(k for s in shared if s for k in s)]))
    columns = []
    for key in keys:
        values = [_value(props, claim, key) for claim, (*_, props) in zip(shared, keyed, strict=True)]
        if all(v is _INHERIT or (v is _MISSING_VALUE and (claim is None or key not in claim)) for v, claim in zip(values, shared, strict=True)):
            continue  # every mark inherits it, or none has it
        kind, coded = _column(values, table)
        columns.append([key, kind, coded])
    claim_of = [index[props["claim_id"]] if claim is not None else -1 for claim, (*_, props) in zip(shared, keyed, strict=True)]
    return {"spec": spec, "n": len(keyed), "g": kinds, "s": shapes, "c": stream, "k": claim_of, "p": columns}


def _value(props: dict[str, Any], claim: dict[str, Any] | None, key: str) -> Any:  # noqa: ANN401
    """Return the value to store for ``key`` of a mark: its own, absent, or inherited from its claim."""
    if key not in props:
        return _MISSING_VALUE
    if claim is not None and key in claim and _same(claim[key], props[key]):
        return _INHERIT
    return props[key]


def encode(data: dict[str, Any]) -> dict[str, Any]:
    """Return the compact document of the page data ``data`` (layers encoded, the rest as it is)."""
    table = StringTable()
    claims = claims_table(data["layers"])
    keys = list(dict.fromkeys(k for values in claims.values() for k in values))
    claim_columns = [[key, *_column([values.get(key, _MISSING_VALUE) for values in claims.values()], table)] for key in keys]
    layers = [encode_layer(layer, table, claims) for layer in data["layers"]]
    rest = {k: v for k, v in data.items() if k != "layers"}
    table_doc = {"ids": [table.code(cid) for cid in claims], "p": claim_columns}
    return {"v": 2, "strings": table.strings, "claims": table_doc, "layers": layers, "rest": rest}


def pack(data: dict[str, Any]) -> str:
    """Return the compact document of ``data`` as JSON, gzip-compressed (mtime 0) and base64-encoded."""
    text = json.dumps(encode(data), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")
