"""Draft quality: run ``draft`` on both seed texts and compare the proposals with the curated claims.

For each document (EUAA ``euaa-2025``, Noon Post ``noonpost``) it reports

- **recall**: the share of curated (place, paragraph) pairs that a draft of that paragraph
  proposes with the right top candidate;
- **named recall**: the same, over the curated pairs whose paragraph writes the place (under
  any gazetteer spelling): what a drafter that reads names can reach;
- **precision**: the share of proposed (place, paragraph) pairs that a curated claim has;
- **date agreement**: for each curated quote that a draft's sentence contains, whether the
  draft's time span equals the curated one (start, end and precision), and whether the two
  spans at least overlap.

Usage (from the repository root)::

    .venv/bin/python benchmarks/draft_quality.py            # table
    .venv/bin/python benchmarks/draft_quality.py --json     # numbers for a script
    .venv/bin/python benchmarks/draft_quality.py --misses   # also list what was missed or wrong

The curated claims are the answers: nothing here is used to draft, only to score.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from dataset import Dataset, load_dataset  # noqa: E402
from dataset.load import DEFAULT_DATA_DIR, find_sources_dir  # noqa: E402
from dataset.model import Claim  # noqa: E402
from drafting.draft import Drafter, DraftOptions  # noqa: E402
from drafting.lexicon import load_lexicon  # noqa: E402
from geo.gazetteer import Gazetteer  # noqa: E402

DOCUMENTS = ("euaa-2025", "noonpost")
GOALS = {"recall": 0.90, "precision": 0.80}


@dataclass
class Score:
    """The scores of one document."""

    document: str
    curated_pairs: int = 0
    proposed_pairs: int = 0
    recalled: int = 0
    correct: int = 0
    dates_compared: int = 0
    dates_equal: int = 0
    dates_overlap: int = 0
    named_pairs: int = 0
    named_recalled: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    date_diffs: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of curated pairs proposed."""
        return self.recalled / self.curated_pairs if self.curated_pairs else 0.0

    @property
    def named_recall(self) -> float:
        """Share of the curated pairs whose paragraph names the place (any gazetteer spelling) that were proposed."""
        return self.named_recalled / self.named_pairs if self.named_pairs else 0.0

    @property
    def precision(self) -> float:
        """Share of proposed pairs that are curated."""
        return self.correct / self.proposed_pairs if self.proposed_pairs else 0.0

    @property
    def date_agreement(self) -> float:
        """Share of compared dates that are equal."""
        return self.dates_equal / self.dates_compared if self.dates_compared else 0.0


def _places(claim: Claim) -> list[str]:
    return [p for p in (*claim.at, claim.origin, *claim.via, claim.destination) if p]


def curated_pairs(ds: Dataset, document: str) -> set[tuple[str, int]]:
    """Return the (place id, paragraph) pairs the curated claims give for a document."""
    return {(place, ev.locator.paragraph) for c in ds.claims for ev in c.evidence if ev.source == document and ev.locator.paragraph for place in _places(c)}


def proposed_pairs(doc: dict[str, Any]) -> set[tuple[str, int]]:
    """Return the (top candidate, paragraph) pairs of a draft document."""
    out = set()
    for rec in doc["drafts"]:
        para = rec["claim"]["evidence"][0]["locator"]["paragraph"]
        for mention in rec["review"]["places"]:
            top = mention["candidates"][0]
            out.add((top.get("gazetteer_id") or mention.get("add_to_gazetteer", {}).get("id") or top["name"], para))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _span(time: dict[str, Any] | Any) -> tuple[dt.date | None, dt.date | None, str]:  # noqa: ANN401
    if isinstance(time, dict):
        start, end = time.get("start"), time.get("end")
        return (dt.date.fromisoformat(start) if start else None, dt.date.fromisoformat(end) if end else None, str(time["precision"]))
    return time.start, time.end, time.precision


def _overlap(a: tuple[dt.date | None, dt.date | None, str], b: tuple[dt.date | None, dt.date | None, str]) -> bool:
    if a[2] == "unknown" or b[2] == "unknown":
        return a[2] == b[2]
    lo = max(d for d in (a[0], b[0], dt.date.min) if d is not None)
    hi = min(d for d in (a[1], b[1], dt.date.max) if d is not None)
    return lo <= hi


def named_in_text(ds: Dataset, pairs: set[tuple[str, int]], text: str) -> set[tuple[str, int]]:
    """Return the pairs whose paragraph writes the place under one of its gazetteer spellings."""
    paras = [line for line in text.splitlines() if line.strip()]
    out = set()
    for place_id, para in pairs:
        place = ds.gazetteer.get(place_id)
        if place is None or not 0 < para <= len(paras):
            continue
        words = _squash(paras[para - 1]).casefold()
        names = [n.casefold() for n in Gazetteer.names_of(place) if len(n) > 2]  # noqa: PLR2004
        if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words) for name in names):
            out.add((place_id, para))
    return out


