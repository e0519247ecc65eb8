"""The page's download rows: the CSV's own rows, numbers kept apart from text, file stem with the version."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dataset import Dataset
from layers import Layer
from renderers.csv_export import COLUMNS, spreadsheet_cell, write_csv
from renderers.webmap._export import export_cell, export_payload, file_stem


def test_export_rows_write_the_csv_byte_for_byte(layers: list[Layer], dataset: Dataset, tmp_path: Path) -> None:
    path = write_csv(layers, dataset, tmp_path)[0]
    on_disk = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    payload = export_payload(layers, dataset)
    assert payload["columns"] == COLUMNS == on_disk[0]
    # What the page does with a cell: a number's Python text as it is, text through the formula guard.
    written = [[cell[0] if isinstance(cell, list) else spreadsheet_cell(cell) for cell in row] for row in payload["rows"]]
    assert written == on_disk[1:]
    assert any(isinstance(cell, list) for row in payload["rows"] for cell in row), "numbers should be marked as numbers"


def test_cells_keep_numbers_apart_from_text_that_looks_like_one() -> None:
    assert export_cell(-33.5) == ["-33.5"]
    assert export_cell("-33.5") == "-33.5"
    assert spreadsheet_cell(export_cell("-1+1")) == "'-1+1"
    assert export_cell(None) == export_cell(float("nan")) == ""


def test_file_stem_names_the_version(dataset: Dataset) -> None:
    stem = file_stem(dataset)
    assert dataset.info.version in stem
    assert stem.startswith("militia_map-v")
    assert all(ch.isalnum() or ch in "._-" for ch in stem)
