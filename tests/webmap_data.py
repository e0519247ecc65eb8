"""Read the web map's data block in tests: plain JSON, or the compact document (v4) decoded here.

This is a second decoder of the format of ``renderers/webmap/_compact.py``, written from its
module docstring and independent of the encoder (nothing from ``renderers`` is imported; the
place search's keys are ``geo.names.normalize_name``, which the page's ``normalizeName`` equals), so a
test that reads the page through it checks what the page itself would decode (``decode.js``).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import itertools
import json
import re
import struct
from typing import Any

from geo.names import normalize_name

DATA_BLOCK = re.compile(r'<script type="application/json" id="militia-map-data">(.*?)</script>', re.DOTALL)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]+")
_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
_SCALE = 100_000
_EPOCH = dt.date(1970, 1, 1)


def data_block(page: str) -> str:
    """Return the text of the page's one data block (raise ``AssertionError`` without exactly one)."""
    found = DATA_BLOCK.findall(page)
    assert len(found) == 1, f"expected one data block, found {len(found)}"
    return found[0]  # type: ignore[no-any-return]


def page_data(page: str) -> dict[str, Any]:
    """Return the page data of an HTML page, whichever form its data block has."""
    return decode_block(data_block(page))


def decode_block(text: str) -> dict[str, Any]:
    """Return the page data of a data block's text: JSON as it is, base64 as the compact document."""
    stripped = text.strip()
    if stripped.startswith("{"):
        return json.loads(stripped)  # type: ignore[no-any-return]
    assert _BASE64.fullmatch(stripped), "the compact data block must be pure base64"
    return decode_bytes(gzip.decompress(base64.b64decode(stripped, validate=True)))


def _frames(raw: bytes) -> list[bytes]:
    out, at = [], 0
    for _ in range(3):
        (length,) = struct.unpack_from("<I", raw, at)
        out.append(raw[at + 4 : at + 4 + length])
        at += 4 + length
    assert at == len(raw), "stray bytes after the three frames"
    return out


