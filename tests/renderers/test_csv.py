"""The ACLED-style CSV: parses with the csv module, one row per point feature and per movement stop, coordinates match, no formulas."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import shapely

import build_map
import renderers
from dataset import load_dataset
from layers import Layer, build_layers
from renderers import csv_export
from renderers.csv_export import spreadsheet_cell, write_csv
from renderers.webmap import render_webmap
from renderers.webmap._export import export_payload

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def csv_rows(layers, dataset, tmp_path_factory) -> list[dict[str, str]]:
    """The CSV rows written for the real dataset."""
    path, _sidecar = write_csv(layers, dataset, tmp_path_factory.mktemp("csv"))
    with path.open(encoding="utf-8-sig", newline="") as src:
        return list(csv.DictReader(src))


def by_name(layers):
    return {layer.name: layer for layer in layers}


def test_acled_columns_present(csv_rows):
    for column in (
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "latitude",
        "longitude",
        "geo_precision",
        "time_precision",
        "source",
        "notes",
        "claim_id",
        "status",
        "quote",
        "locator",
        "role",
    ):
        assert column in csv_rows[0]


def test_precision_codes_are_1_to_3(csv_rows):
    assert {r["geo_precision"] for r in csv_rows} <= {"1", "2", "3"}
    assert {r["time_precision"] for r in csv_rows} <= {"1", "2", "3"}


def test_point_rows_match_point_features(csv_rows, layers, dataset):
    """A point row gives the place's own point (the anchor): the map may draw an area's symbol on its ring."""
    rows = {r["feature_id"]: r for r in csv_rows if r["layer"] in {"presence", "strikes", "risks"}}
    frames = {name: by_name(layers)[name].gdf for name in ("presence", "strikes", "risks")}
    expected = {(name, fid): pid for name, gdf in frames.items() for fid, pid in zip(gdf.id, gdf.place_id, strict=True)}
    assert len(rows) == len(expected)
    for (name, fid), pid in expected.items():
        row, place = rows[fid], dataset.gazetteer.get(pid)
        assert row["layer"] == name
        assert row["role"] == "at"
        assert float(row["longitude"]) == pytest.approx(place.lon, abs=1e-6)
        assert float(row["latitude"]) == pytest.approx(place.lat, abs=1e-6)


def test_country_wide_claims_are_rows_at_country_precision(csv_rows, layers, dataset):
    rows = [r for r in csv_rows if r["layer"] == "countrywide"]
    gdf = by_name(layers)["countrywide"].gdf
    assert len(rows) == sum(len(json.loads(p)) for p in gdf.place_ids)
    for row in rows:
        place = dataset.gazetteer.get(row["place_id"])
        assert place.kind == "country"
        assert row["geo_precision"] == "3"  # ACLED: a country-level location
        assert (float(row["longitude"]), float(row["latitude"])) == pytest.approx((place.lon, place.lat), abs=1e-6)


def test_movement_rows_follow_the_line(csv_rows, layers, dataset):
    movements = by_name(layers)["movements"].gdf
    rows = [r for r in csv_rows if r["layer"] == "movements"]
    assert len(rows) == sum(len(json.loads(p)) for p in movements.place_ids)
    for _, feat in movements.iterrows():
        stops = sorted((r for r in rows if r["claim_id"] == feat.claim_id), key=lambda r: int(r["stop"]))
        roles = [r["role"] for r in stops]
        assert roles == ["origin", *["via"] * (len(stops) - 2), "destination"]
        assert [r["place_id"] for r in stops] == json.loads(feat.place_ids)
        # Each stop row gives the place's own point; the drawn line passes through every town or site
        # stop (a country end is drawn at its border, an area end on its ring).
        for stop in stops:
            place = dataset.gazetteer.get(stop["place_id"])
            assert (float(stop["longitude"]), float(stop["latitude"])) == pytest.approx((place.lon, place.lat), abs=1e-6)
            if place.kind in {"town", "site"}:
                point = shapely.Point(float(stop["longitude"]), float(stop["latitude"]))
                assert feat.geometry.distance(point) < 1e-6, (feat.claim_id, place.id)


def test_every_row_carries_quote_and_citation(csv_rows):
    assert all(r["quote"] and r["citation"] and r["claim_id"] for r in csv_rows)


# --- no cell runs as a spreadsheet formula (issue 10 §10) --------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP, "CSV Injection"
NUMERIC = ("latitude", "longitude", "radius_km", "stop")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (-33.5, "-33.5"),
        (-1, "-1"),
        (2.0, "2.0"),
        (True, "True"),
    ],
)
def test_spreadsheet_cell(value, cell):
    assert spreadsheet_cell(value) == cell


@pytest.fixture(scope="module")
def hostile_rows(tmp_path_factory, sources_dir) -> list[dict[str, str]]:
    """CSV rows written from a copy of data/ whose texts start like spreadsheet formulas."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(ROOT / "data", data)
    edits = {
        "claims/euaa-2025.yaml": [
            ("    summary: Israeli strikes in Damascus kill high-ranking IRGC members\n", '    summary: \'=HYPERLINK("http://evil.example","x")\'\n'),
        ],
        "claims/noonpost.yaml": [("    summary: Israeli air raids deal Iran", "    summary: -1+1 Israeli air raids deal Iran")],
        "gazetteer.yaml": [("    name: Hmeimim air base\n", "    name: '@SUM(1+1)'\n")],
        "sources.yaml": [("    publisher: Noon Post\n", "    publisher: +cmd|' /C calc'!A0\n")],
    }
    for file, pairs in edits.items():
        path = data / file
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"test setup: {old!r} not in {file}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    ds = load_dataset(data, sources_dir=sources_dir)
    path, _sidecar = write_csv(build_layers(ds), ds, tmp_path_factory.mktemp("csv-out"))
    with path.open(encoding="utf-8-sig", newline="") as src:
        return list(csv.DictReader(src))


