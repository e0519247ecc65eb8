"""The payload corpus in every text field of a copy of ``data/``, built end to end.

Two builds deal the payloads round the fields with different shifts (summaries, notes, place
names and aliases, source titles/authors/publishers/notes, dataset title/abstract/disclaimer/
method/licence, actor and type labels, timeline labels and notes, and one quote, through a copy
of its source text). Every output must be well-formed and show the text as written; nothing
may run at build time; in Chromium nothing may run, with the page's policy on or bypassed.
C0 control characters get their own build (or are refused by ``check``, naming the field).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest

from build_map import main
from renderers._xml import REPLACEMENT
from renderers.webmap.screenshot import OfflinePage, offline_page
from tests.security.checks import DATA_BLOCK, XML_FORBIDDEN, decode_page, strings
from tests.security.corpus import CONTROL, EVALUATED, LONG, PAYLOADS, PROOF_NAME, with_proof
from tests.security.inject import Injected, inject

ROOT = Path(__file__).resolve().parents[2]
SHIFTS = (0, len(PAYLOADS) // 2)

pytestmark = pytest.mark.slow


def words(text: str) -> str:
    """``text`` with every run of whitespace as one space (the snapshots wrap long lines)."""
    return re.sub(r"\s+", " ", text).strip()


class Built:
    """One build of a hostile copy: where it is, what went in, and the proof file that must not appear."""

    def __init__(self, injected: Injected, out: Path, proof: Path) -> None:
        self.injected, self.out, self.proof = injected, out, proof

    def page(self) -> str:
        return (self.out / "index.html").read_text(encoding="utf-8")

    def data(self) -> dict:
        return decode_page(self.page())


@pytest.fixture(scope="module", params=SHIFTS, ids=lambda s: f"shift{s}")
def built(request: pytest.FixtureRequest, sources_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A full build of ``data/`` with the corpus dealt into every text field."""
    base = tmp_path_factory.mktemp(f"corpus{request.param}")
    proof = base / PROOF_NAME
    injected = inject(ROOT / "data", sources_dir, base / "in", [with_proof(p, str(proof)) for p in PAYLOADS], shift=request.param)
    out = base / "dist"
    code = main(["--data-dir", str(injected.data_dir), "--sources-dir", str(injected.sources_dir), "--out", str(out), "-q"])
    assert code == 0, "the hostile copy did not build; run build_map.py on it by hand to see why"
    return Built(injected, out, proof)


def test_corpus_is_large_and_varied() -> None:
    assert len(PAYLOADS) >= 30
    assert len(LONG) >= 100_000
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_every_payload_went_into_several_kinds_of_field(built: Built) -> None:
    kinds = {p: {k for k, texts in built.injected.placed.items() if p in texts} for p in built.injected.placed["claim.summary"]}
    assert len(built.injected.placed) >= 20
    assert all(len(k) >= 3 for k in kinds.values())


def test_nothing_runs_at_build_time(built: Built) -> None:
    assert not built.proof.exists(), "a payload ran a command during the build"


def test_the_page_data_holds_every_payload_as_written(built: Built) -> None:
    texts = strings(built.data())
    joined = "\n".join(texts)
    page_fields = ("claim.summary", "claim.note", "dataset.title", "dataset.method", "source.title", "place.name", "stop.label")
    missing = {kind: [p[:30] for p in built.injected.placed[kind] if p not in joined] for kind in page_fields}
    assert missing == {kind: [] for kind in page_fields}
    assert any(built.injected.quote in t for t in texts), "the quote with a payload inside is not in the page"
    assert [t[:60] for t in texts if any(e in t for e in EVALUATED)] == []


def test_the_page_runs_only_its_own_scripts(built: Built) -> None:
    page = built.page()
    title = built.injected.placed["dataset.title"][0]
    assert page.count("<title>") == 1
    scripts = re.findall(r"<script\b[^>]*>", page, re.IGNORECASE)
    assert scripts.count('<script type="application/json" id="militia-map-data">') == 1
    assert len(scripts) == 8, scripts  # Leaflet, folium's header script, supercluster, webmap.js, controls.js, decode.js, the start call, the data block
    outside = DATA_BLOCK.sub("", page)
    assert f"<title>{escape(title)}</title>" in page
    assert "__pwned" not in outside.replace(f"<title>{escape(title)}</title>", ""), "payload text outside the data block and title"


