"""Corroboration counts the works behind EUAA's footnotes once each, computed here from the YAML alone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

from dataset.model import Dataset
from layers._layer import Layer

ROOT = Path(__file__).resolve().parents[2]


def _expected() -> dict[str, tuple[set[str], str]]:
    """Return {claim id: (independent work ids, status)} from data/ read with PyYAML, by the rule in data/README.md."""
    sources = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    behind: dict[tuple[str, int], set[str]] = {}
    for src in sources:
        for cit in src.get("cited_in") or []:
            for fn in cit.get("footnotes") or []:
                behind.setdefault((cit["document"], fn), set()).add(src["id"])
    out = {}
    for path in sorted((ROOT / "data" / "claims").glob("*.yaml")):
        for claim in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]:
            works: set[str] = set()
            for ev in claim["evidence"]:
                fn = (ev.get("locator") or {}).get("footnote")
                works |= behind.get((ev["source"], fn), {ev["source"]}) if fn is not None else {ev["source"]}
            out[claim["id"]] = (works, claim["status"])
    return out


def test_every_claim_feature_counts_its_independent_works(layers: list[Layer]) -> None:
    expected = _expected()
    seen = 0
    for layer in layers:
        if "corroboration" not in layer.gdf.columns:
            continue
        for _, row in layer.gdf.iterrows():
            claim = row.get("claim_id") or row["id"]
            if claim not in expected:
                continue  # a site lists several claims
            works, status = expected[claim]
            assert row["corroboration"] == len(works), claim
            assert len(json.loads(row["independent_works"])) == len(works)
            assert bool(row["corroborated"]) == (len(works) >= 2 and status != "contested")
            seen += 1
    assert seen >= 60


def test_a_work_behind_two_footnotes_counts_once(dataset: Dataset) -> None:
    """fn 525 and fn 530 both cite the same Carnegie article: a claim citing both has one source, not two."""
    from dataset.corroboration import independent_works  # noqa: PLC0415
    from dataset.model import Evidence, Locator  # noqa: PLC0415

    claim = dataset.claims[0]
    twice = claim.__class__(**{
        **claim.__dict__,
        "evidence": (Evidence("euaa-2025", Locator(3, 525), "x"), Evidence("euaa-2025", Locator(5, 530), "y"), Evidence("noonpost", Locator(2), "z")),
    })  # fmt: skip
    assert independent_works(dataset, twice) == ("carnegie-2024", "noonpost")


def test_csv_carries_the_count(built_dist: Path) -> None:
    expected = _expected()
    with (built_dist / "militia_map.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        if row["claim_id"] in expected:
            assert int(row["corroboration"]) == len(expected[row["claim_id"]][0])
