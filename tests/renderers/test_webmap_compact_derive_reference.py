"""Compact page data: the derived search on whole columns decides exactly as the per-row search it replaced.

``_reference_*`` below are the per-row search as it was (``_compact`` at 88ec0a6: every row's
value tagged by ``_tag`` and compared one by one); the tests build records tables that refer to
generated layers of odd values (hostile text, NaN, None, -0.0, ``True`` beside ``1`` and
``1.0``, lists beside texts, dicts, shared NaN objects) and check that the encoder gives the same
columns, buffers and strings with either.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd
import pytest

from renderers.webmap import _compact
from renderers.webmap._compact import (
    _CONVERSIONS,
    _DERIVED_COVER,
    _DERIVED_MIN_DISTINCT,
    _DERIVED_SAMPLE,
    _DERIVED_SOURCES,
    _DERIVED_TRY,
    _MISSING,
    _NO_MATCH,
    _TEMPLATE_DISTINCT,
    _TEMPLATE_MIN_ROWS,
    StringTable,
    _add_column,
    _Buffers,
    _column,
    _deltas,
    _factorize,
    _key,
    _keys,
    _LayerSource,
    _numbered,
    _numbers_ref,
    _record_codes,
    _renumber,
    _row_values,
    _tag,
    _template_column,
    _texts,
)
from tests.renderers.test_webmap_compact import HOSTILE


def _reference_values(src: _LayerSource, source: tuple[str, Any]) -> list[Any]:
    kind, what = source
    if kind == "g":
        return [None if v != v else v for v in src.ends[:, what].tolist()]  # noqa: PLR0124 - NaN check
    if kind == "r":
        codes, distinct = src.raw["id"] if "id" in src.raw else (np.full(src.n, -1, dtype=np.int64), [])
        refs = [[[src.name, v]] if type(v) is str else None for v in distinct]
        return _row_values(codes, refs)
    if what in src.raw:
        return _row_values(*src.raw[what])
    return [None] * src.n


def _reference_predict(
    values: dict[Any, list[list[Any]]], layer: np.ndarray, row: np.ndarray, rows: list[int], source: tuple[str, Any], conv: str
) -> list[Any]:
    convert = _CONVERSIONS[conv]
    out = []
    for k in rows:
        i = int(layer[k])
        if i < 0:
            out.append(_NO_MATCH)
            continue
        value = values[source][i][int(row[k])]
        out.append(_NO_MATCH if value is None and source[0] == "g" else convert(value))
    return out


def _reference_sources(
    cells: list[Any], sample: list[int], candidates: list[tuple[str, Any]], values: Any, layer: np.ndarray, row: np.ndarray, share: float
) -> list[tuple[tuple[str, Any], str, np.ndarray]]:
    kinds = {cells[k][0] for k in sample}
    convs = [c for c in _CONVERSIONS if c == "v" or ("list" in kinds and c in "fi") or ("str" in kinds and c in "fi01jt")]
    tried = []
    for source in candidates:
        for conv in convs:
            got = _reference_predict(values, layer, row, sample, source, conv)
            hits = sum(1 for k, g in zip(sample, got, strict=True) if g is not _NO_MATCH and g == cells[k])
            if hits >= share * len(sample):
                tried.append((hits, source, conv))
    tried.sort(key=lambda t: -t[0])
    n = len(cells)
    matches = []
    for _hits, source, conv in tried[: 4 * _DERIVED_SOURCES]:
        got = _reference_predict(values, layer, row, list(range(n)), source, conv)
        matches.append((source, conv, np.array([g is not _NO_MATCH and g == c for g, c in zip(got, cells, strict=True)], dtype=bool)))
    left = np.ones(n, dtype=bool)
    chosen: list[tuple[tuple[str, Any], str, np.ndarray]] = []
    while len(chosen) < _DERIVED_SOURCES and matches:
        best = max(matches, key=lambda m: int((m[2] & left).sum()))
        gain = best[2] & left
        if gain.sum() < max(16, 0.01 * n):
            break
        chosen.append((best[0], best[1], gain))
        left &= ~gain
        matches.remove(best)
    return chosen


def _reference_derived_columns(
    raw: list[tuple[str, np.ndarray, list[Any]]],
    sources: list[_LayerSource],
    layer: np.ndarray,
    row: np.ndarray,
    table: StringTable,
    buffers: _Buffers,
    skip: Collection[int] = (),
) -> dict[int, list[Any]]:
    n = len(layer)
    linked = np.flatnonzero(layer >= 0)
    if n < _TEMPLATE_MIN_ROWS or len(linked) * 2 < n:
        return {}
    sample = linked[np.unique(np.linspace(0, len(linked) - 1, min(len(linked), _DERIVED_SAMPLE)).astype(np.int64))].tolist()
    names = list(dict.fromkeys(key for src in sources for key in src.raw))
    candidates = [("p", key) for key in names] + [("g", i) for i in range(4)] + [("r", 0)]
    values = {source: [_reference_values(src, source) for src in sources] for source in candidates}
    out: dict[int, list[Any]] = {}
    left: dict[int, np.ndarray] = {}
    for index, (key, codes, distinct) in enumerate(raw):
        if index in skip:
            continue
        few = len(distinct) <= _DERIVED_MIN_DISTINCT
        tags = [_tag(v) for v in distinct]
        cells = [tags[c] if c >= 0 else _NO_MATCH for c in codes.tolist()]
        chosen = _reference_sources(cells, sample, candidates, values, layer, row, share=1.0 if few else _DERIVED_TRY)
        rest = np.ones(n, dtype=bool)
        for _source, _conv, rows_of in chosen:
            rest &= ~rows_of
        if (~rest).sum() < _DERIVED_COVER * n or (few and (len(chosen) != 1 or rest.any())):
            continue
        choice = np.full(n, len(chosen), dtype=np.int64)
        for s, (_source, _conv, rows_of) in enumerate(chosen):
            choice[rows_of] = s
        out[index] = [key, "f", _numbers_ref(_deltas(choice), buffers), {"from": [[src[0], src[1], conv] for src, conv, _r in chosen], "else": None}]
        left[index] = rest
    whole = [j for j in out if not left[j].any() and raw[j][2] and all(type(v) is str for v in raw[j][2])]
    texts = {j: _texts(raw[j][1], raw[j][2]) for j in whole}
    for index, rest_rows in left.items():
        if not rest_rows.any():
            continue
        key, codes, distinct = raw[index]
        rest_codes, rest_distinct = _renumber(np.where(rest_rows, codes, -2), distinct)
        own = None
        many = len(rest_distinct) * _TEMPLATE_DISTINCT > rest_rows.sum() >= _TEMPLATE_MIN_ROWS
        if whole and many and all(type(v) is str for v in rest_distinct):
            own = _template_column(_texts(rest_codes, rest_distinct), rest_codes, [texts[j] for j in whole], whole, [], table)
        nested: list[list[Any]] = []
        _add_column(nested, [], key, own or _numbered(rest_codes, rest_distinct, table) or _column(rest_codes, rest_distinct, table), buffers)
        out[index][3]["else"] = nested[0][1:]
    return out


def _reference_ids(src: _LayerSource) -> dict[str, int]:
    ids: dict[str, int] = {}
    if "id" in src.raw:
        codes, distinct = src.raw["id"]
        for r, code in enumerate(codes.tolist()):
            if code >= 0 and type(distinct[code]) is str:
                ids.setdefault(distinct[code], r)
    return ids


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - test data, not secrets


SHARED_NAN = float("nan")
SHARED_LIST = [SHARED_NAN, 1]


def _odd(rng: random.Random, i: int) -> Any:
    """Return an odd property value: types that compare equal in Python but are kept apart by the encoder."""
    return rng.choice(
        [
            1, 1.0, True, 0, 0.0, -0.0, False, "1", None, float("nan"), SHARED_NAN, [1], ["1"], "a", ["a"], ["a", "b"], [],
            {"k": 1, "j": [2]}, {"j": [2], "k": 1}, SHARED_LIST, [float("nan"), 1], f"{HOSTILE[i % len(HOSTILE)]}{i % 7}", 2**40, 1e-5, 5e-324,
        ]
    )  # fmt: skip


def _layer(rng: random.Random, name: str, n: int, ids: bool = True) -> _LayerSource:
    kinds = np.array([rng.choice([0, 0, 0, 0, 1, 1, 2, -1]) for _ in range(n)], dtype=np.int64)
    counts = np.array([0 if k < 0 else 1 if k == 0 else rng.randint(2, 4) for k in kinds], dtype=np.int64)
    # coordinates near 0 (rounding to -0.0), integral degrees and fine fractions
    xs = [rng.choice([-0.000001, 0.0, 36.0]) if rng.random() < 0.1 else rng.uniform(-2, 40) for _ in range(int(counts.sum()))]
    ys = [rng.choice([-0.000004, 33.5, rng.uniform(30, 37)]) for _ in range(int(counts.sum()))]
    coords = np.array([xs, ys], dtype=np.float64).T.reshape(-1, 2)
    columns: dict[str, list[Any]] = {
        "id": [f"{name}-{i % (n - 3)}" if i % 11 else (None if i % 2 else i) for i in range(n)],  # repeated, null and integer ids
        "name": [f"{HOSTILE[i % len(HOSTILE)]} {i}" for i in range(n)],
        "note": [None if i % 3 else f"note {i % 40}" for i in range(n)],
        "status": [rng.choice(["reported", "claimed", "contested"]) for _ in range(n)],
        "lat": [rng.choice([33.0, 33.5, -0.0, 0.0, 1e-5, 2e16, float("nan")]) if rng.random() < 0.2 else rng.uniform(30, 37) for _ in range(n)],
        "count": [rng.choice([1, 2, 3, 4, 5, 6, 2**53 + 1, 10**20, True, 7.0]) for _ in range(n)],
        "tags": [rng.choice([["a", "b"], ["a"], [], ["c", "d", "e"], ["", ""]]) for _ in range(n)],
        "actors": [rng.choice([["a", "b"], ["a"], [], ["c", "d", "e"], "a", None, [1, "a"]]) for _ in range(n)],
        "odd": [_odd(rng, i) for i in range(n)],
    }
    if not ids:
        del columns["id"]
    raw = []
    for key, values in columns.items():
        codes, distinct = _factorize(pd.Series(values, dtype=object))
        raw.append((key, codes, distinct))
    return _LayerSource.of(name, kinds, counts, coords, raw)


# How each generated record column is mostly made from its feature's property (as the download and place search do).
_WAYS = {"id": "v", "name": "t", "note": "t", "tags": "0", "status": "v", "lat": "f", "count": "i", "actors": "j", "odd": "v"}


def _cell(rng: random.Random, src: _LayerSource, r: int, key: str) -> Any:
    """Return a record's value made from feature ``r``'s property ``key``: mostly by the column's way, else by another or spoilt."""
    value = _reference_values(src, ("p", key))[r] if key in src.raw else None
    way = _WAYS[key] if rng.random() < 0.8 else rng.choice([*"vtfij01", "spoilt", "spoilt"])
    items = [str(v) for v in value] if type(value) is list else [] if value is None else [str(value)]
    if way == "v":
        return value
    if way == "t":
        return "" if value is None else value if type(value) is str else str(value)
    if way in "fi":
        return [repr(value)] if type(value) is float else [str(value)]
    if way in "j01":
        return {"j": "; ".join(items), "0": items[0] if items else "", "1": "; ".join(items[1:])}[way]
    return rng.choice([True, 1, 1.0, "1", None, float("nan"), SHARED_NAN, SHARED_LIST, [SHARED_NAN, 1], -0.0, 0.0, {"j": [2], "k": 1}, _odd(rng, r)])


