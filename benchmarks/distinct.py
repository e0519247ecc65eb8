"""Synthetic *distinct* claims for the web map benchmarks (issue 14 §6): nothing is resampled.

:func:`distinct_layers` returns the real layers (same order, style specs, columns and dtypes)
with ``n_points`` generated point claims in ``presence``, ``n_lines`` generated movement claims
in ``movements`` and every other layer empty. Each generated claim is its own:

- **distinct per claim**: ``id``/``claim_id`` (``syn-presence-000123``), the place (a generated
  name such as ``Tall Qarhamin 124``, its own ``place_id`` and coordinates; a line has a place at
  each end), the dates (a start day drawn from 2011-2025, the span following from the date
  precision), the source reference (report ``K`` of a generated publisher, paragraph ``P``: no two
  claims cite the same pair) and, with ``quotes=True`` (case (b)), a 150-character quote;
- **drawn per claim from the real vocabularies** (``data/vocabulary.yaml``, ``layers.style``):
  1-3 actors, the type (one the layer draws), the status, the date precision and the location
  precision, so the page colours, filters and legends them as real claims;
- **geometry**: 70 % of the points (and line starts) lie around the real places the curated
  claims name (Gaussian, 0.5°), 30 % uniformly in :data:`benchmarks.synthetic.REGION`; a line
  has 2-6 vertices, steps of 0.05-0.3° in a slowly turning direction, clipped to the region.

Every generated place is also a gazetteer entry (:func:`synthetic_places`, :func:`with_places`:
the dataset with them added), as a real user's data would have its places: the CSV (and so the
page's "Download what I see") has a row per movement stop only for places the gazetteer knows,
and the place search finds the generated places too.

A quote is words drawn from the vocabulary of the real quotes, cut at 150 characters; duplicates
are redrawn, so every quote differs. Everything comes from ``numpy.random.default_rng(seed)``.
Columns this module does not know (a later schema) take the first real row's value.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

import geopandas as gpd
import shapely

from benchmarks.synthetic import REGION
from dataset.model import Dataset
from geo.gazetteer import Gazetteer
from geo.place import Place
from layers import Layer
from layers.style import actor_group

ROOT = Path(__file__).resolve().parent.parent
POINT_LAYER = "presence"
LINE_LAYER = "movements"
QUOTE_CHARS = 150
HOTSPOT_SHARE = 0.7
HOTSPOT_SD_DEG = 0.5
START_DAY = np.datetime64("2011-03-15")
DAYS = 5300  # start days run to about 2025-09
# Date precision -> share of claims (the vocabulary's "unknown" is left out: those are undated).
PRECISIONS = {"day": 0.3, "month": 0.25, "year": 0.15, "approximate": 0.3}
LOC_PRECISIONS = {"site": 0.2, "town": 0.5, "region": 0.3}
RADIUS_KM = {"site": (0.5, 2.0), "town": (3.0, 9.0), "region": (20.0, 150.0)}
ACLED_GEO = {"site": 1, "town": 1, "region": 2}
ACLED_TIME = {"day": 1, "month": 2, "approximate": 2, "year": 3}
STATUS_SHARE = {"reported": 0.6, "claimed": 0.3, "contested": 0.1}
# Radius (km) of a movement's end places: a town (geo.place.TOWN_MAX_KM).
LINE_PLACE_RADIUS_KM = 5.0
PLACE_SOURCE = "synthetic position (benchmarks/distinct.py)"
DIRECTION_OF = {"reinforcement": "inbound", "withdrawal": "outbound", "evacuation": "outbound", "supply-line": "supply"}
_PREFIXES = ("Tall", "Khirbet", "Ayn", "Deir", "Jabal", "Qaryat", "Wadi", "Bir", "Kafr", "Tell", "Marj", "Hawsh")
_SYLLABLES = ("qar", "ham", "in", "sal", "mur", "dab", "ash", "far", "rak", "zum", "bal", "tah", "nir", "jad", "wan", "kub", "ral", "sim")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def vocabulary() -> dict[str, Any]:
    """Return ``data/vocabulary.yaml`` (actors and types)."""
    return dict(yaml.safe_load((ROOT / "data" / "vocabulary.yaml").read_text(encoding="utf-8")))


def _pick(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    keys = list(shares)
    weights = np.array([shares[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=weights / weights.sum())]


def _hotspots(base: list[Layer]) -> np.ndarray:
    """Return the real point coordinates (lon, lat) inside the region, to crowd claims around."""
    lon0, lat0, lon1, lat1 = REGION
    pts = []
    for layer in base:
        gdf = layer.gdf
        if len(gdf) and layer.style.geometry == "point":
            xy = shapely.get_coordinates(gdf.geometry.array)
            pts.append(xy[(xy[:, 0] >= lon0) & (xy[:, 0] <= lon1) & (xy[:, 1] >= lat0) & (xy[:, 1] <= lat1)])
    found = np.concatenate(pts) if pts else np.empty((0, 2))
    return found if len(found) else np.array([[(lon0 + lon1) / 2, (lat0 + lat1) / 2]])


def _positions(rng: np.random.Generator, n: int, hotspots: np.ndarray) -> np.ndarray:
    """Return ``n`` (lon, lat) positions: around the hot spots or uniform, all inside the region."""
    lo, hi = np.array(REGION[:2]), np.array(REGION[2:])
    near = rng.random(n) < HOTSPOT_SHARE
    xy = rng.uniform(lo, hi, size=(n, 2))
    centre = hotspots[rng.integers(0, len(hotspots), size=n)]
    xy[near] = centre[near] + rng.normal(0.0, HOTSPOT_SD_DEG, size=(int(near.sum()), 2))
    return np.clip(xy, lo, hi)


def _place_names(rng: np.random.Generator, n: int, offset: int) -> list[str]:
    """Return ``n`` distinct generated place names (a prefix, two syllables and a running number)."""
    pre = rng.integers(0, len(_PREFIXES), size=n)
    s1 = rng.integers(0, len(_SYLLABLES), size=n)
    s2 = rng.integers(0, len(_SYLLABLES), size=n)
    return [f"{_PREFIXES[a]} {_SYLLABLES[b].capitalize()}{_SYLLABLES[c]} {offset + i + 1}" for i, (a, b, c) in enumerate(zip(pre, s1, s2, strict=True))]


def quote_words(base: list[Layer]) -> list[str]:
    """Return the distinct words of the real quotes (the vocabulary synthetic quotes are made of)."""
    words: dict[str, None] = {}
    for layer in base:
        if "quote" in layer.gdf.columns:
            for text in layer.gdf["quote"].dropna():
                words.update(dict.fromkeys(_WORD.findall(str(text))))
    return list(words) or ["militia", "fighters", "reported", "near", "the", "border"]


def make_quotes(rng: np.random.Generator, n: int, words: list[str], chars: int = QUOTE_CHARS) -> list[str]:
    """Return ``n`` distinct quotes of exactly ``chars`` characters, words drawn from ``words``."""
    per = chars // 3 + 2  # more words than can fit: every quote reaches ``chars``
    pool = np.array(words, dtype=object)
    out: list[str] = []
    seen: set[str] = set()
    for _ in range(1000):
        need = n - len(out)
        if not need:
            return out
        picks = pool[rng.integers(0, len(pool), size=(need, per))]
        for row in picks:
            text = " ".join(row)[:chars]
            if text not in seen:
                seen.add(text)
                out.append(text)
    if len(out) < n:
        msg = f"Could not make {n} distinct quotes of {chars} characters from {len(words)} words."
        raise ValueError(msg)
    return out


def _dates(rng: np.random.Generator, n: int) -> dict[str, list[Any]]:
    """Return the date columns: a start day per claim, the span and labels from its precision."""
    precision = _pick(rng, PRECISIONS, n)
    start = START_DAY + rng.integers(0, DAYS, size=n).astype("timedelta64[D]")
    month = start.astype("datetime64[M]")
    year = start.astype("datetime64[Y]")
    approx_len = rng.integers(1, 120, size=n).astype("timedelta64[D]")
    begin = np.where(precision == "month", month.astype("datetime64[D]"), np.where(precision == "year", year.astype("datetime64[D]"), start))
    end = np.where(
        precision == "day",
        start,
        np.where(
            precision == "month",
            (month + 1).astype("datetime64[D]") - 1,
            np.where(precision == "year", (year + 1).astype("datetime64[D]") - 1, start + approx_len),
        ),
    )
    b = begin.astype(str).tolist()
    e = end.astype(str).tolist()
    written = [
        f"on {s}" if p == "day" else f"in {s[:7]}" if p == "month" else f"in {s[:4]}" if p == "year" else f"between {s} and {t}"
        for p, s, t in zip(precision, b, e, strict=True)
    ]
    return {
        "date_start": b,
        "date_end": e,
        "date_precision": precision.tolist(),
        "date_as_written": written,
        "date_label": [f"{w} ({s} to {t}; precision: {p})" for w, s, t, p in zip(written, b, e, precision, strict=True)],
        "acled_time_precision": [ACLED_TIME[p] for p in precision],
        "span_end": e,
        "last_reported": e,
        "span_label": [s if s == t else f"{s} – {t}" for s, t in zip(b, e, strict=True)],
    }


def _actors(rng: np.random.Generator, n: int, vocab: dict[str, Any]) -> dict[str, list[Any]]:
    """Return the actor columns: 1-3 vocabulary actors per claim (Iran-backed ones more often)."""
    actors = vocab["actors"]
    ids = [a["id"] for a in actors]
    labels = {a["id"]: a.get("label", a["id"]) for a in actors}
    weights = np.array([3.0 if a.get("kind") == "militia" or a["id"] in ("IRGC", "Quds Force") else 1.0 for a in actors])
    drawn = rng.choice(len(ids), size=(n, 3), p=weights / weights.sum())
    count = rng.integers(1, 4, size=n)
    lists = [list(dict.fromkeys(ids[j] for j in row[:k])) for row, k in zip(drawn, count, strict=True)]
    return {
        "actors": [json.dumps(a, ensure_ascii=False) for a in lists],
        "actors_label": [", ".join(labels[x] for x in a) for a in lists],
        "actor_group": [actor_group(a) for a in lists],
    }


def _types(rng: np.random.Generator, n: int, vocab: dict[str, Any], layer: str) -> dict[str, list[Any]]:
    """Return the type columns: a vocabulary type that ``layer`` draws, with its ACLED codes and time kind."""
    types = [t for t in vocab["types"] if t.get("layer") == layer]
    picks = [types[i] for i in rng.integers(0, len(types), size=n)]
    return {
        "type": [t["id"] for t in picks],
        "type_label": [t["label"] for t in picks],
        "acled_event_type": [t.get("acled_event_type", "") for t in picks],
        "acled_sub_event_type": [t.get("acled_sub_event_type", "") for t in picks],
        "time_kind": [t.get("time_kind", "event") for t in picks],
    }


def _sources(rng: np.random.Generator, n: int, offset: int, end: list[str], quotes: list[str]) -> dict[str, list[Any]]:
    """Return the evidence columns: claim ``i`` cites report ``i // 50``, paragraph ``i % 50 + 1`` (distinct pairs)."""
    publishers = [f"Synthetic Monitor {k:02d}" for k in range(40)]
    pub = rng.integers(0, len(publishers), size=n)
    cols: dict[str, list[Any]] = {"citation": [], "evidence": [], "independent_works": []}
    for i in range(n):
        k, para = divmod(offset + i, 50)
        publisher = publishers[pub[i]]
        title = f"Field report {k + 1}"
        locator = f"para {para + 1}"
        citation = f"{title}, {publisher}, {end[i]}, {locator}"
        entry = {
            "source_id": f"syn-report-{k + 1}", "source_title": title, "publisher": publisher, "source_date": end[i],
            "locator": locator, "quote": quotes[i], "url": "", "citation": citation, "cited_works": [],
        }  # fmt: skip
        cols["citation"].append(citation)
        cols["evidence"].append(json.dumps([entry], ensure_ascii=False))
        cols["independent_works"].append(json.dumps([f"{publisher} ({end[i]})"]))
    return cols


