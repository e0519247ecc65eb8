"""Feature properties shared by every layer: what, who, when, where, status and evidence."""

from __future__ import annotations

import json
from typing import Any

from dataset.corroboration import corroborated, independent_works
from dataset.lifespan import effective_span
from dataset.model import Claim, Dataset, Evidence
from geo.place import Place
from layers.style import actor_group

# Column order of every layer's attribute table (geometry comes last).
COMMON_COLUMNS = [
    "id", "claim_id", "name", "summary", "type", "type_label", "acled_event_type", "acled_sub_event_type",
    "actors", "actors_label", "actor_group",
    "date_start", "date_end", "date_precision", "date_as_written", "date_label", "date_basis", "acled_time_precision",
    "time_kind", "span_end", "end_basis", "last_reported", "span_label",
    "place_ids", "place_names", "loc_precision", "radius_km", "acled_geo_precision", "coord_source",
    "status", "note", "quote", "citation", "url", "evidence", "n_evidence", "corroboration", "independent_works", "corroborated", "source_file",
]  # fmt: skip


def evidence_record(ds: Dataset, ev: Evidence) -> dict[str, Any]:
    """Return one evidence entry with its full citation, ready for a popup or a table."""
    src = ds.sources.get(ev.source)
    cited = ds.cited_works(ev.source, ev.locator.footnote) if ev.locator.footnote is not None else []
    where = ev.locator.text()
    citation = f"{src.citation_text()}, {where}" if src else ev.source
    if cited:
        citation += " citing " + "; ".join(c.citation_text() for c in cited)
    return {
        "source_id": ev.source,
        "source_title": src.title if src else "",
        "publisher": src.publisher if src else "",
        "source_date": src.date if src else "",
        "locator": where,
        "quote": ev.quote,
        "url": src.url if src else "",
        "citation": citation,
        "cited_works": [
            {"title": c.title, "author": c.author, "publisher": c.publisher, "date": c.date, "url": c.url, "pages": c.pages, "footnote": ev.locator.footnote}
            for c in cited
        ],
    }


def claim_properties(ds: Dataset, claim: Claim, places: list[Place]) -> dict[str, Any]:
    """Return the common properties of a feature drawn for ``claim`` at ``places``.

    Parameters
    ----------
    ds
        The dataset (for sources, types and actors).
    claim
        The claim the feature shows.
    places
        The places of this feature (one point, or a route's stops in order).
    """
    ctype = ds.types[claim.type]
    evidence = [evidence_record(ds, ev) for ev in claim.evidence]
    works = independent_works(ds, claim)
    urls = [e["url"] for e in evidence if e["url"]] + [c["url"] for e in evidence for c in e["cited_works"] if c["url"]]
    coarsest = max(places, key=lambda p: (p.radius_km is None, p.radius_km or 0.0)) if places else None
    t = claim.time
    return {
        "claim_id": claim.id,
        "name": claim.summary,
        "summary": claim.summary,
        "type": claim.type,
        "type_label": ctype.label,
        "acled_event_type": ctype.acled_event_type,
        "acled_sub_event_type": ctype.acled_sub_event_type,
        "actors": json.dumps(list(claim.actors), ensure_ascii=False),
        "actors_label": ", ".join(ds.actors[a].label for a in claim.actors),
        "actor_group": actor_group(claim.actors),
        "date_start": t.start.isoformat() if t.start else None,
        "date_end": t.end.isoformat() if t.end else None,
        "date_precision": t.precision,
        "date_as_written": t.as_written,
        "date_label": t.label(),
        "date_basis": t.basis,
        "acled_time_precision": t.acled_time_precision,
        **lifespan_properties(ds, claim),
        "place_ids": json.dumps([p.id for p in places]),
        "place_names": " → ".join(p.name for p in places),
        "loc_precision": coarsest.precision if coarsest else "",
        "radius_km": coarsest.radius_km if coarsest else None,
        "acled_geo_precision": coarsest.acled_geo_precision if coarsest else None,
        "coord_source": "; ".join(f"{p.name}: {p.coord_source}" for p in places),
        "status": claim.status,
        "note": claim.note,
        "quote": evidence[0]["quote"] if evidence else "",
        "citation": " | ".join(e["citation"] for e in evidence),
        "url": urls[0] if urls else None,
        "evidence": json.dumps(evidence, ensure_ascii=False),
        "n_evidence": len(evidence),
        "corroboration": len(works),
        "independent_works": json.dumps([_work_label(ds, w) for w in works], ensure_ascii=False),
        "corroborated": corroborated(claim, len(works)),
        "source_file": claim.file,
    }


def lifespan_properties(ds: Dataset, claim: Claim) -> dict[str, Any]:
    """Return the effective-span properties of ``claim`` (:func:`dataset.lifespan.effective_span`).

    ``span_end`` is the end the map uses (ISO date, or ``None`` when open); ``date_start`` and
    ``date_end`` stay what the source says.
    """
    span = effective_span(ds, claim)
    return {
        "time_kind": span.time_kind,
        "span_end": span.end.isoformat() if span.end else None,
        "end_basis": span.end_basis,
        "last_reported": span.last_reported.isoformat() if span.last_reported else None,
        "span_label": span.label(),
    }


def _work_label(ds: Dataset, work_id: str) -> str:
    """Return a short name of a work: publisher (or author) and date."""
    src = ds.sources.get(work_id)
    if src is None:
        return work_id
    who = src.publisher or src.author or src.title
    return f"{who} ({src.date})" if src.date else who


def place_list(ds: Dataset, ids: tuple[str, ...] | list[str]) -> list[Place]:
    """Return the gazetteer places for ``ids`` (all validated to exist)."""
    return [p for pid in ids if (p := ds.gazetteer.get(pid)) is not None]
