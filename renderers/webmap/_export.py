"""What the page's "Download what I see" needs: the rows of ``militia_map.csv``, and the file names.

The page filters these rows to the claims it shows (by ``layer`` and ``feature_id``) and writes
them as CSV or GeoJSON itself (Blob + download link, no server). Cells are sent before
:func:`renderers.csv_export.spreadsheet_cell`: the page neutralises formulas with its own mirror of
it (``webmap.js`` ``spreadsheetCell``, tested against the Python function). A number is sent as a
one-item list holding Python's own text of it (``["36.0"]``), so the page writes exactly what the
CSV writer does and never mistakes the text ``"-1+1"`` for a number.
"""

from __future__ import annotations

import logging
import numbers
import re
from typing import Any

from dataset.model import Dataset
from layers import Layer
from renderers.csv_export import COLUMNS, csv_columns

log = logging.getLogger(__name__)
_STEM_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def export_cell(value: Any) -> str | list[str]:  # noqa: ANN401 - any cell of the CSV
    """Return one CSV cell for the page: text as it is ("" for missing), a number as ``[its text]``.

    Examples
    --------
    >>> export_cell(36.0), export_cell(3), export_cell("-1+1"), export_cell(None), export_cell(float("nan")), export_cell(True)
    (['36.0'], ['3'], '-1+1', '', '', 'True')
    """
    if value is None or value != value:  # noqa: PLR0124 - NaN check
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return [str(value)]
    return str(value)


def export_cells(values: list[Any]) -> list[str | list[str]]:
    """Return :func:`export_cell` of each value of one column (a column of text as it is, one of numbers in one pass)."""
    kinds = set(map(type, values))  # the exact types (bool is not int here), without a Python step per value
    if kinds <= {str}:
        return list(values)
    if kinds == {int}:
        return [[text] for text in map(str, values)]
    if kinds == {float}:
        return ["" if v != v else [text] for v, text in zip(values, map(str, values), strict=True)]  # noqa: PLR0124 - NaN check
    return [_cell(v) for v in values]


def _cell(value: Any) -> str | list[str]:  # noqa: ANN401 - any cell of the CSV
    """Return :func:`export_cell` of ``value``, Python's own text and numbers first (the ABC check is slow)."""
    kind = type(value)
    if kind is str:
        return str(value)
    if kind is float:
        return "" if value != value else [str(value)]  # noqa: PLR0124 - NaN check
    if kind is int:
        return [str(value)]
    return export_cell(value)


def file_stem(ds: Dataset) -> str:
    """Return the downloads' file stem with the dataset version, e.g. ``militia_map-v0.6.0`` (only safe characters)."""
    version = _STEM_UNSAFE.sub("_", ds.info.version).strip("._") or "unversioned"
    return f"militia_map-v{version.removeprefix('v')}"


def export_payload(layers: list[Layer], ds: Dataset) -> dict[str, Any]:
    """Return the CSV's columns and rows (cells from :func:`export_cell`) and the download file stem.

    Layers the CSV cannot be written from (a place missing from the gazetteer, a list column that
    is not JSON) give no rows and the reason, which the page shows instead of the download
    buttons; the CSV writer itself reports the same problem and fails the build.
    """
    payload, cells = export_columns(layers, ds)
    return {**payload, "rows": [list(row) for row in zip(*cells.values(), strict=True)]}


def export_columns(layers: list[Layer], ds: Dataset) -> tuple[dict[str, Any], dict[str, list[str | list[str]]]]:
    """Return :func:`export_payload` with no rows, and its rows' cells by column (in ``columns`` order) instead (the compact encoder reads columns)."""
    problem = ""
    try:
        columns = csv_columns([layer for layer in layers if not layer.style.overlay], ds)
    except (ValueError, KeyError, TypeError) as exc:
        problem = f"no download: the CSV cannot be written from these layers ({type(exc).__name__}: {str(exc)[:200]})"
        log.warning("Web map: %s", problem)
        columns = {col: [] for col in COLUMNS}
    payload = {"columns": list(COLUMNS), "rows": [], "file_stem": file_stem(ds), "version": ds.info.version, "problem": problem}
    return payload, {col: export_cells(columns[col]) for col in COLUMNS}
