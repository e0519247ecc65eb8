"""Real QGIS (3.22, /usr/bin/python3): the GeoPackage layers load valid with their default styles, the project opens."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from renderers.gpkg import write_geopackage
from renderers.qgis_project import write_qgis_project
from renderers.qml import write_qml_sidecars

SCRIPT = Path(__file__).resolve().parent.parent / "qgis_scripts" / "inspect_qgis.py"
pytestmark = pytest.mark.qgis


def run_qgis(python: str, dist: Path, png: str, home: Path) -> tuple[dict, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_RUNTIME_DIR": str(home),
           "QGIS_CUSTOM_CONFIG_PATH": str(home / "qgis")}  # fmt: skip
    proc = subprocess.run([python, str(SCRIPT), str(dist), png], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


@pytest.fixture(scope="module")
def qgis_dist(layers, dataset, tmp_path_factory) -> Path:
    """A folder with the GeoPackage, the project and the QML sidecars (moved once, to prove paths are relative)."""
    out = tmp_path_factory.mktemp("qgis") / "built"
    out.mkdir()
    for render in (write_geopackage, write_qgis_project, write_qml_sidecars):
        render(layers, dataset, out)
    moved = out.parent / "moved"
    out.rename(moved)
    return moved


@pytest.fixture(scope="module")
def report(qgis_python, qgis_dist, tmp_path_factory) -> tuple[dict, str]:
    """QGIS's report on the GeoPackage and the project (no rendering), with its stderr."""
    return run_qgis(qgis_python, qgis_dist, "", tmp_path_factory.mktemp("home"))


def test_no_gdal_or_qgis_warnings(report):
    _, stderr = report
    noisy = [line for line in stderr.splitlines() if "XDG_RUNTIME_DIR" not in line and line.strip()]
    assert noisy == []


def test_every_gpkg_layer_is_valid_with_its_default_style(report, layers):
    gpkg = report[0]["gpkg"]
    assert all(entry["valid"] for entry in gpkg.values()), {k: v["valid"] for k, v in gpkg.items()}
    for layer in layers:
        entry = gpkg[layer.name]
        assert entry["count"] == len(layer.gdf)
        assert entry["style_ok"], entry["style_msg"]
        renderer = entry["renderer"]
        assert renderer["type"] == "categorizedSymbol"
        assert renderer["attr"] == layer.style.category_field
        expected = [[value, label, layer.style.colour(value).upper()] for value, (label, _c) in layer.style.categories.items()]
        assert renderer["categories"] == expected
    assert gpkg["movements"]["renderer"]["symbol_layers"] == [["SimpleLine", "MarkerLine"]]


def test_fields_are_typed_and_aliased(report):
    fields = {name: (kind, alias) for name, kind, alias in report[0]["gpkg"]["presence"]["fields"]}
    assert fields["date_start"][0] == "Date"
    assert fields["date_end"][0] == "Date"
    assert fields["radius_km"][0] == "Real"
    assert fields["n_evidence"][0].startswith("Integer")
    assert fields["acled_geo_precision"][1] == "ACLED geo precision (1-3)"


def test_project_opens_with_every_layer_valid_and_relative(report, layers, qgis_dist):
    project = report[0]["project"]
    assert project["read"]
    assert project["crs"] == "EPSG:4326"
    assert len(project["layers"]) == len(layers) + 2
    for info in project["layers"].values():
        assert info["valid"]
        assert Path(info["source"].split("|")[0]) == qgis_dist / "militia_map.gpkg"


def test_project_groups_follow_the_style_spec(report, layers):
    tree = dict(report[0]["project"]["tree"])
    for layer in layers:
        assert layer.style.title in tree[layer.style.group]
    assert list(tree)[-1] == "Basemap"
    order = report[0]["project"]["order"]
    assert order.index("Countries (Natural Earth)") > max(order.index(layer.style.title) for layer in layers)


def test_project_has_a_print_layout(report):
    (_name, items), *_ = report[0]["project"]["layouts"]
    assert {65639, 65641, 65642, 65646} <= set(items)  # map, label, legend, scale bar


def test_project_renders_headless(qgis_python, qgis_dist, tmp_path_factory):
    png = qgis_dist / "render.png"
    run_qgis(qgis_python, qgis_dist, str(png), tmp_path_factory.mktemp("home"))
    for path in (png, qgis_dist / "render_layout.png"):
        with Image.open(path) as image:
            colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None, path
        assert len(colours) > 50, path
