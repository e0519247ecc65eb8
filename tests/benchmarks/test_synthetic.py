"""The synthetic layers of the web map benchmark: real schema and styles, n features, inside the region."""

from __future__ import annotations

import pandas as pd
import pytest

import shapely
from geopandas.testing import assert_geodataframe_equal

from benchmarks.synthetic import REGION, concat_layers, layer_counts, synthetic_layers
from layers import Layer

N = 200


@pytest.fixture(scope="module")
def synthetic(layers: list[Layer]) -> list[Layer]:
    return synthetic_layers(N, seed=7, base=layers)


def test_exactly_n_features_in_the_real_mix(layers: list[Layer], synthetic: list[Layer]) -> None:
    assert sum(len(layer.gdf) for layer in synthetic) == N
    assert [len(layer.gdf) for layer in synthetic] == layer_counts([len(layer.gdf) for layer in layers], N)
    assert len(concat_layers(synthetic)) == N


@pytest.mark.parametrize("n", [0, 1, 7, 1000, 12345])
def test_layer_counts_add_up(n: int) -> None:
    counts = layer_counts([26, 37, 20, 9, 5, 5], n)
    assert sum(counts) == n
    assert all(abs(c - n * real / 102) < 1 for c, real in zip(counts, [26, 37, 20, 9, 5, 5], strict=True))


def test_same_layers_columns_dtypes_and_styles(layers: list[Layer], synthetic: list[Layer]) -> None:
    assert [layer.name for layer in synthetic] == [layer.name for layer in layers]
    for real, fake in zip(layers, synthetic, strict=True):
        assert fake.style == real.style
        assert list(fake.gdf.columns) == list(real.gdf.columns)
        assert fake.gdf.dtypes.to_dict() == real.gdf.dtypes.to_dict(), real.name
        assert fake.gdf.crs == real.gdf.crs
        assert set(fake.gdf.geom_type) <= set(real.gdf.geom_type)


def test_unique_ids(synthetic: list[Layer]) -> None:
    ids = pd.concat([layer.gdf["id"] for layer in synthetic])
    assert ids.notna().all()
    assert ids.is_unique


def test_geometries_and_coordinates_inside_the_region(synthetic: list[Layer]) -> None:
    lon_min, lat_min, lon_max, lat_max = REGION
    for layer in synthetic:
        gdf = layer.gdf
        assert shapely.is_valid(gdf.geometry.array).all(), layer.name
        x0, y0, x1, y1 = gdf.total_bounds
        assert lon_min <= x0 <= x1 <= lon_max, layer.name
        assert lat_min <= y0 <= y1 <= lat_max, layer.name
        for column, (lo, hi) in (("lon", (lon_min, lon_max)), ("lat", (lat_min, lat_max))):
            if column in gdf.columns:
                assert gdf[column].dropna().between(lo, hi).all(), (layer.name, column)


def test_points_carry_their_lon_lat(synthetic: list[Layer]) -> None:
    for layer in synthetic:
        points = layer.gdf[layer.gdf.geom_type == "Point"]
        if "on_ring" in points.columns:  # an area's symbol sits on its ring; lon/lat keep the anchor
            points = points[~points["on_ring"].fillna(value=False).astype(bool)]
        if "lon" in points.columns and len(points):
            assert (points.geometry.x - points["lon"]).abs().max() < 1e-9
            assert (points.geometry.y - points["lat"]).abs().max() < 1e-9


def test_deterministic_for_a_seed(layers: list[Layer], synthetic: list[Layer]) -> None:
    again = synthetic_layers(N, seed=7, base=layers)
    for first, second in zip(synthetic, again, strict=True):
        assert_geodataframe_equal(first.gdf, second.gdf)
    other = synthetic_layers(N, seed=8, base=layers)
    assert any(not a.gdf.geometry.equals(b.gdf.geometry) for a, b in zip(synthetic, other, strict=True))