def _claims(rng: np.random.Generator, n: int, layer: str, vocab: dict[str, Any], words: list[str] | None, offset: int) -> dict[str, list[Any]]:
    """Return the columns every claim has (ids, actors, type, status, dates, evidence), ``n`` rows."""
    width = max(6, len(str(n)))
    ids = [f"syn-{layer}-{i:0{width}d}" for i in range(n)]
    dates = _dates(rng, n)
    quotes = make_quotes(rng, n, words) if words is not None else [""] * n
    cols: dict[str, list[Any]] = {"id": ids, "claim_id": ids, **_actors(rng, n, vocab), **_types(rng, n, vocab, layer), **dates}
    cols["status"] = _pick(rng, STATUS_SHARE, n).tolist()
    cols["quote"] = quotes
    cols.update(_sources(rng, n, offset, dates["date_end"], quotes))
    cols.update(
        date_basis=[""] * n, end_basis=["stated"] * n, note=[""] * n, url=[None] * n, n_evidence=[1] * n, corroboration=[1] * n,
        corroborated=[False] * n, source_file=["synthetic (benchmarks/distinct.py)"] * n,
    )  # fmt: skip
    return cols


def _frame(cols: dict[str, list[Any]], geoms: np.ndarray, real: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a GeoDataFrame with ``real``'s columns and dtypes: ``cols`` where given, else the first real row's value."""
    n = len(geoms)
    template = real.iloc[0] if len(real) else None
    data: dict[str, Any] = {}
    for column in real.columns:
        if column == real.geometry.name:
            continue
        values = cols[column] if column in cols else [None if template is None else template[column]] * n
        data[column] = pd.Series(values).astype(real.dtypes[column]) if n else pd.Series([], dtype=real.dtypes[column])
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=real.crs).values, crs=real.crs)[list(real.columns)]


def _points(rng: np.random.Generator, n: int, real: gpd.GeoDataFrame, vocab: dict[str, Any], words: list[str] | None, hot: np.ndarray) -> gpd.GeoDataFrame:
    cols = _claims(rng, n, POINT_LAYER, vocab, words, 0)
    xy = _positions(rng, n, hot)
    names = _place_names(rng, n, 0)
    pids = [f"syn-place-{i + 1}" for i in range(n)]
    loc = _pick(rng, LOC_PRECISIONS, n)
    lo = np.array([RADIUS_KM[p][0] for p in loc])
    hi = np.array([RADIUS_KM[p][1] for p in loc])
    lon = np.round(xy[:, 0], 5)
    lat = np.round(xy[:, 1], 5)
    cols.update(
        place_id=pids, place_ids=[json.dumps([p]) for p in pids], place_name=names, place_names=names,
        place_kind=["area" if p == "region" else p for p in loc], loc_precision=loc.tolist(),
        radius_km=np.round(rng.uniform(lo, hi), 1).tolist(), acled_geo_precision=[ACLED_GEO[p] for p in loc],
        coord_source=[f"{name}: synthetic position (benchmarks/distinct.py)" for name in names],
        lon=lon.tolist(), lat=lat.tolist(), anchor_lon=lon.tolist(), anchor_lat=lat.tolist(), on_ring=[False] * n,
        name=[f"{a.split(',')[0]}: {t.lower()} at {p}" for a, t, p in zip(cols["actors_label"], cols["type_label"], names, strict=True)],
    )  # fmt: skip
    cols["summary"] = cols["name"]
    return _frame(cols, shapely.points(lon, lat), real)


def _lines(
    rng: np.random.Generator, n: int, real: gpd.GeoDataFrame, vocab: dict[str, Any], words: list[str] | None, hot: np.ndarray, offset: int
) -> gpd.GeoDataFrame:
    cols = _claims(rng, n, LINE_LAYER, vocab, words, offset)
    lo, hi = np.array(REGION[:2]), np.array(REGION[2:])
    vertices = rng.integers(2, 7, size=n)
    start = _positions(rng, n, hot)
    heading = rng.uniform(0, 2 * np.pi, size=n)
    parts, lengths = [], np.zeros(n)
    for i in range(n):
        k = vertices[i]
        turn = heading[i] + np.cumsum(rng.normal(0.0, 0.3, size=k - 1))
        step = rng.uniform(0.05, 0.3, size=k - 1)
        path = np.vstack([start[i], start[i] + np.cumsum(np.column_stack([np.cos(turn) * step, np.sin(turn) * step]), axis=0)])
        path = np.round(np.clip(path, lo, hi), 5)
        parts.append(path)
        d = np.diff(path, axis=0)
        lengths[i] = float(np.sum(np.hypot(d[:, 0] * 111.32 * np.cos(np.radians(path[:-1, 1])), d[:, 1] * 110.57)))
    names = _place_names(rng, 2 * n, offset)
    origin, dest = names[0::2], names[1::2]
    pids = [f"syn-place-{offset + i + 1}" for i in range(2 * n)]
    cols.update(
        place_ids=[json.dumps([a, b]) for a, b in zip(pids[0::2], pids[1::2], strict=True)],
        place_names=[f"{a} → {b}" for a, b in zip(origin, dest, strict=True)], loc_precision=["town"] * n,
        radius_km=[None] * n, acled_geo_precision=[1] * n,
        coord_source=[f"{a}, {b}: synthetic positions (benchmarks/distinct.py)" for a, b in zip(origin, dest, strict=True)],
        route=["inferred"] * n, direction=[DIRECTION_OF.get(t, "outbound") for t in cols["type"]], origin=origin, via=[""] * n,
        destination=dest, length_km=np.round(lengths, 1).tolist(), start_label=origin, end_label=[""] * n,
        crossing_stated=[False] * n, end_kind=["place"] * n, start_note=[""] * n,
        name=[f"{a.split(',')[0]}: {t.lower()} from {o} to {d}" for a, t, o, d in zip(cols["actors_label"], cols["type_label"], origin, dest, strict=True)],
    )  # fmt: skip
    cols["summary"] = cols["name"]
    geoms = shapely.linestrings(np.concatenate(parts), indices=np.repeat(np.arange(n), vertices)) if n else np.array([], dtype=object)
    return _frame(cols, geoms, real)


def distinct_layers(n_points: int, n_lines: int, seed: int = 0, *, base: list[Layer] | tuple[Layer, ...], quotes: bool = False) -> list[Layer]:
    """Return the real layers with ``n_points`` + ``n_lines`` generated distinct claims (see the module docstring).

    Parameters
    ----------
    n_points, n_lines
        Point claims (layer ``presence``) and movement lines (layer ``movements``).
    seed
        Seed of the random generator; the same seed gives the same layers.
    base
        The real layers: their order, style specs, columns and dtypes are kept; their rows only
        give the hot spots, the quote vocabulary and the values of unknown columns.
    quotes
        Give every claim a distinct :data:`QUOTE_CHARS`-character quote (case (b)); else the quote
        is empty (case (a)).

    Returns
    -------
    list[Layer]
        One layer per real layer; all but ``presence`` and ``movements`` are empty.
    """
    if n_points < 0 or n_lines < 0:
        raise ValueError(f"n_points and n_lines must be zero or more, got {n_points} and {n_lines}.")
    rng = np.random.default_rng(seed)
    vocab = vocabulary()
    words = quote_words(list(base)) if quotes else None
    hot = _hotspots(list(base))
    out = []
    for layer in base:
        real = layer.gdf
        if layer.name == POINT_LAYER:
            gdf = _points(rng, n_points, real, vocab, words, hot)
        elif layer.name == LINE_LAYER:
            gdf = _lines(rng, n_lines, real, vocab, words, hot, n_points)
        else:
            gdf = real.iloc[0:0].copy()
        out.append(Layer(gdf=gdf, style=layer.style))
    return out


def synthetic_places(layers: list[Layer]) -> list[Place]:
    """Return a gazetteer entry for every generated place the layers name (point places, then each line's two ends).

    Read from the layers themselves (so layers loaded from a cache get the same places): a
    point's place has its id, name, position, radius and kind; a line's ends are towns of
    :data:`LINE_PLACE_RADIUS_KM` at its first and last vertex, named as its ``origin`` and
    ``destination``.
    """
    places: list[Place] = []
    for layer in layers:
        gdf = layer.gdf
        if not len(gdf) or not str(gdf["id"].iloc[0]).startswith("syn-"):
            continue
        if layer.name == POINT_LAYER:
            for pid, name, lon, lat, radius, kind in zip(
                gdf["place_id"], gdf["place_name"], gdf["lon"], gdf["lat"], gdf["radius_km"], gdf["place_kind"], strict=True
            ):
                places.append(Place(str(pid), str(name), str(kind), float(lon), float(lat), float(radius), PLACE_SOURCE))
        elif layer.name == LINE_LAYER:
            coords = shapely.get_coordinates(gdf.geometry.array)
            parts = shapely.get_num_coordinates(gdf.geometry.array)
            last = np.cumsum(parts) - 1
            first = last - parts + 1
            for ids, origin, dest, a, b in zip(gdf["place_ids"], gdf["origin"], gdf["destination"], first, last, strict=True):
                start_id, end_id = json.loads(ids)
                for pid, name, (lon, lat) in ((start_id, origin, coords[a]), (end_id, dest, coords[b])):
                    places.append(Place(pid, str(name), "town", float(lon), float(lat), LINE_PLACE_RADIUS_KM, PLACE_SOURCE))
    return places


def with_places(ds: Dataset, layers: list[Layer]) -> Dataset:
    """Return ``ds`` with the layers' generated places (:func:`synthetic_places`) added to its gazetteer (``ds`` is unchanged)."""
    return dataclasses.replace(ds, gazetteer=Gazetteer([*ds.gazetteer, *synthetic_places(layers)]))
