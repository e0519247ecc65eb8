"""Report snapshots: size and dpi, legend completeness, reproducibility, empty views, scale bar, time rule, CLI."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from pyproj import Geod

from build_map import main
from layers.style import ACTOR_GROUPS, DIRECTION_STYLES, STATUS_STYLES
from renderers.snapshots import default_views
from renderers.snapshots.figure import compose, render_view
from renderers.snapshots.furniture import NO_FEATURES
from renderers.snapshots.scalebar import plan_scale_bar
from renderers.snapshots.views import View, covers, select_layers

GEOD = Geod(ellps="WGS84")


def svg_text(path: Path) -> str:
    """Return all text of an SVG, whitespace-normalised (wrapped lines joined by spaces)."""
    root = ET.parse(path).getroot()  # noqa: S314 - our own build output
    words = [t for el in root.iter() if el.tag.endswith("text") for t in el.itertext()]
    return re.sub(r"\s+", " ", " ".join(words))


@pytest.fixture(scope="module")
def overview_svg(layers, dataset, tmp_path_factory) -> tuple[View, Path]:
    view = default_views()[0]
    out = tmp_path_factory.mktemp("snap")
    return view, render_view(layers, dataset, view, out, formats=("svg",))[0]


def test_every_default_view_in_three_formats_at_300_dpi(built_dist):
    folder = built_dist / "snapshots"
    for view in default_views():
        for fmt in ("png", "svg", "pdf"):
            assert (folder / f"{view.slug}.{fmt}").stat().st_size > 1000, f"{view.slug}.{fmt} missing or empty"
        with Image.open(folder / f"{view.slug}.png") as im:
            assert im.size[0] >= 2000
            assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_legend_names_every_symbol_shown(overview_svg, layers):
    view, svg = overview_svg
    text = svg_text(svg)
    shown = [layer for layer in select_layers(layers, view) if len(layer.gdf)]
    assert shown, "the overview should show features"
    for layer in shown:
        frame = layer.gdf
        for status in set(frame["status"]):
            assert STATUS_STYLES[status].label in text
        if "actor_group" in frame and layer.style.category_field == "actor_group":
            for group in set(frame["actor_group"]):
                assert ACTOR_GROUPS[group][0] in text
        if layer.name == "movements":
            for direction in set(frame["direction"]):
                assert DIRECTION_STYLES[direction].label in text
            if "inferred" in set(frame["route"]):
                assert "Route inferred" in text
        if layer.name == "uncertainty":
            assert "Uncertainty ring: the place lies inside" in text  # the ring has its own legend row
        if layer.style.geometry == "point" and layer.style.category_field == "actor_group":
            assert layer.style.title in text


def test_furniture_on_the_map(overview_svg, dataset):
    _, svg = overview_svg
    text = svg_text(svg)
    for expected in (f"dataset version {dataset.info.version}", "Natural Earth", "GeoNames", "imply no endorsement", "km", "[1]", "N"):
        assert expected in text, f"{expected!r} missing from the overview"
    assert dataset.info.as_of.isoformat() in text
    assert NO_FEATURES not in text


def test_rebuild_is_byte_identical(layers, dataset, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733616000")
    view = default_views()[-1]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = render_view(layers, dataset, view, tmp_path / "a")
    second = render_view(layers, dataset, view, tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), f"{one.name} differs between two builds"


def test_empty_view_says_so(layers, dataset, tmp_path):
    view = View("empty", "Empty desert", (44.0, 25.0, 44.6, 25.5), dt.date(2024, 12, 6))
    assert not any(len(layer.gdf) for layer in select_layers(layers, view))
    svg = render_view(layers, dataset, view, tmp_path, formats=("svg",))[0]
    assert NO_FEATURES in svg_text(svg)


@pytest.mark.parametrize("extent", [(35.95, 33.22, 36.75, 33.72), (34.0, 28.6, 54.6, 38.6), (10.0, 60.0, 12.0, 61.0)])
def test_scale_bar_length_is_geodesic(extent):
    bar = plan_scale_bar(extent)
    _, _, dist_m = GEOD.inv(bar.lon_start, bar.lat, bar.lon_end, bar.lat)
    assert dist_m / 1000 == pytest.approx(bar.length_km, rel=1e-4)
    assert extent[0] < bar.lon_start < bar.lon_end < extent[2]


def test_drawn_map_keeps_true_aspect_for_the_scale_bar(layers, dataset):
    view = default_views()[3]  # Damascus close-up
    fig, bar = compose(layers, dataset, view)
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    box = ax.get_window_extent()
    # metres per pixel east-west along the bar's latitude equals metres per pixel north-south
    _, _, east_m = GEOD.inv(x0, bar.lat, x1, bar.lat)
    _, _, north_m = GEOD.inv(x0, y0, x0, y1)
    assert (east_m / box.width) == pytest.approx(north_m / box.height, rel=0.01)
    assert x0 <= view.bbox[0]
    assert view.bbox[2] <= x1
    assert y0 <= view.bbox[1]
    assert view.bbox[3] <= y1


def test_time_rule_open_bounds_and_ranges():
    day = dt.date(2024, 12, 8)
    assert covers(None, None, day)
    assert covers(float("nan"), "2024-12-09", day)
    assert covers("2024-12-01", "2024-12-31", day)  # a month-precision claim shows over the whole month
    assert not covers("2024-12-09", None, day)
    assert not covers(None, "2024-12-07", day)
    assert covers("2024-12-08", "2024-12-08", day)


def test_cli_usage_errors_exit_2_without_traceback(capsys):
    assert main(["snapshot", "--bbox", "36,33,oops,34"]) == 2
    assert main(["snapshot", "--bbox", "36,33,37,34", "--as-of", "6 Dec 2024"]) == 2
    assert main(["snapshot", "--bbox", "37,33,36,34"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "--bbox" in err
    assert "--as-of expects a date as YYYY-MM-DD" in err


def test_cli_writes_requested_formats(tmp_path, sources_dir):
    code = main(["snapshot", "--bbox", "35.9,33.2,36.8,33.8", "--as-of", "2024-12-06", "--title", "Damascus", "--format", "png,pdf",
                 "--out", str(tmp_path), "--sources-dir", str(sources_dir), "-q"])  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["custom.pdf", "custom.png"]
    with Image.open(tmp_path / "custom.png") as im:
        assert im.size[0] >= 2000
