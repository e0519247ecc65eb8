"""Load and validate the curated records in ``data/`` into one :class:`Dataset`."""

from dataset.load import DEFAULT_DATA_DIR, load_dataset
from dataset.model import (
    Actor,
    Claim,
    ClaimType,
    Dataset,
    Evidence,
    Locator,
    Source,
    TimeSpan,
)
from dataset.problems import DataError, Problem

__all__ = [
    "DEFAULT_DATA_DIR",
    "Actor",
    "Claim",
    "ClaimType",
    "DataError",
    "Dataset",
    "Evidence",
    "Locator",
    "Problem",
    "Source",
    "TimeSpan",
    "load_dataset",
]
