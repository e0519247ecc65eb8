"""Shared fixtures of the drafting tests: the dataset's gazetteer and vocabulary, one drafter."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset import Dataset, load_dataset
from drafting._place_index import PlaceIndex
from drafting.classify import actor_keys
from drafting.draft import Drafter
from drafting.lexicon import Lexicon, load_lexicon
from drafting.places import PlaceFinder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def data_ds() -> Dataset:
    """The real dataset (quote check run where the seed texts are present)."""
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The cue lexicon of data/cues.yaml."""
    return load_lexicon(ROOT / "data" / "cues.yaml")


@pytest.fixture(scope="session")
def drafter(data_ds: Dataset, lexicon: Lexicon) -> Drafter:
    """One drafter (its place index takes a few seconds to build)."""
    return Drafter(data_ds, lexicon)


@pytest.fixture(scope="session")
def place_index(drafter: Drafter) -> PlaceIndex:
    """The drafter's place index."""
    return drafter.index


@pytest.fixture
def finder(place_index: PlaceIndex, lexicon: Lexicon, data_ds: Dataset) -> PlaceFinder:
    """A fresh place finder (it learns each document's words)."""
    return PlaceFinder(place_index, lexicon, set(actor_keys(data_ds.actors)))
