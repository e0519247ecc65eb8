"""The GeoPackage: version 1.2, every layer round-trips through pyogrio and fiona, styles and tables present."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

import fiona
import pyogrio
import shapely

from layers.style import DIRECTION_STYLES
from renderers.qgis.gpkg import write_geopackage
from renderers.qgis.qml import field_alias  # the one alias source (the QML aliases read it too)

DATE_COLUMNS = {"date_start", "date_end"}


@pytest.fixture(scope="module")
def gpkg(layers, dataset, tmp_path_factory) -> Path:
    """The GeoPackage written for the real dataset into a temporary folder."""
    out = tmp_path_factory.mktemp("gpkg")
    (path,) = write_geopackage(layers, dataset, out)
    return path


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _expected(column: str, value):
    """The value a reader should give back, computed from the layer's own (text) value."""
    if _missing(value):
        return None
    if column in DATE_COLUMNS:
        return dt.date.fromisoformat(value)
    return value.item() if hasattr(value, "item") else value


def test_geopackage_version_is_1_2(gpkg):
    with sqlite3.connect(gpkg) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200


def test_every_layer_and_table_is_listed(gpkg, layers):
    names = {row[0] for row in pyogrio.list_layers(gpkg)}
    assert {layer.name for layer in layers} | {"countries", "town_labels", "sources", "evidence", "layer_styles"} <= names


def test_pyogrio_round_trip(gpkg, layers):
    for layer in layers:
        back = pyogrio.read_dataframe(gpkg, layer=layer.name)
        cols = [c for c in layer.gdf.columns if c != "geometry"]
        assert [c for c in back.columns if c != "geometry"] == cols, layer.name
        assert len(back) == len(layer.gdf), layer.name
        for col in cols:
            src = layer.gdf[col]
            if col in DATE_COLUMNS:
                assert back[col].dtype.kind == "M", (layer.name, col)
                got = [None if _missing(v) or pd.isna(v) else v.date() for v in back[col]]
            else:
                if src.dtype.kind in "ifb":
                    assert back[col].dtype == src.dtype, (layer.name, col, back[col].dtype, src.dtype)
                got = [None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in back[col]]
            assert got == [_expected(col, v) for v in src], (layer.name, col)
        assert all(shapely.equals_exact(a, b, tolerance=1e-12) for a, b in zip(back.geometry, layer.gdf.geometry, strict=True)), layer.name


def test_fiona_round_trip(gpkg, layers):
    kinds = {"i": "int", "f": "float", "b": "bool"}
    for layer in layers:
        with fiona.open(gpkg, layer=layer.name) as src:
            schema = src.schema["properties"]
            records = list(src)
        cols = [c for c in layer.gdf.columns if c != "geometry"]
        assert list(schema) == cols, layer.name
        for col in cols:
            if col in DATE_COLUMNS:
                assert schema[col] == "date", (layer.name, col)
            elif layer.gdf[col].dtype.kind in kinds:
                assert schema[col].split(":")[0] == kinds[layer.gdf[col].dtype.kind], (layer.name, col)
        for rec, (_, row) in zip(records, layer.gdf.iterrows(), strict=True):
            for col in cols:
                want = _expected(col, row[col])
                got = rec.properties[col]
                assert got == (want.isoformat() if isinstance(want, dt.date) else want), (layer.name, col)
            assert shapely.equals_exact(shapely.geometry.shape(rec.geometry), row.geometry, tolerance=1e-12)


def test_radius_is_real_even_when_some_are_missing(gpkg, layers):
    info = pyogrio.read_info(gpkg, layer="presence")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["radius_km"] == "float64"


def test_default_styles_match_the_style_spec(gpkg, layers):
    with sqlite3.connect(gpkg) as db:
        styles = {row[0]: row[1:] for row in db.execute("SELECT f_table_name, styleQML, useAsDefault, f_geometry_column FROM layer_styles")}
    for layer in layers:
        qml, default, geom_col = styles[layer.name]
        assert default == 1
        assert geom_col == "geom"
        renderer = ET.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")  # noqa: S314 - our own output
        labels = [label for _k, (label, _colour) in layer.style.categories.items()]
        if "direction" in layer.gdf.columns:  # movements: one rule per direction, one nested rule per category
            assert renderer.get("type") == "RuleRenderer"
            rules = renderer.find("rules").findall("rule")
            assert [r.get("label") for r in rules] == [d.label for d in DIRECTION_STYLES.values()]
            assert all([c.get("label") for c in r.findall("rule")] == labels for r in rules)
            continue
        assert renderer.get("type") == "categorizedSymbol"
        assert renderer.get("attr") == layer.style.category_field
        values = [(c.get("value"), c.get("label")) for c in renderer.find("categories")]
        assert values == [(k, label) for k, (label, _colour) in layer.style.categories.items()]


