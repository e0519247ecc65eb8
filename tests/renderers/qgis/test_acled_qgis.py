"""The ACLED overlay opened by QGIS itself: both layers valid and styled by event type, grouped, credited in the layout."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from layers.acled import STYLE

pytestmark = pytest.mark.qgis
SCRIPT = Path(__file__).resolve().parents[2] / "qgis_scripts" / "inspect_qgis.py"
CREDIT = "Armed Conflict Location & Event Data (ACLED); www.acleddata.com"


@pytest.fixture(scope="module")
def report(qgis_python, acled_dist, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("qgis-home")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_RUNTIME_DIR": str(home),
           "QGIS_CUSTOM_CONFIG_PATH": str(home / "qgis")}  # fmt: skip
    png = str(home / "acled.png")
    proc = subprocess.run([qgis_python, str(SCRIPT), str(acled_dist), png], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_both_acled_layers_are_valid_and_categorized_by_event_type(report):
    layers = report["project"]["layers"]
    for title in ("ACLED events", "ACLED location uncertainty"):
        layer = layers[title]
        assert layer["valid"]
        assert layer["renderer"]["type"] == "categorizedSymbol"
        assert layer["renderer"]["attr"] == "event_type_key"
        assert [(key, label, colour.upper()) for key, label, colour in layer["renderer"]["categories"]] == [
            (key, label, colour.upper()) for key, (label, colour) in STYLE.categories.items()
        ]


def test_overlay_has_its_own_group_and_legend_entries(report):
    tree = dict(report["project"]["tree"])
    assert sorted(tree["ACLED events (overlay)"]) == ["ACLED events", "ACLED location uncertainty"]
    assert not [t for name, titles in tree.items() if name != "ACLED events (overlay)" for t in titles if t.startswith("ACLED")]
    assert {"ACLED events", "ACLED location uncertainty"} <= set(report["project"]["layout"]["legend"]["layers"])


def test_layout_credits_acled_with_the_file_date(report):
    labels = [text for text, *_ in report["project"]["layout"]["labels"]]
    credit = [text for text in labels if CREDIT in text]
    assert len(credit) == 1
    assert "data as of 2022-07-11 (latest ACLED timestamp in the file)" in credit[0]
    assert "Filters: Syria, Iraq, Lebanon" in credit[0]
