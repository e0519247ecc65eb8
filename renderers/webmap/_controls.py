"""What the web map's controls need: places to search, filter choices, timeline, story, About text."""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from dataset._timeline import story_claims
from dataset.lifespan import DEFAULT_WINDOW_DAYS, METHOD_TIME
from dataset.model import Claim, Dataset
from geo.gazetteer import Gazetteer
from layers import STATUS_STYLES, Layer
from layers._features import evidence_record
from layers.credits import credits_and_exclusions
from renderers.csv_export import loads
from renderers.unplaced_csv import unplaced_rows
from renderers.webmap._escape import safe_url

# Layers a story step or a search result prefers to open, most specific first.
POPUP_PREFERENCE = ("sites", "movements", "strikes", "presence", "risks", "uncertainty")
# The windows (days) a mark counts as new in: started in (D - W, D].
WINDOWS_DAYS = (1, 7, 14, 30)


def _json_list(value: Any) -> list[str]:  # noqa: ANN401 - JSON text, a list, or nothing
    if isinstance(value, str) and value.startswith("["):
        return [v if type(v) is str else str(v) for v in loads(value)]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def feature_refs(
    layers: list[Layer], claims: set[str] | None = None, places: set[str] | None = None
) -> tuple[dict[str, list[list[str]]], dict[str, list[list[str]]]]:
    """Return ``(by claim id, by place id)``: the ``[layer, feature id]`` pairs that draw each.

    Pairs are ordered by ``POPUP_PREFERENCE`` so that the first is the one to open. ``claims`` and
    ``places``, when given, are the only ids wanted (the others are left out of the result).
    """
    by_claim: dict[str, list[list[str]]] = {}
    by_place: dict[str, list[list[str]]] = {}
    rank = {name: i for i, name in enumerate(POPUP_PREFERENCE)}
    parsed: dict[str, list[str]] = {}  # JSON text parsed once per distinct value, not per mark

    def parse(value: Any) -> list[str]:  # noqa: ANN401 - JSON text, a list, or nothing
        if not isinstance(value, str):
            return _json_list(value)
        found = parsed.get(value)
        if found is None:
            found = parsed[value] = _json_list(value)
        return found

    for layer in sorted(layers, key=lambda item: rank.get(item.name, len(rank))):
        gdf = layer.gdf
        claim_lists = gdf["claim_ids"] if "claim_ids" in gdf.columns else gdf["claim_id"]
        for fid, claim_value, place_value in zip(gdf["id"].tolist(), claim_lists.tolist(), gdf["place_ids"].tolist(), strict=True):
            cids = parse(claim_value) if claims is None else [c for c in parse(claim_value) if c in claims]
            pids = parse(place_value) if places is None else [p for p in parse(place_value) if p in places]
            if not cids and not pids:
                continue
            ref = [layer.name, str(fid)]
            for cid in cids:
                by_claim.setdefault(cid, []).append(ref)
            for pid in pids:
                by_place.setdefault(pid, []).append(ref)
    return by_claim, by_place


def places_payload(gazetteer: Gazetteer, by_place: dict[str, list[list[str]]]) -> list[dict[str, Any]]:
    """Return every gazetteer place with all its spellings and their lookup keys, for search."""
    out = []
    keys = gazetteer.keys_by_place()  # the keys the gazetteer itself looks names up by
    for place in gazetteer:
        names = Gazetteer.names_of(place)
        out.append(
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "lat": place.lat,
                "lon": place.lon,
                "radius_km": place.radius_km,
                "coord_source": place.coord_source,
                "names": names,
                "keys": sorted(keys[place.id]),
                "arabic": list(place.arabic_names),
                "features": by_place.get(place.id, []),
            }
        )
    return out


