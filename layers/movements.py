"""Movements layer: withdrawal, reinforcement, evacuation and supply vectors, drawn geodesically."""

from __future__ import annotations

from typing import Any

from dataset.model import Dataset
from geo.basemap import country_outlines
from geo.geodesy import geodesic_length_m
from layers._features import claim_properties, place_list
from layers._layer import Layer, to_gdf
from layers._routes import movement_route
from layers.style import StyleSpec

STYLE = StyleSpec(
    layer="movements",
    title="Movements (withdrawal, reinforcement, evacuation, supply)",
    group="Movements",
    geometry="line",
    marker="",
    size_px=3,
    arrowheads=True,
    dash_field="route",
    dash_value="inferred",
    description=(
        "Geodesic lines from origin through the crossing or airbase used to the destination; dashed where the route is inferred. "
        "A country is not a place: a movement to a country ends a short way past its border (labelled \u2192 country), "
        "one whose crossing the source does not name is a short border-crossing arrow, an air evacuation a short arrow from the airbase. "
        "One from a country that does not border Syria (Afghanistan) is drawn where the straight way from it enters Syria, "
        "marked 'route and crossing point not stated'."
    ),
)
# Inbound movements end in Syria; everything else leaves it or passes through it.
DIRECTION = {"reinforcement": "inbound", "withdrawal": "outbound", "evacuation": "outbound", "supply-line": "supply"}
EXTRA = ["route", "direction", "origin", "via", "destination", "length_km", "start_label", "end_label", "crossing_stated", "end_kind", "start_note"]


def build_movements_layer(ds: Dataset) -> Layer:
    """Return one geodesic line per movement claim, origin → via → destination, country ends at the border."""
    rows: list[dict[str, Any]] = []
    outlines = country_outlines()
    for claim in ds.claims:
        if ds.types[claim.type].layer != "movements" or not claim.is_movement:
            continue
        stops = place_list(ds, claim.place_ids())
        drawn = movement_route(stops, outlines)
        line = drawn.line
        row = claim_properties(ds, claim, stops)
        row.update(
            id=claim.id,
            route=claim.route,
            direction=DIRECTION.get(claim.type, "outbound"),
            origin=stops[0].name,
            via=", ".join(p.name for p in stops[1:-1]),
            destination=stops[-1].name,
            length_km=round(geodesic_length_m(line) / 1000.0, 1),
            start_label=drawn.start_label,
            end_label=drawn.end_label,
            crossing_stated=drawn.crossing_stated,
            end_kind=drawn.end_kind,
            start_note=drawn.start_note,
            geometry=line,
        )
        rows.append(row)
    return Layer(to_gdf(rows, EXTRA), STYLE)
