"""Corroboration: how many independent works stand behind a claim.

The rule, written once (data/README.md, "Corroboration", says the same in words):

- An evidence entry with a footnote counts the works ``sources.yaml`` says are cited at that
  footnote of that document (EUAA's footnotes 525–536 each cite other works), not the citing
  report itself: EUAA restating a work is that work's evidence, not a second source.
- An evidence entry without a footnote counts its document (the Noon Post article, or a
  report's own statement).
- Each work counts once per claim: the same work behind two footnotes, or a report quoted twice,
  is one source.
- A contested claim's evidence holds the disagreeing quotes too; its count is how many works
  were cited on the question, and it is never shown as corroborated (see :func:`corroborated`).
"""

from __future__ import annotations

from dataset.model import Claim, Dataset

MIN_CORROBORATED = 2


def independent_works(ds: Dataset, claim: Claim) -> tuple[str, ...]:
    """Return the ids of the distinct works behind ``claim``'s evidence, in the order first cited."""
    works: list[str] = []
    for ev in claim.evidence:
        cited = ds.cited_works(ev.source, ev.locator.footnote) if ev.locator.footnote is not None else []
        works.extend(src.id for src in cited) if cited else works.append(ev.source)
    return tuple(dict.fromkeys(works))


def corroborated(claim: Claim, n_works: int) -> bool:
    """Return whether a claim counts as corroborated: at least two independent works, and not contested."""
    return n_works >= MIN_CORROBORATED and claim.status != "contested"