def test_layer_descriptions_carry_version_and_as_of(gpkg, layers, dataset):
    with sqlite3.connect(gpkg) as db:
        desc = dict(db.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
    for layer in layers:
        assert dataset.info.as_of.isoformat() in desc[layer.name]
        assert f"version {dataset.info.version}" in desc[layer.name]


def test_evidence_table_joins_claims_to_sources(gpkg, dataset):
    evidence = pyogrio.read_dataframe(gpkg, layer="evidence")
    assert len(evidence) == sum(len(c.evidence) for c in dataset.claims)
    expected = {(c.id, ev.source, ev.quote) for c in dataset.claims for ev in c.evidence}
    assert set(zip(evidence.claim_id, evidence.source_id, evidence.quote, strict=True)) == expected
    sources = pyogrio.read_dataframe(gpkg, layer="sources")
    assert set(sources.source_id) == set(dataset.sources)
    assert set(evidence.source_id) <= set(sources.source_id)


def test_features_evidence_matches_evidence_table(gpkg, layers):
    table = pyogrio.read_dataframe(gpkg, layer="evidence")
    quotes = set(zip(table.claim_id, table.quote, strict=True))
    for layer in layers:
        if layer.name == "sites":
            continue
        for claim_id, text in zip(layer.gdf.claim_id, layer.gdf.evidence, strict=True):
            assert {(claim_id, e["quote"]) for e in json.loads(text)} <= quotes


# GeoPackage 1.2 specification, annex F.2 (schema) and F.8 (metadata): extension names, definitions, tables.
SPEC_EXTENSIONS = {
    ("gpkg_data_columns", "gpkg_schema", "http://www.geopackage.org/spec120/#extension_schema"),
    ("gpkg_data_column_constraints", "gpkg_schema", "http://www.geopackage.org/spec120/#extension_schema"),
    ("gpkg_metadata", "gpkg_metadata", "http://www.geopackage.org/spec120/#extension_metadata"),
    ("gpkg_metadata_reference", "gpkg_metadata", "http://www.geopackage.org/spec120/#extension_metadata"),
}


def test_schema_and_metadata_extensions_are_registered(gpkg):
    with sqlite3.connect(gpkg) as db:
        rows = set(db.execute("SELECT table_name, extension_name, definition FROM gpkg_extensions WHERE column_name IS NULL AND scope = 'read-write'"))
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert rows >= SPEC_EXTENSIONS
    assert {"gpkg_data_columns", "gpkg_data_column_constraints", "gpkg_metadata", "gpkg_metadata_reference"} <= tables


def test_data_columns_give_every_column_its_alias(gpkg, layers):
    with sqlite3.connect(gpkg) as db:
        rows = db.execute("SELECT table_name, column_name, name, title FROM gpkg_data_columns").fetchall()
        evidence_cols = [r[1] for r in db.execute("PRAGMA table_info(evidence)") if r[1] != "fid"]
    by_table: dict[str, dict[str, tuple[str, str]]] = {}
    for table, column, name, title in rows:
        by_table.setdefault(table, {})[column] = (name, title)
    for layer in layers:
        cols = [c for c in layer.gdf.columns if c != "geometry"]
        assert set(by_table[layer.name]) == set(cols), layer.name
        for col in cols:
            assert by_table[layer.name][col] == (field_alias(col), field_alias(col)), (layer.name, col)
    assert set(by_table["evidence"]) == set(evidence_cols)
    assert by_table["evidence"]["claim_id"][0] == "Claim id"


def test_each_map_layer_has_its_metadata_document(gpkg, layers, dataset):
    with sqlite3.connect(gpkg) as db:
        rows = db.execute(
            "SELECT r.table_name, m.md_scope, m.md_standard_uri, m.mime_type, m.metadata FROM gpkg_metadata_reference r "
            "JOIN gpkg_metadata m ON m.id = r.md_file_id WHERE r.reference_scope = 'table'"
        ).fetchall()
        contents = {row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")}
    tables = [row[0] for row in rows]
    assert sorted(tables) == sorted(layer.name for layer in layers)
    assert set(tables) <= contents
    for layer in layers:
        (_table, scope, uri, mime, text) = next(r for r in rows if r[0] == layer.name)
        assert (scope, uri, mime) == ("dataset", "http://mrcc.com/qgis.dtd", "text/xml")
        root = ET.fromstring(text.split("\n", 1)[1])  # noqa: S314 - our own output
        assert root.findtext("identifier") == layer.name
        assert root.findtext("title") == layer.style.title
        assert dataset.info.version in root.findtext("abstract")
        assert dataset.info.as_of.isoformat() in root.findtext("abstract")
        used = {e["source_id"] for text in layer.gdf["evidence"] for e in json.loads(text)}
        assert {link.get("name") for link in root.iter("link")} == {dataset.sources[s].citation_text() for s in used}


@pytest.fixture(scope="module")
def gdal_validator() -> list[str]:
    """GDAL's GeoPackage validator (Debian's python3-gdal), run under /usr/bin/python3."""
    cmd = ["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg"]
    if not Path(cmd[0]).exists() or subprocess.run([cmd[0], "-c", "import osgeo_utils.samples.validate_gpkg"], capture_output=True, check=False).returncode:
        pytest.skip("GDAL's validate_gpkg (apt-get install python3-gdal) is not available")
    return cmd


def test_gdal_validator_accepts_the_geopackage(gpkg, gdal_validator):
    proc = subprocess.run([*gdal_validator, str(gpkg)], capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == ""
