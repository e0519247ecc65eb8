"""What the controls get: feature references restricted to the ids the page looks up, filter counts per value."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter

import numpy as np

from dataset import Dataset
from geo.gazetteer import Gazetteer
from geo.names import normalize_name
from geo.place import Place
from layers import Layer
from renderers.webmap._controls import _choices, _scanned_code_points, feature_refs, places_payload


def test_restricted_feature_refs_are_the_full_ones_for_those_ids(layers: list[Layer], dataset: Dataset) -> None:
    drawn = [layer for layer in layers if not layer.style.overlay]
    full_claims, full_places = feature_refs(drawn)
    claims = {c.id for c in dataset.claims}
    places = {p.id for p in dataset.gazetteer}
    some_claims, some_places = set(sorted(claims)[::2]), set(sorted(places)[::3])
    got_claims, got_places = feature_refs(drawn, some_claims, some_places)
    assert got_claims == {k: v for k, v in full_claims.items() if k in some_claims}
    assert got_places == {k: v for k, v in full_places.items() if k in some_places}
    assert any(got_claims.values()), "the real data should draw some of these claims"
    assert any(got_places.values()), "the real data should draw at some of these places"


def test_choices_count_every_feature_once_per_value(layers: list[Layer]) -> None:
    drawn = [layer for layer in layers if not layer.style.overlay and layer.name != "uncertainty"]
    for column in ("actors", "type", "status", "corroborated"):
        naive: Counter[str] = Counter()
        for layer in drawn:
            if column in layer.gdf.columns:
                for value in layer.gdf[column]:
                    naive.update(json.loads(value) if column == "actors" else [str(value)])
        assert _choices(drawn, column) == naive, column


def test_choices_keep_equal_values_of_other_types_apart(layers: list[Layer]) -> None:
    """1, 1.0 and True are equal in Python; each is counted under its own text."""
    base = next(layer for layer in layers if len(layer.gdf) >= 3)
    gdf = base.gdf.iloc[:3].copy()
    gdf["flag"] = np.array([1, 1.0, True], dtype=object)
    assert _choices([Layer(gdf, base.style)], "flag") == Counter({"1": 1, "1.0": 1, "True": 1})


def test_name_rules_skip_only_planes_with_nothing_to_find() -> None:
    """Every code point name_rules skips is unassigned or private use: not combining, and it folds as it lowercases."""
    skipped = set(_scanned_code_points(every=True)) - set(_scanned_code_points())
    assert len(skipped) == 12 * 0x10000  # planes 4 to 13, 15 and 16
    for code in skipped:
        ch = chr(code)
        assert unicodedata.category(ch) in ("Cn", "Co"), hex(code)
        assert not unicodedata.combining(ch)
        assert ch.casefold() == ch.lower()


def test_search_keys_are_the_normalised_spellings_of_each_place(dataset: Dataset) -> None:
    """Read from the gazetteer's index, each place's keys are normalize_name of its every spelling (empty ones left out)."""
    odd = [
        Place("odd-1", "Al-Bū Kamāl", "town", 40.9, 34.4, 5.0, "test", aliases=("--", "The", "Deir Ez-Zor"), arabic_names=("البوكمال",)),
        Place("odd-2", "Deir Ezzor", "town", 40.1, 35.3, 5.0, "test", alternate_names=("ديرالزور", "Dayr az Zawr", "")),
        Place("odd-3", "...", "site", 36.0, 33.0, 1.0, "test"),
    ]
    gazetteer = Gazetteer([*dataset.gazetteer, *odd])
    expected = {p.id: {k for n in Gazetteer.names_of(p) if (k := normalize_name(n))} for p in gazetteer}
    assert gazetteer.keys_by_place() == expected
    assert expected["odd-1"] >= {"bukamal", "deirezzor", "the"}, "the odd names should give keys shared with others"
    payload = {p["id"]: p for p in places_payload(gazetteer, {})}
    assert all(payload[pid]["keys"] == sorted(keys) for pid, keys in expected.items())
