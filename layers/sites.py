"""Sites layer: headquarters, airbases and crossings named by the claims, with their evidence."""

from __future__ import annotations

import json
from typing import Any

from shapely import Point

from dataset.model import Dataset
from layers._features import claim_properties, evidence_record
from layers._layer import Layer, to_gdf
from layers.style import StyleSpec

STYLE = StyleSpec(
    layer="sites",
    title="Sites (HQs, airbases, crossings)",
    group="Sites",
    geometry="point",
    marker="square",
    size_px=8,
    category_field="site_type",
    categories={
        "headquarters": ("Headquarters", "#009E73"),
        "air base": ("Air base / airport", "#332288"),
        "border crossing": ("Border crossing", "#882255"),
        "site": ("Other site", "#666666"),
    },
    label_field="place_name",
    description="Sites named in the sources; the popup lists every claim that mentions the site.",
)
EXTRA = ["place_id", "place_name", "site_type", "claim_ids", "lon", "lat", "verified"]


def build_sites_layer(ds: Dataset) -> Layer:
    """Return one point per site (kind ``site``) that any claim names."""
    by_site: dict[str, list[str]] = {}
    for claim in ds.claims:
        for pid in claim.place_ids():
            place = ds.gazetteer.get(pid)
            if place is not None and place.kind == "site":
                by_site.setdefault(pid, []).append(claim.id)
    claims = {c.id: c for c in ds.claims}
    rows: list[dict[str, Any]] = []
    for pid, claim_ids in by_site.items():
        place = ds.gazetteer.get(pid)
        assert place is not None  # noqa: S101 - keys come from the gazetteer
        first = claims[claim_ids[0]]
        row = claim_properties(ds, first, [place])
        evidence = [evidence_record(ds, ev) for cid in claim_ids for ev in claims[cid].evidence]
        row.update(
            id=pid,
            claim_id=claim_ids[0],
            name=place.name,
            summary="; ".join(claims[c].summary for c in claim_ids),
            place_id=pid,
            place_name=place.name,
            site_type=place.site_type or "site",
            claim_ids=json.dumps(claim_ids),
            lon=round(place.lon, 6),
            lat=round(place.lat, 6),
            verified=place.verified,
            evidence=json.dumps(evidence, ensure_ascii=False),
            n_evidence=len(evidence),
            quote=evidence[0]["quote"],
            citation=" | ".join(e["citation"] for e in evidence),
            status="contested" if any(claims[c].status == "contested" for c in claim_ids) else first.status,
            geometry=Point(place.lon, place.lat),
        )
        rows.append(row)
    return Layer(to_gdf(rows, EXTRA), STYLE)
