"""axe-core (pinned from npm, dev-only) finds no WCAG 2.1 A/AA violation on the map, laptop and phone.

axe is read from ``node_modules`` at test time and injected into the page inside the test; it
never enters ``dist/``. The page's Content-Security-Policy is bypassed only so the injected
script may run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from renderers.webmap._assets import NODE_MODULES
from renderers.webmap.screenshot import offline_page

pytestmark = pytest.mark.browser
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """
async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary) }));
}
"""


def _axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core not installed at {AXE}; run `npm ci` (make test does)")
    package = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))
    pinned = json.loads((NODE_MODULES.parent / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    assert package["version"] == pinned, f"node_modules has axe-core {package['version']}, package.json pins {pinned}: run `npm ci`"
    return AXE.read_text(encoding="utf-8")


def _violations(chromium: str, html: Path, *, phone: bool, opened: str = "") -> list[dict[str, Any]]:
    source = _axe_source()
    with offline_page(chromium, phone=phone, bypass_csp=True) as view:
        view.open(html)
        if opened:
            view.page.evaluate(opened)
            view.page.wait_for_timeout(500)  # the popup fades in: judge its colours once shown
        view.page.add_script_tag(content=source)
        found: list[dict[str, Any]] = view.page.evaluate(RUN, TAGS)
        assert view.blocked == []
        return found


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_no_wcag_violation_as_the_page_opens(chromium: str, built_dist: Path, phone: bool) -> None:
    found = _violations(chromium, built_dist / "index.html", phone=phone)
    assert found == [], json.dumps(found, indent=1)


OPEN_EVERYTHING = """
() => {
  const root = militiaMap.map.getContainer();
  root.querySelectorAll('details').forEach((d) => { d.open = true; });
  root.querySelector('.mm-time-toggle').click();
  const f = militiaMap.layers.movements.features[0];
  militiaMap.openPopup('movements', f.id);
}
"""


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_no_wcag_violation_with_panels_and_a_popup_open(chromium: str, built_dist: Path, phone: bool) -> None:
    found = _violations(chromium, built_dist / "index.html", phone=phone, opened=OPEN_EVERYTHING)
    assert found == [], json.dumps(found, indent=1)
