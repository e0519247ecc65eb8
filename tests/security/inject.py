"""Write a copy of ``data/`` (and of the source texts) with hostile text in every text field.

Payloads are dealt round the fields in turn, shifted by ``shift``, so two builds with different
shifts put each payload into different kinds of field. Ids and the names claims use to find a
place are kept (a renamed place keeps its old name as an alias), so the copy still validates.
One quote gets a payload inside it, in the claim and in the copied source text alike.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.security.corpus import LONG

QUOTE_PAYLOAD = "{{ 7*191 }} <img src=x onerror=\"window.__pwned='quote'\"> ${a} ${b} </script>"
# Fields drawn on the snapshots in full (titles, footers, labels): no 100k-character text there.
SHORT_ONLY = {"dataset.title", "dataset.disclaimer", "dataset.licence", "dataset.version", "source.title", "source.author", "source.publisher",
              "place.name", "place.aliases", "actor.label", "type.label", "story.title", "stop.label", "claim.as_written"}  # fmt: skip


@dataclass
class Injected:
    """Where the hostile copy is and which payload went into which kind of field."""

    data_dir: Path
    sources_dir: Path
    placed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    quote: str = ""


class _Dealer:
    def __init__(self, payloads: list[str], shift: int, placed: dict[str, list[str]]) -> None:
        self.payloads, self.n, self.placed = payloads, shift, placed

    def __call__(self, kind: str) -> str:
        while True:
            text = self.payloads[self.n % len(self.payloads)]
            self.n += 1
            if not (kind in SHORT_ONLY and text == LONG):
                self.placed[kind].append(text)
                return text


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, doc: Any) -> None:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")


def _claims(data_dir: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted((data_dir / "claims").glob("*.yaml")):
        yield path, _load(path)


def _insert_quote(data: Path, seeds: Path, sources: list[dict[str, Any]], payload: str) -> str:
    """Put ``payload`` inside one quote that appears once in its source text and overlaps no other quote; return the new quote."""
    texts = {s["id"]: seeds / s["text"] for s in sources if s.get("text")}
    docs = list(_claims(data))
    quotes = [e["quote"] for _, doc in docs for c in doc["claims"] for e in c.get("evidence", [])]
    for path, doc in docs:
        for claim in doc["claims"]:
            for evidence in claim.get("evidence", []):
                quote, source = evidence["quote"], texts.get(evidence["source"])
                if source is None or " " not in quote[5:-5]:
                    continue
                text = source.read_text(encoding="utf-8")
                start = text.find(quote)
                if start < 0 or text.count(quote) != 1:
                    continue
                span = range(start, start + len(quote))
                others = [q for q in quotes if q != quote and (i := text.find(q)) >= 0 and (i in span or start in range(i, i + len(q)))]
                if others:
                    continue
                cut = quote.index(" ", len(quote) // 2)
                new = f"{quote[:cut]} {payload}{quote[cut:]}"
                source.write_text(text.replace(quote, new, 1), encoding="utf-8")
                evidence["quote"] = new
                _dump(path, doc)
                return new
    msg = "no quote found to carry a payload"
    raise AssertionError(msg)


def inject(data: Path, seeds: Path, dest: Path, payloads: list[str], *, shift: int = 0) -> Injected:
    """Copy ``data`` and ``seeds`` under ``dest`` with ``payloads`` in every text field; return what went where."""
    out = Injected(dest / "data", dest / "seeds")
    shutil.copytree(data, out.data_dir)
    shutil.copytree(seeds, out.sources_dir)
    deal = _Dealer(payloads, shift, out.placed)

    path = out.data_dir / "dataset.yaml"
    info = _load(path)
    for key in ("title", "abstract", "disclaimer", "method", "licence"):
        info[key] = deal(f"dataset.{key}")
    _dump(path, info)

    path = out.data_dir / "sources.yaml"
    sources = _load(path)
    for source in sources["sources"]:
        for key in ("title", "author", "publisher", "note", *(["acquired_basis"] if "acquired_basis" in source else [])):
            source[key] = deal(f"source.{key}")
    _dump(path, sources)

    path = out.data_dir / "gazetteer.yaml"
    gazetteer = _load(path)
    for place in gazetteer["places"]:
        if place.get("kind") != "town":
            old = [place["name"], *place.get("aliases", [])]
            place["name"] = deal("place.name")
            place["aliases"] = [*old, deal("place.aliases")]
        place["note"] = deal("place.note")
    _dump(path, gazetteer)

    path = out.data_dir / "vocabulary.yaml"
    vocabulary = _load(path)
    for actor in vocabulary["actors"]:
        actor["label"] = deal("actor.label")
    for kind in vocabulary["types"]:
        kind["label"] = deal("type.label")
    _dump(path, vocabulary)

    path = out.data_dir / "timeline.yaml"
    timeline = _load(path)
    for stop in timeline["stops"]:
        stop["label"] = deal("stop.label")
        stop["note"] = deal("stop.note")
    timeline["story"]["title"] = deal("story.title")
    _dump(path, timeline)

    for path, doc in _claims(out.data_dir):
        for claim in doc["claims"]:
            claim["summary"] = deal("claim.summary")
            claim["note"] = deal("claim.note")
            claim["time"]["as_written"] = deal("claim.as_written")
            if "basis" in claim["time"]:
                claim["time"]["basis"] = deal("claim.basis")
        _dump(path, doc)
    out.quote = _insert_quote(out.data_dir, out.sources_dir, sources["sources"], QUOTE_PAYLOAD)
    _rehash(out, sources)
    return out


def _rehash(out: Injected, sources: dict[str, Any]) -> None:
    """Record the changed texts' SHA-256, as an analyst does after re-verifying the quotes in a new copy."""
    for source in sources["sources"]:
        if source.get("text"):
            source["text_sha256"] = hashlib.sha256((out.sources_dir / source["text"]).read_bytes()).hexdigest()
    _dump(out.data_dir / "sources.yaml", sources)
