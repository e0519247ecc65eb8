"""The draft-quality benchmark: its scoring on a hand-made case, and the real numbers on the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.draft_quality import proposed_pairs, run

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def test_proposed_pairs_take_the_top_candidate_or_the_new_entry() -> None:
    doc = {
        "drafts": [
            {"claim": {"evidence": [{"locator": {"paragraph": 4}}]}, "review": {"places": [
                {"mention": "Iraq", "candidates": [{"name": "Iraq", "gazetteer_id": "iraq"}, {"name": "Arāk"}]},
                {"mention": "Tadmur", "add_to_gazetteer": {"id": "tadmur"}, "candidates": [{"name": "Tadmur"}]},
            ]}},
            {"claim": {"evidence": [{"locator": {"paragraph": 5}}]}, "review": {"places": [
                {"mention": "Iraq", "candidates": [{"name": "Iraq", "gazetteer_id": "iraq"}]},
            ]}},
        ]
    }  # fmt: skip
    assert proposed_pairs(doc) == {("iraq", 4), ("tadmur", 4), ("iraq", 5)}


@pytest.mark.slow
def test_seed_scores_stay_at_their_measured_level() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")
    scores = {s.document: s for s in run(sources_dir=SEEDS)}
    total_pairs = sum(s.curated_pairs for s in scores.values())
    recalled = sum(s.recalled for s in scores.values())
    correct = sum(s.correct for s in scores.values())
    proposed = sum(s.proposed_pairs for s in scores.values())
    # The goals, met at this commit (benchmarks/draft_quality.py: 77/85 recalled, 77/90 right).
    assert correct / proposed >= 0.80
    assert recalled / total_pairs >= 0.90
    # the dates: at least the agreement measured with the context and next-day rules (21/69)
    assert sum(s.dates_equal for s in scores.values()) >= 21
