"""The hostile-text corpus: payloads a report, a draft extraction or an ACLED file could carry.

Each is plain text to the project: it must reach every output exactly as written (or, for the
characters XML forbids, be replaced there by U+FFFD) and never run, at build time or in the page.
"""

from __future__ import annotations

PROOF_NAME = "militia-map-proof"  # a file a payload would create if it ran; tests point it at tmp_path

# Template syntax: Jinja, JavaScript template literals, Ruby/CoffeeScript interpolation, QGIS expressions.
TEMPLATE = [
    "{{ 7*191 }}",
    "{{ 'mm' ~ 'PWN' ~ 'ED' }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{# a jinja comment #}",
    "{{ lipsum.__globals__['os'].popen('touch PROOF').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch PROOF').read() }}",
    "{% raw %}{{ self }}{% endraw %}",
    "${7*191}",
    "${a} ${b}",
    "#{7*191}",
    "[% 7*191 %]",
    "[% @project_path %]",
]
# Markup: script and event-handler HTML, breakouts, comments, links.
MARKUP = [
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<svg onload=\"window.__pwned='svg'\">",
    "</script><script>window.__pwned='breakout'</script>",
    "</style><img src=x onerror=\"window.__pwned='style'\">",
    "</title><script>window.__pwned='title'</script>",
    "<!-- <script>window.__pwned='comment'</script> -->",
    "<!--",
    "javascript:window.__pwned='js-url'",
    '<a href="javascript:window.__pwned=1">link</a>',
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    '"><details open ontoggle="window.__pwned=\'toggle\'">',
]
# Maths and escapes that text engines read.
MATHS = ["$x^2$", "$\\frac{1}{0}$ and $", "\\begin{document}\\input{/etc/passwd}", "50% of $5 \\$ ^ _ ~"]
# Characters: bidi, line and paragraph separators, zero-width, quotes and backslashes.
CHARACTERS = [
    "\u202egnp.exe\u202c reversed",
    "\u2066isolate\u2069 \u2067rtl\u2069",
    "line\u2028separator\u2029paragraph",
    "zero\u200bwidth\u200c\u200d\ufeffjoiners",
    "quotes ' \" ` and \\ backslashes \\\\ \\u003c \\x3c",
    "\u0627\u0644\u0645\u064a\u0644\u064a\u0634\u064a\u0627\u062a \u200f\u0645\u0646 \u0625\u064a\u0631\u0627\u0646",
]
# XML and spreadsheet syntax.
XML_AND_CSV = [
    "&amp; &lt;b&gt; &#60;script&#62; &bogus;",
    "]]> <![CDATA[ <b>x</b> ]]>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    '@HYPERLINK("http://evil.example")',
]
LONG = "long " + "\u0645x<&" * 25_000  # 100k characters
PAYLOADS = TEMPLATE + MARKUP + MATHS + CHARACTERS + XML_AND_CSV + [LONG]

# C0 control characters: validation rejects them in data/; the writers replace them themselves.
CONTROL = ["bell\x07", "escape\x1b[31mred\x1b[0m", "nul\x00byte", "vertical\x0btab\x0cfeed", "back\x08space\x7fdel"]

# What a payload must never turn into if a template engine or a formula ran it.
EVALUATED = ["1337", "mmPWNED", "looplooploop"]


def with_proof(text: str, proof: str) -> str:
    """Return ``text`` with its ``PROOF`` placeholder pointed at the file ``proof``."""
    return text.replace("PROOF", proof)
