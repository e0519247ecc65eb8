"""ACLED events layer: outside events (an ACLED export) as their own overlay, never mixed with the claims.

Each event is a point with its symbol by ACLED event type; its ``geo_precision`` becomes a radius
(:data:`GEO_PRECISION_RADIUS_KM`) drawn as a ring by the same rule as the claims' places (a ring
for anything coarser than a site), and its ``time_precision`` a date range
(:func:`acled_date_range`) that the date control and the snapshots' date rule read.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from typing import Any

import geopandas as gpd
from shapely import Point

from geo.geodesy import uncertainty_buffer
from geo.place import SITE_MAX_KM, TOWN_MAX_KM
from layers._layer import Layer
from layers.style import StyleSpec
from overlays import AcledEvent, OverlaySet

# ACLED geo_precision -> how far the true place may lie from ACLED's point, in km:
# 1 "the named town or place": 5 km, the middle of our town class (over 2, up to 10 km);
# 2 "near the named place, part of a region": 30 km, the equal-area radius of an average Syrian
#   district (185,180 km2 / 65 districts = 2,850 km2, r = sqrt(A / pi) = 30 km);
# 3 "only the region (governorate) is known": 65 km, the same for an average Syrian governorate
#   (185,180 km2 / 14 = 13,230 km2, r = 65 km).
GEO_PRECISION_RADIUS_KM = {1: 5.0, 2: 30.0, 3: 65.0}
# ACLED time_precision -> the span the event may lie in: 1 the day; 2 the week, taken as the
# 7 days centred on ACLED's date; 3 the month, the whole calendar month of ACLED's date.
WEEK_HALF_DAYS = 3
TIME_PRECISION_LABELS = {1: "day", 2: "week", 3: "month"}
PROVENANCE = "ACLED event (overlay), not a curated claim"
GROUP = "ACLED events (overlay)"
# ACLED event type -> (legend label, colour, symbol). Shapes and colours apart from the claims'.
EVENT_TYPE_SYMBOLS = {
    "battles": ("Battles", "#762A83", "diamond"),
    "explosions-remote-violence": ("Explosions/Remote violence", "#B2182B", "cross"),
    "violence-against-civilians": ("Violence against civilians", "#1B7837", "triangle"),
    "protests": ("Protests", "#2166AC", "square"),
    "riots": ("Riots", "#8C510A", "square"),
    "strategic-developments": ("Strategic developments", "#4D4D4D", "circle"),
}
STYLE = StyleSpec(
    layer="acled",
    title="ACLED events",
    group=GROUP,
    geometry="point",
    marker="circle",
    size_px=6,
    category_field="event_type_key",
    categories={key: (label, colour) for key, (label, colour, _shape) in EVENT_TYPE_SYMBOLS.items()},
    category_markers={key: shape for key, (_label, _colour, shape) in EVENT_TYPE_SYMBOLS.items()},
    label_field="location",
    overlay=True,
    description=f"{PROVENANCE}: events from an ACLED export, symbol by ACLED event type; not counted as corroboration.",
)
UNCERTAINTY_STYLE = dataclasses.replace(
    STYLE,
    layer="acled_uncertainty",
    title="ACLED location uncertainty",
    geometry="polygon",
    marker="",
    size_px=1,
    fill_opacity=0.08,
    category_markers={},
    description="Ring of ACLED's geo precision (1: 5 km, 2: 30 km, 3: 65 km) around each ACLED event, buffered in metres.",
)
COLUMNS = [
    "id", "name", "event_id", "event_date", "date_start", "date_end", "date_label", "time_precision", "event_type", "event_type_key",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "actors_label",
    "country", "admin1", "admin2", "admin3", "location", "lon", "lat", "geo_precision", "loc_precision", "radius_km",
    "source", "source_scale", "notes", "fatalities", "acled_timestamp", "source_file", "source_row", "status", "provenance",
]  # fmt: skip


def event_type_key(event_type: str) -> str:
    """Return the category key of an ACLED event type (``Explosions/Remote violence`` -> ``explosions-remote-violence``)."""
    return re.sub(r"[^a-z]+", "-", event_type.lower()).strip("-")


def acled_date_range(day: dt.date, time_precision: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day an event of ACLED date ``day`` and ``time_precision`` may lie on."""
    if time_precision == 2:  # noqa: PLR2004 - ACLED's code for "the week"
        return day - dt.timedelta(days=WEEK_HALF_DAYS), day + dt.timedelta(days=WEEK_HALF_DAYS)
    if time_precision == 3:  # noqa: PLR2004 - ACLED's code for "the month"
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def _date_label(day: dt.date, precision: int, start: dt.date, end: dt.date) -> str:
    if precision == 1:
        return day.isoformat()
    return f"{start.isoformat()} to {end.isoformat()} (ACLED: known to the {TIME_PRECISION_LABELS[precision]}; coded {day.isoformat()})"


