"""Split a report into paragraphs and sentences, keeping every slice exactly as written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drafting.errors import DraftError

# Footnote markers: superscript digits (EUAA), "[n]" (not a Markdown link "[n](#)"), "^n".
_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_DIGIT = str.maketrans(_SUPER, "0123456789")
MARKER = re.compile(rf"[{_SUPER}]+|\[(\d{{1,4}})\](?!\()|\^(\d{{1,4}})")
# A sentence ends at . ! ? ؟ (then closing quotes or brackets and any markers) before a space.
_END = re.compile(rf"[.!?؟…](?:[”\"’)\]]*)(?:[{_SUPER}]+|\[\d{{1,4}}\](?!\()|\^\d{{1,4}})*(?=\s)")
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "gen", "col", "lt", "maj", "capt", "u.s", "e.g", "i.e", "etc", "vs", "no", "p", "pp"})


@dataclass(frozen=True)
class Sentence:
    """One sentence of a report.

    Parameters
    ----------
    paragraph
        Paragraph number: the n-th non-empty line, as ``dataset.quotes.paragraphs`` counts.
    text
        The sentence exactly as written (trailing footnote markers left out).
    footnote
        The footnote the sentence carries: the marker that ends it, else the first inside it.
    footnotes
        Every footnote marker inside or at the end of the sentence, in order.
    """

    paragraph: int
    text: str
    footnote: int | None = None
    footnotes: tuple[int, ...] = field(default_factory=tuple)


def marker_number(match: re.Match[str]) -> int:
    """Return the footnote number of a :data:`MARKER` match."""
    digits = match.group(1) or match.group(2) or match.group(0).translate(_SUPER_TO_DIGIT)
    return int(digits)


def without_markers(text: str) -> str:
    """Return ``text`` with footnote markers blanked out (same length, so offsets still hold)."""
    return MARKER.sub(lambda m: " " * len(m.group(0)), text)


def read_report(path: Path) -> str:
    """Return the text of a report file, untouched.

    Raises
    ------
    DraftError
        When the file is missing, unreadable or not UTF-8 text.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        msg = f"{path}: file not found. Give the path of the report's plain-text copy."
        raise DraftError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror}). Check the path and its permissions."
        raise DraftError(msg) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte {exc.start} is {raw[exc.start]:#04x}). Save the report as UTF-8 (e.g. `iconv -f cp1256 -t utf-8`)."
        raise DraftError(msg) from None
    if not text.strip():
        msg = f"{path}: the file is empty. Give the report's text."
        raise DraftError(msg)
    return text


def raw_paragraphs(text: str) -> list[str]:
    """Return the non-empty lines of ``text`` as written; paragraph ``n`` is item ``n - 1``."""
    return [line for line in text.splitlines() if line.strip()]


def _ends(line: str) -> list[int]:
    """Return the offsets where sentences of ``line`` end (exclusive), the line's end last."""
    ends = []
    for m in _END.finditer(line):
        word = re.search(r"(\S+)$", line[: m.start() + 1])
        token = word.group(1).rstrip(".").casefold() if word else ""
        bare = word.group(1) if word else ""
        if token in _ABBREVIATIONS or re.fullmatch(r"[A-Z]\.?", bare.rstrip(".")) or re.search(r"\d+(?:\.\d+)+\.$", bare):
            continue
        ends.append(m.end())
    if not ends or ends[-1] < len(line.rstrip()):
        ends.append(len(line.rstrip()))
    return ends


def split_sentences(line: str, paragraph: int) -> list[Sentence]:
    """Split one paragraph into sentences with their footnote markers."""
    out = []
    begin = 0
    for end in _ends(line):
        chunk = line[begin:end]
        lead = len(chunk) - len(chunk.lstrip())
        start = begin + lead
        begin = end
        markers = [(m.start() + start, marker_number(m)) for m in MARKER.finditer(line[start:end])]
        stop = end
        # trailing markers belong to the sentence but stay out of its quote
        trailing = re.search(rf"(?:[{_SUPER}]+|\[\d{{1,4}}\](?!\()|\^\d{{1,4}})+$", line[start:end])
        if trailing:
            stop = start + trailing.start()
        text = line[start:stop].rstrip()
        if not text.strip():
            continue
        numbers = tuple(n for _, n in markers)
        ending = [n for pos, n in markers if pos >= stop]
        footnote = ending[0] if ending else (numbers[0] if numbers else None)
        out.append(Sentence(paragraph, text, footnote, numbers))
    return out
