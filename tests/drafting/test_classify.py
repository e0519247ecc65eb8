"""Actors from vocabulary.yaml (aliases included), claim type from the cue lexicon, hedges -> claimed."""

from __future__ import annotations

import pytest

from dataset import Dataset
from drafting.classify import actor_keys, classify, find_actors
from drafting.lexicon import Lexicon


def _actors(ds: Dataset, text: str) -> list[str]:
    return [a for a, _ in find_actors(text, actor_keys(ds.actors))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hashd al-Shaabi units crossed the border.", ["PMF"]),
        ("Kataib Hezbollah and Kata'ib Hizballah are one group.", ["Kataib Hezbollah"]),
        ("Hezbollah's elite Radwan Unit was hit.", ["Hezbollah", "Radwan Unit"]),
        ("Iran-backed Popular Mobilization Forces (PMF) crossed.", ["PMF"]),
        ("انسحب مقاتلو حزب الله والحشد الشعبي", ["Hezbollah", "PMF"]),
        ("قوات الحرس الثوري وكتائب حزب الله", ["IRGC", "Kataib Hezbollah"]),
        ("Nothing named here.", []),
    ],
)
def test_actor_aliases(data_ds: Dataset, text: str, expected: list[str]) -> None:
    assert _actors(data_ds, text) == expected


def test_every_alias_resolves_to_its_actor(data_ds: Dataset) -> None:
    keys = actor_keys(data_ds.actors)
    for actor in data_ds.actors.values():
        for alias in actor.aliases:
            assert [a for a, _ in find_actors(f"Reports say {alias} moved.", keys)][:1] == [actor.id], alias


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Israeli airstrikes hit the convoy.", "air-strike"),
        ("Senior advisers were evacuated via Hmeimim.", "evacuation"),
        ("Entire units retreated toward Iraq.", "withdrawal"),
        ("The militias began recruiting local fighters.", "recruitment"),
        ("The headquarters was closed.", "closure"),
        ("Al-Sharaa declared the end of Iran's presence.", "declaration"),
        ("The greatest danger lies in dormant members.", "risk"),
        ("غارات إسرائيلية على القافلة", "air-strike"),
        ("بدأت الميليشيات تجنيد مقاتلين محليين", "recruitment"),
    ],
)
def test_type_cues(lexicon: Lexicon, text: str, kind: str) -> None:
    result = classify(text, lexicon, has_place=False)
    assert result is not None
    assert result.type == kind


@pytest.mark.parametrize(
    "text",
    [
        "Some members were possibly evacuated to Iran.",
        "Iran reportedly asked Turkey to mediate.",
        "Fighters left, a source said.",
        "ربما انسحبت القوات",
        "انسحبت القوات بحسب مصادر محلية",
    ],
)
def test_hedges_propose_claimed(lexicon: Lexicon, text: str) -> None:
    result = classify(text, lexicon, has_place=True)
    assert result is not None
    assert result.status == "claimed"
    assert result.hedges


def test_plain_statement_is_reported_and_no_cue_no_place_is_no_draft(lexicon: Lexicon) -> None:
    result = classify("Hezbollah withdrew from Qusayr.", lexicon, has_place=True)
    assert result is not None
    assert result.status == "reported"
    assert classify("The weather was fine.", lexicon, has_place=False) is None