def _uvarint(raw: bytes, at: int) -> tuple[int, int]:
    """Return one unsigned LEB128 varint of ``raw`` at ``at`` and where the next begins."""
    value, shift = 0, 0
    while True:
        byte = raw[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _planes(raw: bytes, count: int) -> tuple[int, ...]:
    """Return the values of the buffers frame: descriptors (varints), then each buffer's byte planes, lowest first."""
    buffers, at = _uvarint(raw, 0)
    layouts = []
    for _ in range(buffers):
        descriptor, at = _uvarint(raw, at)
        layouts.append((descriptor >> 4, bool(descriptor & 8), descriptor & 7))
    out: list[int] = []
    for length, zig, width in layouts:
        assert width <= 4, "a buffer wider than 32 bits"
        rows = [raw[at + b * length : at + (b + 1) * length] for b in range(width)]
        assert all(len(r) == length for r in rows), "a buffer is cut off"
        for k in range(length):
            u = sum(rows[b][k] << (8 * b) for b in range(width))
            out.append((u >> 1) ^ -(u & 1) if zig else u)
        at += width * length
    assert at == len(raw), "stray bytes after the buffers"
    assert len(out) == count, "wrong number of buffer values"
    return tuple(out)


def _plain(ints: tuple[int, ...], ref: list[int]) -> list[int]:
    """Return a column's numbers: stored as they are (``[offset, length, 0]``) or as deltas."""
    stored = ints[ref[0] : ref[0] + ref[1]]
    return list(stored) if len(ref) > 2 and ref[2] == 0 else list(itertools.accumulate(stored))


def _ragged(buffer: tuple[int, ...]) -> list[list[int]]:
    out, at, item = [], 0, 0
    while at < len(buffer):
        count = buffer[at]
        items = []
        for step in buffer[at + 1 : at + 1 + count]:
            item += step
            items.append(item)
        out.append(items)
        at += 1 + count
    return out


def _joined(pieces: list[int], strings: list[str], value_of: Any, row: int) -> str:
    return "".join(strings[p] if p >= 0 else value_of(-1 - p)[0][row] for p in pieces)


def _text_lists(buffer: tuple[int, ...], templates: list[list[int]], strings: list[str], value_of: Any, absent: object) -> list[Any]:
    """Return the lists of a ``"m"`` column: per row its length (-1 null, -2 absent), then its items (template, or string code + count)."""
    out: list[Any] = []
    at = 0
    while at < len(buffer):
        length, row = buffer[at], len(out)
        at += 1
        if length < 0:
            out.append(None if length == -1 else absent)
            continue
        items = buffer[at : at + length]
        at += length
        out.append([_joined(templates[c], strings, value_of, row) if c < len(templates) else strings[c - len(templates)] for c in items])
    return out


def _built_texts(kind: str, nums: list[int], extra: Any, ints: tuple[int, ...], strings: list[str], value_of: Any, absent: object) -> list[Any]:
    """Return the texts of a ``"t"`` (templates) or ``"p"`` (prefix + number) column."""
    if kind == "t":  # templates: pieces are literal string codes (>= 0) or -1 - the index of a column of the row
        count = len(extra)

        def text(row: int, code: int) -> str:
            if code >= count:
                return strings[code - count]
            return _joined(extra[code], strings, value_of, row)

        return [text(row, c - 2) if c >= 2 else None if c == 1 else absent for row, c in enumerate(nums)]
    if kind == "p":  # prefix + number, zero-padded to the form's width
        forms, numbers = extra["forms"], _plain(ints, extra["numbers"])

        def numbered(row: int, code: int) -> str:
            if code >= len(forms):
                return strings[code - len(forms)]
            prefix, width = forms[code]
            return str(strings[prefix] + str(numbers[row]).zfill(width))

        return [numbered(row, c - 2) if c >= 2 else None if c == 1 else absent for row, c in enumerate(nums)]
    raise AssertionError(kind)


def _derive(source: list[Any], linked: tuple[dict[str, Any], str] | None) -> Any:
    """Return what a derived column's source gives for a row's feature and its layer's id (see ``_CONVERSIONS`` in the encoder's docs)."""
    kind, what, conv = source
    value: Any = None
    feature = linked[0] if linked is not None else None
    if linked is not None and kind == "r":  # the feature's reference
        fid = linked[0]["properties"].get("id")
        value = [[linked[1], fid]] if isinstance(fid, str) else None
    elif feature is not None and kind == "p":
        value = feature["properties"].get(what)
    elif feature is not None and kind == "g" and feature["geometry"] and feature["geometry"]["type"] in ("Point", "LineString"):
        coords = feature["geometry"]["coordinates"]
        position = coords if feature["geometry"]["type"] == "Point" else coords[0 if what < 2 else -1]
        value = position[what % 2]
    if conv == "v":
        return value
    if conv in ("f", "i"):  # the page writes a number as JavaScript's String (shortest digits), a float's integral value with ".0"
        if value is None:
            return ""
        number = float(value)
        return [repr(number) if conv == "f" else str(int(number))]
    if conv == "t":
        return value if isinstance(value, str) else ""
    if not isinstance(value, list):
        return ""
    return value[0] if conv == "0" else "; ".join(value[1:] if conv == "1" else value)


def _derived(column: list[Any], ints: tuple[int, ...], strings: list[str], value_of: Any, first: list[list[float]] | None, link: Any) -> list[Any]:
    """Return the values of a derived column: per row one of the sources (a value of the row's feature), or past them the column's own value."""
    key, _kind, ref, extra = column
    choice = _plain(ints, ref)
    own: Any = _reader([key, *extra["else"]], ints, strings, value_of, first, link)[0] if extra["else"] else None
    sources = extra["from"]
    return [_derive(sources[c], link(row)) if c < len(sources) else own[row] for row, c in enumerate(choice)]


def _reader(column: list[Any], ints: tuple[int, ...], strings: list[str], value_of: Any, first: list[list[float]] | None, link: Any = None) -> Any:
    _key, kind, ref, extra = column
    absent = object()
    if kind == "g":  # the feature's first position on axis ``extra``
        assert first is not None
        assert ref is None
        return [position[extra] for position in first], absent
    if kind in ("r", "m"):  # buffers read as they are: lists of integers, lists of texts
        buffer = ints[ref[0] : ref[0] + ref[1]]
        return (_ragged(buffer) if kind == "r" else _text_lists(buffer, extra, strings, value_of, absent)), absent
    nums = _plain(ints, ref)
    if kind in ("i", "d"):  # integers; numbers / 10**extra
        return (nums if kind == "i" else [c / 10**extra for c in nums]), absent
    if kind == "D":  # days since 1970-01-01, plus the base column's days
        base = [0] * len(nums) if extra is None else value_of(extra)[2]
        days = [a + b for a, b in zip(nums, base, strict=True)]
        return [(_EPOCH + dt.timedelta(days=d)).isoformat() for d in days], absent, days
    if kind in ("t", "p"):
        return _built_texts(kind, nums, extra, ints, strings, value_of, absent), absent
    values: list[Any]
    if kind == "s" and isinstance(extra, list):  # codes into a lookup buffer of string codes
        values = [strings[c] for c in ints[extra[0] : extra[0] + extra[1]]]
    elif kind == "s":
        values = strings[extra or 0 :]
    elif kind == "l":
        values = [[strings[c] for c in item] for item in extra]
    else:
        assert kind == "u", kind
        values = extra
    return [values[c - 2] if c >= 2 else None if c == 1 else absent for c in nums], absent


def _rows(
    n: int, columns: list[list[Any]], ints: tuple[int, ...], strings: list[str], first: list[list[float]] | None = None, link: Any = None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in range(n)]
    done: dict[int, Any] = {}

    def value_of(index: int) -> Any:
        if index not in done:
            column = columns[index]
            if column[1] == "=":
                assert column[2] < index, "an equal column names an earlier one"
                done[index] = value_of(column[2])
            else:
                if column[1] == "t":
                    assert all(columns[-1 - p][1] != "t" for t in column[3] for p in t if p < 0), "a template names a template column"
                if column[1] == "f":  # derived from the row's feature
                    done[index] = (_derived(column, ints, strings, value_of, first, link), object())
                elif column[1] in ("c", "k"):  # from the row's other columns
                    done[index] = (_from_row(column, ints, strings, value_of, link), object())
                else:
                    done[index] = _reader(column, ints, strings, value_of, first, link)
        return done[index]

    for index, column in enumerate(columns):
        values, absent = value_of(index)[:2]
        assert len(values) == n
        for row, value in zip(out, values, strict=True):
            if value is not absent:
                row[column[0]] = value
    return out


def _unmorton(code: int) -> tuple[int, int]:
    """Return the x (even bits) and y (odd bits) of a Morton code, bit by bit."""
    x = y = 0
    for bit in range(32):
        x |= ((code >> (2 * bit)) & 1) << bit
        y |= ((code >> (2 * bit + 1)) & 1) << bit
    return x, y


def _z_stream(z: list[list[int]], ints: tuple[int, ...]) -> list[int]:
    """Return a point layer's Morton code steps (low 24 bits, the bits above) as the x, y delta stream of the other layers."""
    low, high = ints[z[0][0] : sum(z[0])], ints[z[1][0] : sum(z[1])]
    assert len(low) == len(high), "point code buffers of different lengths"
    out, code, previous = [], 0, (0, 0)
    for lo, hi in zip(low, high, strict=True):
        assert lo >= 0, "a negative code step"
        assert hi >= 0, "a negative code step"
        code += (hi << 24) + lo
        x, y = _unmorton(code)
        position = (x - 180 * _SCALE, y - 90 * _SCALE)
        out += [position[0] - previous[0], position[1] - previous[1]]
        previous = position
    return out


def _geometries(layer: dict[str, Any], ints: tuple[int, ...]) -> list[dict[str, Any] | None]:
    kinds = ints[layer["g"][0] : sum(layer["g"])]
    counts = iter(ints[layer["s"][0] : sum(layer["s"])])
    stream = ints[layer["c"][0] : sum(layer["c"])] if isinstance(layer["c"], list) else _z_stream(layer["c"]["z"], ints)
    position = {"x": 0, "y": 0, "i": 0}

    def point() -> list[float]:
        position["x"] += stream[position["i"]]
        position["y"] += stream[position["i"] + 1]
        position["i"] += 2
        return [position["x"] / _SCALE, position["y"] / _SCALE]

    def points(k: int) -> list[list[float]]:
        return [point() for _ in range(k)]

    out: list[dict[str, Any] | None] = []
    for kind in kinds:
        if kind == -1:
            out.append(None)
            continue
        name = _TYPES[kind]
        if name == "Point":
            coords: Any = point()
        elif name in ("LineString", "MultiPoint"):
            coords = points(next(counts))
        elif name in ("Polygon", "MultiLineString"):
            sizes = [next(counts) for _ in range(next(counts))]
            coords = [points(k) for k in sizes]
        else:
            rings = [next(counts) for _ in range(next(counts))]
            ring_sizes = [[next(counts) for _ in range(r)] for r in rings]
            coords = [[points(k) for k in poly] for poly in ring_sizes]
        out.append({"type": name, "coordinates": coords})
    assert position["i"] == len(stream), "coordinates left over"
    return out


def _first_position(coords: Any) -> list[float]:
    while isinstance(coords[0], list):
        coords = coords[0]
    return coords  # type: ignore[no-any-return]


def _linker(table: dict[str, Any], ints: tuple[int, ...], layers: list[dict[str, Any]]) -> Any:
    """Return row -> the feature a linked table's row belongs to and its layer's id (None where none)."""
    if "link" not in table:
        return lambda _row: None
    layer, row = _plain(ints, table["link"]["layer"]), _plain(ints, table["link"]["row"])
    return lambda k: (layers[layer[k]]["geojson"]["features"][row[k]], layers[layer[k]]["id"]) if layer[k] >= 0 else None


def _joined_list(values: list[Any]) -> list[str]:
    """Return a ``"c"`` row: the items of its parts (a text itself, a list its items, null none), each once."""
    items: list[str] = []
    for value in values:
        if isinstance(value, str):
            items.append(value)
        elif isinstance(value, list):
            items.extend(value)
    return list(dict.fromkeys(items))


def _from_row(column: list[Any], ints: tuple[int, ...], strings: list[str], value_of: Any, link: Any) -> list[Any]:
    """Return a ``"c"`` (lists joined from the row's columns) or ``"k"`` (the lookup keys of a column's names) column."""
    key, kind, ref, extra = column
    choice = _plain(ints, ref)
    own: Any = _reader([key, *extra["else"]], ints, strings, value_of, None, link)[0] if extra["else"] else None
    if kind == "c":
        parts = [value_of(j)[0] for j in extra["of"]]
        made = [_joined_list([part[row] for part in parts]) for row in range(len(choice))]
    else:
        made = [sorted({k for k in map(normalize_name, names) if k}) for names in value_of(extra["of"])[0]]
    return [made[row] if c == 0 else own[row] for row, c in enumerate(choice)]


def decode_bytes(raw: bytes) -> dict[str, Any]:
    """Return the page data of the decompressed compact document."""
    head, table, buffers = _frames(raw)
    header = json.loads(head.decode("utf-8"))
    assert header["v"] == 5
    strings = json.loads(table.decode("utf-8"))
    ints = _planes(buffers, header["ints"])
    data = dict(header["rest"])
    layers = []
    for layer in header["layers"]:
        geometries: list[Any] = [None] * layer["n"]
        for place, geometry in zip(ints[layer["o"][0] : sum(layer["o"])], _geometries(layer, ints), strict=True):
            assert geometries[place] is None, "two features at one place"
            geometries[place] = geometry or {}
        first = [_first_position(g["coordinates"]) if g else None for g in geometries]
        props = _rows(layer["n"], layer["p"], ints, strings, first if all(first) else None)  # type: ignore[arg-type]
        features = [{"type": "Feature", "geometry": g or None, "properties": p} for g, p in zip(geometries, props, strict=True)]
        layers.append({**layer["spec"], "geojson": {"type": "FeatureCollection", "features": features}})
    data["layers"] = layers
    data["evidence"] = _rows(header["evidence"]["n"], header["evidence"]["p"], ints, strings, link=_linker(header["evidence"], ints, layers))
    if "export_rows" in header:
        columns = header["rest"]["export"]["columns"]
        records = _rows(header["export_rows"]["n"], header["export_rows"]["p"], ints, strings, link=_linker(header["export_rows"], ints, layers))
        data["export"] = {**header["rest"]["export"], "rows": [[record[c] for c in columns] for record in records]}
    if "places" in header:
        linked = _linker(header["places"], ints, layers)
        data["controls"] = {**header["rest"]["controls"], "places": _rows(header["places"]["n"], header["places"]["p"], ints, strings, link=linked)}
    return data
