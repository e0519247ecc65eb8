"""Every output names the data it was built from: the dataset version and the SHA-256 of data/.

The expected digest is computed here with hashlib by the rule written in dataset/digest.py's
docstring and data/README.md, not by calling the project's function.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import fiona

from dataset.digest import data_digest
from tests.webmap_data import page_data as decode_page

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def _by_hand(data_dir: Path) -> str:
    h = hashlib.sha256()
    files = sorted((p for p in data_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")),
                   key=lambda p: str(p.relative_to(data_dir)).replace("\\", "/"))  # fmt: skip
    for p in files:
        raw = p.read_bytes()
        h.update(f"{p.relative_to(data_dir).as_posix()}\0{len(raw)}\0".encode())
        h.update(raw)
    return h.hexdigest()


@pytest.fixture(scope="module")
def digest() -> str:
    return _by_hand(DATA)


@pytest.fixture(scope="module")
def version() -> str:
    return str(yaml.safe_load((DATA / "dataset.yaml").read_text(encoding="utf-8"))["version"])


def test_function_follows_the_written_rule(digest: str) -> None:
    assert data_digest(DATA) == digest


def test_one_byte_changes_it_and_dist_does_not(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    before = data_digest(data)
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("x", encoding="utf-8")
    assert data_digest(data) == before
    roads = data / "roads.geojson"
    roads.write_bytes(roads.read_bytes() + b" ")
    assert data_digest(data) != before
    roads.rename(data / "roads2.geojson")
    assert data_digest(data) not in {before, _by_hand(DATA)}


def test_html_meta_and_about(built_dist: Path, digest: str, version: str) -> None:
    page = (built_dist / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="militia-map:data-sha256" content="([0-9a-f]{64})">', page).group(1) == digest  # type: ignore[union-attr]
    meta = decode_page(page)["meta"]
    assert meta["data_sha256"] == digest
    assert meta["version"] == version


def test_geopackage_metadata(built_dist: Path, digest: str, version: str) -> None:
    gpkg = built_dist / "militia_map.gpkg"
    with fiona.open(gpkg, layer="presence") as src:
        assert src.name == "presence"
    con = sqlite3.connect(gpkg)
    try:
        rows = con.execute("SELECT table_name, description FROM gpkg_contents").fetchall()
    finally:
        con.close()
    claim_layers = [d for name, d in rows if name in {"presence", "movements", "strikes", "risks", "sites"}]
    assert claim_layers
    for description in claim_layers:
        assert digest in description
        assert f"dataset version {version}" in description


def test_qgis_project(built_dist: Path, digest: str) -> None:
    root = ET.parse(built_dist / "militia_map.qgs").getroot()  # noqa: S314 - our own file
    abstract = root.find("projectMetadata/abstract")
    assert abstract is not None
    assert digest in (abstract.text or "")
    labels = [n.get("labelText", "") for n in root.iter("LayoutItem")]
    assert any(digest in text for text in labels)


def test_snapshot_footer(built_dist: Path, digest: str) -> None:
    svg = (built_dist / "snapshots" / "overview.svg").read_text(encoding="utf-8")
    assert f"data/ SHA-256 {digest}" in svg


def test_csv_sidecar(built_dist: Path, digest: str, version: str) -> None:
    side = json.loads((built_dist / "militia_map.csv.json").read_text(encoding="utf-8"))
    assert side["data_sha256"] == digest
    assert side["dataset_version"] == version
    with (built_dist / "militia_map.csv").open(encoding="utf-8-sig") as fh:
        assert side["rows"] == sum(1 for _ in fh) - 1
