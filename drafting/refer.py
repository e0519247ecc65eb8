"""Carry a place into a sentence that points back to it ("there", "the area", "upon arrival", هناك).

A report names a place once and then refers back to it: "... to report to the operations
headquarters in Mezzeh Villas East the next morning." / "Upon arrival, he and about 20 officers
were told ...". When a sentence holds such a word (the cue lexicon's ``refer_back``) and names no
place of that kind before it, the place named last before the sentence (in an earlier sentence of
the same paragraph, else in the previous paragraph) is carried in, flagged for the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafting.lexicon import Lexicon
from drafting.places import Mention, PlaceFinder
from drafting.text import Sentence

# "there is / are / was / will be ...": existential, not a place.
_EXISTENTIAL_AFTER = re.compile(
    r"\s+(?:is|are|was|were|will|would|has|have|had|seems?|seemed|appears?|appeared|remains?|remained|exists?|existed|may|might|could|can|must|should)\b",
    re.IGNORECASE,
)
# "the area of ...", "the city of Homs": the name follows, nothing refers back.
_OF_AFTER = re.compile(r"\s+of\b", re.IGNORECASE)
# هناك opening a clause ("هناك تقارير", there are reports) or after كان ("كان هناك", there was) is existential.
_AR_EXISTENTIAL_BEFORE = re.compile(r"(?:^|[.،,:؛!؟]\s*|(?<![\u0600-\u06ff])و\s*|(?:كان|كانت|ليس|ليست|يكون|تكون|سيكون|ستكون)\s+)$")
# Kinds of place each key of ``refer_back`` may mean.
KINDS = {"town": frozenset({"town"}), "site": frozenset({"site"}), "country": frozenset({"country"})}


@dataclass(frozen=True)
class BackReference:
    """A word of a sentence that points back to a place named before."""

    cue: str
    start: int
    end: int
    kind: str


def back_references(sentence: str, lexicon: Lexicon) -> list[BackReference]:
    """Return the words of ``sentence`` that refer back to a place, in reading order."""
    found = []
    for kind, pattern in lexicon.refer_back.items():
        for m in pattern.finditer(sentence):
            cue = m.group(0)
            after, before = sentence[m.end() :], sentence[: m.start()]
            if cue.casefold() == "there" and _EXISTENTIAL_AFTER.match(after):
                continue
            if cue.isascii() and _OF_AFTER.match(after):
                continue
            if cue.endswith("هناك") and _AR_EXISTENTIAL_BEFORE.search(before + cue[: -len("هناك")]):
                continue
            found.append(BackReference(cue, m.start(), m.end(), kind))
    return sorted(found, key=lambda r: r.start)


def _fits(mention: Mention, kind: str) -> bool:
    return kind not in KINDS or mention.proposal.kind in KINDS[kind]


def carry_places(found: list[tuple[Sentence, list[Mention]]], plain: list[str], finder: PlaceFinder) -> list[tuple[Sentence, list[Mention]]]:
    """Add to each sentence that refers back the place it refers to, flagged "carried from paragraph N".

    Parameters
    ----------
    found
        Every sentence of the report (in order) with the place mentions found in it.
    plain
        The same sentences with footnote markers blanked (the text the mentions index).
    finder
        The place finder (for the role words before the reference).

    Returns
    -------
    list
        ``found`` with the carried mentions added, in reading order.
    """
    out: list[tuple[Sentence, list[Mention]]] = []
    by_paragraph: dict[int, list[Mention]] = {}
    for (sentence, named), text in zip(found, plain, strict=True):
        carried = _carried(sentence, named, text, by_paragraph, finder)
        mentions = sorted([*named, *carried], key=lambda m: m.start)
        by_paragraph.setdefault(sentence.paragraph, []).extend(m for m in mentions if m.start >= 0)
        out.append((sentence, mentions))
    return out


def _carried(sentence: Sentence, mentions: list[Mention], text: str, by_paragraph: dict[int, list[Mention]], finder: PlaceFinder) -> list[Mention]:
    """Return the place one sentence refers back to (at most one), as a flagged mention."""
    for ref in back_references(text, finder.lexicon):
        if any(m.start < ref.start and _fits(m, ref.kind) for m in mentions):
            continue  # the place it refers to is in the sentence
        same = [m for m in by_paragraph.get(sentence.paragraph, []) if _fits(m, ref.kind)]
        previous = [m for m in by_paragraph.get(sentence.paragraph - 1, []) if _fits(m, ref.kind)]
        if same:
            antecedent, where, paragraph = same[-1], f"an earlier sentence of paragraph {sentence.paragraph}", sentence.paragraph
        elif previous:
            antecedent, where, paragraph = previous[-1], f"paragraph {sentence.paragraph - 1}", sentence.paragraph - 1
        else:
            continue
        before = text[max((m.end for m in mentions if m.end <= ref.start), default=0) : ref.start]
        mention = Mention(
            f"{ref.cue} → {antecedent.text}", ref.start, ref.end, list(antecedent.candidates), finder.role_before(before), antecedent.precision, antecedent.cue
        )
        mention.carried_from = paragraph
        mention.notes.append(f"carried from {where}: {ref.cue!r} refers back to {antecedent.text}; check it")
        return [mention]
    return []
