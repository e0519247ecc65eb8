"""The QGIS hand-off: GeoPackage with embedded styles, QML sidecars and a QGIS project with its print layout."""

from __future__ import annotations

from renderers.qgis.gpkg import write_geopackage
from renderers.qgis.qgis_project import write_qgis_project
from renderers.qgis.qml import write_qml_sidecars

__all__ = ["write_geopackage", "write_qgis_project", "write_qml_sidecars"]
