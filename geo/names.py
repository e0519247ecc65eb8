"""Normalise place names so that spelling variants meet (Al-Bukamal = Albu Kamal = البوكمال)."""

from __future__ import annotations

import re
import unicodedata

# Articles dropped when they stand as a separate word (Latin script) or as a prefix (Arabic).
_LATIN_ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "an", "az", "ash", "the"})
_ARABIC_ARTICLE = "ال"
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_'’‘`ʼʿʾ.,()]+")
# Arabic diacritics (harakat), tatweel and bidi marks carry no meaning for lookup.
_ARABIC_NOISE = re.compile("[\u064b-\u065f\u0670\u0640\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _folded(name: str) -> str:
    """Return ``name`` lower-case, without accents and Arabic noise.

    For ASCII that is ``name.lower()``: NFKD changes nothing, no character is a combining mark or
    Arabic noise, and casefold is lower (most names, and every generated one, are ASCII).
    """
    if name.isascii():
        return name.lower()
    return _ARABIC_NOISE.sub("", _strip_accents(name).casefold())


def name_tokens(name: str) -> list[str]:
    """Split a name into lower-case, accent-free tokens, dropping articles.

    Parameters
    ----------
    name
        A place name in any script.

    Returns
    -------
    list[str]
        Tokens; the article ("Al-", "El ", "the", Arabic "ال") is removed.
    """
    tokens = [t for t in _SEPARATORS.split(_folded(name)) if t]
    out: list[str] = []
    for token in tokens:
        if token in _LATIN_ARTICLES and len(tokens) > 1:
            continue
        has_article = token.startswith(_ARABIC_ARTICLE) and len(token) > len(_ARABIC_ARTICLE) + 1
        out.append(token[len(_ARABIC_ARTICLE) :] if has_article else token)
    return out


def normalize_name(name: str) -> str:
    """Return the lookup key of a place name.

    Case, accents, hyphens, apostrophes, spaces and the article are ignored, so
    ``"Al-Bukamal"``, ``"Albu Kamal"`` and ``"البوكمال"`` can share a key with
    their GeoNames alternate names.

    Parameters
    ----------
    name
        A place name in any script.

    Returns
    -------
    str
        The normalised key (may be empty for a name made only of punctuation).

    Examples
    --------
    >>> normalize_name("Deir Ez-Zor") == normalize_name("Deir Ezzor")
    True
    >>> normalize_name("Al-Qusayr") == normalize_name("Qusayr")
    True
    """
    return "".join(name_tokens(name))
