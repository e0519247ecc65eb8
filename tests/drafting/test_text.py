"""Report text: paragraphs as the quote check counts them, sentences, footnote markers, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset.quotes import paragraphs
from drafting.errors import DraftError
from drafting.text import raw_paragraphs, read_report, split_sentences, without_markers

TEXT = "Heading\n\n  First para. Second one⁵²⁹ here.\n\n\nThird: near Homs.[12] And ^7 more.\n"


def test_paragraph_numbers_match_the_quote_check() -> None:
    raw = raw_paragraphs(TEXT)
    assert len(raw) == len(paragraphs(TEXT)) == 3
    assert [" ".join(r.split()) for r in raw] == paragraphs(TEXT)


def test_sentences_are_exact_slices_of_their_paragraph() -> None:
    for n, line in enumerate(raw_paragraphs(TEXT), start=1):
        for sentence in split_sentences(line, n):
            assert sentence.text in line
            assert sentence.text == sentence.text.strip()


def test_superscript_marker_ends_the_sentence_it_follows() -> None:
    line = "Dozens crossed into Syria in early December 2024.⁵²⁹ Iran-backed forces eventually gave up control.⁵³⁰"
    first, second = split_sentences(line, 4)
    assert first.text == "Dozens crossed into Syria in early December 2024."
    assert first.footnote == 529
    assert second.footnote == 530


def test_bracket_and_caret_markers() -> None:
    first, second = split_sentences("They left Qusayr.[12] Then they went home.^7", 1)
    assert (first.text, first.footnote) == ("They left Qusayr.", 12)
    assert (second.text, second.footnote) == ("Then they went home.", 7)


def test_marker_inside_a_sentence_and_markdown_links_are_not_markers() -> None:
    (sentence,) = split_sentences("Strikes in Damascus in 2023 and 2024⁵²⁵ and in Lebanon, see [525](#), weakened Iran.⁵²⁶", 3)
    assert sentence.footnote == 526
    assert sentence.footnotes == (525, 526)


def test_section_numbers_and_initials_do_not_end_sentences() -> None:
    sentences = split_sentences("See section 1.3.1. of the report by N. Grajewski. Next.", 1)
    assert [s.text for s in sentences] == ["See section 1.3.1. of the report by N. Grajewski.", "Next."]


def test_arabic_sentences_split_at_full_stop_and_question_mark() -> None:
    sentences = split_sentences("انسحبت الميليشيات من البوكمال. هل عادت إلى العراق؟ نعم", 1)
    assert [s.text for s in sentences] == ["انسحبت الميليشيات من البوكمال.", "هل عادت إلى العراق؟", "نعم"]


def test_without_markers_keeps_offsets() -> None:
    text = "in 2024⁵²⁵ and [3] then"
    assert len(without_markers(text)) == len(text)
    assert "⁵" not in without_markers(text)
    assert "[3]" not in without_markers(text)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match="file not found"):
        read_report(tmp_path / "nope.txt")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1256.txt"
    path.write_bytes("انسحاب".encode("cp1256"))
    with pytest.raises(DraftError, match="not UTF-8"):
        read_report(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(DraftError, match="empty"):
        read_report(path)
