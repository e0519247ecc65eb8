"""Download what I see (CSV, GeoJSON) and the figure command, taken from the page as a reader takes them.

The downloaded CSV must equal the rows of ``dist/militia_map.csv`` for the marks the date and
filters show (computed here from the GeoJSON files and tests/time_rule.py); the page's formula
guard must agree with ``renderers.csv_export.spreadsheet_cell``; the snapshot command must parse
back, through ``shlex`` and the real command line, into the same view and title.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shlex
from pathlib import Path
from typing import Any

import pytest

import build_map
from dataset import Dataset
from renderers.csv_export import COLUMNS, spreadsheet_cell
from renderers.snapshots.cli import snapshot_view
from renderers.webmap._export import export_cell
from renderers.webmap.screenshot import OfflinePage
from tests.browser.test_webmap_controls import expected_on
from tests.browser.test_webmap_time import features

pytestmark = pytest.mark.browser
CLAIM_LAYERS = ("movements", "strikes", "presence", "risks", "countrywide")
HOSTILE_CELLS: list[Any] = [
    "=1+1", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0", "'", "", "a=1", " =1", "\u200b=1", "==", "-",
    'Quote, with "comma"', "line\nbreak", -33.5, 0, 36.0, 12, 1.25,
]  # fmt: skip
HOSTILE_TITLES = [
    "Situation on 8 Dec 2024",
    'it\'s "quoted" $(rm -rf ~) `id` ; & | > < * ? [a] {b} \\ $HOME !! #x',
    "--bbox 0,0,1,1",
    "-",
    "'",
    "",
    "\u0633\u0648\u0631\u064a\u0627 \u2014 Syria ünïcode",
]


def dist_rows(built_dist: Path) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the build's CSV, as a spreadsheet would read them."""
    text = (built_dist / "militia_map.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def write_rows(header: list[str], rows: list[list[str]]) -> str:
    """The CSV text Python's csv module writes for these rows (as renderers/csv_export.py does)."""
    sink = io.StringIO(newline="")
    writer = csv.writer(sink)
    writer.writerow(header)
    writer.writerows(rows)
    return sink.getvalue()


def take(page: Any, selector: str, tmp_path: Path) -> tuple[str, bytes]:
    """Click a download button and return the file's suggested name and bytes."""
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def test_downloaded_csv_and_geojson_are_the_rows_shown(map_page: OfflinePage, built_dist: Path, dataset: Dataset, tmp_path: Path) -> None:
    page = map_page.page
    day = dt.date(2024, 12, 8)
    page.fill(".mm-time-date", day.isoformat())
    page.dispatch_event(".mm-time-date", "change")
    page.click(".mm-time-toggle")
    page.uncheck(".mm-opt-ended input")  # hide the claims that had ended: a filter the download must follow
    page.click(".mm-time-toggle")
    on = page.evaluate("() => Object.fromEntries(Object.keys(militiaMap.layers).map((k) => [k, militiaMap.isVisible(k)]))")
    shown = expected_on(features(built_dist), day, fade=False, undated=True)
    keep = {(name, fid) for name in CLAIM_LAYERS if on[name] for fid in shown[name]}
    header, rows = dist_rows(built_dist)
    assert header == COLUMNS
    layer, fid = header.index("layer"), header.index("feature_id")
    want = [row for row in rows if (row[layer], row[fid]) in keep]
    assert 0 < len(want) < len(rows), "the date and filter should keep some rows, not all"

    page.click(".mm-compare > summary")
    name, data = take(page, ".mm-download-csv", tmp_path)
    assert dataset.info.version in name
    assert name.endswith(f"{day.isoformat()}.csv")
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [header, *want]
    assert text == write_rows(header, want), "the page's CSV differs from what Python's csv module writes"
    assert f"{len(want)} rows" in (page.text_content(".mm-download-note") or "")

    name, data = take(page, ".mm-download-geojson", tmp_path)
    assert dataset.info.version in name
    assert name.endswith(".geojson")
    collection = json.loads(data.decode("utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(want)
    for feature, row in zip(collection["features"], want, strict=True):
        props = feature["properties"]
        assert list(props) == COLUMNS
        for col, cell in zip(COLUMNS, row, strict=True):
            value = props[col]
            if isinstance(value, (int, float)):
                assert float(cell) == value, (col, cell, value)
            else:
                assert spreadsheet_cell(value) == cell, (col, cell, value)
        assert feature["geometry"] == {"type": "Point", "coordinates": [props["longitude"], props["latitude"]]}
    assert map_page.page_errors == []


def test_page_formula_guard_agrees_with_spreadsheet_cell(map_page: OfflinePage) -> None:
    # The mirror itself, on texts and on numbers JavaScript writes as Python does (no whole floats: JS has no 36.0).
    plain = [c for c in HOSTILE_CELLS if not (isinstance(c, float) and c.is_integer())]
    got = map_page.page.evaluate("(cells) => cells.map((c) => militiaMap.spreadsheetCell(c))", plain)
    assert got == [spreadsheet_cell(c) for c in plain]
    assert got[0] == "'=1+1"  # the guard does something
    # The path the download takes: the payload's cell (renderers/webmap/_export.py), then the page's guard.
    cells = [export_cell(c) for c in HOSTILE_CELLS]
    assert map_page.page.evaluate("(cells) => cells.map((c) => militiaMap.exportCell(c))", cells) == [spreadsheet_cell(c) for c in HOSTILE_CELLS]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_figure_command_parses_back_into_this_view(map_page: OfflinePage, title: str) -> None:
    page = map_page.page
    page.fill(".mm-time-date", "2024-12-08")
    page.dispatch_event(".mm-time-date", "change")
    page.click(".mm-compare > summary")
    page.fill(".mm-figure-title", title)
    command = page.input_value(".mm-figure-command")
    words = shlex.split(command)
    assert words[:3] == ["python", "build_map.py", "snapshot"]
    parser, commands = build_map._parser(snapshot_options=True)
    args = parser.parse_args(build_map.command_first(words[2:], commands))
    view, _ = snapshot_view(args)
    assert view.title == title
    assert view.as_of == dt.date(2024, 12, 8)
    bounds = page.evaluate("() => { const b = militiaMap.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    assert view.bbox == pytest.approx(tuple(bounds), abs=0.001)
