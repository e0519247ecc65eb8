"""The drawing rule for movement ends known only to a country: cross its border, never reach its centre.

A country is not a place. A movement to a country ends in an arrowhead a short way past the
border (through the crossing the source names, else where the route meets the border); one
from a country starts a short way inside it; one whose only points are countries is a short
border-crossing arrow; an air evacuation is a short arrow from the airbase toward the
destination. Every renderer draws the resulting line as it is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import shapely
from shapely import LineString
from shapely.geometry.base import BaseGeometry

from geo.basemap import outline_name
from geo.crossing import azimuth_deg, distance_m, first_change, nearest_on_border, point_at, toward
from geo.geodesy import LonLat, geodesic_route
from geo.place import TOWN_MAX_KM, Place
from layers.style import FOCUS_COUNTRY

PAST_BORDER_KM = 20.0  # how far past the border the arrowhead sits
LEAD_KM = 40.0  # length of a border-crossing arrow before the border
AIR_ARROW_KM = 70.0  # length of an air-evacuation arrow from the airbase
CLEARANCE_KM = 30.0  # no drawn vertex comes nearer a country's reference point than this
_MIN_LEG_KM = 5.0
_DECIMALS = 5  # computed points are rounded to about a metre, as every renderer writes them
_SAME_POINT_KM = 1.0

Outlines = dict[str, BaseGeometry]


@dataclass(frozen=True)
class Route:
    """A movement's drawn line and the labels its country-level ends carry (contract §1)."""

    line: LineString
    start_label: str
    end_label: str
    crossing_stated: bool
    end_kind: str
    start_note: str = ""


def _xy(place: Place) -> LonLat:
    return (place.lon, place.lat)


def _inside(area: BaseGeometry, point: LonLat) -> bool:
    return bool(shapely.contains_xy(area, point[0], point[1]))


def _adjacent(a: BaseGeometry, b: BaseGeometry) -> bool:
    return bool(a.buffer(0.02).intersects(b))


def _room_km(point: LonLat, ref: LonLat, wanted_km: float) -> float:
    """Return how far one may walk from ``point`` toward ``ref`` and stay clear of it."""
    return max(_MIN_LEG_KM, min(wanted_km, distance_m(point, ref) / 1000.0 - CLEARANCE_KM))


def _past(crossing: LonLat, country: Place) -> LonLat:
    """Return the arrowhead point a short way past ``crossing`` into ``country``."""
    return toward(crossing, _xy(country), _room_km(crossing, _xy(country), PAST_BORDER_KM) * 1000.0)


def _crossing_from(point: LonLat, here: BaseGeometry | None, there: Place, outlines: Outlines) -> LonLat:
    """Return where the geodesic from ``point`` toward ``there`` crosses into it (or leaves ``here``)."""
    area = outlines[_key(there)]
    if here is not None and not _adjacent(here, area):
        left = first_change(point, _xy(there), here, entering=False)
        if left is not None:
            return left
    found = first_change(point, _xy(there), area, entering=True)
    return found if found is not None else point


def _key(place: Place) -> str:
    """Return the key of a country place in the outlines (its Natural Earth name, found by ISO code)."""
    return outline_name(place.country, place.name)


def _country_of(point: LonLat, outlines: Outlines) -> BaseGeometry | None:
    return next((a for a in outlines.values() if _inside(a, point)), None)


def _leg_crossing(a: Place, b: Place, outlines: Outlines) -> LonLat:
    """Return the computed crossing of a country-to-country leg (no point named)."""
    area_a, area_b = outlines[_key(a)], outlines[_key(b)]
    if _adjacent(area_a, area_b):
        found = first_change(_xy(a), _xy(b), area_b, entering=True)
        if found is not None and area_a.boundary.distance(shapely.Point(found)) > 0.02:  # noqa: PLR2004
            found = nearest_on_border(found, area_a, area_b)
    elif _key(b) == FOCUS_COUNTRY:
        found = first_change(_xy(a), _xy(b), area_b, entering=True)
    else:
        found = first_change(_xy(a), _xy(b), area_a, entering=False)
    return found if found is not None else _xy(a)


def _countries_only(stops: list[Place], outlines: Outlines) -> list[LonLat]:
    crossings = [_leg_crossing(a, b, outlines) for a, b in itertools.pairwise(stops)]
    first, last = crossings[0], crossings[-1]
    start = toward(first, _xy(stops[0]), _room_km(first, _xy(stops[0]), LEAD_KM) * 1000.0)
    dest = stops[-1]
    if _adjacent(outlines[_key(stops[-2])], outlines[_key(dest)]) or _key(dest) == FOCUS_COUNTRY:
        end = _past(last, dest)
    else:
        end = point_at(last, azimuth_deg(last, _xy(dest)), PAST_BORDER_KM * 1000.0)
    return [start, *crossings, end]


def _rounded(points: list[LonLat], named: list[Place]) -> list[LonLat]:
    """Round the computed points (not the gazetteer's) so that every renderer writes the same coordinates."""
    keep = {(p.lon, p.lat) for p in named}
    return [p if p in keep else (round(p[0], _DECIMALS), round(p[1], _DECIMALS)) for p in points]


def _dedupe(points: list[LonLat]) -> list[LonLat]:
    out = [points[0]]
    for p in points[1:]:
        if distance_m(out[-1], p) / 1000.0 > _SAME_POINT_KM:
            out.append(p)
    return out