def test_geojson_files_parse_and_carry_the_text(built: Built) -> None:
    files = sorted((built.out / "layers").glob("*.geojson"))
    assert files
    texts = [s for f in files for s in strings(json.loads(f.read_text(encoding="utf-8")))]
    joined = "\n".join(texts)
    assert all(p in joined for p in built.injected.placed["claim.summary"])
    assert [t[:60] for t in texts if any(e in t for e in EVALUATED)] == []


def _xml(path: Path) -> ET.Element:
    text = path.read_text(encoding="utf-8")
    assert not XML_FORBIDDEN.search(text), path.name
    return ET.parse(path).getroot()  # noqa: S314 - the point is to prove it is well-formed


def test_qgis_project_and_styles_are_well_formed(built: Built) -> None:
    project = _xml(built.out / "militia_map.qgs")
    assert project.findtext("title") == built.injected.placed["dataset.title"][0]
    qmls = sorted((built.out / "layers").glob("*.qml"))
    assert qmls
    for path in qmls:
        _xml(path)
    labels = [item.get("labelText", "") for item in project.iter("LayoutItem") if item.get("labelText") is not None]
    assert labels
    assert all(re.sub(r"\[% '\[%' %\]", "", t).count("[%") == 0 for t in labels), "a layout label would evaluate data as an expression"


def test_gpkg_metadata_documents_are_well_formed(built: Built) -> None:
    with sqlite3.connect(built.out / "militia_map.gpkg") as db:
        documents = [row[0] for row in db.execute("SELECT metadata FROM gpkg_metadata")]
        styles = [row[0] for row in db.execute("SELECT styleQML FROM layer_styles")]
        summaries = [row[0] for row in db.execute("SELECT summary FROM presence")]
    db.close()
    for text in documents + styles:
        ET.fromstring(text.split("\n", 1)[1] if text.startswith("<!DOCTYPE") else text)  # noqa: S314
    assert set(summaries) <= set(built.injected.placed["claim.summary"])


def test_every_snapshot_svg_is_well_formed_and_shows_the_text(built: Built) -> None:
    svgs = sorted((built.out / "snapshots").glob("*.svg"))
    assert len(svgs) >= 4
    for path in svgs:
        root = _xml(path)
        shown = words(" ".join(t for el in root.iter() if el.tag.endswith("text") for t in el.itertext()))
        assert words(built.injected.placed["dataset.title"][0]) in shown, path.name
        assert not any(e in shown for e in EVALUATED), path.name


@pytest.mark.parametrize("name", ["militia_map.csv", "claims_not_on_map.csv"])
def test_csv_parses_with_one_cell_per_column(built: Built, name: str) -> None:
    with (built.out / name).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) > 1
    assert {len(r) for r in rows} == {len(rows[0])}
    cells = [c for r in rows[1:] for c in r]
    assert "{{ 7*191 }}" in cells or any("{{ 7*191 }}" in c for c in cells)
    assert not any(c in EVALUATED for c in cells)
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), "a cell a spreadsheet would run as a formula"


# ---------- C0 control characters ----------


def test_control_characters_are_refused_by_check_or_written_as_replacement(sources_dir: Path, tmp_path: Path) -> None:
    """After validation rejects C0 characters, ``check`` must name the field; until then the writers must clean them."""
    injected = inject(ROOT / "data", sources_dir, tmp_path / "in", CONTROL)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build_map.py"), "check", "--data-dir", str(injected.data_dir), "--sources-dir", str(injected.sources_dir)],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr + proc.stdout
    if proc.returncode != 0:
        assert re.search(r"disclaimer|summary|title", proc.stderr + proc.stdout), "the refusal names no field"
        return
    out = tmp_path / "dist"
    assert main(["--data-dir", str(injected.data_dir), "--sources-dir", str(injected.sources_dir), "--out", str(out), "-q"]) == 0
    project = (out / "militia_map.qgs").read_text(encoding="utf-8")
    assert REPLACEMENT in project
    for path in [out / "militia_map.qgs", *(out / "layers").glob("*.qml"), *(out / "snapshots").glob("*.svg")]:
        _xml(path)
    decode_page((out / "index.html").read_text(encoding="utf-8"))


# ---------- In Chromium ----------

INJECTED = """() => document.querySelectorAll(
  'img, iframe, base, math, style:not(head style), [onerror], [onload], [ontoggle], a[href^="javascript:"], a[href^="data:"]').length"""
