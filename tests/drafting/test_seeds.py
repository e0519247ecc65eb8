"""Drafting the two seed texts: every drafted quote passes the project's own verbatim check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dataset import Dataset
from dataset.model import Claim, Evidence, Locator, TimeSpan
from dataset.problems import ProblemLog
from dataset.quotes import check_quotes
from drafting.draft import Drafter, DraftOptions

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
DOCUMENTS = {"euaa-2025": "000_931ee20c5fcb0f4a.txt", "noonpost": "001_e170858b837fee6e.txt"}


@pytest.fixture(scope="module", params=sorted(DOCUMENTS))
def seed_draft(request: pytest.FixtureRequest, drafter: Drafter) -> tuple[str, str, dict[str, Any]]:
    path = SEEDS / DOCUMENTS[request.param]
    if not path.is_file():
        pytest.skip(f"seed text not found at {path} (../shared/seeds is absent)")
    text = path.read_text(encoding="utf-8")
    return request.param, text, drafter.draft(text, DraftOptions(request.param, path))


def _as_claim(rec: dict[str, Any]) -> Claim:
    ev = rec["claim"]["evidence"][0]
    loc = ev["locator"]
    return Claim(
        id=rec["claim"]["id"], summary="", type="presence", actors=(), time=TimeSpan(None, None, "unknown", ""), status="reported",
        evidence=(Evidence(ev["source"], Locator(loc["paragraph"], loc.get("footnote")), ev["quote"]),), file="drafts/test.yaml",
    )  # fmt: skip


def test_every_drafted_quote_passes_the_verbatim_check(seed_draft: tuple[str, str, dict[str, Any]], data_ds: Dataset) -> None:
    document, text, doc = seed_draft
    claims = [_as_claim(r) for r in doc["drafts"]]
    log = ProblemLog()
    checked = check_quotes(claims, data_ds.sources, {document: text}, log)
    assert checked == len(claims) >= 8
    assert log.problems == []


def test_quotes_are_exact_slices(seed_draft: tuple[str, str, dict[str, Any]]) -> None:
    _, text, doc = seed_draft
    lines = [line for line in text.splitlines() if line.strip()]
    for rec in doc["drafts"]:
        ev = rec["claim"]["evidence"][0]
        assert ev["quote"] in lines[ev["locator"]["paragraph"] - 1]


def test_euaa_footnotes_become_the_cited_works(seed_draft: tuple[str, str, dict[str, Any]], data_ds: Dataset) -> None:
    document, _, doc = seed_draft
    if document != "euaa-2025":
        assert doc["cited_works"] == []
        return
    drafted = {fn for w in doc["cited_works"] for c in w["cited_in"] for fn in c["footnotes"]}
    curated = {fn for s in data_ds.sources.values() for c in s.cited_in if c.document == document for fn in c.footnotes}
    assert drafted == curated == set(range(525, 537))
    dates = {w["title"]: w.get("date") for w in doc["cited_works"]}
    for src in data_ds.sources.values():
        if any(c.document == document and c.footnotes for c in src.cited_in) and src.title in dates:
            assert dates[src.title] == src.date, src.id
    assert not any("url" in w for w in doc["cited_works"])  # the text gives no address


def test_no_footnote_line_is_drafted(seed_draft: tuple[str, str, dict[str, Any]]) -> None:
    _, _, doc = seed_draft
    assert not any(rec["claim"]["evidence"][0]["quote"].startswith("- [") for rec in doc["drafts"])


def test_drafted_times_are_well_formed(seed_draft: tuple[str, str, dict[str, Any]]) -> None:
    _, _, doc = seed_draft
    for rec in doc["drafts"]:
        time = rec["claim"]["time"]
        start = dt.date.fromisoformat(time["start"]) if "start" in time else None
        end = dt.date.fromisoformat(time["end"]) if "end" in time else None
        if start and end:
            assert start <= end
        if time["precision"] == "day":
            assert start == end
        if (start is None) != (end is None):
            assert time.get("basis")
