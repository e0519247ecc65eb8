"""Write ``claims_not_on_map.csv``: every claim that no layer draws or lists, with why, its quote and citation.

The exclusion note of every figure and of the About panel ("10 name no place …") points here:
a reader can see each claim left out, not only a count. Cells are formula-neutralised like
``militia_map.csv``'s (:func:`renderers.csv_export.spreadsheet_cell`).
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from dataset.lifespan import effective_span
from layers._features import evidence_record
from renderers.csv_export import csv_layers, spreadsheet_cell

if TYPE_CHECKING:
    from pathlib import Path

    from dataset.model import Claim, Dataset
    from layers import Layer

UNPLACED_NAME = "claims_not_on_map.csv"
UNPLACED_COLUMNS = ["claim_id", "why_not_on_map", "summary", "type", "actors", "status", "date_label", "span_label", "quote", "citation", "source_file"]


def why_not_on_map(claim: Claim) -> str:
    """Return why ``claim`` is on no layer: the place it lacks, in the curator's words where given."""
    if claim.unmapped:
        return f"names no place: {claim.unmapped}"
    if not claim.place_ids():
        return "names no place"
    return "of a kind the map does not draw (e.g. an assessment)"


def unplaced_rows(layers: list[Layer], ds: Dataset) -> list[dict[str, Any]]:
    """Return one row per claim that ``militia_map.csv`` has no row for, in data/ order."""
    on_map = {str(cid) for layer in csv_layers(layers) if len(layer.gdf) for cid in layer.gdf["claim_id"].unique().tolist()}
    rows = []
    for claim in ds.claims:
        if claim.id in on_map:
            continue
        evidence = [evidence_record(ds, ev) for ev in claim.evidence]
        rows.append(
            {
                "claim_id": claim.id, "why_not_on_map": why_not_on_map(claim), "summary": claim.summary, "type": ds.types[claim.type].label,
                "actors": "; ".join(ds.actors[a].label for a in claim.actors), "status": claim.status, "date_label": claim.time.label(),
                "span_label": effective_span(ds, claim).label(), "quote": " | ".join(e["quote"] for e in evidence),
                "citation": " | ".join(e["citation"] for e in evidence), "source_file": claim.file,
            }
        )  # fmt: skip
    return rows


def write_unplaced_csv(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write ``out_dir/claims_not_on_map.csv`` (UTF-8 with BOM, like militia_map.csv); return its path."""
    path = out_dir / UNPLACED_NAME
    with path.open("w", encoding="utf-8-sig", newline="") as sink:
        writer = csv.DictWriter(sink, fieldnames=UNPLACED_COLUMNS)
        writer.writeheader()
        for row in unplaced_rows(layers, ds):
            writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    return [path]
