"""Each writer treats data as plain text, called directly on layers and a dataset carrying the corpus.

* The page: no data text is templated (Jinja output such as ``1337`` never appears, a payload
  that would create a file does not), the title is escaped, and the policy allows only the
  project's own scripts, which are the only ones in the page.
* XML writers (QGIS project, QML, GeoPackage metadata): well-formed even with C0 control
  characters, which become U+FFFD; QGIS expression literals and layout labels show text as written.
* Snapshots: ``$…$`` is drawn as written (no mathtext), control characters never reach the SVG.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import jinja2
import pytest

from branca.element import Element

from dataset import Dataset
from layers import Layer
from renderers._xml import REPLACEMENT, xml_safe
from renderers.qgis._qgis_layout import label_text
from renderers.qgis._qgis_metadata import metadata_qmd
from renderers.qgis.gpkg import write_geopackage
from renderers.qgis.qgis_project import write_qgis_project
from renderers.qgis.qml import QGIS_VERSION, qgis_string, write_qml_sidecars
from renderers.snapshots import default_views
from renderers.snapshots.figure import render_view
from renderers.webmap import build_webmap, render_page
from renderers.webmap._page import PageError
from tests.security.checks import XML_FORBIDDEN, decode_page, strings
from tests.security.corpus import CONTROL, EVALUATED, PAYLOADS, PROOF_NAME, with_proof
from tests.security.poison import poison_dataset, poison_layer

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
STATIC = Path(__file__).resolve().parents[2] / "renderers" / "webmap" / "static"


@pytest.fixture
def corpus(tmp_path: Path) -> list[str]:
    """The payloads, with the file-creating ones pointed at ``tmp_path``."""
    return [with_proof(p, str(tmp_path / PROOF_NAME)) for p in PAYLOADS]


# ---------- The page ----------


def test_no_data_text_is_templated(layers: list[Layer], dataset: Dataset, corpus: list[str], tmp_path: Path) -> None:
    ds = poison_dataset(dataset, corpus)
    page = render_page(build_webmap([poison_layer(layer, corpus, 5 * n) for n, layer in enumerate(layers)], ds, built="2025-01-01 00:00 UTC"))
    assert not (tmp_path / PROOF_NAME).exists(), "a payload ran a command at build time"
    texts = strings(decode_page(page))
    joined = "\n".join(texts)
    missing = [p[:40] for p in corpus if p not in joined]
    assert missing == [], "payloads that did not reach the page as written"
    assert [t[:60] for t in texts if any(e in t for e in EVALUATED)] == []
    assert f"<title>{escape(corpus[0])}</title>" in page


def test_jinja_never_compiles_text_from_the_data(layers: list[Layer], dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every template Jinja compiles while the page is built and rendered is the project's own code."""
    marker = "mm-data-marker-{{ 6*7 }}"
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def recording(self: jinja2.Environment, source: object, *args: object, **kwargs: object) -> object:
        compiled.append(source if isinstance(source, str) else "")
        return real(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", recording)
    ds = poison_dataset(dataset, [marker])
    page = render_page(build_webmap([poison_layer(layer, [marker]) for layer in layers], ds, built="x"))
    assert compiled, "no template was compiled: the recorder is not in the path"
    assert [c[:80] for c in compiled if "mm-data-marker" in c] == []
    assert "mm-data-marker-{{ 6*7 }}" in page


def test_the_title_is_escaped_and_never_templated(layers: list[Layer], dataset: Dataset) -> None:
    title = "{{ 7*191 }} @@militia-map-data@@ @@militia-map-title@@ </title><script>window.__pwned=1</script>"
    ds = poison_dataset(dataset, [title])
    page = render_page(build_webmap(layers, ds, built="x"))
    assert page.count("<title>") == 1
    assert f"<title>{escape(title)}</title>" in page
    assert decode_page(page)["meta"]["title"] == title


def _hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def test_policy_hashes_our_files_and_nothing_from_the_data(layers: list[Layer], dataset: Dataset, corpus: list[str]) -> None:
    ds = poison_dataset(dataset, corpus)
    page = render_page(build_webmap([poison_layer(layer, corpus) for layer in layers], ds, built="x"))
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert policy
    allowed = set(re.findall(r"'sha256-[^']+'", policy.group(1).split("script-src")[1].split(";")[0]))
    npm = [re.sub(r"^\s*//# sourceMappingURL=.*$", "", (NODE_MODULES / name).read_text(encoding="utf-8"), flags=re.MULTILINE)
           for name in ("leaflet/dist/leaflet.js", "supercluster/dist/supercluster.min.js")]  # fmt: skip
    ours = {*(_hash(code) for code in npm), *(_hash((STATIC / name).read_text(encoding="utf-8")) for name in ("webmap.js", "controls.js", "decode.js"))}
    assert ours <= allowed
    # The rest: folium's fixed header script and the body script that starts the map, nothing else.
    assert len(allowed) == len(ours) + 2
    body = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    assert "militiaMapApp.start(" in body
    assert "militiaMapDecode.unpack(" in body
    assert _hash(body) in allowed


@pytest.mark.parametrize(
    "foreign",
    ["<script>window.__pwned=1</script>", "<SCRIPT>window.__pwned=1</SCRIPT>", "<script src=x></script>", '<img src=x onerror="window.__pwned=1">',
     '<script type="application/json" id="militia-map-data">{}</script>'],
)  # fmt: skip
def test_a_script_the_project_did_not_write_stops_the_build(layers: list[Layer], dataset: Dataset, foreign: str) -> None:
    """Before, the policy hashed whatever script was in the finished page, so one that got in was allowed."""
    fmap = build_webmap(layers, dataset, built="x")
    fmap.get_root().html.add_child(Element(foreign), name="foreign")
    with pytest.raises(PageError):
        render_page(fmap)


# ---------- XML writers ----------


def _parse(text: str) -> ET.Element:
    body = text.split("\n", 1)[1] if text.startswith("<!DOCTYPE") else text
    return ET.fromstring(body)  # noqa: S314 - our own output, checked to be well-formed


def test_xml_safe_replaces_exactly_what_xml_forbids() -> None:
    for text in CONTROL:
        clean = xml_safe(text)
        assert not XML_FORBIDDEN.search(clean)
        assert len(clean) == len(text)
        assert ET.fromstring(f"<a b={json.dumps(clean)}>{escape(clean, quote=False)}</a>").text == clean  # noqa: S314
    allowed = "tab\tnew\nline\rreturn \u0085 \u00a0 \ud7ff \ue000 \ufffd \U0001f600 \u2028"
    assert xml_safe(allowed) == allowed


@pytest.fixture(scope="module")
def control_inputs(layers: list[Layer], dataset: Dataset) -> tuple[list[Layer], Dataset]:
    """Layers and a dataset with C0 control characters (and the corpus) in every text."""
    texts = CONTROL + PAYLOADS[:10]
    return [poison_layer(layer, texts, n) for n, layer in enumerate(layers)], poison_dataset(dataset, texts)


def test_qgis_project_and_qml_are_well_formed_with_control_characters(control_inputs: tuple[list[Layer], Dataset], tmp_path: Path) -> None:
    layers, ds = control_inputs
    paths = write_qgis_project(layers, ds, tmp_path) + write_qml_sidecars(layers, ds, tmp_path)
    assert len(paths) == len(layers) + 1
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not XML_FORBIDDEN.search(text), path.name
        _parse(text)
    project = (tmp_path / "militia_map.qgs").read_text(encoding="utf-8")
    assert "bell" + REPLACEMENT in project
    root = _parse(project)
    assert root.findtext("title") == xml_safe(CONTROL[0])


def test_gpkg_metadata_documents_are_well_formed(control_inputs: tuple[list[Layer], Dataset], tmp_path: Path) -> None:
    layers, ds = control_inputs
    for layer in layers:
        root = _parse(metadata_qmd(layer, ds, QGIS_VERSION))
        assert root.findtext("title", "").startswith(layer.style.title.split(" ")[0])
    (path,) = write_geopackage(layers, ds, tmp_path)
    with sqlite3.connect(path) as db:
        documents = [row[0] for row in db.execute("SELECT metadata FROM gpkg_metadata")]
        styles = [row[0] for row in db.execute("SELECT styleQML FROM layer_styles")]
    db.close()
    assert len(documents) == len(layers)
    for text in documents + styles:
        assert not XML_FORBIDDEN.search(text)
        _parse(text)


LABEL_CASES = ["[% 7*191 %]", "[% @project_path %] and [%", "%] [%] [%%] [% '[%' %]", "[%[%[% x", "plain", 'it\'s \\ "quoted"\nnew\tline']


def test_layout_labels_never_hold_an_unescaped_expression() -> None:
    for text in LABEL_CASES:
        shown = label_text(text)
        # Every [% opens an expression that is exactly the literal '[%' (what QGIS then shows).
        assert re.sub(r"\[% '\[%' %\]", "", shown) == text.replace("[%", "")


@pytest.mark.qgis
def test_qgis_shows_labels_and_literals_as_written(qgis_python: str, tmp_path: Path) -> None:
    """QGIS itself: the layout's expression replacement shows the label text as written; a literal evaluates to the text."""
    cases = LABEL_CASES + PAYLOADS[:12]
    script = """
import json, sys
from qgis.core import QgsApplication, QgsExpression, QgsExpressionContext
app = QgsApplication([], False); app.initQgis()
labels, literals = json.loads(sys.stdin.read())
out = {"labels": [QgsExpression.replaceExpressionText(t, QgsExpressionContext()) for t in labels],
       "literals": [QgsExpression(t).evaluate() for t in literals], "quoted": [QgsExpression.quotedString(t) for t in json.loads(sys.argv[1])]}
sys.stdout.write(json.dumps(out) + "\\n")
"""
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path), "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "q")}
    stdin = json.dumps([[label_text(t) for t in cases], [qgis_string(t) for t in cases]])
    proc = subprocess.run([qgis_python, "-c", script, json.dumps(cases)], input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["labels"] == cases
    assert out["literals"] == cases
    assert out["quoted"] == [qgis_string(t) for t in cases]


# ---------- Snapshots ----------


def svg_texts(path: Path) -> str:
    root = ET.parse(path).getroot()  # noqa: S314 - checked to be well-formed here
    return "\n".join(t for el in root.iter() if el.tag.endswith("text") for t in el.itertext())


def test_snapshot_draws_maths_and_control_characters_as_plain_text(layers: list[Layer], dataset: Dataset, tmp_path: Path) -> None:
    """``${a} ${b}`` as a source author once aborted the build (ParseSyntaxException); BEL made the SVG malformed.

    U+FEFF in a footer text made matplotlib's PDF writer fail (IndexError); it is drawn as U+2060.
    """
    texts = ["${a} ${b}", "$x^2$", "\\frac{1}{2} $", "zero\ufeffwidth", *CONTROL]
    ds = poison_dataset(dataset, texts)
    view = default_views()[0]
    svg, pdf = render_view([poison_layer(layer, texts, n) for n, layer in enumerate(layers)], ds, view, tmp_path, formats=("svg", "pdf"))
    assert pdf.stat().st_size > 10_000
    raw = svg.read_text(encoding="utf-8")
    assert not XML_FORBIDDEN.search(raw)
    shown = svg_texts(svg)
    assert "${a} ${b}" in shown
    assert "$x^2$" in shown
    assert "bell" + REPLACEMENT in shown
