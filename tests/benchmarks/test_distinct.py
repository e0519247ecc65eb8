"""Distinct synthetic claims (issue 14 §6): every claim its own id, place, dates, source and quote."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import Geod

from benchmarks.distinct import LINE_PLACE_RADIUS_KM, QUOTE_CHARS, distinct_layers, make_quotes, synthetic_places, vocabulary, with_places
from benchmarks.synthetic import REGION
from dataset import Dataset
from layers import Layer
from layers.style import ACTOR_GROUPS, STATUS_STYLES
from renderers.csv_export import csv_rows

POINTS, LINES = 300, 60


@pytest.fixture(scope="module")
def plain(layers: list[Layer]) -> list[Layer]:
    return distinct_layers(POINTS, LINES, seed=3, base=layers)


@pytest.fixture(scope="module")
def quoted(layers: list[Layer]) -> list[Layer]:
    return distinct_layers(POINTS, LINES, seed=3, base=layers, quotes=True)


def _by_name(layers: list[Layer]) -> dict[str, pd.DataFrame]:
    return {layer.name: layer.gdf for layer in layers}


def test_points_and_lines_in_their_layers_the_rest_empty(layers: list[Layer], plain: list[Layer]) -> None:
    assert [layer.name for layer in plain] == [layer.name for layer in layers]
    counts = {layer.name: len(layer.gdf) for layer in plain}
    assert counts.pop("presence") == POINTS
    assert counts.pop("movements") == LINES
    assert set(counts.values()) == {0}
    got = _by_name(plain)
    assert set(got["presence"].geom_type) == {"Point"}
    assert set(got["movements"].geom_type) == {"LineString"}


def test_same_columns_dtypes_and_styles_as_the_real_layers(layers: list[Layer], quoted: list[Layer]) -> None:
    for real, fake in zip(layers, quoted, strict=True):
        assert fake.style == real.style
        assert list(fake.gdf.columns) == list(real.gdf.columns)
        assert fake.gdf.dtypes.to_dict() == real.gdf.dtypes.to_dict(), real.name
        assert fake.gdf.crs == real.gdf.crs


def test_every_claim_is_distinct(quoted: list[Layer]) -> None:
    claims = pd.concat([layer.gdf.drop(columns="geometry") for layer in quoted if len(layer.gdf)], ignore_index=True)
    n = POINTS + LINES
    for column in ("id", "claim_id", "place_ids", "place_names", "citation", "evidence", "quote", "name"):
        assert claims[column].nunique() == n, column
    refs = [(e["source_id"], e["locator"]) for raw in claims["evidence"] for e in json.loads(raw)]
    assert len(set(refs)) == n
    places = [p for raw in claims["place_ids"] for p in json.loads(raw)]
    assert len(places) == len(set(places)) == POINTS + 2 * LINES  # a line names a place at each end
    # Not one value copied from a real row: the curated ids, places and quotes do not appear.
    assert not claims["id"].str.startswith(("euaa-", "noonpost-")).any()


def test_vocabulary_fields_come_from_the_vocabularies(quoted: list[Layer]) -> None:
    vocab = vocabulary()
    actors = {a["id"] for a in vocab["actors"]}
    types = {t["id"]: t["layer"] for t in vocab["types"]}
    for layer in quoted:
        gdf = layer.gdf
        if not len(gdf):
            continue
        assert {types[t] for t in gdf["type"]} == {layer.name}
        assert set(gdf["status"]) <= set(STATUS_STYLES)
        assert set(gdf["actor_group"]) <= set(ACTOR_GROUPS)
        for raw in gdf["actors"]:
            listed = json.loads(raw)
            assert 1 <= len(listed) <= 3
            assert set(listed) <= actors
        assert set(gdf["date_precision"]) <= {"day", "month", "year", "approximate"}
        assert gdf["date_start"].nunique() > len(gdf) // 4  # days spread over 14 years, not a handful


def test_date_spans_follow_their_precision(quoted: list[Layer]) -> None:
    gdf = _by_name(quoted)["presence"]
    start = pd.to_datetime(gdf["date_start"])
    end = pd.to_datetime(gdf["date_end"])
    assert (start <= end).all()
    day = gdf["date_precision"] == "day"
    assert (start[day] == end[day]).all()
    month = gdf["date_precision"] == "month"
    assert (start[month].dt.day == 1).all()
    assert (end[month] == start[month] + pd.offsets.MonthEnd(0)).all()
    year = gdf["date_precision"] == "year"
    assert ((start[year].dt.day_of_year == 1) & (end[year].dt.month == 12) & (end[year].dt.day == 31)).all()
    assert (start[year].dt.year == end[year].dt.year).all()


def test_quotes_have_150_characters_and_only_in_case_b(plain: list[Layer], quoted: list[Layer]) -> None:
    for layer in quoted:
        assert layer.gdf["quote"].str.len().eq(QUOTE_CHARS).all(), layer.name
        for raw, quote in zip(layer.gdf["evidence"], layer.gdf["quote"], strict=True):
            assert json.loads(raw)[0]["quote"] == quote
    for layer in plain:
        assert layer.gdf["quote"].eq("").all(), layer.name


def test_make_quotes_redraws_duplicates() -> None:
    # Only 2**3 texts exist ("a b a", "b b a" ...): all eight come out, each once.
    quotes = make_quotes(np.random.default_rng(0), 8, ["a", "b"], chars=5)
    assert sorted(quotes) == sorted(f"{x} {y} {z}" for x in "ab" for y in "ab" for z in "ab")
    with pytest.raises(ValueError, match="distinct"):
        make_quotes(np.random.default_rng(0), 9, ["a", "b"], chars=5)


def test_geometries_inside_the_region_and_points_carry_lon_lat(quoted: list[Layer]) -> None:
    lon_min, lat_min, lon_max, lat_max = REGION
    for layer in quoted:
        gdf = layer.gdf
        if not len(gdf):
            continue
        assert shapely.is_valid(gdf.geometry.array).all(), layer.name
        x0, y0, x1, y1 = gdf.total_bounds
        assert lon_min <= x0 <= x1 <= lon_max, layer.name
        assert lat_min <= y0 <= y1 <= lat_max, layer.name
    points = _by_name(quoted)["presence"]
    assert (points.geometry.x - points["lon"]).abs().max() < 1e-9
    assert (points.geometry.y - points["lat"]).abs().max() < 1e-9


def test_line_lengths_match_geodesic_lengths(quoted: list[Layer]) -> None:
    geod = Geod(ellps="WGS84")
    lines = _by_name(quoted)["movements"]
    for geom, km in zip(lines.geometry, lines["length_km"], strict=True):
        assert km == pytest.approx(geod.geometry_length(geom) / 1000, rel=0.01, abs=0.2)


def test_deterministic_for_a_seed(layers: list[Layer], quoted: list[Layer]) -> None:
    again = distinct_layers(POINTS, LINES, seed=3, base=layers, quotes=True)
    for first, second in zip(quoted, again, strict=True):
        assert_geodataframe_equal(first.gdf, second.gdf)
    other = distinct_layers(POINTS, LINES, seed=4, base=layers, quotes=True)
    assert not _by_name(other)["presence"].geometry.equals(_by_name(quoted)["presence"].geometry)


def test_negative_counts_are_refused(layers: list[Layer]) -> None:
    with pytest.raises(ValueError, match="zero or more"):
        distinct_layers(-1, 0, base=layers)


def test_generated_places_join_the_gazetteer_and_the_csv_has_every_stop(dataset: Dataset, plain: list[Layer]) -> None:
    """Without its places the CSV refuses the movements (no download on the page); with them every stop is a row at the line's end."""
    with pytest.raises(ValueError, match="not in the gazetteer"):
        csv_rows(plain, dataset)
    ds = with_places(dataset, plain)
    assert len(dataset.gazetteer) + POINTS + 2 * LINES == len(ds.gazetteer)
    assert all(dataset.gazetteer.get(p.id) is not None for p in ds.gazetteer if not p.id.startswith("syn-"))
    rows = csv_rows(plain, ds)
    got = _by_name(plain)
    assert len(rows) == POINTS + 2 * LINES
    stops = [r for r in rows if r["layer"] == "movements"]
    lines = got["movements"].set_index("id")
    for row in stops:
        line = lines.loc[row["feature_id"]]
        xy = shapely.get_coordinates(line.geometry)[0 if row["role"] == "origin" else -1]
        assert row["location"] == (line["origin"] if row["role"] == "origin" else line["destination"])
        assert (row["longitude"], row["latitude"]) == (round(xy[0], 6), round(xy[1], 6))
        assert row["radius_km"] == LINE_PLACE_RADIUS_KM
        assert row["place_id"] == json.loads(line["place_ids"])[row["stop"] - 1]
    points = got["presence"].set_index("place_id")
    for place in synthetic_places(plain)[:POINTS]:
        point = points.loc[place.id]
        assert (place.name, place.lon, place.lat, place.radius_km) == (point["place_name"], point["lon"], point["lat"], point["radius_km"])
        assert place.precision == point["loc_precision"]
