"""Find a report's footnote list and turn each entry into a candidate source record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from drafting.dates import parse_citation_date
from drafting.text import marker_number

# A paragraph that is only a footnote marker: "- [525](#)", "[525]", "^525", "⁵²⁵", "525."
_ALONE = re.compile(r"^\s*(?:[-*]\s*)?(?:\[(\d{1,4})\](?:\([^)]*\))?|\^(\d{1,4})|([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(\d{1,4})\.)\s*$")
# A paragraph that starts with a marker and goes on with the entry: "[12] Reuters, ...".
_LEADING = re.compile(r"^\s*(?:[-*]\s*)?(?:\[(\d{1,4})\](?!\()|\^(\d{1,4})|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s+(\S.*)$")
_URL = re.compile(r"https?://[^\s\)\]>,;]+")
_PLACEHOLDER_LINK = re.compile(r"\[[^\]]*\]\(#?\)")
_AUTHOR = re.compile(r"^[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)*, (?:[A-Z]\.){1,3}(?:[A-Z]\.)*$")
_PAGES = re.compile(r"^pp?\. ?(\d[\d\-–, ]*)$")


@dataclass(frozen=True)
class FootnoteEntry:
    """One footnote of the list: its number, paragraph and text as written."""

    number: int
    paragraph: int
    text: str


def _alone_number(line: str) -> int | None:
    m = _ALONE.match(line)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
    return int(m.group(1) or m.group(2) or m.group(4))


def find_footnotes(paragraphs: list[str]) -> tuple[list[FootnoteEntry], set[int]]:
    """Return the footnote entries and the numbers of the paragraphs that make up the list.

    A footnote is a paragraph holding only a marker followed by the entry's paragraph (the
    EUAA layout), or one paragraph that starts with a marker (``[12] Reuters, ...``).
    """
    entries: list[FootnoteEntry] = []
    used: set[int] = set()
    n = 0
    while n < len(paragraphs):
        number = _alone_number(paragraphs[n])
        if number is not None and n + 1 < len(paragraphs) and _alone_number(paragraphs[n + 1]) is None:
            entries.append(FootnoteEntry(number, n + 2, paragraphs[n + 1].strip()))
            used |= {n + 1, n + 2}
            n += 2
            continue
        lead = _LEADING.match(paragraphs[n])
        if lead and not re.search(r"[.!?]\s+[A-Z]", lead.group(4)) and _looks_like_reference(lead.group(4)):
            marker = re.match(r"\s*(?:[-*]\s*)?(\[(\d+)\]|\^(\d+)|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", paragraphs[n])
            assert marker is not None  # noqa: S101 - _LEADING matched
            from drafting.text import MARKER  # noqa: PLC0415

            m = MARKER.search(marker.group(1))
            if m is not None:
                entries.append(FootnoteEntry(marker_number(m), n + 1, lead.group(4).strip()))
                used.add(n + 1)
        n += 1
    return entries, used


def _looks_like_reference(text: str) -> bool:
    return (text.count(",") + text.count("،")) >= 1 and (parse_citation_date(text) is not None or bool(_URL.search(text)))


def _split_works(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"\s;\s", text) if w.strip()]


def parse_reference(text: str) -> dict[str, Any]:
    """Turn one cited work's text into a candidate ``sources.yaml`` record (without id).

    Only what the text gives: author (``Surname, X.``), title, publisher, date, pages, and a
    URL only where a real ``http(s)://`` address is written (``[url](#)`` is no address).
    """
    url = _URL.search(text)
    body = _PLACEHOLDER_LINK.sub("", _URL.sub("", text))
    parts = [p.strip() for p in re.split(r"[,،]\s+", body) if p.strip()]
    record: dict[str, Any] = {}
    pages = [p for p in parts if _PAGES.match(p)]
    if pages:
        m = _PAGES.match(pages[-1])
        assert m is not None  # noqa: S101
        record["pages"] = m.group(1).strip()
    parts = [p for p in parts if not _PAGES.match(p)]
    date = None
    for i in range(len(parts) - 1, -1, -1):
        date = parse_citation_date(parts[i])
        if date is not None and _is_only_date(parts[i]):
            parts = parts[:i] + parts[i + 1 :]
            break
        date = None
    author = None
    if len(parts) >= 2 and _AUTHOR.match(f"{parts[0]}, {parts[1]}"):  # noqa: PLR2004
        author = f"{parts[0]}, {parts[1]}"
        parts = parts[2:]
    if author:
        record["author"] = author
        record["title"] = ", ".join(parts[:-1]) if len(parts) > 1 else (parts[0] if parts else "")
        record["publisher"] = parts[-1] if len(parts) > 1 else ""
    else:
        record["publisher"] = parts[0] if parts else ""
        record["title"] = ", ".join(parts[1:])
    if date:
        record["date"] = date
    if url:
        record["url"] = url.group(0)
    record["as_written"] = text
    return {k: record[k] for k in ("author", "title", "publisher", "date", "url", "pages", "as_written") if k in record}


def _is_only_date(part: str) -> bool:
    return bool(re.fullmatch(r"[\w ]{3,30}", part)) and any(ch.isdigit() for ch in part)


def candidate_sources(entries: list[FootnoteEntry], document: str, known: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Return one candidate source per cited work, merging works cited in several footnotes.

    Parameters
    ----------
    entries
        The footnotes of the report.
    document
        The report's source id (for ``cited_in``).
    known
        ``{source id: title}`` of ``sources.yaml``: new ids avoid them, and a work whose title
        is already there is flagged (add the footnote to that record's ``cited_in`` instead).
    """
    known = known or {}
    titles = {_title_key(t): sid for sid, t in known.items()}
    works: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for work in _split_works(entry.text):
            rec = parse_reference(work)
            key = re.sub(r"\W+", " ", f"{rec.get('author', '')} {rec['title']} {rec['publisher']} {rec.get('date', '')}").casefold().strip()
            if key in works:
                works[key]["cited_in"][0]["footnotes"].append(entry.number)
                continue
            rec["id"] = _source_id(rec, {w["id"] for w in works.values()} | set(known))
            if _title_key(rec["title"]) in titles:
                rec["same_title_as"] = titles[_title_key(rec["title"])]
            rec["kind"] = ""
            rec["cited_in"] = [{"document": document, "footnotes": [entry.number]}]
            rec["accept"] = False
            works[key] = rec
    return [
        {
            k: rec[k]
            for k in ("accept", "id", "same_title_as", "author", "title", "publisher", "date", "kind", "url", "pages", "cited_in", "as_written")
            if k in rec
        }
        for rec in works.values()
    ]


def _title_key(title: str) -> str:
    return re.sub(r"\W+", " ", title).casefold().strip()


def _source_id(rec: dict[str, Any], taken: set[str]) -> str:
    who = rec.get("author") or rec.get("publisher") or "source"
    stem = re.sub(r"[^a-z0-9]+", "-", who.split(",")[0].casefold()).strip("-")[:24] or "source"
    year = str(rec.get("date", ""))[:4]
    base = f"{stem}-{year}" if year else stem
    rid, n = base, 2
    while rid in taken:
        rid, n = f"{base}-{n}", n + 1
    return rid
