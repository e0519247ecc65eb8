"""Check that every quote stands verbatim in its source text, at its locator."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from dataset.model import Claim, Source
from dataset.problems import ProblemLog

_SPACES = re.compile(r"\s+")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# Footnote markers: superscript digits (EUAA), "[n]" (not a Markdown link "[n](...)") and "^n".
_MARKER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\[(\d{1,4})\](?!\()|\^(\d{1,4})")


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
    """Return the paragraphs of a source text: its non-empty lines, whitespace squashed.

    Paragraph ``n`` of a locator is ``paragraphs(text)[n - 1]``.
    """
    return [_squash(line) for line in text.splitlines() if line.strip()]


def footnote_markers(paragraph: str) -> list[tuple[int, int]]:
    """Return ``(position, footnote number)`` for each marker: superscript digits, ``[n]`` or ``^n``."""
    return [(m.start(), int(m.group(1) or m.group(2) or m.group().translate(_SUPERSCRIPT))) for m in _MARKER.finditer(paragraph)]


def read_source_texts(sources: dict[str, Source], sources_dir: Path | None, log: ProblemLog) -> dict[str, str]:
    """Return ``{source id: text}`` for the sources whose text file is in ``sources_dir``.

    A text that cannot be read as UTF-8, or whose SHA-256 differs from the source's
    ``text_sha256`` (or has none recorded), is left out, with a problem on its source in ``log``:
    quotes are only ever checked against the text the record names.
    """
    if sources_dir is None:
        return {}
    texts = {}
    for src in sources.values():
        path = sources_dir / src.text if src.text else None
        if path is None or not path.is_file():
            continue
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = "is not UTF-8" if isinstance(exc, UnicodeDecodeError) else f"cannot be read ({exc.strerror or exc})"
            log.add("sources.yaml", src.id, "text", f"the source text {path} {why}.", "Save the text copy as UTF-8.")
            continue
        if not _same_text(src, path, hashlib.sha256(raw).hexdigest(), log):
            continue  # quotes are never checked against another text than the one recorded
        texts[src.id] = text
    return texts


def _same_text(src: Source, path: Path, digest: str, log: ProblemLog) -> bool:
    """Return whether the text at hand is the one ``src`` records (its ``text_sha256``); log a problem if not."""
    if not src.text_sha256:
        log.add("sources.yaml", src.id, "text_sha256", f"is missing: the quotes are checked against {path.name}, whose SHA-256 is {digest}.",
                f"Check that {path.name} is the document you cite, then add text_sha256: {digest}.")  # fmt: skip
        return False
    if src.text_sha256 != digest:
        log.add(
                "sources.yaml", src.id, "text_sha256",
                f"the text at hand {path} differs from the one the quotes were checked against: its SHA-256 is {digest}, the record says {src.text_sha256}.",
                "Obtain the same text as recorded; or, for a new copy, re-verify every quote from this source, then update text_sha256 and acquired.",
        )  # fmt: skip
        return False
    return True


def check_quotes(claims: list[Claim], sources: dict[str, Source], texts: dict[str, str], log: ProblemLog) -> int:
    """Log a problem for each quote not verbatim in its source at its locator.

    Returns
    -------
    int
        How many quotes were checked against a text.
    """
    paras = {sid: paragraphs(text) for sid, text in texts.items()}
    checked = 0
    for claim in claims:
        for n, ev in enumerate(claim.evidence, start=1):
            if ev.source not in paras or not ev.quote:
                if ev.source in sources and not sources[ev.source].text and ev.quote:
                    log.add(
                        claim.file,
                        claim.id,
                        f"evidence[{n}].source",
                        f"source {ev.source!r} has no text to check the quote against.",
                        "Quote the document that says it (with the footnote), not the cited work.",
                    )
                continue
            checked += 1
            _check_one(claim, n, ev.quote, ev.locator.paragraph, ev.locator.footnote, paras[ev.source], log)
    return checked


def _check_one(claim: Claim, n: int, quote: str, para_no: int | None, footnote: int | None, paras: list[str], log: ProblemLog) -> None:
    field = f"evidence[{n}].quote"
    q = _squash(quote)
    where = [i for i, p in enumerate(paras, start=1) if q in p]
    if not where:
        log.add(
            claim.file,
            claim.id,
            field,
            f"quote is not verbatim in the source: {q[:60]!r}...",
            "Copy the exact words, apostrophes and punctuation from the source text.",
        )
        return
    if para_no is None:
        log.add(claim.file, claim.id, f"evidence[{n}].locator.paragraph", "is missing.", f"The quote stands in paragraph {where[0]}.")
        return
    if para_no not in where:
        log.add(claim.file, claim.id, f"evidence[{n}].locator.paragraph", f"the quote is not in paragraph {para_no}.", f"It stands in paragraph {where[0]}.")
        return
    if footnote is not None:
        para = paras[para_no - 1]
        begin = para.index(q)
        end = begin + len(q)
        markers = footnote_markers(para)
        inside = [num for pos, num in markers if begin <= pos < end]
        after = [num for pos, num in markers if pos >= end]
        if footnote not in inside and (not after or after[0] != footnote):
            found = after[0] if after else None
            log.add(
                claim.file,
                claim.id,
                f"evidence[{n}].locator.footnote",
                f"the quote is not followed by footnote {footnote}.",
                f"The next footnote after it is {found}." if found else "No footnote follows the quote in its paragraph.",
            )