def _start(origin: Place, named: list[Place], outlines: Outlines) -> list[LonLat]:
    first = _xy(named[0])
    area = outlines[_key(origin)]
    if _is_crossing(named[0]):
        # A border-crossing arrow through the named crossing: it starts a short way back on the origin side.
        return [toward(first, _xy(origin), _room_km(first, _xy(origin), LEAD_KM) * 1000.0)]
    if _inside(area, first):
        return []
    crossing = first_change(first, _xy(origin), area, entering=True) or first
    return [_past(crossing, origin), crossing]


def _clear_tip(crossing: LonLat, azimuth: float, refs: list[LonLat]) -> LonLat:
    """Return the arrowhead a short way past ``crossing``, stepped back until clear of every reference point."""
    dist_km = PAST_BORDER_KM
    while True:
        tip = point_at(crossing, azimuth, dist_km * 1000.0)
        if dist_km <= _MIN_LEG_KM or all(distance_m(tip, r) / 1000.0 >= CLEARANCE_KM for r in refs):
            return tip
        dist_km -= 1.0


def _is_crossing(place: Place) -> bool:
    return place.site_type == "border crossing"


def _end(dest: Place, named: list[Place], outlines: Outlines) -> tuple[list[LonLat], str, str, bool]:
    last = named[-1]
    area = outlines[_key(dest)]
    if _inside(area, _xy(last)) and not _is_crossing(last):
        return [], "", "place", True
    if last.site_type == "air base":
        tip = toward(_xy(last), _xy(dest), AIR_ARROW_KM * 1000.0)
        return [tip], f"→ {dest.name} (by air)", "air", True
    if _is_crossing(last):
        crossing = _xy(last)
        return [_clear_tip(crossing, azimuth_deg(crossing, _xy(dest)), [_xy(dest)])], f"→ {dest.name}", "border", True
    here = _country_of(_xy(last), outlines)
    if here is not None and _adjacent(here, area):
        # The shortest way across the shared border, then on along the same bearing.
        crossing = nearest_on_border(_xy(last), here, area) or _crossing_from(_xy(last), here, dest, outlines)
        azimuth = azimuth_deg(_xy(last), crossing)
    else:
        crossing = _crossing_from(_xy(last), here, dest, outlines)
        azimuth = azimuth_deg(crossing, _xy(dest))
    return [crossing, _clear_tip(crossing, azimuth, [_xy(dest)])], f"→ {dest.name}", "border", False


def _on_ring(anchor: Place, other: LonLat) -> LonLat | None:
    """Return where the geodesic from ``other`` meets the ring of a region-precision ``anchor``."""
    if anchor.radius_km is None or anchor.radius_km <= TOWN_MAX_KM:
        return None
    gap_m = distance_m(other, _xy(anchor)) - anchor.radius_km * 1000.0
    return toward(other, _xy(anchor), gap_m) if gap_m > _MIN_LEG_KM * 1000.0 else None


def _to_ring(points: list[LonLat], stops: list[Place]) -> list[LonLat]:
    """End (or start) at the ring of an area, never at its anchor: the source gives no centre."""
    out = list(points)
    if stops[-1].kind != "country" and (ring := _on_ring(stops[-1], out[-2])) is not None:
        out[-1] = ring
    if stops[0].kind != "country" and (ring := _on_ring(stops[0], out[1])) is not None:
        out[0] = ring
    return out


REMOTE_START_NOTE = "route and crossing point not stated"


def _start_note(stops: list[Place], outlines: Outlines) -> str:
    """Return the note of a start in a country that does not border the next stop's country (Afghanistan → Syria).

    Its line is drawn where the straight way from that country enters the next one (from Iraq,
    for Afghanistan), a transit and a crossing the source did not state: the start says so.
    """
    origin, following = stops[0], stops[1] if len(stops) > 1 else None
    if origin.kind != "country" or _key(origin) == FOCUS_COUNTRY or following is None or following.kind != "country":
        return ""
    area, other = outlines.get(_key(origin)), outlines.get(_key(following))
    if area is None or other is None or _adjacent(area, other):
        return ""
    return REMOTE_START_NOTE


def movement_route(stops: list[Place], outlines: Outlines) -> Route:
    """Return the drawn line of a movement through ``stops`` (origin, via …, destination).

    Parameters
    ----------
    stops
        Gazetteer places in route order; any may be a country.
    outlines
        Natural Earth country polygons by name (``geo.basemap.country_outlines``).

    Returns
    -------
    Route
        The line (arrowhead at its last vertex) with its end labels and kinds.
    """
    origin, dest = stops[0], stops[-1]
    named = [p for p in stops if p.kind != "country"]
    start_label = origin.name if origin.kind == "country" else ""
    if not named:
        line = geodesic_route(_rounded(_dedupe(_countries_only(stops, outlines)), named))
        return Route(line, start_label, f"→ {dest.name}", False, "border", _start_note(stops, outlines))
    head = _start(origin, named, outlines) if origin.kind == "country" else []
    if dest.kind == "country":
        tail, end_label, end_kind, stated = _end(dest, named, outlines)
    else:
        tail, end_label, end_kind, stated = [], "", "place", True
    points = _dedupe([*head, *(_xy(p) for p in named), *tail])
    if len(points) < 2:  # noqa: PLR2004 - one named point and nothing to cross
        points = [points[0], points[0]]
    stated = stated and not (origin.kind == "country" and head and not _is_crossing(named[0]))
    points = _rounded(_to_ring(points, stops), named)
    return Route(geodesic_route(points), start_label, end_label, stated, end_kind, _start_note(stops, outlines))
