"""The ACLED events layer: points and rings against the CSV rows, date ranges by ACLED's precision, kept apart from the claims."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import yaml

import shapely
from pyproj import Geod

from layers import build_layers
from layers.acled import GEO_PRECISION_RADIUS_KM, STYLE, UNCERTAINTY_STYLE, build_acled_layers
from overlays import load_overlays

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def every_event(acled_csv: Path, tmp_path_factory: pytest.TempPathFactory):
    """The overlay of all 307 events (a filter that keeps everything)."""
    settings = tmp_path_factory.mktemp("settings") / "overlays.yaml"
    settings.write_text(yaml.safe_dump({"countries": ["Syria"], "dates": {"start": "2000-01-01", "end": "2030-12-31"},
                                        "actors": {"label": "all", "pattern": "."}}), encoding="utf-8")  # fmt: skip
    overlay = load_overlays([acled_csv], settings)
    assert overlay is not None
    return overlay


@pytest.fixture(scope="module")
def csv_rows(acled_csv: Path) -> dict[str, dict[str, str]]:
    with acled_csv.open(encoding="utf-8", newline="") as f:
        return {r["event_id_cnty"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def acled_layers(every_event):
    rings, points = build_acled_layers(every_event)
    return rings, points


def last_day_of_month(day: dt.date) -> dt.date:
    """The month's last day, by stepping into the next month and back (not the calendar module)."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def test_no_overlay_no_layers(dataset):
    assert build_acled_layers(None) == []
    names = [layer.name for layer in build_layers(dataset)]
    assert "acled" not in names
    assert "acled_uncertainty" not in names


def test_overlay_rings_lie_under_every_area_and_points_over_the_claims_areas(dataset, every_event):
    layers = build_layers(dataset, every_event)
    names = [layer.name for layer in layers]
    claims = [layer.name for layer in build_layers(dataset)]
    assert [n for n in names if not n.startswith("acled")] == claims  # the claims keep their own order
    assert names[0] == "acled_uncertainty"
    last_area = max(i for i, layer in enumerate(layers) if layer.style.geometry == "polygon")
    first_claim_mark = min(i for i, layer in enumerate(layers) if layer.style.geometry != "polygon" and not layer.style.overlay)
    assert last_area < names.index("acled") < first_claim_mark


def test_one_point_per_row_at_the_csv_coordinates(acled_layers, csv_rows):
    _, points = acled_layers
    assert sorted(points.gdf["id"]) == sorted(csv_rows)
    for _, feat in points.gdf.iterrows():
        row = csv_rows[feat["id"]]
        assert feat.geometry.x == pytest.approx(float(row["longitude"]), abs=1e-6)
        assert feat.geometry.y == pytest.approx(float(row["latitude"]), abs=1e-6)
        assert feat["event_type"] == row["event_type"]
        assert feat["notes"] == row["notes"]
        assert feat["fatalities"] == int(row["fatalities"])
        assert feat["provenance"] == "ACLED event (overlay), not a curated claim"


def test_date_range_follows_time_precision(acled_layers, csv_rows):
    _, points = acled_layers
    seen = set()
    for _, feat in points.gdf.iterrows():
        row = csv_rows[feat["id"]]
        day, precision = dt.date.fromisoformat(row["event_date"]), int(row["time_precision"])
        seen.add(precision)
        expected = {
            1: (day, day),
            2: (day - dt.timedelta(days=3), day + dt.timedelta(days=3)),
            3: (dt.date(day.year, day.month, 1), last_day_of_month(day)),
        }[precision]
        assert (dt.date.fromisoformat(feat["date_start"]), dt.date.fromisoformat(feat["date_end"])) == expected
        assert (expected[1] - expected[0]).days + 1 == {1: 1, 2: 7, 3: last_day_of_month(day).day}[precision]
    assert seen == {1, 2, 3}  # the real file has all three precisions


def test_rings_have_the_documented_radius_on_the_ellipsoid(acled_layers, csv_rows):
    rings, points = acled_layers
    assert sorted(rings.gdf["id"]) == sorted(points.gdf["id"])  # every ACLED precision is coarser than a site: each has a ring
    for _, feat in rings.gdf.iterrows():
        row = csv_rows[feat["id"]]
        radius_km = GEO_PRECISION_RADIUS_KM[int(row["geo_precision"])]
        assert feat["radius_km"] == radius_km
        lon, lat = float(row["longitude"]), float(row["latitude"])
        ring = shapely.get_coordinates(feat.geometry.exterior)
        _, _, dist = GEOD.inv([lon] * len(ring), [lat] * len(ring), ring[:, 0], ring[:, 1])
        assert min(dist) / 1000 == pytest.approx(radius_km, rel=1e-3)
        assert max(dist) / 1000 == pytest.approx(radius_km, rel=1e-3)
        area_km2 = abs(GEOD.geometry_area_perimeter(feat.geometry)[0]) / 1e6
        assert area_km2 == pytest.approx(3.141592653589793 * radius_km**2, rel=1e-2)


def test_symbol_by_event_type_from_the_style_spec(acled_layers):
    _, points = acled_layers
    types = set(points.gdf["event_type_key"])
    assert types <= set(STYLE.categories)
    assert len(types) == 6  # all six ACLED event types occur in the file
    markers = {STYLE.marker_for(t) for t in types}
    assert len(markers) >= 5
    colours = {STYLE.colour(t) for t in types}
    assert len(colours) == 6


def test_style_and_attribution(acled_layers, every_event):
    rings, points = acled_layers
    for layer in (rings, points):
        assert layer.style.overlay
        assert layer.style.group == STYLE.group == UNCERTAINTY_STYLE.group
        assert layer.style.attribution == every_event.attribution()
    credit = every_event.attribution()
    assert "Armed Conflict Location & Event Data (ACLED); www.acleddata.com" in credit
    assert "data as of 2022-07-11 (latest ACLED timestamp in the file)" in credit  # max timestamp 1657563616 = 2022-07-11 UTC
    assert dt.datetime.fromtimestamp(1657563616, tz=dt.UTC).date() == dt.date(2022, 7, 11)
    assert "Filters: Syria; 2000-01-01 to 2030-12-31; actors: all" in credit


def test_file_date_without_timestamp_column_says_so(acled_csv, tmp_path):
    with acled_csv.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = [h for h in reader.fieldnames or [] if h != "timestamp"]
        rows = [{k: r[k] for k in header} for r in reader]
    path = tmp_path / "no_stamp.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    stamp = dt.datetime(2023, 3, 4, 12, tzinfo=dt.UTC).timestamp()
    import os  # noqa: PLC0415

    os.utime(path, (stamp, stamp))
    settings = Path(__file__).resolve().parents[2] / "data" / "overlays" / "overlays.yaml"
    overlay = load_overlays([path], settings)
    assert overlay is not None
    assert "no_stamp.csv, data as of 2023-03-04 (the file's modification date; it has no timestamp column)" in overlay.attribution()