def _choices(layers: list[Layer], column: str) -> Counter[str]:
    """Return how many features have each value of ``column`` (each actor of ``actors``), counting each distinct value once then weighting it."""
    counts: Counter[str] = Counter()
    for layer in layers:
        if column in layer.gdf.columns:
            values = layer.gdf[column].tolist()
            # Keyed by type and value, so 1, 1.0 and True (equal in Python) keep their own text.
            for (_, value), n in Counter(zip(map(type, values), values, strict=True)).items():
                for item in _json_list(value) if column == "actors" else [str(value)]:
                    counts[item] += n
    return counts


def filters_payload(ds: Dataset, layers: list[Layer]) -> dict[str, Any]:
    """Return the filter choices present in the layers: actors (with parents), types, statuses, with counts."""
    drawn = [layer for layer in layers if layer.name != "uncertainty"]  # circles repeat their points
    actors, types, statuses = _choices(drawn, "actors"), _choices(drawn, "type"), _choices(drawn, "status")
    return {
        "actors": [{"id": a.id, "label": a.label, "parent": a.parent, "kind": a.kind, "count": actors[a.id]} for a in ds.actors.values() if actors[a.id]],
        "types": [{"id": t.id, "label": t.label, "count": types[t.id]} for t in ds.types.values() if types[t.id]],
        "statuses": [{"id": key, "label": style.label, "count": statuses[key]} for key, style in STATUS_STYLES.items()],
        "corroborated": _choices(drawn, "corroborated")["True"],
    }


def _step(ds: Dataset, claim: Claim, refs: list[list[str]]) -> dict[str, Any]:
    # A drawn step shows its mark's card (evidence from the page's table); only the others carry their quotes.
    evidence = [] if refs else [evidence_record(ds, ev) for ev in claim.evidence]
    return {
        "claim_id": claim.id,
        "summary": claim.summary,
        "type_label": ds.types[claim.type].label,
        "status": claim.status,
        "start": claim.time.start.isoformat() if claim.time.start else None,
        "end": claim.time.end.isoformat() if claim.time.end else None,
        "date_label": claim.time.label(),
        "features": refs,
        "unmapped": claim.unmapped,
        "evidence": [{"quote": e["quote"], "citation": e["citation"], "url": safe_url(e["url"])} for e in evidence],
    }


def timeline_payload(ds: Dataset, layers: list[Layer], by_claim: dict[str, list[list[str]]]) -> dict[str, Any]:
    """Return the date range, the quick stops (each with its claim's features) and the story's steps."""
    days = [d for c in ds.claims for d in (c.time.start, c.time.end) if d is not None]
    drawn = {str(v) for layer in layers for v in layer.gdf["claim_id"].unique().tolist()}
    stops = [
        {"id": s.id, "label": s.label, "date": s.date.isoformat(), "claim": s.claim, "note": s.note, "features": by_claim.get(s.claim, [])}
        for s in ds.timeline.stops
    ]
    story = ds.timeline.story
    steps = [_step(ds, c, by_claim.get(c.id, [])) for c in story_claims(ds.claims, story) if c.id in drawn or c.unmapped] if story else []
    return {
        "min": min(days).isoformat() if days else ds.info.as_of.isoformat(),
        "max": max([*days, ds.info.as_of]).isoformat(),
        "stops": stops,
        "windows": list(WINDOWS_DAYS),
        "window": DEFAULT_WINDOW_DAYS,
        "story": {"title": story.title, "start": story.start.isoformat(), "end": story.end.isoformat(), "steps": steps} if story else None,
    }


def about_payload(ds: Dataset, layers: list[Layer] | None = None) -> dict[str, Any]:
    """Return the About panel: abstract, method, every source with what cites it, credits and what is left out.

    ``layers`` (all of them, overlays included) give the dated credit per layer, the exclusion
    note of the whole map (:func:`layers.credits.credits_and_exclusions`) and the claims that no
    layer draws or lists (the rows of ``claims_not_on_map.csv``).
    """
    sources = []
    for src in ds.sources.values():
        cited = [f"{c.document}, fn {', '.join(str(n) for n in c.footnotes)}" for c in src.cited_in if c.footnotes]
        sources.append(
            {
                "id": src.id,
                "citation": src.citation_text(),
                "kind": src.kind,
                "url": safe_url(src.url),
                "note": src.note,
                "cited_in": cited,
                "has_text": bool(src.text),
            }
        )
    return {
        "abstract": ds.info.abstract,
        "method": [p.strip() for p in ds.info.method.split("\n\n") if p.strip()],
        "method_time": METHOD_TIME,
        "sources": sources,
        **(_left_out_payload(ds, layers) if layers is not None else {}),
    }


