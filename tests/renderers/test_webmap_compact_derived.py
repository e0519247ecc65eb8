"""Compact page data: records tables that repeat the layers (the download's rows, the place search) refer to the features."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import geopandas as gpd
import shapely

from benchmarks.distinct import distinct_layers, with_places
from dataset.model import Dataset
from layers import Layer
from renderers.webmap._compact import encode
from renderers.webmap._export import export_columns, export_payload
from renderers.webmap.build import compact_payload, page_data, page_rest
from tests.renderers.test_webmap_compact import HOSTILE, _decode_in_node, _document, _point_layer
from tests.webmap_data import decode_block

N = 400


def _many_points(layers: list[Layer]) -> tuple[Layer, Any]:
    """Return a point layer of N distinct claims at the real layer's places, with hostile texts and odd numbers."""
    base = _point_layer(layers)
    gdf = base.gdf.iloc[np.arange(N) % len(base.gdf)].reset_index(drop=True).copy()
    gdf["id"] = [f"d-{i:04d}" for i in range(N)]
    gdf["claim_id"] = gdf["id"]
    gdf["place_name"] = [f"{HOSTILE[i % len(HOSTILE)]} place {i}" for i in range(N)]
    gdf["name"] = [f"claim {i}: {HOSTILE[(i * 3) % len(HOSTILE)]}" for i in range(N)]
    gdf["summary"] = gdf["name"]
    gdf["note"] = ["a note" if i % 50 == 0 else "" for i in range(N)]  # the download adds " Note: a note"
    lon = 35.0 + np.arange(N) * 0.0137
    lat = 33.0 + np.arange(N) * 0.0071
    lat[7] = 34.0  # integral: Python writes "34.0"
    lon[8] = 36.123456  # finer than the page's 1e-5: the geometry differs from the CSV's number
    gdf["lon"], gdf["lat"] = lon, lat
    gdf["geometry"] = shapely.points(np.round(lon, 5), np.round(lat, 5))
    radius = np.round(1.0 + np.arange(N) * 0.37, 2)
    radius[3], radius[4], radius[5], radius[6] = 2.0, 1e-05, 1e16, 0.0  # ".0", exponents (Python and JS differ there), zero
    radius[9] = np.nan
    gdf["radius_km"] = radius
    return Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=base.gdf.crs), base.style), gdf


def test_download_columns_repeating_the_features_are_derived_byte_exact(layers: list[Layer], dataset: Dataset) -> None:
    """Download cells equal to a feature's value (its text, its position as Python's text) are not stored again, and decode to the same cells."""
    one, gdf = _many_points(layers)
    want = page_data([one], dataset, built="x")
    rows = want["export"]["rows"]
    assert len(rows) == N
    cols = want["export"]["columns"]
    lat, lon, radius = cols.index("latitude"), cols.index("longitude"), cols.index("radius_km")
    assert rows[7][lat] == ["34.0"]
    assert rows[5][radius] == ["1e+16"]
    assert rows[4][radius] == ["1e-05"]
    assert rows[9][radius] == ""
    text = compact_payload([one], dataset, built="x").text()
    header, strings = _document(text)
    table = header["export_rows"]
    assert "link" in table
    kinds = {c[0]: c for c in table["p"]}
    for key in ("latitude", "longitude", "location", "notes", "feature_id", "radius_km", "event_id_cnty"):
        assert kinds[key][1] == "f", key
    assert kinds["radius_km"][3]["else"] is not None  # 1e-05 and 1e+16 are stored as they are
    assert rows[8][lon] == ["36.123456"]  # finer than the page's position (the feature's "lon" keeps it)
    document = json.dumps(header) + json.dumps(strings)
    assert not any(f'"{v!r}"' in document for v in gdf["lat"].tolist()[10:20])  # the other numbers' texts are not stored
    assert sum(s.startswith("claim ") for s in strings) == N + N // 50  # the names once each, and the notes with " Note: ..."
    for got in (decode_block(text), _decode_in_node(text)):
        assert got["export"] == want["export"]


@pytest.mark.parametrize("value", [0.1 + 0.2, 1e-4, 9999999999999998.0, 123456789.125, 5e-324, 1.7976931348623157e308, -0.0, 3])
def test_derived_numbers_are_python_text_or_stored(layers: list[Layer], dataset: Dataset, value: float) -> None:
    """A number's download text is derived only where JavaScript's String gives Python's text; elsewhere it is stored, so the cell is exact."""
    one, gdf = _many_points(layers)
    gdf["radius_km"] = [value if i % 2 else 1.5 + i for i in range(N)]
    one = Layer(gpd.GeoDataFrame(gdf, geometry="geometry", crs=one.gdf.crs), one.style)
    want = page_data([one], dataset, built="x")
    text = compact_payload([one], dataset, built="x").text()
    for got in (decode_block(text), _decode_in_node(text)):
        assert got["export"] == want["export"]


def test_generated_data_download_and_place_search_decode_equal_and_derive(layers: list[Layer], dataset: Dataset) -> None:
    """The benchmark's generated claims and places (distinct, not resampled): download rows and places derive from the marks, and decode equal."""
    gen = distinct_layers(600, 150, seed=5, base=layers)
    ds = with_places(dataset, gen)
    want = page_data(gen, ds, built="x")
    assert len(want["export"]["rows"]) > 600
    assert len(want["controls"]["places"]) > 600
    text = compact_payload(gen, ds, built="x").text()
    header, _strings = _document(text)
    assert "link" in header["places"]
    kinds = {c[0]: c[1] for c in header["places"]["p"]}
    assert kinds["lat"] == kinds["lon"] == "f"  # the marks' positions
    export_kinds = {c[0]: c[1] for c in header["export_rows"]["p"]}
    assert export_kinds["latitude"] == export_kinds["location"] == "f"
    for got in (decode_block(text), _decode_in_node(text)):
        assert got["export"] == want["export"]
        assert got["controls"] == want["controls"]


def test_the_download_by_column_is_the_same_document_as_by_rows(layers: list[Layer], dataset: Dataset) -> None:
    """compact_payload passes the download's cells by column (export_columns); encoding page_rest's rows gives the same bytes."""
    gen = distinct_layers(400, 100, seed=3, base=layers)
    ds = with_places(dataset, gen)
    by_rows = encode(gen, page_rest(gen, ds, built="x"))
    assert by_rows.header["rest"]["export"]["rows"] == []
    assert by_rows.header["export_rows"]["n"] > 400
    assert compact_payload(gen, ds, built="x").text() == by_rows.text()
    payload, cells = export_columns(gen, ds)
    rows = export_payload(gen, ds)["rows"]
    assert payload["rows"] == []
    assert [list(row) for row in zip(*(cells[c] for c in payload["columns"]), strict=True)] == rows