def _loc_precision(radius_km: float) -> str:
    return "site" if radius_km <= SITE_MAX_KM else "town" if radius_km <= TOWN_MAX_KM else "region"


def event_row(event: AcledEvent) -> dict[str, Any]:
    """Return the attribute row of one event (ACLED's own fields, untouched, plus its date range and radius)."""
    start, end = acled_date_range(event.event_date, event.time_precision)
    radius = GEO_PRECISION_RADIUS_KM[event.geo_precision]
    actors = [a for a in (event.actor1, event.assoc_actor_1, event.actor2, event.assoc_actor_2) if a]
    return {
        "id": event.event_id, "name": f"{event.event_type}: {event.location}", "event_id": event.event_id,
        "event_date": event.event_date.isoformat(), "date_start": start.isoformat(), "date_end": end.isoformat(),
        "date_label": _date_label(event.event_date, event.time_precision, start, end), "time_precision": event.time_precision,
        "event_type": event.event_type, "event_type_key": event_type_key(event.event_type), "sub_event_type": event.sub_event_type,
        "actor1": event.actor1, "assoc_actor_1": event.assoc_actor_1, "inter1": event.inter1,
        "actor2": event.actor2, "assoc_actor_2": event.assoc_actor_2, "inter2": event.inter2, "actors_label": "; ".join(actors),
        "country": event.country, "admin1": event.admin1, "admin2": event.admin2, "admin3": event.admin3, "location": event.location,
        "lon": round(event.lon, 6), "lat": round(event.lat, 6), "geo_precision": event.geo_precision,
        "loc_precision": _loc_precision(radius), "radius_km": radius, "source": event.source, "source_scale": event.source_scale,
        "notes": event.notes, "fatalities": event.fatalities, "acled_timestamp": event.timestamp, "source_file": event.file,
        "source_row": event.row, "status": "reported", "provenance": PROVENANCE,
    }  # fmt: skip


def _frame(rows: list[dict[str, Any]], geoms: list[Any]) -> gpd.GeoDataFrame:
    # Object columns keep None where ACLED has no value (pandas would turn [1, None] into floats);
    # the GeoPackage types them from renderers.qgis.gpkg.FIELD_TYPES.
    records = [{c: r[c] for c in COLUMNS} for r in rows]
    return gpd.GeoDataFrame(records, columns=COLUMNS, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), dtype=object)


def build_acled_layers(overlay: OverlaySet | None) -> list[Layer]:
    """Return the ACLED layers (location rings underneath, then the events), or none without overlay events.

    Both carry ``overlay``'s attribution line in their style spec, for every renderer to show.
    """
    if overlay is None or not overlay.events:
        return []
    rows = [event_row(e) for e in overlay.events]
    points = [Point(r["lon"], r["lat"]) for r in rows]
    ringed = [r for r in rows if r["radius_km"] > SITE_MAX_KM]  # the claims' rule: a ring for anything coarser than a site
    rings = [uncertainty_buffer(r["lon"], r["lat"], r["radius_km"]) for r in ringed]
    credit = overlay.attribution()
    return [
        Layer(_frame(ringed, rings), dataclasses.replace(UNCERTAINTY_STYLE, attribution=credit)),
        Layer(_frame(rows, points), dataclasses.replace(STYLE, attribution=credit)),
    ]
