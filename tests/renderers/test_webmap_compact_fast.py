"""The fast template search of ``_compact`` against a plain reference (issue 14 §6 (a)): same templates, same choice per row."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from renderers.webmap import _compact


def _reference_split(text: str, sources: list[tuple[int, str]]) -> tuple[str | int, ...]:
    """``_split_row`` as it was: each value, longest first, cuts every literal piece holding it."""
    pieces: list[str | int] = [text]
    for column, value in sources:
        if not any(type(p) is str and value in p for p in pieces):
            continue
        split: list[str | int] = []
        for piece in pieces:
            if type(piece) is not str or value not in piece:
                split.append(piece)
                continue
            for i, part in enumerate(piece.split(value)):
                if i:
                    split.append(column)
                if part:
                    split.append(part)
        pieces = split
    return tuple(pieces)


def _reference_match(items: list[tuple[int, str]], sources: list[np.ndarray], columns: list[int], low: list[np.ndarray]) -> tuple[Any, Any, bool]:
    """The per-row search as it was before the fast path: the key's recent templates tried in turn, no early stop."""
    found: list[Any] = [None] * len(items)
    index: dict[Any, int] = {}
    uses: list[int] = []
    local = {c: i for i, c in enumerate(columns)}
    by_length = sorted(range(len(columns)), key=lambda i: (-np.mean([len(v) for v in sources[i][:512].tolist() if v] or [0]), columns[i]))
    per_row = list(zip(*[s.tolist() for s in sources], strict=True))
    order = [(columns[i], i) for i in by_length]
    keys = _compact._template_keys(items, per_row, order, low, len(per_row))
    recent: dict[Any, list[Any]] = {}
    for at, (r, text) in enumerate(items):
        row = per_row[r]
        tried = recent.setdefault(keys[r], [])
        pieces = None
        for known, compiled in tried:
            try:
                if "".join([row[p] if isinstance(p, int) else p for p in compiled]) == text:
                    pieces = known
                    break
            except TypeError:
                continue
        if pieces is None:
            hits = [(column, row[i]) for column, i in order if row[i] and len(row[i]) >= _compact._TEMPLATE_MIN_VALUE]
            pieces = _reference_split(text, hits) if hits else None
            if pieces is None or (len(pieces) == 1 and type(pieces[0]) is str):
                continue
            tried.insert(0, (pieces, tuple(local[p] if isinstance(p, int) else p for p in pieces)))
            del tried[_compact._TEMPLATE_TRIES :]
        t = index.setdefault(pieces, len(uses))
        if t == len(uses):
            uses.append(0)
        uses[t] += 1
        found[at] = pieces
    return _compact._kept_templates(items, found, index, uses)  # the scoring the fast path shares (not what it changed)


def _table(seed: int, n: int, templated_share: float) -> tuple[list[tuple[int, str]], list[np.ndarray], list[int], list[np.ndarray]]:
    rng = random.Random(seed)  # noqa: S311 - test data
    names = [rng.choice(["Abu", "Kafr", "Tell", "Deir"]) + f" {rng.choice(['Nur', 'Sham', 'Ali'])}{i % 37}" for i in range(n)]
    ids = [f"syn-{i:06d}" if rng.random() > 0.05 else None for i in range(n)]  # some nulls: a template must not fit them
    kinds = [rng.choice(["raid", "checkpoint", "patrol"]) for _ in range(n)]
    texts = []
    for name, ident, kind in zip(names, ids, kinds, strict=True):
        if rng.random() < templated_share and ident is not None:
            form = rng.choice(["{k} near {n} ({i})", "{n}: {k}", "{i} {k} {n} {k}", "{n}{n} x"])
            texts.append(form.format(k=kind, n=name, i=ident))
        else:
            texts.append(f"free text {rng.random():.6f} {kind[:2]}")
    sources = [np.array(names, dtype=object), np.array(ids, dtype=object), np.array(kinds, dtype=object)]
    low = [np.array([["raid", "checkpoint", "patrol"].index(k) for k in kinds]), np.array([i % 5 for i in range(n)])]
    return list(enumerate(texts)), sources, [4, 7, 9], low


