"""Load the cue lexicon (``data/cues.yaml``) and find its words in a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from drafting.errors import DraftError

# One-letter Arabic prefixes glued to a word: and, so, in/by, for, like.
ARABIC_PREFIXES = "وفبلك"


def _pattern(words: list[str]) -> re.Pattern[str]:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        stem = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
        tail = r"\w*" if word.endswith("*") else ""
        if word.isascii():
            parts.append(rf"\b{stem}{tail}\b")
        else:  # Arabic: allow one glued prefix and the article
            parts.append(
                rf"(?<![\w\u0600-\u06ff])[{ARABIC_PREFIXES}]?(?:ال)?{stem}{tail}(?![\u0600-\u06ff])"
                if not tail
                else rf"(?<![\w\u0600-\u06ff])[{ARABIC_PREFIXES}]?(?:ال)?{stem}{tail}"
            )
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    """The cue lexicon: type cues, hedges, precision and role words, demonyms, country and governorate names."""

    types: dict[str, re.Pattern[str]]
    type_order: tuple[str, ...]
    topic_types: frozenset[str]
    hedges: re.Pattern[str]
    precision: dict[str, re.Pattern[str]]
    roles: dict[str, tuple[str, ...]]
    demonyms: frozenset[str]
    countries: dict[str, tuple[str, ...]]
    governorates: tuple[dict[str, Any], ...]
    stopwords: frozenset[str]
    refer_back: dict[str, re.Pattern[str]] = field(default_factory=dict)
    refer_back_events: re.Pattern[str] | None = None

    def type_cues(self, sentence: str) -> list[tuple[str, str]]:
        """Return ``(type id, cue as written)`` for every type cue in the sentence, in reading order.

        The first cue of a sentence is usually its main verb ("Entire units retreated toward Iraq,
        while ... killed in precision strikes"); at one position the type listed first wins. Cues
        of topic types ("headquarters", "presence") come after every event cue.
        """
        found = []
        for rank, tid in enumerate(self.type_order):
            found += [(tid in self.topic_types, m.start(), rank, tid, m.group(0)) for m in self.types[tid].finditer(sentence)]
        return [(tid, cue) for _, _, _, tid, cue in sorted(found)]

    def hedge_cues(self, sentence: str) -> list[str]:
        """Return the hedges in the sentence, as written."""
        return [m.group(0) for m in self.hedges.finditer(sentence)]


def load_lexicon(path: Path) -> Lexicon:
    """Read the cue lexicon.

    Raises
    ------
    DraftError
        When the file is missing or not the expected shape.
    """
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        msg = f"{path}: cannot read the cue lexicon ({exc}). Restore data/cues.yaml from git."
        raise DraftError(msg) from None
    needed = ("types", "hedges", "precision", "roles", "demonyms", "countries", "governorates", "stopwords")
    if not isinstance(doc, dict) or any(k not in doc for k in needed):
        msg = f"{path}: the cue lexicon needs the keys {', '.join(needed)}. See data/README.md."
        raise DraftError(msg)
    return Lexicon(
        types={tid: _pattern([str(w) for w in words]) for tid, words in doc["types"].items()},
        type_order=tuple(doc["types"]),
        topic_types=frozenset(str(t) for t in doc.get("topic_types") or []),
        hedges=_pattern([str(w) for w in doc["hedges"]]),
        precision={k: _pattern([str(w) for w in v]) for k, v in doc["precision"].items()},
        roles={k: tuple(str(w).casefold() for w in v) for k, v in doc["roles"].items()},
        demonyms=frozenset(str(w).casefold() for w in doc["demonyms"]),
        countries={str(k): tuple(str(n) for n in v) for k, v in doc["countries"].items()},
        governorates=tuple(doc["governorates"]),
        stopwords=frozenset(str(w).casefold() for w in doc["stopwords"]),
        refer_back={str(k): _pattern([str(w) for w in v]) for k, v in (doc.get("refer_back") or {}).items()},
        refer_back_events=_demonstrative_pattern([str(w) for w in doc.get("refer_back_nouns") or []]),
    )


def _demonstrative_pattern(nouns: list[str]) -> re.Pattern[str] | None:
    """Return the pattern of "these/this (adjective) <noun>" and "هذه/هذا <noun>" for the nouns given."""
    english = "|".join(re.escape(n) for n in sorted((n for n in nouns if n.isascii()), key=len, reverse=True))
    arabic = "|".join(re.escape(n) for n in sorted((n for n in nouns if not n.isascii()), key=len, reverse=True))
    parts = [rf"\b(?:these|those|this)\s+(?:[a-z]+\s+)?(?:{english})\b"] if english else []
    parts += [rf"(?<![\w\u0600-\u06ff])(?:هذه|هذا|تلك|ذلك)\s+(?:{arabic})(?![\u0600-\u06ff])"] if arabic else []
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None