def _left_out_payload(ds: Dataset, layers: list[Layer]) -> dict[str, Any]:
    """Return the About panel's credits, exclusion note and list of claims not on the map."""
    keep = ("claim_id", "why_not_on_map", "summary", "quote", "citation")
    try:  # layers the CSV cannot be written from (see _export.export_payload): no list, the CSV writer fails the build
        notes = credits_and_exclusions(ds, layers)
        rows = unplaced_rows(layers, ds)
    except (ValueError, KeyError, TypeError):
        return {}
    return {"credits": list(notes.credits), "exclusion": notes.exclusion, "not_on_map": [{k: row[k] for k in keep} for row in rows]}


# Planes 4 to 13 hold no assigned character, 15 and 16 only private-use ones (no combining
# class, no case): none can be combining or fold differently, so name_rules skips them.
_SKIPPED_PLANES = (range(0x40000, 0xE0000), range(0xF0000, 0x110000))


def _scanned_code_points(*, every: bool = False) -> Iterator[int]:
    """Yield the code points :func:`name_rules` looks at: all but surrogates (``every``), or those outside the skipped planes."""
    yield from range(0xD800)
    if every:
        yield from range(0xE000, sys.maxunicode + 1)
        return
    yield from range(0xE000, _SKIPPED_PLANES[0].start)
    yield from range(_SKIPPED_PLANES[0].stop, _SKIPPED_PLANES[1].start)


@functools.cache
def name_rules() -> dict[str, Any]:
    """Return what the page needs to key a typed name exactly as ``geo.names.normalize_name`` does.

    JavaScript has no canonical combining class and its ``toLowerCase`` is not Python's
    ``casefold``; so the page gets, from Python's own ``unicodedata``, the ranges of combining
    characters (as a regular-expression class) and the characters whose case folding differs.
    """
    ranges: list[list[int]] = []
    folds: dict[str, str] = {}
    for code in _scanned_code_points():
        ch = chr(code)
        if unicodedata.combining(ch):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
        if ch.casefold() != ch.lower():
            folds[ch.lower()] = ch.casefold()
    combining = "".join(f"\\u{{{a:x}}}" + (f"-\\u{{{b:x}}}" if b > a else "") for a, b in ranges)
    return {"combining": f"[{combining}]", "casefold": folds}


def controls_payload(ds: Dataset, layers: list[Layer]) -> dict[str, Any]:
    """Return everything the controls read: places, filters, timeline, story and About.

    Overlay layers (ACLED events) are left out: they are no claims to search, filter or tell.
    """
    overlays = [layer for layer in layers if layer.style.overlay]
    layers = [layer for layer in layers if not layer.style.overlay]
    # Only the dataset's claims (timeline stops and story steps) and the gazetteer's places (search) are looked up.
    by_claim, by_place = feature_refs(layers, {c.id for c in ds.claims}, {place.id for place in ds.gazetteer})
    return {
        "overlays": [  # one About section per overlay: its events layer (its rings share the credit)
            {"id": layer.name, "title": layer.style.title, "attribution": layer.style.attribution, "count": len(layer.gdf)}
            for layer in overlays
            if layer.style.geometry != "polygon"
        ],
        "places": places_payload(ds.gazetteer, by_place),
        "filters": filters_payload(ds, layers),
        "timeline": timeline_payload(ds, layers, by_claim),
        "about": about_payload(ds, [*layers, *overlays]),
        "name_rules": name_rules(),
    }