@pytest.mark.parametrize(("seed", "share"), [(0, 0.9), (1, 0.6), (2, 0.5), (3, 0.3), (4, 0.0)])
def test_template_search_matches_the_reference(seed: int, share: float) -> None:
    items, sources, columns, low = _table(seed, 3000, share)
    kept, number, worth = _compact._match_templates(items, sources, columns, low)
    want_kept, want_number, want_worth = _reference_match(items, sources, columns, low)
    assert worth == want_worth
    if want_worth:  # the templates (and their numbers) are used only when worth it
        assert kept == want_kept
        assert list(number.items()) == list(want_number.items())
    if share >= 0.6:
        assert want_worth  # the case does exercise the templates
        assert len(want_number) >= 4


def test_split_row_matches_the_reference() -> None:
    rng = random.Random(5)  # noqa: S311 - test data
    alphabet = "ab c"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        sources = [(j, "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))) for j in range(rng.randint(1, 4))]
        assert _compact._split_row(text, sources) == _reference_split(text, sources)


@pytest.mark.parametrize(("n", "templated"), [(1000, 500), (1000, 499), (1001, 501), (1001, 500)])
def test_template_search_stops_early_only_when_half_cannot_be_reached(n: int, templated: int) -> None:
    # The templated rows come last, so a search that gives up too soon misses them.
    names = np.array([f"place-name-{i}" for i in range(n)], dtype=object)
    kinds = np.array([["raid", "patrol"][i % 2] for i in range(n)], dtype=object)
    items = [(r, f"unrelated {r}" if r < n - templated else f"{kinds[r]} near {names[r]}") for r in range(n)]
    low = [np.array([i % 2 for i in range(n)])]
    got = _compact._match_templates(items, [names, kinds], [1, 2], low)
    want = _reference_match(items, [names, kinds], [1, 2], low)
    assert got[2] is want[2] is (templated * 2 >= n)
    if want[2]:
        assert got[0] == want[0]
        assert list(got[1].items()) == list(want[1].items())


def _reference_numbered(codes: np.ndarray, distinct: list[Any], table: _compact.StringTable) -> Any:
    """``_numbered`` as it was: the regex per distinct text, the limits checked at the end."""
    n = len(codes)
    if n < _compact._TEMPLATE_MIN_ROWS or len(distinct) * _compact._TEMPLATE_DISTINCT <= n or not all(type(v) is str for v in distinct):
        return None
    forms: dict[tuple[str, int], int] = {}
    form_of = np.full(len(distinct), -1, dtype=np.int64)
    number_of = np.zeros(len(distinct), dtype=np.int64)
    for i, text in enumerate(distinct):
        found = _compact._DIGITS.search(text)
        if found is None or len(found.group(1)) > _compact._MAX_DIGITS:
            continue
        digits = found.group(1)
        width = len(digits) if digits[0] == "0" and len(digits) > 1 else 0
        form_of[i] = forms.setdefault((text[: found.start()], width), len(forms))
        number_of[i] = int(digits)
    if len(forms) * _compact._NUMBERED_FORMS > len(distinct) or (form_of >= 0).sum() * 2 < len(distinct):
        return None
    valid = codes >= 0
    row_form = np.where(valid, form_of[np.maximum(codes, 0)], -1)
    numbered = valid & (row_form >= 0)
    kinds = np.where(codes == _compact._ABSENT, 0, 1).astype(np.int64)
    kinds[numbered] = 2 + row_form[numbered]
    plain = valid & ~numbered
    if plain.any():
        kinds[plain] = 2 + len(forms) + table.codes([distinct[c] for c in codes[plain].tolist()])
    numbers = np.where(numbered, number_of[np.maximum(codes, 0)], 0)
    return "p", np.concatenate([kinds, numbers]), [[table.code(prefix), width] for prefix, width in forms]


@pytest.mark.parametrize("seed", range(12))
def test_numbered_matches_the_reference(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data
    prefixes = ["syn-", "id ", "x٣", "", "a\n", "ev-0"][: 2 + seed % 5]
    tails = ["", "7", "0012", "1234567890", "٣٤", "12\n", "00"]
    share = [0.95, 0.7, 0.5, 0.45][seed % 4]
    distinct = []
    for i in range(600):
        if rng.random() < share:
            distinct.append(f"{rng.choice(prefixes)}{i:0{rng.choice([0, 3, 6])}d}")
        else:
            distinct.append(f"{rng.choice(prefixes)}{rng.choice(tails)}{i}x" if i % 3 else f"{i}{rng.choice(tails)}")
    if seed >= 8:  # at the limits: half the texts numbered (seed 8: 300, 9: 299), forms one too many (10) or at most (11)
        distinct = [f"syn-{i}" if i < [300, 299, 600, 600][seed - 8] else f"n{i}x" for i in range(600)]
        if seed >= 10:
            distinct = [f"f{i % [76, 75][seed - 10]}-{i}" for i in range(600)]
    distinct = list(dict.fromkeys(distinct))
    codes = np.array([rng.randrange(-2, len(distinct)) for _ in range(2000)], dtype=np.int64)
    got_table, want_table = _compact.StringTable(), _compact.StringTable()
    got = _compact._numbered(codes, distinct, got_table)
    want = _reference_numbered(codes, distinct, want_table)
    assert (got is None) == (want is None)
    if want is not None:
        assert got[0] == want[0]
        assert np.array_equal(got[1], want[1])
        assert got[2] == want[2]
        assert got_table.strings == want_table.strings


def _reference_factorize(series: Any) -> tuple[np.ndarray, list[Any]]:
    """``_compact._factorize`` before the fast path (session 13): json_value of each distinct value pandas found."""
    import pandas as pd  # noqa: PLC0415

    from renderers.geojson import json_value  # noqa: PLC0415

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), [json_value(u) for u in uniques]


_HOSTILE = ["", " ", "a\u0000b", "</script>", "\u2028", "ﷺ", "\ud7ff", "1", "1.0", "true", "null", "NaN", "-0", "😀" * 3, "a\nb"]


_FACTORIZE_VALUES = [
    [*_HOSTILE, None, *_HOSTILE[::-1], float("nan")],
    [1.5, -0.0, 0.0, float("nan"), None, 1e300, -1e-300, 2.0, 1.5, float("inf"), -float("inf")],
    [3, -(2**40), 0, 3, 7],
    [True, False, True],
    [],
    [None, None],
]


def _factorize_cases() -> list[Any]:
    """The (values, dtype) pairs pandas can hold in a column that is not of object dtype (those take _factorize's unchanged loop)."""
    import pandas as pd  # noqa: PLC0415

    cases = []
    for i, values in enumerate(_FACTORIZE_VALUES):
        for dtype in ["str", None, "float32", "Int64"]:
            try:
                series = pd.Series(values, dtype=dtype)
            except (TypeError, ValueError, OverflowError, RuntimeWarning):  # 1e300 overflows float32 and Int64
                continue
            if series.dtype != object:
                cases.append(pytest.param(values, dtype, id=f"{i}-{dtype}"))
    return cases


@pytest.mark.parametrize(("values", "dtype"), _factorize_cases())
def test_factorize_matches_the_reference(values: list[Any], dtype: str | None) -> None:
    import pandas as pd  # noqa: PLC0415

    series = pd.Series(values, dtype=dtype)
    got = _compact._factorize(series)
    want = _reference_factorize(series)
    assert np.array_equal(got[0], want[0])
    assert [(type(v), v) for v in got[1]] == [(type(v), v) for v in want[1]]
    if isinstance(series.dtype, pd.StringDtype):
        assert all(type(v) is str for v in got[1])


def test_factorize_cases_cover_text_and_numbers() -> None:
    """The cases above hold string, float and nullable-integer columns (a pandas change must not leave only a few)."""
    import pandas as pd  # noqa: PLC0415

    kinds = {str(pd.Series(values, dtype=dtype).dtype) for values, dtype in (c.values for c in _factorize_cases())}  # noqa: PD011 - a pytest ParameterSet
    assert {"float32", "Int64"} <= kinds
    assert any(k.startswith("str") or k == "string" for k in kinds)


def _reference_template_numbers(items: list[tuple[int, str]], kept: list[Any], number: dict[Any, int], codes: np.ndarray, table: Any) -> np.ndarray:
    """The ``"t"`` column's numbers as ``_template_column`` made them one row at a time (before session 13)."""
    count = len(number)
    nums = np.where(codes == _compact._ABSENT, 0, 1).astype(np.int64)
    for (r, text), pieces in zip(items, kept, strict=True):
        nums[r] = 2 + number[pieces] if pieces is not None else 2 + count + table.code(text)
    return _compact._deltas(nums)


def _reference_list_numbers(lists: list[Any], kept: list[Any], number: dict[Any, int], codes: np.ndarray, table: Any) -> np.ndarray:
    """The ``"m"`` column's buffer as ``_template_list_column`` made it one item at a time (before session 13)."""
    count = len(number)
    out: list[int] = []
    at = 0
    for r, lst in enumerate(lists):
        if lst is None:
            out.append(int(codes[r]))
            continue
        out.append(len(lst))
        for text in lst:
            pieces = kept[at]
            out.append(number[pieces] if pieces is not None else count + table.code(text))
            at += 1
    return np.array(out, dtype=np.int64)


@pytest.mark.parametrize(("seed", "share"), [(0, 0.9), (1, 0.6), (6, 0.75)])
def test_template_columns_number_rows_as_the_reference(seed: int, share: float) -> None:
    items, sources, columns, low = _table(seed, 1200, share)
    rng = random.Random(seed)  # noqa: S311 - test data
    # odd rows: absent (-2) and null (-1) among the texts, hostile plain texts repeated (one string code each)
    codes = np.array([rng.choice([-2, -1]) if rng.random() < 0.1 else r for r, _text in items], dtype=np.int64)
    values = np.array(
        [None if c < 0 else (rng.choice(_HOSTILE) if rng.random() < 0.05 else text) for c, (_r, text) in zip(codes, items, strict=True)], dtype=object
    )
    kept_items = [(r, text) for r, text in enumerate(values.tolist()) if text is not None]
    kept, number, worth = _compact._match_templates(kept_items, sources, columns, low)
    assert worth  # the case exercises the templates
    got_table, want_table = _compact.StringTable(), _compact.StringTable()
    for table in (got_table, want_table):
        table.code("already")  # codes start after strings already in the table
        table.code(_HOSTILE[3])
    got = _compact._template_column(values, codes, sources, columns, low, got_table)
    assert got is not None
    want_extra = _compact._pieces_json(number, want_table)
    want = _reference_template_numbers(kept_items, kept, number, codes, want_table)
    assert got[0] == "t"
    assert np.array_equal(got[1], want)
    assert got[2] == want_extra
    assert got_table.strings == want_table.strings
    # each row's text 0-3 times as a list (empty lists too), null and absent rows kept
    lists: list[Any] = [None if text is None else [text] * rng.randint(0, 3) for text in values.tolist()]
    list_items = [(r, item) for r, lst in enumerate(lists) if lst is not None for item in lst]
    kept, number, worth = _compact._match_templates(list_items, sources, columns, low)
    got_table, want_table = _compact.StringTable(), _compact.StringTable()
    got_m = _compact._template_list_column(lists, codes, sources, columns, low, got_table)
    assert (got_m is not None) == worth
    assert worth or share < 0.7  # the list case too exercises the templates (most items templated)
    if got_m is not None:
        want_extra = _compact._pieces_json(number, want_table)
        assert np.array_equal(got_m[1], _reference_list_numbers(lists, kept, number, codes, want_table))
        assert got_m[2] == want_extra
        assert got_table.strings == want_table.strings


class _Text(str):
    __slots__ = ()


@pytest.mark.parametrize(
    "values",
    [[], ["a", ""], ["a", None], [1, True], [1, 2], [1.0, float("nan")], [1.0, 1], [_Text("x"), "y"], [np.str_("x")], [np.float64(1.0)],
     [[]], [["a"], []], [["a"], None], [["a", 1]], [[1, 2], [3]], [[True]], [("a",)], [[_Text("a")]], [["a"], ["b", ["c"]]]],
)  # fmt: skip
@pytest.mark.parametrize("kind", [str, int, float, list])
def test_type_checks_match_all(values: list[Any], kind: type) -> None:
    assert _compact._all_of(values, kind) == all(type(v) is kind for v in values)
    assert _compact._all_lists_of(values, kind) == all(type(v) is list and all(type(i) is kind for i in v) for v in values)


@pytest.mark.parametrize("seed", range(4))
def test_string_codes_match_one_at_a_time(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data
    got, want = _compact.StringTable(), _compact.StringTable()
    for table in (got, want):
        for text in _HOSTILE[:seed]:
            table.code(text)
    for _ in range(5):
        texts = [rng.choice([*_HOSTILE, f"x{rng.randrange(50)}"]) for _ in range(rng.randrange(0, 40))]
        codes = got.codes(texts)
        assert codes.dtype == np.int64
        assert codes.tolist() == [want.code(t) for t in texts]
        assert got.strings == want.strings
