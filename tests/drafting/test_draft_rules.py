"""Drafting rules that read across sentences: places referred back to, supply lines' owners."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from drafting.draft import Drafter, DraftOptions


def _drafts(drafter: Drafter, text: str, lang: str = "en") -> list[dict[str, Any]]:
    doc = drafter.draft(text, DraftOptions("test-report", Path("report.txt"), dt.date(2024, 12, 20), lang, new_source=True))
    return list(doc["drafts"])


def _by_start(drafts: list[dict[str, Any]], words: str) -> dict[str, Any]:
    return next(r for r in drafts if r["claim"]["evidence"][0]["quote"].startswith(words))


def _tops(record: dict[str, Any]) -> list[str]:
    return [m["candidates"][0].get("gazetteer_id") or m["candidates"][0]["name"] for m in record["review"]["places"]]


EN = """A commander told him to report to the headquarters in Mezzeh Villas East the next morning.
Upon arrival, he and 20 officers were told that the IRGC was leaving.
There were no guarantees for the officers, who were told to leave.
Fighters withdrew from Qusayr to Lebanon. Hezbollah closed its positions there.
Fighters gathered in Damascus near the airport, and Hezbollah closed its positions there.
"""


def test_a_reference_back_carries_the_last_place_named(drafter: Drafter) -> None:
    drafts = _drafts(drafter, EN)
    arrival = _by_start(drafts, "Upon arrival")
    assert _tops(arrival) == ["mezzeh-villas-east"]
    (note,) = arrival["review"]["places"][0]["notes"]
    assert "carried from paragraph 1" in note
    assert arrival["claim"]["places"] == {"at": ["mezzeh-villas-east"]}
    # "Hezbollah closed its positions there": the place named last in the paragraph's earlier sentence
    there = _by_start(drafts, "Hezbollah closed")
    assert _tops(there) == ["lebanon"]
    assert "an earlier sentence of paragraph 4" in there["review"]["places"][0]["notes"][0]


def test_existential_there_and_a_place_in_the_same_sentence_carry_nothing(drafter: Drafter) -> None:
    drafts = _drafts(drafter, EN)
    assert _by_start(drafts, "There were")["review"]["places"] == []  # "There were": existential, refers to nothing
    same = _by_start(drafts, "Fighters gathered in Damascus")
    assert _tops(same) == ["damascus"]  # "there" is Damascus, already named


def test_the_kind_of_reference_picks_the_kind_of_place(drafter: Drafter) -> None:
    text = "Fighters moved from Qusayr to Lebanon.\nThe town was shelled the next day.\n"
    assert _tops(_by_start(_drafts(drafter, text), "The town")) == ["qusayr"]  # "the town": not the country named last


def test_no_reference_back_across_two_paragraphs(drafter: Drafter) -> None:
    text = "Fighters withdrew from Qusayr.\nA statement followed.\nThey were shelled there.\n"
    assert all(not r["review"]["places"] for r in _drafts(drafter, text) if r["claim"]["evidence"][0]["quote"].startswith("They"))


AR = """انسحب مقاتلو حزب الله من القصير إلى لبنان.
وعند وصولهم أعلن القائد إغلاق المقرات.
هناك تقارير عن إغلاق مقرات أخرى.
"""


def test_arabic_reference_back(drafter: Drafter) -> None:
    drafts = _drafts(drafter, AR, "ar")
    arrival = _by_start(drafts, "وعند وصولهم")
    assert _tops(arrival) == ["lebanon"]
    assert "carried from paragraph 1" in arrival["review"]["places"][0]["notes"][0]
    existential = _by_start(drafts, "هناك تقارير")  # "there are reports": no place referred to
    assert existential["review"]["places"] == []


SUPPLY = """Iran-backed militias left Syria. Hezbollah pulled out of Syria.
Sources said the fall of Assad was a loss for Iran, which saw its supply lines to Hezbollah in Lebanon compromised.
"""


def test_a_supply_line_to_an_actor_starts_at_its_owner(drafter: Drafter) -> None:
    record = _by_start(_drafts(drafter, SUPPLY), "Sources said")
    claim = record["claim"]
    assert claim["type"] == "supply-line"
    assert claim["places"] == {"origin": "iran", "via": ["syria"], "destination": "lebanon"}
    assert claim["route"] == "inferred"
    notes = " ".join(record["review"]["notes"])
    assert "belongs to Iran" in notes
    assert "Syria" in notes


def test_arabic_supply_line_to_an_actor_starts_at_its_owner(drafter: Drafter) -> None:
    text = "انسحبت الميليشيات من سوريا. وانسحب حزب الله من سوريا.\nتضررت خطوط الإمداد الإيرانية، إذ خسرت إيران خطوط الإمداد إلى حزب الله في لبنان.\n"
    claim = _by_start(_drafts(drafter, text, "ar"), "تضررت")["claim"]
    assert claim["places"] == {"origin": "iran", "via": ["syria"], "destination": "lebanon"}


def test_a_supply_line_with_its_origin_keeps_it(drafter: Drafter) -> None:
    text = "Militias left Syria for good. Hezbollah left Syria.\nIran kept supply lines from Iraq to Hezbollah in Lebanon.\n"
    claim = _by_start(_drafts(drafter, text), "Iran kept")["claim"]
    assert claim["places"]["origin"] == "iraq"
    assert claim["places"]["destination"] == "lebanon"


DATED = """In 2013, following the opposition's gains, Iran escalated its involvement. It deployed IRGC officers to Syria.
On December 5, 2024 a commander told him to report to the headquarters in Mezzeh Villas East the next morning.
Upon arrival, he and 20 officers were told that the IRGC was leaving.
Hezbollah closed its positions in Qusayr.
"""


def test_an_undrafted_sentence_still_dates_the_next(drafter: Drafter) -> None:
    """ "In 2013, ... Iran escalated" names no place and no cue, yet dates "It deployed ... to Syria"."""
    drafts = _drafts(drafter, DATED)
    assert not [r for r in drafts if r["claim"]["evidence"][0]["quote"].startswith("In 2013")]
    time = _by_start(drafts, "It deployed")["claim"]["time"]
    assert (time["start"], time["end"], time["precision"]) == ("2013-01-01", "2013-12-31", "year")
    assert "an earlier sentence of paragraph 1" in time["basis"]


def test_a_reference_back_carries_the_date_where_the_narrative_stood(drafter: Drafter) -> None:
    drafts = _drafts(drafter, DATED)
    time = _by_start(drafts, "Upon arrival")["claim"]["time"]
    assert (time["start"], time["end"], time["precision"]) == ("2024-12-06", "2024-12-06", "day")  # "the next morning"
    assert "paragraph 2" in time["basis"]
    # a sentence that refers back to nothing takes no date from another paragraph
    assert _by_start(drafts, "Hezbollah closed")["claim"]["time"]["precision"] == "unknown"


EVENTS = """Starting in early 2013, Tehran funneled fighters from Iraq into Syria.
These groups fought in the bloodiest battles in Aleppo. They were also implicated in massacres near Aleppo.
Hezbollah fought in Qusayr.
"""


def test_these_groups_take_the_date_of_the_paragraph_before(drafter: Drafter) -> None:
    drafts = _drafts(drafter, EVENTS)
    groups = _by_start(drafts, "These groups")["claim"]["time"]
    assert (groups["start"], groups.get("end"), groups["precision"]) == ("2013-01-01", None, "approximate")
    assert "'These groups' refers back to" in groups["basis"]
    assert "paragraph 1" in groups["basis"]
    # the rest of the paragraph goes on from there
    assert _by_start(drafts, "They were also")["claim"]["time"]["start"] == "2013-01-01"
    # a paragraph that does not refer back takes no date from the one before
    assert _by_start(drafts, "Hezbollah fought")["claim"]["time"]["precision"] == "unknown"


def test_this_adjective_noun_refers_back_too(drafter: Drafter) -> None:
    text = "In 2013 Iran escalated its support for Assad in Syria.\nWithout this sweeping intervention the regime in Damascus would have collapsed.\n"
    time = _by_start(_drafts(drafter, text), "Without")["claim"]["time"]
    assert (time["start"], time["end"], time["precision"]) == ("2013-01-01", "2013-12-31", "year")


def test_arabic_these_factions_take_the_date_of_the_paragraph_before(drafter: Drafter) -> None:
    text = "في عام 2013 أرسلت إيران مقاتلين من العراق إلى سوريا.\nوقاتلت هذه الفصائل في معارك حلب.\nوقاتل حزب الله في القصير.\n"
    drafts = _drafts(drafter, text, "ar")
    time = _by_start(drafts, "وقاتلت هذه")["claim"]["time"]
    assert (time["start"], time["end"], time["precision"]) == ("2013-01-01", "2013-12-31", "year")
    assert _by_start(drafts, "وقاتل حزب")["claim"]["time"]["precision"] == "unknown"
