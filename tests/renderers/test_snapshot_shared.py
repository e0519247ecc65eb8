"""What the figures of a build compute alike is computed once (renderers/snapshots/shared.py), and the files stay the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset.model import Dataset
from layers import Layer
from renderers import snapshots
from renderers.snapshots import series as series_module
from renderers.snapshots.series import page_named, render_series
from renderers.snapshots.shared import active, once, sharing


def _counted(calls: list[tuple[object, ...]]):
    def func(*args: object) -> list[object]:
        calls.append(args)
        return [len(calls)]

    return func


def test_once_computes_once_per_argument_objects_only_while_sharing() -> None:
    calls: list[tuple[object, ...]] = []
    func = _counted(calls)
    a, b = [1], [1]  # equal, not the same object
    assert once(func, a) == [1]
    assert once(func, a) == [2]  # outside sharing(): every call computes
    with sharing():
        assert active()
        first = once(func, a)
        assert once(func, a) is first  # the same result object
        assert once(func, b) is not first  # an equal but other argument is computed for itself
        with sharing():  # nested: the same memo
            assert once(func, a) is first
        assert once(func, a) is first
    assert not active()
    assert len(calls) == 4
    assert once(func, a) == [5]  # leaving the block dropped the memo


def test_a_series_is_prepared_once_for_both_pages_and_its_files_stay_the_same(
    layers: list[Layer], dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    series = snapshots.default_series()[0]
    assert len(series.pages) == 2
    (tmp_path / "alone").mkdir()
    alone = [p for page in series.pages for p in render_series(layers, dataset, series, tmp_path / "alone", page=page_named(page))]
    calls: list[object] = []
    original = series_module.change_rows

    def counted(*args: object, **kwargs: object):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(series_module, "change_rows", counted)
    monkeypatch.setattr(snapshots, "default_views", list)
    monkeypatch.setattr(snapshots, "default_series", lambda: [series])
    monkeypatch.setenv("MILITIA_MAP_JOBS", "1")
    built = snapshots.write_snapshots(layers, dataset, tmp_path / "build")
    assert len(calls) == 1  # one change table for the two pages
    assert [p.name for p in built] == [p.name for p in alone]
    for a, b in zip(alone, built, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
