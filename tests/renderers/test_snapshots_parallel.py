"""Snapshots drawn in parallel are the same files, byte for byte, as drawn one after another."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset.model import Dataset
from layers import Layer
from renderers import snapshots


def test_parallel_equals_serial(layers: list[Layer], dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    views = snapshots.default_views()[:3]
    monkeypatch.setattr(snapshots, "default_views", lambda: views)
    monkeypatch.setattr(snapshots, "default_series", list)  # the series' own files: tests/renderers/snapshots
    monkeypatch.setenv("MILITIA_MAP_JOBS", "1")
    serial = snapshots.write_snapshots(layers, dataset, tmp_path / "serial")
    monkeypatch.setenv("MILITIA_MAP_JOBS", "2")
    parallel = snapshots.write_snapshots(layers, dataset, tmp_path / "parallel")
    assert [p.name for p in serial] == [p.name for p in parallel]  # same files, in view order
    assert len(serial) == 3 * len(views)
    for a, b in zip(serial, parallel, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_workers_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MILITIA_MAP_JOBS", "3")
    assert snapshots.workers() == 3
    monkeypatch.setenv("MILITIA_MAP_JOBS", "zero")
    assert snapshots.workers() >= 1
