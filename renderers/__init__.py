"""Renderers: turn layers into files in ``dist/``. Each reads the layers' style specs only.

Every renderer is a function ``render(layers, dataset, out_dir) -> list[Path]``;
``build_map.py`` runs them in :data:`RENDERERS` order into a staging folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dataset.model import Dataset
from layers import Layer
from renderers.acled_csv import write_acled_csv
from renderers.csv_export import write_csv
from renderers.geojson import write_geojson_layers
from renderers.qgis import write_geopackage, write_qgis_project, write_qml_sidecars
from renderers.snapshots import write_snapshots
from renderers.unplaced_csv import write_unplaced_csv
from renderers.webmap import render_webmap

Renderer = Callable[[list[Layer], Dataset, Path], list[Path]]

# (step name shown in progress, renderer). Add new renderers here, one line each.
RENDERERS: list[tuple[str, Renderer]] = [
    ("GeoJSON layers", write_geojson_layers),
    ("GeoPackage with QGIS styles", write_geopackage),
    ("QGIS project", write_qgis_project),
    ("QML sidecar styles", write_qml_sidecars),
    ("ACLED-style CSV", write_csv),
    ("ACLED overlay CSV", write_acled_csv),
    ("Claims not on the map (CSV)", write_unplaced_csv),
    ("Snapshots", write_snapshots),
    ("Web map", render_webmap),
]

__all__ = ["RENDERERS", "Renderer"]
