"""Escaping for the web map: JSON inside <script>, HTML text, and http(s)-only links."""

from __future__ import annotations

import json

import pytest

from renderers.webmap._escape import escape_text, safe_url, script_json

TRICKY = ["</script><script>alert(1)</script>", "<!-- x -->", "a & b", "line\u2028sep\u2029end", "${x}`\\", "العربية \u200f"]


@pytest.mark.parametrize("text", TRICKY)
def test_script_json_round_trips_and_hides_markup(text: str) -> None:
    encoded = script_json({"t": text})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in encoded
    assert json.loads(encoded) == {"t": text}


def test_script_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        script_json({"x": float("nan")})


def test_escape_text_escapes_quotes_and_tags() -> None:
    assert escape_text("<b a=\"1\" b='2'>&") == "&lt;b a=&quot;1&quot; b=&#x27;2&#x27;&gt;&amp;"


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a?b=1#c", "http://example.org", "HTTPS://EXAMPLE.ORG/x"],
)
def test_safe_url_keeps_http_links(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative/path",
        "ftp://example.org/file",
        "https://",
        "http://exa mple.org",
        "",
        None,
    ],
)
def test_safe_url_drops_everything_else(url: str | None) -> None:
    assert safe_url(url) == ""
