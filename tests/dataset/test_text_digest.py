"""The source texts' SHA-256: a quote is only checked against the very text it was verified in."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from dataset import DataError, load_dataset

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def _copy(tmp_path: Path, sources_dir: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    seeds = tmp_path / "seeds"
    shutil.copytree(sources_dir, seeds)
    return data, seeds


def _problems(data: Path, seeds: Path) -> list[str]:
    with pytest.raises(DataError) as err:
        load_dataset(data, sources_dir=seeds)
    return [str(p) for p in err.value.problems]


def test_recorded_hashes_are_the_seeds_hashes(sources_dir: Path) -> None:
    """Every document with a text records the SHA-256 that hashlib computes of that file's bytes, and a date."""
    records = yaml.safe_load((DATA / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    with_text = [r for r in records if r.get("text")]
    assert len(with_text) == 2  # the two seeds
    for rec in with_text:
        assert rec["text_sha256"] == hashlib.sha256((sources_dir / rec["text"]).read_bytes()).hexdigest()
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(rec["acquired"]))
        assert rec["acquired_basis"]


def test_one_changed_byte_fails_naming_the_file_and_both_hashes(tmp_path: Path, sources_dir: Path) -> None:
    data, seeds = _copy(tmp_path, sources_dir)
    target = seeds / "001_e170858b837fee6e.txt"
    raw = bytearray(target.read_bytes())
    raw[-2] = ord("X") if raw[-2] != ord("X") else ord("Y")  # one byte, far from every quote
    target.chmod(0o644)
    target.write_bytes(bytes(raw))
    problems = _problems(data, seeds)
    [msg] = [p for p in problems if "text_sha256" in p]
    assert "noonpost" in msg
    assert "sources.yaml" in msg
    assert "001_e170858b837fee6e.txt" in msg
    assert hashlib.sha256(bytes(raw)).hexdigest() in msg
    assert hashlib.sha256((sources_dir / target.name).read_bytes()).hexdigest() in msg
    assert "re-verify" in msg


def test_missing_hash_gives_the_hash_to_add(tmp_path: Path, sources_dir: Path) -> None:
    data, seeds = _copy(tmp_path, sources_dir)
    text = (data / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace("    text_sha256: 2058d0feed7fa1019329228adc2ba6d4d9a9e60d244d0769d521c978a4fea34e\n", "")
    (data / "sources.yaml").write_text(text, encoding="utf-8")
    [msg] = [p for p in _problems(data, seeds) if "text_sha256" in p]
    assert "is missing" in msg
    assert hashlib.sha256((seeds / "001_e170858b837fee6e.txt").read_bytes()).hexdigest() in msg


@pytest.mark.parametrize("bad", ["abc", "9A2828021B51843406E1D7CB594EEA717CBF9E70DE93D6C6F581A9BE9F2EA2DE", "g" * 64])
def test_malformed_hash_is_refused(tmp_path: Path, sources_dir: Path, bad: str) -> None:
    data, seeds = _copy(tmp_path, sources_dir)
    text = (data / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace("9a2828021b51843406e1d7cb594eea717cbf9e70de93d6c6f581a9be9f2ea2de", bad)
    (data / "sources.yaml").write_text(text, encoding="utf-8")
    msgs = [p for p in _problems(data, seeds) if "text_sha256" in p and "euaa-2025" in p]
    assert any("not a SHA-256" in m for m in msgs)


def test_missing_acquired_date_is_named(tmp_path: Path, sources_dir: Path) -> None:
    data, seeds = _copy(tmp_path, sources_dir)
    text = (data / "sources.yaml").read_text(encoding="utf-8")
    (data / "sources.yaml").write_text(text.replace("    acquired: 2026-11-21\n", "", 1), encoding="utf-8")
    [msg] = [p for p in _problems(data, seeds) if "acquired" in p and "missing" in p]
    assert "euaa-2025" in msg
