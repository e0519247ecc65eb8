"""Finish the rendered page: put in the title and data after templating, and allow only our own scripts.

Jinja (through folium and branca) renders only the project's fixed code. The dataset title and
the JSON data document are inserted afterwards by plain string replacement of fixed slots, once
each, so no text from the data is ever compiled as a template. The Content-Security-Policy
lists the hashes of the scripts the project writes, taken from the element tree (their known
text), never from the finished page; :func:`assert_only_own_scripts` then proves the page holds
no other executable script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from branca.element import Element, Figure

from renderers.webmap._elements import DATA_ELEMENT_ID, DATA_SLOT, TITLE_SLOT, InlineScript, InlineStyle
from renderers.webmap._escape import escape_text

_SCRIPT_BODY = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_SLOTS = re.compile(f"{re.escape(TITLE_SLOT)}|{re.escape(DATA_SLOT)}")


class PageError(RuntimeError):
    """Raised when the rendered page is not what the project wrote (a slot missing, a foreign script)."""


def fill_slots(page: str, *, title: str, data_json: str) -> str:
    """Return ``page`` with its title slot and data slot filled, in one pass, after templating.

    Each slot must occur exactly once in the rendered page. The inserted text is never scanned
    again, so a title or datum that happens to contain a slot's marker is shown as it is.

    Parameters
    ----------
    page
        The rendered page, before any text from the data is in it.
    title
        The dataset title, plain text (HTML-escaped here).
    data_json
        The data document from :func:`renderers.webmap._escape.script_json` (no raw ``<``).
    """
    if "<" in data_json or "\u2028" in data_json or "\u2029" in data_json:
        msg = "The data JSON holds a raw '<' or line separator; it must come from renderers.webmap._escape.script_json."
        raise PageError(msg)
    values = {TITLE_SLOT: escape_text(title), DATA_SLOT: data_json}
    for slot in values:
        count = page.count(slot)
        if count != 1:
            msg = f"The rendered page has {count} copies of the slot {slot!r}, expected exactly one."
            raise PageError(msg)
    return _SLOTS.sub(lambda found: values[found.group(0)], page)


def own_scripts(figure: Figure) -> list[str]:
    """Return the text of every executable script the project writes into the page, from the element tree.

    These are the inlined files (Leaflet, ``webmap.js``, ``controls.js``), the script in folium's
    fixed map header, and the body script (the map and the start call), which
    :class:`~renderers.webmap._elements.PageFigure` wraps as ``<script>`` + ``figure.script.render()``
    + ``</script>``. Call after ``figure.render()``: rendering adds the header children.
    """
    codes: list[str] = []
    header: Element = figure.header
    for child in header._children.values():  # noqa: SLF001 - branca keeps children here
        if isinstance(child, InlineScript):
            codes.append(child.code)
        elif not isinstance(child, InlineStyle):
            codes += _SCRIPT_BODY.findall(child.render())
    codes.append(figure.script.render())
    return codes


def script_hash(code: str) -> str:
    """Return the CSP source expression ``'sha256-…'`` of an inline script's text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def csp_meta(codes: list[str]) -> str:
    """Return the Content-Security-Policy ``<meta>`` allowing only the inline scripts ``codes`` (by hash)."""
    scripts = " ".join(sorted({script_hash(code) for code in codes}))
    policy = (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'"
    )
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


class _Scripts(HTMLParser):
    """Collect every ``<script>`` (attributes and text) and every event-handler attribute of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.handlers: list[str] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"<{tag} {name}=...>" for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def assert_only_own_scripts(page: str, codes: list[str]) -> None:
    """Raise :class:`PageError` unless the page's only scripts are ``codes`` and the one JSON data block.

    Every executable ``<script>`` must have exactly one of the known texts; the only other script
    is ``<script type="application/json" id="militia-map-data">``, whose text holds no ``<``; no
    element carries an event-handler attribute (``onload=`` …).
    """
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    known = set(codes)
    data_blocks = 0
    for attrs, text in parser.scripts:
        if attrs == {"type": "application/json", "id": DATA_ELEMENT_ID}:
            data_blocks += 1
            if "<" in text:
                msg = "The page's data block contains a raw '<'; the data must be escaped by script_json."
                raise PageError(msg)
        elif attrs or text not in known:
            msg = f"The page contains a script the project did not write: <script {attrs}>{text[:80]!r}…"
            raise PageError(msg)
    opened = len(_SCRIPT_OPEN.findall(page))
    if data_blocks != 1 or opened != len(parser.scripts) or len(parser.scripts) != len(codes) + 1:
        msg = f"The page has {len(parser.scripts)} scripts ({data_blocks} data blocks, {opened} '<script' tags); expected {len(codes)} + 1 data block."
        raise PageError(msg)
    if parser.handlers:
        msg = f"The page contains event-handler attributes: {parser.handlers[:5]}"
        raise PageError(msg)
