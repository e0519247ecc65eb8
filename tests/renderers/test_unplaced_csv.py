"""claims_not_on_map.csv and the About panel list every claim the map leaves out (issue 12 §5)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[2] / "data"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _yaml_claims() -> list[dict]:
    return [c for p in sorted((DATA / "claims").glob("*.yaml")) for c in yaml.safe_load(p.read_text(encoding="utf-8"))["claims"]]


def test_every_claim_is_in_one_of_the_two_csvs(built_dist: Path) -> None:
    on_map = {r["claim_id"] for r in _rows(built_dist / "militia_map.csv")}
    left = _rows(built_dist / "claims_not_on_map.csv")
    left_ids = [r["claim_id"] for r in left]
    every = [c["id"] for c in _yaml_claims()]
    assert len(left_ids) == len(set(left_ids))
    assert set(left_ids).isdisjoint(on_map)
    assert set(left_ids) | on_map == set(every)
    # Every claim with no place in data/ is listed with the curator's reason and its quote.
    by_id = {r["claim_id"]: r for r in left}
    for claim in _yaml_claims():
        if "unmapped" in claim:
            row = by_id[claim["id"]]
            assert claim["unmapped"].strip() in row["why_not_on_map"]
            assert claim["evidence"][0]["quote"] in row["quote"]


def test_the_figures_exclusion_note_counts_the_listed_claims(built_dist: Path) -> None:
    listed = sum(1 for r in _rows(built_dist / "claims_not_on_map.csv") if r["why_not_on_map"].startswith("names no place"))
    svg = (built_dist / "snapshots" / "overview.svg").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", svg)
    found = re.search(r"(\d+) name no place \(listed with the reason in claims_not_on_map\.csv", re.sub(r"\s+", " ", text))
    assert found, "the overview's footer should point to claims_not_on_map.csv"
    assert int(found.group(1)) == listed