def score(ds: Dataset, document: str, doc: dict[str, Any], text: str = "") -> Score:
    """Score one draft document against the curated claims."""
    result = Score(document)
    truth = curated_pairs(ds, document)
    proposed = proposed_pairs(doc)
    named = named_in_text(ds, truth, text)
    result.named_pairs, result.named_recalled = len(named), len(named & proposed)
    result.curated_pairs, result.proposed_pairs = len(truth), len(proposed)
    result.recalled = len(truth & proposed)
    result.correct = len(proposed & truth)
    result.missed = sorted(f"{p} (paragraph {n})" for p, n in truth - proposed)
    result.wrong = sorted(f"{p} (paragraph {n})" for p, n in proposed - truth)
    for claim in ds.claims:
        for ev in claim.evidence:
            if ev.source != document:
                continue
            quote = _squash(ev.quote)
            match = next(
                (
                    r
                    for r in doc["drafts"]
                    if r["claim"]["evidence"][0]["locator"]["paragraph"] == ev.locator.paragraph and quote in _squash(r["claim"]["evidence"][0]["quote"])
                ),
                None,
            )
            if match is None:
                continue
            result.dates_compared += 1
            mine, theirs = _span(match["claim"]["time"]), _span(claim.time)
            if mine == theirs:
                result.dates_equal += 1
            else:
                result.date_diffs.append(f"{claim.id}: curated {theirs[0]}..{theirs[1]} ({theirs[2]}), drafted {mine[0]}..{mine[1]} ({mine[2]})")
            result.dates_overlap += _overlap(mine, theirs)
    return result


def run(data_dir: Path = DEFAULT_DATA_DIR, sources_dir: Path | None = None) -> list[Score]:
    """Draft both seed texts and score them."""
    seeds = find_sources_dir(sources_dir)
    if seeds is None:
        msg = "The seed texts (../shared/seeds) are not here; give --sources-dir."
        raise FileNotFoundError(msg)
    ds = load_dataset(data_dir, sources_dir=seeds)
    drafter = Drafter(ds, load_lexicon(data_dir / "cues.yaml"))
    scores = []
    for document in DOCUMENTS:
        src = ds.sources[document]
        path = seeds / src.text
        text = path.read_text(encoding="utf-8")
        doc = drafter.draft(text, DraftOptions(document, path))
        scores.append(score(ds, document, doc, text))
    return scores


def _total(scores: list[Score]) -> Score:
    total = Score("total")
    for s in scores:
        for key in (
            "curated_pairs",
            "proposed_pairs",
            "recalled",
            "correct",
            "dates_compared",
            "dates_equal",
            "dates_overlap",
            "named_pairs",
            "named_recalled",
        ):
            setattr(total, key, getattr(total, key) + getattr(s, key))
    return total


def main(argv: Sequence[str] | None = None) -> int:
    """Print the scores; exit 0 (the goals are reported, not enforced)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--sources-dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--misses", action="store_true", help="list missed and wrong pairs and date differences")
    args = parser.parse_args(argv)
    try:
        scores = run(args.data_dir, args.sources_dir)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    rows = [*scores, _total(scores)]
    if args.json:
        print(
            json.dumps(
                [asdict(s) | {"recall": s.recall, "named_recall": s.named_recall, "precision": s.precision, "date_agreement": s.date_agreement} for s in rows],
                indent=2,
            )
        )
        return 0
    print(f"{'document':<10} {'recall':>16} {'named recall':>16} {'precision':>16} {'dates equal':>14} {'dates overlap':>14}")
    for s in rows:
        print(
            f"{s.document:<10} {s.recall:6.1%} ({s.recalled:3}/{s.curated_pairs:3}) {s.named_recall:6.1%} ({s.named_recalled:3}/{s.named_pairs:3})"
            f" {s.precision:6.1%} ({s.correct:3}/{s.proposed_pairs:3})"
            f" {s.date_agreement:6.1%} ({s.dates_equal}/{s.dates_compared}) {s.dates_overlap / max(s.dates_compared, 1):6.1%}"
        )
    print(f"goals: recall >= {GOALS['recall']:.0%}, precision >= {GOALS['precision']:.0%}")
    if args.misses:
        for s in scores:
            print(f"\n{s.document}\n  missed: {s.missed}\n  wrong: {s.wrong}")
            for d in s.date_diffs:
                print(f"  date: {d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
