"""``build_map.py draft`` and ``accept``: bad input gives one clear message, never a traceback."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from build_map import main
from dataset import load_dataset
from dataset._safeyaml import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
REPORT = """Militias on the move

Hezbollah fighters reportedly withdrew from Qusayr to Lebanon on 7 December 2024.[1] Hashd al-Shaabi units crossed from Al-Bukamal into Iraq overnight.[2]

Rumours spread in Tadmur {{ config }} !!python/object:os.system "$(rm -rf /)" =HYPERLINK("x") that Kataib Hezbollah left.

[1] Smith, J., Hezbollah leaves Qusayr, Example Times, 8 December 2024, https://example.org/hezbollah-qusayr
[2] Example Wire, Iraqi militias go home, 9 December 2024
"""


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ to accept into."""
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A small report of our own, in a texts folder."""
    folder = tmp_path / "texts"
    folder.mkdir()
    path = folder / "test-report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_missing_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, text = _run(capsys, "draft", str(tmp_path / "nope.txt"), "--source", "noonpost", "--out", str(tmp_path / "d.yaml"))
    assert code == 1
    assert "nope.txt: file not found" in text
    assert "Traceback" not in text
    assert len(text.strip().splitlines()) == 1


def test_non_utf8_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "cp1256.txt"
    path.write_bytes("انسحبت الميليشيات من البوكمال".encode("cp1256"))
    code, text = _run(capsys, "draft", str(path), "--source", "noonpost", "--out", str(tmp_path / "d.yaml"))
    assert code == 1
    assert "not UTF-8" in text
    assert "Traceback" not in text
    assert len(text.strip().splitlines()) == 1


def test_unknown_source_id(capsys: pytest.CaptureFixture[str], report: Path, tmp_path: Path) -> None:
    code, text = _run(capsys, "draft", str(report), "--source", "noonpst", "--out", str(tmp_path / "d.yaml"), "-q")
    assert code == 1
    assert "unknown source id" in text
    assert "'noonpost'" in text
    assert "Traceback" not in text
    assert not (tmp_path / "d.yaml").exists()


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str], report: Path) -> None:
    code, text = _run(capsys, "draft", str(report), "--source", "noonpost", "--date", "7/12/2024")
    assert code == 2
    assert "YYYY-MM-DD" in text


def test_existing_draft_is_not_overwritten(capsys: pytest.CaptureFixture[str], report: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    out.write_text("my review\n", encoding="utf-8")
    code, text = _run(capsys, "draft", str(report), "--source", "noonpost", "--out", str(out), "-q")
    assert code == 1
    assert "--force" in text
    assert out.read_text(encoding="utf-8") == "my review\n"


def test_broken_draft_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, data_copy: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("drafts: [\n", encoding="utf-8")
    code, text = _run(capsys, "accept", str(bad), "--data-dir", str(data_copy))
    assert code == 1
    assert "not valid YAML at line" in text
    assert "Traceback" not in text


def _draft(capsys: pytest.CaptureFixture[str], report: Path, data_copy: Path, out: Path) -> dict[str, object]:
    code, text = _run(
        capsys, "draft", str(report), "--source", "test-report", "--new-source", "--date", "2024-12-10", "--data-dir", str(data_copy), "--out", str(out), "-q"
    )
    assert code == 0, text
    doc = parse_yaml(out.read_text(encoding="utf-8"))[0]
    assert isinstance(doc, dict)
    return doc


def test_untrusted_text_stays_text(capsys: pytest.CaptureFixture[str], report: Path, data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    doc = _draft(capsys, report, data_copy, out)
    quotes = [r["claim"]["evidence"][0]["quote"] for r in doc["drafts"]]  # type: ignore[index, union-attr]
    tricky = next(q for q in quotes if "!!python" in q)
    assert tricky in REPORT
    assert "{{ config }}" in tricky
    # written as a plain string: safe_load would refuse a python tag
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["drafts"] == doc["drafts"]


def test_accept_round_trip(capsys: pytest.CaptureFixture[str], report: Path, data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    doc = _draft(capsys, report, data_copy, out)
    drafts = doc["drafts"]
    assert isinstance(drafts, list)
    by_quote = {r["claim"]["evidence"][0]["quote"][:20]: r for r in drafts}
    withdrawal = by_quote["Hezbollah fighters r"]
    crossing = by_quote["Hashd al-Shaabi unit"]
    rumour = next(r for r in drafts if "Tadmur" in r["claim"]["evidence"][0]["quote"])
    assert withdrawal["claim"]["places"] == {"origin": "qusayr", "destination": "lebanon"}
    assert withdrawal["claim"]["status"] == "claimed"
    assert withdrawal["claim"]["evidence"][0]["locator"] == {"paragraph": 2, "footnote": 1}
    assert crossing["claim"]["time"]["start"] == "2024-12-09"  # overnight before the report's date
    assert rumour["review"]["add_to_gazetteer"][0]["id"] == "tadmur"
    for rec in (withdrawal, crossing, rumour):
        rec["accept"] = True
    crossing["claim"]["actors"] = ["no such actor"]  # this one must stay in the draft
    doc["source"].update(publisher="Example Desk", kind="report")  # type: ignore[union-attr]
    for work in doc["cited_works"]:  # type: ignore[union-attr]
        work.update(accept=True, kind="news article")
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in data_copy.rglob("*.yaml")}

    seeds = ROOT.parent / "shared" / "seeds"  # the verbatim check runs where the seeds are; accept works without them
    code, text = _run(capsys, "accept", str(out), "--data-dir", str(data_copy), *(["--sources-dir", str(seeds)] if seeds.is_dir() else []))

    assert code == 1  # one record kept back
    assert "unknown actor 'no such actor'" in text
    ds = load_dataset(data_copy, sources_dir=report.parent)
    moved = {c.id for c in ds.claims if c.file == "claims/test-report.yaml"}
    assert moved == {withdrawal["claim"]["id"], rumour["claim"]["id"]}
    assert ds.gazetteer.get("tadmur") is not None
    assert {"test-report", "smith-2024"} <= set(ds.sources)
    assert ds.sources["test-report"].text_sha256 == hashlib.sha256(report.read_bytes()).hexdigest()  # the text the quotes were checked in
    assert ds.sources["test-report"].acquired
    assert any(n.startswith("Checked") for n in ds.notes)
    left = parse_yaml(out.read_text(encoding="utf-8"))[0]
    assert [r["claim"]["id"] for r in left["drafts"] if r["accept"]] == [crossing["claim"]["id"]]
    assert "unknown actor" in left["drafts"][[r["claim"]["id"] for r in left["drafts"]].index(crossing["claim"]["id"])]["problems"][0]
    assert (data_copy / "claims" / "euaa-2025.yaml").read_bytes() == before["euaa-2025.yaml"]


def test_accept_leaves_data_untouched_when_everything_fails(capsys: pytest.CaptureFixture[str], report: Path, data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    doc = _draft(capsys, report, data_copy, out)
    for rec in doc["drafts"]:  # type: ignore[union-attr]
        rec["accept"] = True
    # the source keeps kind: "" -> sources.yaml would be invalid, so nothing may move
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = {str(p.relative_to(data_copy)): p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    code, text = _run(capsys, "accept", str(out), "--data-dir", str(data_copy))
    assert code == 1
    assert "sources.yaml" in text
    assert "Traceback" not in text
    after = {str(p.relative_to(data_copy)): p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    assert after == before
