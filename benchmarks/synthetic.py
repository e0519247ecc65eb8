"""Synthetic map layers for benchmarks: real rows, resampled and moved around Syria.

:func:`synthetic_layers` returns layers with exactly the schema (columns, dtypes) and style
specs of the real ones built from ``data/``, but with ``n`` features in total. Each synthetic
feature is a copy of a real row drawn with replacement from the same layer, with a unique
``id`` and a new geometry:

- the real geometry keeps its shape; lines and polygons wider or taller than
  :data:`MAX_EXTENT_DEG` are scaled down (about their centre) to that size;
- its centre moves to the real centre, clamped into :data:`REGION`, plus Gaussian jitter of
  :data:`JITTER_DEG` in each direction, so features crowd around the real hot spots as
  reports do; a centre that lands outside the region is redrawn uniformly inside it;
- the whole geometry then lies inside :data:`REGION` (the centre is kept far enough from
  the edges for that), and the ``lon``/``lat`` columns, where a layer has them, move with it.

All other attributes (names, dates, actors, evidence, ``radius_km``, ``length_km`` …) are
copied unchanged from the sampled real row. The layer mix follows the real one: each
layer gets ``n`` times its share of the real features (largest-remainder rounding, so the
counts add up to exactly ``n``). Everything is drawn from ``numpy.random.default_rng(seed)``,
so a seed gives the same layers every time.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from layers import Layer

ROOT = Path(__file__).resolve().parent.parent
# (lon_min, lat_min, lon_max, lat_max): every synthetic geometry lies inside this box.
REGION = (35.0, 32.0, 42.0, 37.5)
# Largest width or height of a synthetic line or polygon, in degrees.
MAX_EXTENT_DEG = 2.0
# Standard deviation of the jitter added to each real centre, in degrees.
JITTER_DEG = 0.5


@cache
def real_layers() -> tuple[Layer, ...]:
    """Return the layers built from the real dataset in ``data/`` (built once, then cached)."""
    from dataset.load import load_dataset  # noqa: PLC0415 - only when no base layers are given
    from layers import build_layers  # noqa: PLC0415

    return tuple(build_layers(load_dataset(ROOT / "data")))


def layer_counts(real_sizes: list[int], n: int) -> list[int]:
    """Split ``n`` over layers in proportion to ``real_sizes`` (largest remainder; sums to ``n``).

    Parameters
    ----------
    real_sizes
        Number of real features per layer; layers with none get none.
    n
        Total number of synthetic features.

    Returns
    -------
    list[int]
        Features per layer, in the same order.
    """
    total = sum(real_sizes)
    if n < 0:
        raise ValueError(f"n must be zero or more, got {n}.")
    if total == 0:
        if n:
            raise ValueError("The real layers have no features to sample from.")
        return [0 for _ in real_sizes]
    exact = [n * size / total for size in real_sizes]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _centres(bounds: np.ndarray, half: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return new centres: real centre clamped into the region plus jitter, redrawn when outside."""
    lo = np.array(REGION[:2]) + half
    hi = np.array(REGION[2:]) - half
    centre = (bounds[:, :2] + bounds[:, 2:]) / 2
    centre = np.clip(centre, lo, hi) + rng.normal(0.0, JITTER_DEG, size=centre.shape)
    outside = np.any((centre < lo) | (centre > hi), axis=1)
    centre[outside] = rng.uniform(lo[outside], hi[outside])
    return np.asarray(centre, dtype=float)


def _move(gdf: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Return ``gdf`` with every geometry scaled to fit and moved to a jittered centre in the region."""
    geoms = np.asarray(gdf.geometry.array, dtype=object).copy()
    bounds = shapely.bounds(geoms)
    size = bounds[:, 2:] - bounds[:, :2]
    biggest = size.max(axis=1)
    scale = np.where(biggest > MAX_EXTENT_DEG, MAX_EXTENT_DEG / np.where(biggest > 0, biggest, 1.0), 1.0)
    half = size * scale[:, None] / 2
    old_centre = (bounds[:, :2] + bounds[:, 2:]) / 2
    new_centre = _centres(bounds, half, rng)

    coords, index = shapely.get_coordinates(geoms, return_index=True)
    coords = new_centre[index] + (coords - old_centre[index]) * scale[index, None]
    # Rounding can push a vertex a hair past the edge; keep it inside.
    coords = np.clip(coords, REGION[:2], REGION[2:])
    moved = gdf.copy()
    moved.geometry = gpd.GeoSeries(shapely.set_coordinates(geoms, coords), index=gdf.index, crs=gdf.crs)
    for axis, column in enumerate(("lon", "lat")):
        if column in moved.columns:
            values = moved[column].to_numpy(dtype=float, na_value=np.nan)
            new = new_centre[:, axis] + (values - old_centre[:, axis]) * scale
            moved[column] = np.clip(new, REGION[axis], REGION[axis + 2]).astype(moved[column].dtype)
    return moved


def synthetic_layers(n: int, seed: int = 0, *, base: list[Layer] | tuple[Layer, ...] | None = None) -> list[Layer]:
    """Return layers with the real schema and style specs and ``n`` synthetic features in total.

    Parameters
    ----------
    n
        Total number of features over all layers.
    seed
        Seed of the random generator; the same seed gives the same layers.
    base
        The real layers to sample from; by default built once from ``data/``.

    Returns
    -------
    list[Layer]
        One layer per real layer, in the same (drawing) order and with the same style spec.
    """
    real = list(base) if base is not None else list(real_layers())
    rng = np.random.default_rng(seed)
    counts = layer_counts([len(layer.gdf) for layer in real], n)
    width = len(str(max(n - 1, 0)))
    out = []
    for layer, count in zip(real, counts, strict=True):
        rows = rng.integers(0, len(layer.gdf), size=count) if count else np.array([], dtype=int)
        sample = layer.gdf.iloc[rows].reset_index(drop=True)
        sample = _move(sample, rng) if count else sample.copy()
        ids = [f"syn-{layer.name}-{i:0{width}d}" for i in range(count)]
        sample["id"] = pd.Series(ids, dtype=layer.gdf["id"].dtype)
        out.append(Layer(gdf=sample, style=layer.style))
    return out


def concat_layers(layers: list[Layer]) -> gpd.GeoDataFrame:
    """Return every feature of ``layers`` in one GeoDataFrame (columns: their union, missing values empty)."""
    frames = [layer.gdf for layer in layers if len(layer.gdf)]
    combined = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(combined, geometry=combined.geometry.name, crs=layers[0].gdf.crs)