def _records(rng: random.Random, sources: list[_LayerSource], n: int, linked_share: float) -> list[dict[str, Any]]:
    records = []
    for k in range(n):
        if rng.random() < linked_share:
            i = rng.randrange(len(sources))
            src = sources[i]
            r = rng.randrange(src.n)
            fid = _reference_values(src, ("p", "id"))[r] if "id" in src.raw else None
        else:
            i, src, r, fid = -1, sources[0], 0, rng.choice([None, "nowhere", 3])
        name = src.name if i >= 0 else rng.choice(["no-layer", None])
        ends = src.ends[r]
        record: dict[str, Any] = {"layer": name, "feature_id": fid}
        for key in ("id", "name", "note", "status", "lat", "count", "tags", "actors", "odd"):
            record[key] = _cell(rng, src, r, key)
        record["lon"] = [repr(float(ends[0]))] if ends[0] == ends[0] and rng.random() < 0.9 else rng.choice(["", [str(k)], -0.0])
        record["end"] = float(ends[3]) if ends[3] == ends[3] and rng.random() < 0.9 else rng.choice([None, 0.0])
        record["ref"] = [[name, fid]] if rng.random() < 0.85 else rng.choice([[[name, str(fid)]], None, [name, fid]])
        record["kind"] = rng.choice(["a", "b"]) if rng.random() < 0.05 else src.raw["status"][1][src.raw["status"][0][r]]
        if k % 13 == 0:
            del record["odd"]  # an absent key
        if k % 17 == 0:
            record["extra"] = _odd(rng, k)
        records.append(record)
    return records


