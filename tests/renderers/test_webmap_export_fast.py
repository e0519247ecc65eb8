"""The download cells of a whole column (``_export.export_cells``) against :func:`export_cell` of each value (issue 14 §6 (a))."""

from __future__ import annotations

import decimal
import fractions
from typing import Any

import numpy as np
import pytest

from renderers.webmap._export import export_cell, export_cells

_TEXTS = ["", " ", "=1+1", "-1+1", "@SUM(A1)", "\t", "</script>", "a\u0000b", "\u2028", "😀", "nan", "1.0", "True"]
_FLOATS = [0.0, -0.0, 1.5, float("nan"), float("inf"), -float("inf"), 1e300, 5e-324, 36.0, -33.5, 0.1 + 0.2]
_INTS = [0, -1, 3, 2**63, -(2**70), 10**20]


@pytest.mark.parametrize(
    "values",
    [
        _TEXTS,
        _FLOATS,
        _INTS,
        [],
        [True, False, 1, 1.0],  # bool is not a number cell
        [*_FLOATS, None],
        [*_INTS, 1.0],
        [*_TEXTS, 2],
        [None, None],
        [np.float64(1.5), np.float64("nan"), np.int64(7), np.bool_(True)],  # numpy scalars: the general path
        [decimal.Decimal("1.10"), fractions.Fraction(1, 3)],
        [[1], {"a": 1}],
    ],
)
def test_export_cells_match_export_cell(values: list[Any]) -> None:
    got = export_cells(values)
    want = [export_cell(v) for v in values]
    assert [(type(c), c) for c in got] == [(type(c), c) for c in want]
    assert got is not values  # a new list: the page data never share the CSV columns' lists
