"""Country-wide layer: claims whose only place is a country, listed with their quotes, never pinned.

The geometry is the country's Natural Earth outline, so QGIS and GeoPackage users see the
claims too; the web map lists them in a panel and snapshots in a boxed list (``panel=True``).
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely import MultiPolygon
from shapely.geometry.base import BaseGeometry

from dataset.model import Claim, Dataset
from geo.basemap import country_outlines, outline_name
from layers._features import claim_properties, place_list
from layers._layer import Layer, to_gdf
from layers.style import StyleSpec

STYLE = StyleSpec(
    layer="countrywide",
    title="Country-wide claims",
    group="Country-wide claims",
    geometry="polygon",
    marker="",
    size_px=1.5,
    fill_opacity=0.0,
    panel=True,
    label_field="country",
    description="Claims the sources place only in a whole country: listed with their quotes; the outline is the country's border, not a place.",
)
EXTRA = ["country", "countries", "parent_layer"]


def countrywide_claims(ds: Dataset) -> list[Claim]:
    """Return the mapped point-layer claims whose every place is a country."""
    out = []
    for claim in ds.claims:
        if claim.unmapped or claim.is_movement or ds.types[claim.type].layer in {"movements", "context"}:
            continue
        places = place_list(ds, claim.at)
        if places and all(p.kind == "country" for p in places):
            out.append(claim)
    return out


def _multipolygon(geom: BaseGeometry) -> MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return MultiPolygon(parts)


def build_countrywide_layer(ds: Dataset) -> Layer:
    """Return one feature per country-wide claim, its geometry the union of its countries' outlines."""
    by_name = country_outlines()
    rows: list[dict[str, Any]] = []
    for claim in countrywide_claims(ds):
        places = place_list(ds, claim.at)
        shapes = [by_name[key] for key in (outline_name(p.country, p.name) for p in places) if key in by_name]
        if not shapes:
            continue
        row = claim_properties(ds, claim, places)
        row.update(
            id=claim.id,
            country=", ".join(p.name for p in places),
            countries=", ".join(p.id for p in places),
            parent_layer=ds.types[claim.type].layer,
            geometry=_multipolygon(shapely.union_all(shapes)),
        )
        rows.append(row)
    return Layer(to_gdf(rows, EXTRA), STYLE)
