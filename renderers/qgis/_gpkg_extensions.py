"""GeoPackage 1.2 extensions of ``militia_map.gpkg``: field aliases (schema) and layer metadata.

* Schema extension: one ``gpkg_data_columns`` row per column, its ``name`` and ``title`` the alias
  QGIS also shows (:func:`renderers.qgis.qml.field_alias`, the one alias source). GDAL reads ``name``
  as the field's alternative name.
* Metadata extension: one ``gpkg_metadata`` document per map layer in QGIS's own format (QGIS
  3.20+ reads it as the layer's metadata), tied to its table by ``gpkg_metadata_reference``.

Both are registered in ``gpkg_extensions`` as the specification requires.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from renderers.qgis._qgis_metadata import QGIS_METADATA_URI, metadata_qmd
from renderers.qgis.qml import QGIS_VERSION, field_alias

if TYPE_CHECKING:
    from pathlib import Path

    from dataset.model import Dataset
    from layers import Layer

# (extension name, definition, the extension's tables) as registered in gpkg_extensions.
SCHEMA_EXTENSION = ("gpkg_schema", "http://www.geopackage.org/spec120/#extension_schema", ("gpkg_data_columns", "gpkg_data_column_constraints"))
METADATA_EXTENSION = ("gpkg_metadata", "http://www.geopackage.org/spec120/#extension_metadata", ("gpkg_metadata", "gpkg_metadata_reference"))

# Table definitions of the GeoPackage 1.2 specification (Annex C), as GDAL creates them.
EXTENSION_TABLES = """
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT,
  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name));
CREATE TABLE gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC,
  max_is_inclusive BOOLEAN, description TEXT, CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
CREATE TABLE gpkg_metadata (
  id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL,
  mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '');
CREATE TABLE gpkg_metadata_reference (
  reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, row_id_value INTEGER,
  timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), md_file_id INTEGER NOT NULL, md_parent_id INTEGER,
  CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
  CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id));
"""


def data_column_rows(tables: dict[str, list[str]]) -> list[tuple[str, str, str, str]]:
    """Return ``gpkg_data_columns`` rows ``(table, column, name, title)``: name and title are the column's alias.

    Raises
    ------
    ValueError
        If two columns of a table share an alias (the specification wants ``name`` unique per table).
    """
    rows = []
    for table, columns in tables.items():
        aliases = [field_alias(c) for c in columns]
        if len(set(aliases)) != len(aliases):
            raise ValueError(f"Table {table!r}: two columns share an alias ({aliases}); gpkg_data_columns needs unique names. Fix FIELD_ALIASES.")
        rows += [(table, column, alias, alias) for column, alias in zip(columns, aliases, strict=True)]
    return rows


def write_schema_and_metadata(path: Path, tables: dict[str, list[str]], layers: list[Layer], ds: Dataset, stamp: str) -> None:
    """Add field aliases for ``tables`` (table → columns) and each map layer's metadata to the GeoPackage at ``path``.

    Parameters
    ----------
    path
        A GeoPackage already holding the tables.
    tables
        The attribute columns of each table to alias (no geometry or fid).
    layers
        The map layers that get a metadata document.
    ds
        The dataset (title, version, as-of date, sources, licence).
    stamp
        The build time recorded in ``gpkg_metadata_reference.timestamp`` (ISO 8601, UTC).
    """
    with sqlite3.connect(path) as db:
        db.executescript(EXTENSION_TABLES)
        for extension, definition, ext_tables in (SCHEMA_EXTENSION, METADATA_EXTENSION):
            db.executemany("INSERT INTO gpkg_extensions VALUES (?, NULL, ?, ?, 'read-write')", [(t, extension, definition) for t in ext_tables])
        db.executemany("INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (?, ?, ?, ?)", data_column_rows(tables))
        for layer in layers:
            cursor = db.execute(
                "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) VALUES ('dataset', ?, 'text/xml', ?)",
                (QGIS_METADATA_URI, metadata_qmd(layer, ds, QGIS_VERSION)),
            )
            db.execute(
                "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, timestamp, md_file_id) VALUES ('table', ?, ?, ?)",
                (layer.name, stamp, cursor.lastrowid),
            )
    db.close()
