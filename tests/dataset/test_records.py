"""Every curated record, checked on its own: places resolve, quotes are verbatim, dates are ordered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"


def _raw_claims() -> list[dict]:
    out = []
    for path in sorted((ROOT / "data" / "claims").glob("*.yaml")):
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["claims"])
    return out


def _raw_sources() -> dict[str, dict]:
    return {s["id"]: s for s in yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))["sources"]}


CLAIMS = _raw_claims()
SOURCES = _raw_sources()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("claim", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_each_quote_is_verbatim_in_its_source(claim: dict) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}")
    for ev in claim["evidence"]:
        text = (SEEDS / SOURCES[ev["source"]]["text"]).read_text(encoding="utf-8")
        lines = [_squash(line) for line in text.splitlines() if line.strip()]
        paragraph = lines[ev["locator"]["paragraph"] - 1]
        assert _squash(ev["quote"]) in paragraph


@pytest.mark.parametrize("claim", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_each_place_resolves(claim: dict, dataset) -> None:
    places = claim.get("places", {})
    names = [*places.get("at", []), *places.get("via", [])] + [places[k] for k in ("origin", "destination") if k in places]
    assert names or claim.get("unmapped"), "a claim needs places or a reason it has none"
    for name in names:
        assert dataset.gazetteer.lookup_place(name) is not None


@pytest.mark.parametrize("claim", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_each_date_is_ordered_and_honest(claim: dict) -> None:
    time = claim["time"]
    start, end = time.get("start"), time.get("end")
    if start and end:
        assert start <= end
    if time["precision"] == "day":
        assert start == end
    if time["precision"] == "unknown":
        assert not (start and end)
    if (start is None) != (end is None) and time["precision"] != "unknown":
        assert time.get("basis"), "an open bound must say why"
    assert time["as_written"].strip()


@pytest.mark.parametrize("claim", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_footnote_locators_name_cited_works(claim: dict) -> None:
    for ev in claim["evidence"]:
        fn = ev["locator"].get("footnote")
        if fn is None:
            continue
        cited = [s for s in SOURCES.values() for c in s.get("cited_in", []) if c["document"] == ev["source"] and fn in c.get("footnotes", [])]
        assert cited, f"footnote {fn} cites nothing in sources.yaml"


def test_every_euaa_footnote_is_a_source() -> None:
    cited = {fn for s in SOURCES.values() for c in s.get("cited_in", []) for fn in c.get("footnotes", [])}
    assert set(range(525, 537)) <= cited


@pytest.mark.parametrize("source", SOURCES.values(), ids=list(SOURCES))
def test_urls_are_http_and_only_where_seen(source: dict) -> None:
    url = source.get("url")
    if url:
        assert url.startswith(("https://", "http://"))
    # Research notes: only the INSS paper and the EUAA Security Situation page were seen at their own address.
    assert bool(url) == (source["id"] in {"inss-2025", "euaa-2024-security"})


def test_contested_claims_have_a_note_and_two_sources_of_evidence() -> None:
    contested = [c for c in CLAIMS if c["status"] == "contested"]
    assert contested
    for claim in contested:
        assert claim.get("note")


@pytest.mark.parametrize(
    "needle",
    [
        "Dozens of Iran-backed Popular Mobilization Forces (PMF) crossed into Syria",
        "gave up control of the strategic Qa'im border crossing",
        "declared the end of Iran's presence in Syria",
        "within ten days",
        "Mezzeh Villas East",
        "Hmeimim airbase and Damascus International Airport",
        "including in Al-Bukamal and Qusayr",
        "Since 2017, Israel has launched",
        "struck in the Homs desert",
        "SDF-held zones",
        "Syrian desert",
        "unrest in Sweida",
        "monthly salaries of $200",
        "spearhead on sensitive frontlines",
        "supply lines to Hezbollah in Lebanon",
    ],
)
def test_key_statements_are_covered(needle: str) -> None:
    assert any(needle in ev["quote"] for c in CLAIMS for ev in c["evidence"]), needle


def test_loaded_dataset_has_every_record(dataset) -> None:
    assert len(dataset.claims) == len(CLAIMS)
    assert set(dataset.sources) == set(SOURCES)
