"""Propose a sentence's actors, claim type and status from the vocabulary and the cue lexicon."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dataset.model import Actor
from drafting.lexicon import ARABIC_PREFIXES, Lexicon
from drafting.places import WORD
from geo.names import normalize_name

_MAX_WORDS = 6
# Claim types whose places are a route (origin, via, destination), as data/README.md says.
MOVEMENT_TYPES = frozenset({"reinforcement", "withdrawal", "evacuation", "supply-line"})


def actor_keys(actors: dict[str, Actor]) -> dict[str, str]:
    """Return ``{normalised name: actor id}`` for every id, label and alias of the vocabulary."""
    keys: dict[str, str] = {}
    for actor in actors.values():
        label = re.sub(r"\s*\([^)]*\)", "", actor.label)
        inside = re.findall(r"\(([^)]*)\)", actor.label)
        for name in (actor.id, actor.label, label, *inside, *actor.aliases):
            key = normalize_name(name)
            if len(key) >= 2 and not (name in inside and " " not in name and name.islower()):  # noqa: PLR2004
                keys.setdefault(key, actor.id)
    return keys


def find_actors(sentence: str, keys: dict[str, str]) -> list[tuple[str, str]]:
    """Return ``(actor id, name as written)`` for the actors a sentence names, in order, once each."""
    words = list(WORD.finditer(sentence))
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            text = sentence[words[i].start() : words[i + n - 1].end()]
            text = re.sub(r"[’']s$", "", text)
            variants = [text, text[1:]] if text[:1] in ARABIC_PREFIXES and not text.isascii() else [text]
            hit = next((keys[normalize_name(v)] for v in variants if normalize_name(v) in keys), None)
            if hit is not None:
                if hit not in [a for a, _ in found]:
                    found.append((hit, text))
                i += n
                break
        else:
            i += 1
    return found


@dataclass(frozen=True)
class Classification:
    """The proposed type and status of a sentence, with the cues that led to them."""

    type: str
    type_cues: tuple[tuple[str, str], ...]
    status: str
    hedges: tuple[str, ...]


def classify(sentence: str, lexicon: Lexicon, *, has_place: bool) -> Classification | None:
    """Propose a claim type and status; ``None`` when the sentence holds no cue and no place."""
    cues = lexicon.type_cues(sentence)
    hedges = tuple(lexicon.hedge_cues(sentence))
    if not cues and not has_place:
        return None
    kind = cues[0][0] if cues else "presence"
    return Classification(kind, tuple(cues), "claimed" if hedges else "reported", hedges)
