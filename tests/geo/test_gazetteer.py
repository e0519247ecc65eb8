"""Gazetteer lookups: spelling variants meet, unknown names fail with the closest names."""

from __future__ import annotations

import pytest

from dataset import Dataset
from geo import Gazetteer, Place, UnknownPlaceError, normalize_name

VARIANTS = [
    ("Al-Bukamal", "al-bukamal"),
    ("Albu Kamal", "al-bukamal"),
    ("Abu Kamal", "al-bukamal"),
    ("albu kamal", "al-bukamal"),
    ("البوكمال", "al-bukamal"),
    ("البو كمال", "al-bukamal"),
    ("Ālbū Kamāl", "al-bukamal"),
    ("Deir Ez-Zor", "deir-ez-zor"),
    ("Deir Ezzor", "deir-ez-zor"),
    ("Dayr az-Zawr", "deir-ez-zor"),
    ("deir ez zor", "deir-ez-zor"),
    ("Qusayr", "qusayr"),
    ("Al-Qusayr", "qusayr"),
    ("al qusayr", "qusayr"),
    ("القصير", "qusayr"),
    ("Husaybah", "al-qaim"),
    ("Al-Qa'im", "al-qaim"),
    ("Al Qa’im", "al-qaim"),
    ("Hmeimim airbase", "hmeimim-air-base"),
    ("Khmeimim Air Base", "hmeimim-air-base"),
    ("Mezzeh Villas East", "mezzeh-villas-east"),
    ("SDF-held zones", "sdf-held-areas"),
    ("SDF-controlled areas", "sdf-held-areas"),
    ("Sweida", "sweida"),
    ("As-Suwayda", "sweida"),
    ("Qalamun", "qalamoun"),
    ("DAM", "damascus-international-airport"),
    ("Damascus", "damascus"),
]


@pytest.mark.parametrize(("name", "expected"), VARIANTS)
def test_lookup_spelling_variants(dataset: Dataset, name: str, expected: str) -> None:
    assert dataset.gazetteer.lookup_place(name).id == expected


@pytest.mark.parametrize(
    ("misspelt", "suggestion"),
    [("Qalamon", "Qalamoun"), ("Hmeimin airbase", "Hmeimim air base"), ("Mezzeh Vilas East", "Mezzeh Villas East"), ("Homs dessert", "Homs desert")],
)
def test_unknown_name_suggests_closest(dataset: Dataset, misspelt: str, suggestion: str) -> None:
    with pytest.raises(UnknownPlaceError, match=f"No gazetteer entry for {misspelt!r}") as info:
        dataset.gazetteer.lookup_place(misspelt)
    assert suggestion in info.value.suggestions
    assert f"Did you mean {suggestion!r}" in str(info.value) or repr(suggestion) in str(info.value)


def test_unknown_name_without_any_close_name(dataset: Dataset) -> None:
    with pytest.raises(UnknownPlaceError, match="No gazetteer entry for 'Xyzzyville'"):
        dataset.gazetteer.lookup_place("Xyzzyville")


def test_towns_come_from_geonames_by_id(dataset: Dataset) -> None:
    towns = [p for p in dataset.gazetteer if p.kind == "town"]
    assert towns
    for town in towns:
        assert town.geonames_id is not None
        assert f"GeoNames {town.geonames_id}" in town.coord_source


def test_geonames_coordinates_match_research_notes(dataset: Dataset) -> None:
    # Values read independently in shared/research (GeoNames cities500), to 5 decimals.
    expected = {"al-bukamal": (34.45226, 40.91854), "qusayr": (34.5078, 36.58029), "damascus": (33.5102, 36.29128)}
    for pid, (lat, lon) in expected.items():
        place = dataset.gazetteer.get(pid)
        assert place is not None
        assert (place.lat, place.lon) == pytest.approx((lat, lon), abs=1e-5)


def test_ambiguous_alias_needs_id() -> None:
    a = Place("a", "Alpha", "site", 36.0, 34.0, 1.0, "test", aliases=("Twin",))
    b = Place("b", "Beta", "site", 37.0, 35.0, 1.0, "test", aliases=("Twin",))
    gaz = Gazetteer([a, b])
    with pytest.raises(KeyError, match="could mean any of"):
        gaz.lookup_place("twin")
    assert gaz.lookup_place("b") is b


@pytest.mark.parametrize(
    ("left", "right"),
    [("Al-Bukamal", "al bukamal"), ("Deir Ez-Zor", "DEIR EZZOR"), ("Qa'im", "Qa’im"), ("Ḩamāh", "Hamah"), ("البوكمال", "بوكمال")],
)
def test_normalize_ignores_case_accents_punctuation_article(left: str, right: str) -> None:
    assert normalize_name(left) == normalize_name(right)


def test_normalize_keeps_distinct_names_apart() -> None:
    assert normalize_name("Hama") != normalize_name("Homs")
    assert normalize_name("Aleppo") == "aleppo"  # "al" inside a word is not an article
