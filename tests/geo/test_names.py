"""geo.names: the ASCII shortcut of the name folding against its Unicode steps."""

from __future__ import annotations

import unicodedata

from geo import names
from geo.names import normalize_name


def _unicode_folded(name: str) -> str:
    # The Unicode steps written out: NFKD, combining marks dropped, casefold, Arabic noise dropped.
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return names._ARABIC_NOISE.sub("", text)


def test_ascii_names_fold_as_the_unicode_steps_do() -> None:
    """Every ASCII character, alone, in words and around articles, folds as NFKD + casefold + noise removal would."""
    chars = [chr(c) for c in range(128)]
    cases = [f"{pre}{ch}{post}" for ch in chars for pre, post in (("", ""), ("Al-", "x"), ("x ", " the"), ("AL", "AS"), ("an ", ""))]
    cases += ["".join(chars[i : i + 9]) for i in range(0, 128, 4)]
    cases += ["Al-Bukamal", "Albu Kamal", "AL", "al al", "The  Hague", "el-", "-ad-", "Tall Qarhamin 124", "syn-place-000124", "x'y (ash)", "", "  "]
    assert all(name.isascii() for name in cases)
    assert [names._folded(n) for n in cases] == [_unicode_folded(n) for n in cases]
    assert {normalize_name(n) for n in cases} >= {"", "bukamal", "hague", "albukamal"}  # articles dropped, empty keys among them


def test_non_ascii_names_still_take_the_unicode_steps() -> None:
    """Accents, the Arabic article and harakat are still removed (the shortcut is for ASCII only)."""
    assert normalize_name("Dayr az-Zawr") == normalize_name("Dayr Az Zawr")
    assert normalize_name("Ḥamāh") == "hamah"
    assert normalize_name("البُوكمال") == normalize_name("بوكمال")
    assert normalize_name("Straße") == "strasse"  # casefold, not lower
