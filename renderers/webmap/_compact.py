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
- the whole document is JSON, gzip-compressed and base64-encoded (:func:`pack`); the page
  decompresses it with ``DecompressionStream``, never ``eval``.

Encoding format (``v`` = 1), per layer ``spec`` (the layer spec without ``geojson``) plus
``n`` features, ``g`` geometry-type codes (index into :data:`GEOMETRY_TYPES`, -1 for none),
``s`` the nested part counts of each geometry (flattened), ``c`` the delta-coded integer
x, y stream and ``p`` the property columns ``[key, kind, values]`` where kind ``"s"`` holds
string indices (-1 for null), ``"l"`` lists of string indices, ``"j"`` plain JSON values and
``"m"`` missing-key markers are the value -2.
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
    present = [v for v in values if v is not _MISSING_VALUE and v is not None]
    if present and all(isinstance(v, str) for v in present):
        return "s", [_MISSING if v is _MISSING_VALUE else _NULL if v is None else table.code(v) for v in values]
    if present and all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in present):
        return "l", [_MISSING if v is _MISSING_VALUE else _NULL if v is None else [table.code(i) for i in v] for v in values]
    if any(v is _MISSING_VALUE for v in values):
        return "m", [[0] if v is _MISSING_VALUE else [1, v] for v in values]
    return "j", values


_MISSING_VALUE = object()


def encode_layer(layer: dict[str, Any], table: StringTable) -> dict[str, Any]:
    """Return the compact form of one layer spec from ``page_data`` (see the module docstring)."""
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
    keys = list(dict.fromkeys(k for *_, props in keyed for k in props))
    columns = []
    for key in keys:
        kind, values = _column([props.get(key, _MISSING_VALUE) for *_, props in keyed], table)
        columns.append([key, kind, values])
    return {"spec": spec, "n": len(keyed), "g": kinds, "s": shapes, "c": stream, "p": columns}


def encode(data: dict[str, Any]) -> dict[str, Any]:
    """Return the compact document of the page data ``data`` (layers encoded, the rest as it is)."""
    table = StringTable()
    layers = [encode_layer(layer, table) for layer in data["layers"]]
    rest = {k: v for k, v in data.items() if k != "layers"}
    return {"v": 1, "strings": table.strings, "layers": layers, "rest": rest}


def pack(data: dict[str, Any]) -> str:
    """Return the compact document of ``data`` as JSON, gzip-compressed (mtime 0) and base64-encoded."""
    text = json.dumps(encode(data), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")
