"""Rebuilds reuse what has not changed, byte for byte, and redo what has."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import build_map
import renderers
from dataset import load_dataset
from renderers._reuse import MANIFEST

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cheap(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Only the quick renderers (GeoJSON, CSV, QML), each counted when it really draws."""
    calls: list[str] = []
    chosen = [(name, func) for name, func in renderers.RENDERERS if name in {"GeoJSON layers", "ACLED-style CSV", "QML sidecar styles"}]

    def counted(name, func):
        def run(layers, ds, out):
            calls.append(name)
            return func(layers, ds, out)

        return run

    monkeypatch.setattr(renderers, "RENDERERS", [(name, counted(name, func)) for name, func in chosen])
    return calls


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}


def test_unchanged_inputs_are_reused_and_a_changed_claim_is_redrawn(cheap: list[str], tmp_path: Path, sources_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    out = tmp_path / "dist"
    build_map.build(load_dataset(data, sources_dir=sources_dir), out)
    assert len(cheap) == 3
    first = _files(out)
    times = {p: (out / p).stat().st_mtime_ns for p in first}
    build_map.build(load_dataset(data, sources_dir=sources_dir), out)
    assert len(cheap) == 3, "nothing changed: every output reused"
    assert _files(out) == first
    assert {p: (out / p).stat().st_mtime_ns for p in first} == times
    claims = data / "claims" / "noonpost.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("Soleimani", "Soleimani (edited)", 1), encoding="utf-8")
    build_map.build(load_dataset(data, sources_dir=None), out)
    assert len(cheap) == 6, "data/ changed: every output drawn again"
    assert _files(out) != first


def test_a_broken_manifest_means_a_full_build(cheap: list[str], tmp_path: Path, sources_dir: Path) -> None:
    out = tmp_path / "dist"
    ds = load_dataset(ROOT / "data", sources_dir=sources_dir)
    build_map.build(ds, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["GeoJSON layers"]["files"] = ["../../etc/passwd"]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "militia_map.csv").unlink()
    build_map.build(ds, out)
    assert cheap.count("GeoJSON layers") == 2, "a manifest pointing outside dist/ is not trusted"
    assert cheap.count("ACLED-style CSV") == 2, "a missing file is drawn again"
    assert cheap.count("QML sidecar styles") == 1
    assert (out / "militia_map.csv").is_file()