def _encoded(records: list[dict[str, Any]], sources: list[_LayerSource], derived: Any) -> tuple[Any, list[Any], list[list[int]]]:
    table, buffers = StringTable(), _Buffers()
    layer, row = _compact._link(sources, [(r.get("layer"), r.get("feature_id")) for r in records])
    original = _compact._derived_columns
    _compact._derived_columns = derived
    try:
        out = _compact._records_table(records, table, buffers, (sources, layer, row))
    finally:
        _compact._derived_columns = original
    return out, table.strings, [a.tolist() for a in buffers.arrays]


def _same(a: Any, b: Any) -> bool:
    """Return whether two encoder outputs are equal, NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or a is b


CASES = [(0, 600, 0.9, 3), (1, 400, 0.7, 2), (2, 300, 0.55, 1), (3, 1000, 0.95, 4), (4, 256, 1.0, 1), (5, 500, 0.4, 2), (6, 700, 0.95, 1), (7, 900, 0.6, 2)]


@pytest.mark.parametrize(("seed", "n", "linked", "layers"), CASES)
def test_derived_search_decides_as_the_per_row_search(seed: int, n: int, linked: float, layers: int) -> None:
    rng = _rng(seed)
    sources = [_layer(rng, f"layer{i}", rng.randint(40, 400), ids=i != 1) for i in range(layers)]
    records = _records(rng, sources, n, linked)
    new = _encoded(records, sources, _compact._derived_columns)
    old = _encoded(records, sources, _reference_derived_columns)
    assert _same(new, old)
    if linked >= 0.9:  # the case derives something: the comparison is not of two empty tables
        assert any(column[1] == "f" for column in new[0]["p"]), [column[:2] for column in new[0]["p"]]


def test_the_cases_derive_from_every_kind_of_source() -> None:
    """The generated cases exercise each source kind and conversion the search can choose (else the equality above proves little)."""
    chosen = set()
    for seed, n, linked, layers in CASES:
        rng = _rng(seed)
        sources = [_layer(rng, f"layer{i}", rng.randint(40, 400), ids=i != 1) for i in range(layers)]
        out = _encoded(_records(rng, sources, n, linked), sources, _compact._derived_columns)[0]
        chosen |= {(s[0], s[2]) for column in out["p"] if column[1] == "f" for s in column[3]["from"]}
    assert {("p", "v"), ("p", "f"), ("p", "t"), ("g", "f"), ("g", "v"), ("r", "v")} <= chosen, chosen


@pytest.mark.parametrize("n", [1, 2, 255])
def test_small_tables_derive_nothing_either_way(n: int) -> None:
    rng = _rng(n)
    sources = [_layer(rng, "layer0", 50)]
    records = _records(rng, sources, n, 1.0)
    new = _encoded(records, sources, _compact._derived_columns)
    assert _same(new, _encoded(records, sources, _reference_derived_columns))
    assert new[0]["n"] == n
    assert not any(column[1] == "f" for column in new[0]["p"])


def test_an_empty_table_derives_nothing_either_way() -> None:
    sources = [_layer(_rng(0), "layer0", 50)]
    empty = np.zeros(0, dtype=np.int64)
    assert _compact._derived_columns([], sources, empty, empty, StringTable(), _Buffers()) == {}
    assert _reference_derived_columns([], sources, empty, empty, StringTable(), _Buffers()) == {}


@pytest.mark.parametrize("seed", range(4))
def test_layer_ids_are_each_text_ids_first_row(seed: int) -> None:
    rng = _rng(seed)
    src = _layer(rng, "layer0", rng.randint(5, 300))
    assert src.ids == _reference_ids(src)
    assert _layer(rng, "none", 10, ids=False).ids == {}


POOL = [
    "a", "", "1", "a; b", 1, 1.0, True, 0, 0.0, -0.0, False, None, SHARED_NAN, float("nan"), 1e-4, 9.99e-5, 1e16, 9999999999999998.0,
    2**53, 2**53 + 1, 34.0, 5e-324, float("inf"), ["a"], ["a", "b"], [], ["a", 1], [["a", "b"]], [1.0], [True], SHARED_LIST,
    {"k": 1}, {"k": 1.0}, ("a",),
]  # fmt: skip
POOLS = {
    "texts": [v for v in POOL if type(v) is str],
    "floats": [v for v in POOL if type(v) is float],
    "text lists": [["a"], ["a", "b"], [], ["", "x"], ["a; b"]],
    "references": [[["presence", "p-1"]], [], [["sites", "s-2"], ["presence", "p-1"]], [[]], [["a"], []], [["", "é; x"]]],
    "mixed": POOL,
}


@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("conv", list(_CONVERSIONS))
def test_keys_are_the_tags_keys_one_by_one(pool: str, conv: str) -> None:
    values = POOLS[pool]
    tags = [_CONVERSIONS[conv](v) for v in values]
    want = [None if t is _NO_MATCH else _key(t) for t in tags]
    got = _keys(values, conv)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert type(g) is type(w)
        assert g == w or g is w


def test_keys_are_equal_exactly_when_the_tags_are() -> None:
    tags = [_tag(v) for v in POOL] + [_CONVERSIONS[c](v) for c in "ft01j" for v in POOL]
    tags = [t for t in tags if t is not _NO_MATCH]
    for a in tags:
        for b in tags:
            assert (_key(a) == _key(b)) == (a == b), (a, b)


def _reference_record_codes(records: list[dict[str, Any]], key: str) -> tuple[np.ndarray, list[Any]]:
    """_records_table's codes of one key as they were (88ec0a6): one Python step per record."""
    values = [record.get(key, _MISSING) for record in records]
    if all(type(v) is str for v in values):
        codes, uniques = pd.factorize(np.array(values, dtype=object))
        return np.asarray(codes, dtype=np.int64), list(uniques)
    if all(type(v) is list and len(v) == 1 and type(v[0]) is str for v in values):
        codes, uniques = pd.factorize(np.array([v[0] for v in values], dtype=object))
        return np.asarray(codes, dtype=np.int64), [[u] for u in uniques]
    seen: dict[str, int] = {}
    distinct: list[Any] = []
    out = np.empty(len(records), dtype=np.int64)
    for row, record in enumerate(records):
        if key not in record:
            out[row] = -2
            continue
        value = record[key]
        if value is None:
            out[row] = -1
            continue
        text = value if isinstance(value, str) else json.dumps([type(value).__name__, value], sort_keys=True, ensure_ascii=False)
        found = seen.get(text)
        if found is None:
            found = seen[text] = len(distinct)
            distinct.append(value)
        out[row] = found
    return out, distinct