TOUR = """async () => {
  const app = window.militiaMap, root = app.map.getContainer(), seen = [];
  root.querySelectorAll('details').forEach((d) => { d.open = true; });
  for (const [id, entry] of Object.entries(app.layers)) {
    for (const f of entry.features) {
      app.openPopup(id, f.id);
      const popup = root.querySelector('.leaflet-popup-content');
      if (popup) { seen.push(popup.textContent); }
    }
  }
  const input = root.querySelector('.mm-search-input');
  for (const q of ['{{', '<img', 'damascus', 'a']) {
    input.value = q; input.dispatchEvent(new Event('input'));
    const first = root.querySelector('.mm-search-results button');
    if (first) { first.click(); }
  }
  root.querySelectorAll('.mm-stop').forEach((b) => b.click());
  const story = root.querySelector('.mm-story-start');
  if (story) { story.click(); }
  for (let i = 0; i < app.story.steps.length; i += 1) {
    app.story.show(i);
    const box = root.querySelector('.mm-story');
    seen.push(box ? box.textContent : '');
  }
  root.querySelector('.mm-about-open').click();
  await new Promise((r) => setTimeout(r, 300));
  seen.push(root.querySelector('.mm-modal').textContent, root.querySelector('.mm-legend').textContent, document.title);
  return seen.join('\\n');
}"""
SCRIPTS_BEFORE = "() => document.scripts.length"


def _tour(view: OfflinePage, built: Built) -> str:
    view.open(built.out / "index.html")
    scripts = view.page.evaluate(SCRIPTS_BEFORE)
    text = view.page.evaluate(TOUR)
    view.page.wait_for_timeout(300)
    assert view.page.evaluate("() => window.__pwned === undefined")
    assert view.dialogs == []
    assert view.page_errors == []
    assert view.console_errors == []
    assert view.blocked == []
    assert view.page.evaluate(SCRIPTS_BEFORE) == scripts
    assert view.page.evaluate(INJECTED) == 0
    assert view.page.url.startswith((built.out / "index.html").resolve().as_uri()), "the page navigated away"
    return text


@pytest.mark.browser
@pytest.mark.parametrize("bypass_csp", [False, True], ids=["csp-on", "csp-bypassed"])
def test_nothing_runs_in_the_browser_and_text_shows_as_written(chromium: str, built: Built, bypass_csp: bool) -> None:
    with offline_page(chromium, bypass_csp=bypass_csp) as view:
        text = _tour(view, built)
    shown = [p for p in built.injected.placed["claim.summary"] if p in text]
    assert "{{ 7*191 }}" in text or "<script>window.__pwned='script'</script>" in text
    assert len(shown) >= len(set(built.injected.placed["claim.summary"])) // 2, "payload summaries should show as text in the popups"
    assert built.injected.placed["dataset.method"][0][:200] in text, "the About panel should show the method as written"
    assert not any(e in text for e in EVALUATED)


@pytest.mark.browser
def test_the_page_downloads_the_hostile_csv_as_the_writer_does_and_compares_inertly(chromium: str, built: Built, tmp_path: Path) -> None:
    """Download what I see (all dates) writes the hostile rows exactly as renderers/csv_export.py does; comparing runs nothing."""
    with (built.out / "militia_map.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    with offline_page(chromium) as view:
        view.open(built.out / "index.html")
        page = view.page
        shown = page.evaluate(
            "() => Object.keys(militiaMap.layers).flatMap((k) => militiaMap.isVisible(k) ? militiaMap.shownIds(k).map((id) => k + '/' + id) : [])"
        )
        layer, fid = rows[0].index("layer"), rows[0].index("feature_id")
        want = [rows[0]] + [r for r in rows[1:] if f"{r[layer]}/{r[fid]}" in set(shown)]
        assert len(want) > 1
        page.click(".mm-compare > summary")
        with page.expect_download() as info:
            page.click(".mm-download-csv")
        path = tmp_path / "download.csv"
        info.value.save_as(path)
        sink = io.StringIO(newline="")
        csv.writer(sink).writerows(want)
        assert path.read_bytes().decode("utf-8-sig") == sink.getvalue()
        page.check(".mm-opt-compare input")
        assert page.evaluate("() => militiaMap.changes().length") > 0
        page.click(".mm-change-open")
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__pwned === undefined")
        assert page.evaluate(INJECTED) == 0
        assert view.page_errors == []
        assert view.dialogs == []
