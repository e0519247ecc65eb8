"""The ACLED-style CSV: parses with the csv module, one row per point feature and per movement stop, coordinates match."""

from __future__ import annotations

import csv
import json

import pytest

import shapely

from renderers.csv_export import write_csv


@pytest.fixture(scope="module")
def csv_rows(layers, dataset, tmp_path_factory) -> list[dict[str, str]]:
    """The CSV rows written for the real dataset."""
    (path,) = write_csv(layers, dataset, tmp_path_factory.mktemp("csv"))
    with path.open(encoding="utf-8-sig", newline="") as src:
        return list(csv.DictReader(src))


def by_name(layers):
    return {layer.name: layer for layer in layers}


def test_acled_columns_present(csv_rows):
    for column in ("event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "latitude", "longitude",
                   "geo_precision", "time_precision", "source", "notes", "claim_id", "status", "quote", "locator", "role"):
        assert column in csv_rows[0]


def test_precision_codes_are_1_to_3(csv_rows):
    assert {r["geo_precision"] for r in csv_rows} <= {"1", "2", "3"}
    assert {r["time_precision"] for r in csv_rows} <= {"1", "2", "3"}


def test_point_rows_match_point_features(csv_rows, layers):
    rows = {r["feature_id"]: r for r in csv_rows if r["layer"] in {"presence", "strikes", "risks"}}
    expected = {(name, fid): geom for name in ("presence", "strikes", "risks")
                for fid, geom in zip(by_name(layers)[name].gdf.id, by_name(layers)[name].gdf.geometry, strict=True)}
    assert len(rows) == len(expected)
    for (name, fid), geom in expected.items():
        row = rows[fid]
        assert row["layer"] == name
        assert row["role"] == "at"
        assert float(row["longitude"]) == pytest.approx(geom.x, abs=1e-6)
        assert float(row["latitude"]) == pytest.approx(geom.y, abs=1e-6)


def test_movement_rows_follow_the_line(csv_rows, layers):
    movements = by_name(layers)["movements"].gdf
    rows = [r for r in csv_rows if r["layer"] == "movements"]
    assert len(rows) == sum(len(json.loads(p)) for p in movements.place_ids)
    for _, feat in movements.iterrows():
        stops = sorted((r for r in rows if r["claim_id"] == feat.claim_id), key=lambda r: int(r["stop"]))
        roles = [r["role"] for r in stops]
        assert roles == ["origin", *["via"] * (len(stops) - 2), "destination"]
        assert [r["place_id"] for r in stops] == json.loads(feat.place_ids)
        coords = list(feat.geometry.coords)
        first, last = stops[0], stops[-1]
        assert (float(first["longitude"]), float(first["latitude"])) == pytest.approx(coords[0], abs=1e-6)
        assert (float(last["longitude"]), float(last["latitude"])) == pytest.approx(coords[-1], abs=1e-6)
        for via in stops[1:-1]:
            point = shapely.Point(float(via["longitude"]), float(via["latitude"]))
            assert feat.geometry.distance(point) < 1e-6


def test_every_row_carries_quote_and_citation(csv_rows):
    assert all(r["quote"] and r["citation"] and r["claim_id"] for r in csv_rows)