def test_no_text_cell_starts_a_formula(hostile_rows):
    for row in hostile_rows:
        for column, cell in row.items():
            if column in NUMERIC:
                continue
            assert not cell.startswith(FORMULA_START), (column, cell)


def test_defused_text_keeps_its_words(hostile_rows):
    notes = {r["notes"] for r in hostile_rows}
    assert any(n.startswith('\'=HYPERLINK("http://evil.example","x")') for n in notes)
    assert any(n.startswith("'-1+1 Israeli air raids deal Iran") for n in notes)
    assert "'@SUM(1+1)" in {r["location"] for r in hostile_rows}
    assert any(r["source"] == "'+cmd|' /C calc'!A0" for r in hostile_rows)


def test_numeric_cells_stay_numbers(hostile_rows):
    for row in hostile_rows:
        for column in ("latitude", "longitude", "stop"):
            float(row[column])  # a quote prefix would make this raise
        assert row["radius_km"] == "" or float(row["radius_km"]) > 0


@pytest.mark.parametrize(("layer_name", "what", "fix"), [("movements", "Movement", "data/places"), ("countrywide", "Claim", "data/gazetteer.yaml")])
def test_missing_place_fails_before_any_row_is_built(layers, dataset, monkeypatch, layer_name, what, fix):
    """A movement or country-wide claim naming a place not in the gazetteer raises at once, naming it; no point row is built first."""
    shown = by_name(layers)
    if layer_name not in shown or shown[layer_name].gdf.empty:
        pytest.skip(f"no {layer_name} in the real data")
    gdf = shown[layer_name].gdf.copy()
    gdf.loc[gdf.index[-1], "place_ids"] = json.dumps(["nowhere-at-all"])
    broken = [Layer(gdf=gdf, style=layer.style) if layer.name == layer_name else layer for layer in layers]

    def no_rows(layer):
        raise AssertionError(f"point rows of {layer.name!r} were built before the place check")

    monkeypatch.setattr(csv_export, "point_columns", no_rows)
    with pytest.raises(ValueError, match=rf"^{what} '{gdf['id'].iloc[-1]}' names place 'nowhere-at-all', which is not in the gazetteer; fix {fix}\.$"):
        csv_export.csv_rows(layers=broken, ds=dataset)


class _Text(str):
    """A str subclass: its cell is its text."""

    __slots__ = ()


@pytest.mark.parametrize(
    "values",
    [
        ["=1+1", "+2", "-1+1", "@SUM(A1)", "\tx", "\rx", "plain", "", "'quoted"],
        [-33.5, 36.0, float("nan"), None, 0, 3, -7, True, False, np.float64(-1.25), np.int64(-4), np.bool_(True), _Text("=x"), "=y", "ok", 1e-07, 10**20],
    ],
)
def test_spreadsheet_cells_equal_the_cell_rule_for_every_value(values):
    """The column-wise pass gives each value what spreadsheet_cell gives it (numbers stay numbers, formulas are defused)."""
    assert csv_export.spreadsheet_cells(values) == [spreadsheet_cell(v) for v in values]


@pytest.mark.parametrize(
    "text",
    [
        '["a", "b"]', ' ["a"]', '["a"] ', "[1, 2.5, null, true]", '{"k": [1]}', '"x"', "[]", "  3  ", '[""]', '["a","b"]', '["a" , "b"]',
        '["a\\"b", "c"]', '["a\\\\", "b"]', '["\\u00e9", "é"]', '["ال", "x, y"]', '["a", "b", "", "c"]', '["a", 1]', '[["a"]]', '["\\n"]',
    ],
)  # fmt: skip
def test_loads_equals_json_loads(text):
    assert csv_export.loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ["[1,", '["a"] x', "1,2", "", "[1] [2]", "nan-ish", '["a\x01"]', '["a\nb"]', '["a", "b"]]', '[["a", "b"]'])
def test_loads_refuses_what_json_loads_refuses(text):
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        csv_export.loads(text)


def _counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    make = csv_export._csv_columns

    def counted(layers, ds):
        calls.append(1)
        return make(layers, ds)

    monkeypatch.setattr(csv_export, "_csv_columns", counted)
    return calls


def test_columns_made_once_inside_computed_once_only(layers, dataset, monkeypatch, tmp_path):
    """Inside the block the CSV and the download share one computation; outside, and for other frames, each call makes its own."""
    calls = _counting(monkeypatch)
    write_csv(layers, dataset, tmp_path)
    alone = export_payload(layers, dataset)
    assert len(calls) == 2
    with csv_export.computed_once():
        write_csv(layers, dataset, tmp_path)
        shared = export_payload(layers, dataset)
        assert len(calls) == 3
        copied = [Layer(gdf=layer.gdf.copy(), style=layer.style) for layer in layers]
        export_payload(copied, dataset)
        assert len(calls) == 4
    assert shared == alone
    export_payload(layers, dataset)
    assert len(calls) == 5


def test_a_build_makes_the_csv_rows_once(dataset, monkeypatch, tmp_path):
    calls = _counting(monkeypatch)
    monkeypatch.setattr(renderers, "RENDERERS", [("ACLED-style CSV", write_csv), ("Web map", render_webmap)])
    build_map.build(dataset, tmp_path / "dist")
    assert len(calls) == 1
    assert (tmp_path / "dist" / "militia_map.csv").is_file()
    assert (tmp_path / "dist" / "index.html").is_file()
