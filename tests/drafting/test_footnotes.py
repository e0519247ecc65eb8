"""Footnote lists become candidate source records with only what the text gives."""

from __future__ import annotations

from drafting.footnotes import candidate_sources, find_footnotes, parse_reference
from drafting.text import raw_paragraphs

EUAA_STYLE = """Body text.⁵²⁵

- [525](#)

Grajewski, N., Why Did Iran Allow Bashar al-Assad's Downfall?, Carnegie Endowment for International Peace, 9 December 2024, [url](#)

- [526](#)

Enab Baladi, Has Russia's and Iran's role in new Syria come to an end?, 7 January 2025, [url](#) ; INSS, A New Era in Syria, 12 January 2025, [url](#)

- [530](#)

Grajewski, N., Why Did Iran Allow Bashar al-Assad's Downfall?, Carnegie Endowment for International Peace, 9 December 2024, [url](#)
"""


def test_euaa_layout_marker_then_entry() -> None:
    entries, used = find_footnotes(raw_paragraphs(EUAA_STYLE))
    assert [e.number for e in entries] == [525, 526, 530]
    assert used == {2, 3, 4, 5, 6, 7}
    assert entries[0].paragraph == 3


def test_bracket_layout_on_one_line() -> None:
    text = "They left.[1]\n[1] Reuters, Iraqi militias go home, 9 December 2024, https://example.org/a\n"
    entries, used = find_footnotes(raw_paragraphs(text))
    assert [(e.number, e.paragraph) for e in entries] == [(1, 2)]
    assert used == {2}


def test_reference_fields_author_title_publisher_date() -> None:
    rec = parse_reference(
        "Grajewski, N., Why Did Iran Allow Bashar al-Assad's Downfall?, Carnegie Endowment for International Peace, 9 December 2024, [url](#)"
    )
    assert rec["author"] == "Grajewski, N."
    assert rec["title"] == "Why Did Iran Allow Bashar al-Assad's Downfall?"
    assert rec["publisher"] == "Carnegie Endowment for International Peace"
    assert rec["date"] == "2024-12-09"
    assert "url" not in rec  # "[url](#)" is a placeholder, not an address


def test_reference_without_author_keeps_commas_in_title_and_pages() -> None:
    rec = parse_reference("ISW and CTP, Iran Update, Syria and Iraq, 17 December 2024, [url](#), p. 9")
    assert "author" not in rec
    assert rec["publisher"] == "ISW and CTP"
    assert rec["title"] == "Iran Update, Syria and Iraq"
    assert rec["pages"] == "9"


def test_url_only_where_the_text_gives_one() -> None:
    assert parse_reference("Reuters, Title, 2 December 2024, https://www.reuters.com/x")["url"] == "https://www.reuters.com/x"


def test_works_are_merged_and_split() -> None:
    entries, _ = find_footnotes(raw_paragraphs(EUAA_STYLE))
    works = candidate_sources(entries, "euaa-2025", {"grajewski-2024": "Something else"})
    by_title = {w["title"]: w for w in works}
    assert len(works) == 3  # Carnegie twice (525, 530) is one work; 526 holds two
    carnegie = by_title["Why Did Iran Allow Bashar al-Assad's Downfall?"]
    assert carnegie["cited_in"] == [{"document": "euaa-2025", "footnotes": [525, 530]}]
    assert carnegie["id"] == "grajewski-2024-2"  # avoids an id sources.yaml already has
    assert all(w["accept"] is False for w in works)


def test_same_title_as_an_existing_source_is_flagged() -> None:
    entries, _ = find_footnotes(raw_paragraphs(EUAA_STYLE))
    works = candidate_sources(entries, "x", {"inss-2025": "A New Era in Syria"})
    assert next(w for w in works if w["publisher"] == "INSS")["same_title_as"] == "inss-2025"