class _Text(str):
    __slots__ = ()


RECORD_POOLS = {
    "texts": ["a", "b", "", *HOSTILE],
    "number texts": [["1.0"], ["2"], ["-0.0"], ["nan"]],
    "floats": [1.0, -0.0, 0.0, SHARED_NAN, float("nan"), float("inf"), -float("inf"), 1e-300, 2.5],
    "integers": [1, 2, 0, -1, 2**70],
    "booleans": [True, False],
    "text lists": [["a"], ["a", "b"], [], ["b", "a"], ["\u2028", '"']],
    "mixed": [1, 1.0, True, "1", "true", 0, 0.0, -0.0, False, ["1"], [1], ["a", "b"], "a", [[1, 2]], {"k": [1]}, {"k": [1.0]}, 2.5],
    "json-like texts": ['["int", 1]', 1, '["list", ["a"]]', ["a"], '["float", 1.0]', 1.0, "a"],
    "text subclass": [_Text("a"), "a", ["a"], [_Text("a")], 1],
    "lists of lists": [[["l", "f1"]], [["l", "f1"], ["m", "f2"]], [], [["l", "f1"]], ["l", "f1"], ["l", ["f1"]], [["l"], "f1"], [[]], [["l", 1]]],
    "lists of lists, all texts": [[["l", "f1"]], [["l", "f1"], ["m", "f2"]], [], ["l", "f1"], ["l", ["f1"]], [["l"], "f1"], [[]], 1.0, "x"],
}


@pytest.mark.parametrize("pool", RECORD_POOLS)
@pytest.mark.parametrize("gaps", ["none", "null", "absent", "both", "only"])
def test_record_codes_match_the_reference(pool: str, gaps: str) -> None:
    rng = _rng(len(pool) * 7 + len(gaps))
    values = RECORD_POOLS[pool]
    records: list[dict[str, Any]] = []
    for _ in range(300):
        record: dict[str, Any] = {"v": rng.choice(values)}
        roll = rng.random()
        if gaps == "only" or (gaps in ("null", "both") and roll < 0.2):
            record["v"] = None
        if gaps == "absent" or (gaps == "both" and roll > 0.8):
            del record["v"]
        records.append(record)
    if all("v" not in r for r in records):
        records[0]["v"] = None
    want_codes, want = _reference_record_codes(records, "v")
    codes, got = _record_codes([r.get("v", _MISSING) for r in records])
    assert codes.tolist() == want_codes.tolist()
    assert len(got) == len(want)
    assert all(g is w or (type(g) is type(w) is list and g == w) for g, w in zip(got, want, strict=True))  # the first record's own value
