"""Make data safe for the page: JSON for a script element, escaped HTML text, http(s)-only links."""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import urlsplit

# Characters that must never appear raw inside a <script> element or a JS string:
# '<' and '>' could close the element (`</script>`) or open a comment (`<!--`), '&' keeps
# HTML entities inert, U+2028/2029 end a line in older JavaScript parsers.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
SAFE_SCHEMES = ("http", "https")


def script_json(value: Any) -> str:  # noqa: ANN401 - any JSON-serialisable value
    r"""Return ``value`` as JSON that is safe inside ``<script type="application/json">``.

    Non-ASCII text is kept as UTF-8; ``<``, ``>``, ``&``, U+2028 and U+2029 become
    ``\\uXXXX`` escapes, which ``JSON.parse`` turns back into the same characters.

    Parameters
    ----------
    value
        Any JSON-serialisable value; NaN and infinities are refused.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


def escape_text(text: str) -> str:
    """Return ``text`` escaped for HTML element content and quoted attribute values."""
    return html.escape(text, quote=True)


def safe_url(url: str | None) -> str:
    """Return ``url`` when it is an absolute http or https link with a host, else ``""``.

    ``javascript:``, ``data:``, relative and scheme-less links are dropped, so a
    popup never links anywhere else.

    Parameters
    ----------
    url
        A link from the data (may be empty or ``None``).
    """
    if not url:
        return ""
    candidate = url.strip()
    if any(ord(ch) < 0x20 or ch.isspace() for ch in candidate):  # noqa: PLR2004 - control characters
        return ""
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return ""
    return candidate
