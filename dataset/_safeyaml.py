"""Parse YAML text defensively: no anchors, aliases or tags, bounded nesting, duplicate keys and control characters found.

The data in ``data/`` never needs anchors, aliases or tags, so they are refused outright: the first
anchor or alias stops the parser before any node is composed, so an alias bomb ("billion laughs")
costs nothing. Nesting is capped in the scanner (flow brackets and block indents) and in the
composer, before PyYAML's quadratic scan of deep brackets or its recursive composer can run away.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 24
# What PyYAML's reader refuses in the raw stream (it would raise on the first one).
_UNREADABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What no text in data/ may hold once parsed: C0 controls but tab and newline, DEL, C1 controls,
# lone surrogates and the non-characters U+FFFE/U+FFFF (escapes like "\x07" or "\ud800" give them).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_C0_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US".split()  # noqa: SIM905
)

YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One problem at one place of a parsed document.

    Parameters
    ----------
    path
        Mapping keys and 0-based list indices down to the node; ``()`` for the whole file.
    message
        What is wrong.
    hint
        How to fix it.
    kind
        ``control`` (control characters), ``duplicate`` (a repeated key) or ``key`` (a key that is not text).
    """

    path: YamlPath
    message: str
    hint: str
    kind: str = "control"


class RefusedError(yaml.YAMLError):
    """Raised while parsing a construct ``data/`` never uses (anchor, alias, tag, deep nesting)."""

    def __init__(self, message: str, hint: str, mark: yaml.Mark | None) -> None:
        self.message = message
        self.hint = hint
        self.mark = mark
        super().__init__(message)


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text and refuses anchors, aliases, tags and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803, ANN401 - PyYAML's signature
        """Refuse a ``[`` or ``{`` nested deeper than :data:`MAX_DEPTH`."""
        if self.flow_level >= MAX_DEPTH:
            raise RefusedError(f"nests brackets more than {MAX_DEPTH} levels deep", "The data never needs this; check for stray '[' or '{'.", self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column: int) -> bool:
        """Refuse block indentation nested deeper than :data:`MAX_DEPTH`."""
        if len(self.indents) >= MAX_DEPTH:
            raise RefusedError(f"nests blocks more than {MAX_DEPTH} levels deep", "The data never needs this; check the indentation.", self.get_mark())
        return bool(super().add_indent(column))

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        """Refuse anchors, aliases and explicit tags before composing the node."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        mark = event.start_mark
        if isinstance(event, AliasEvent):
            msg = f"uses the YAML alias '*{event.anchor}'"
            raise RefusedError(msg, "Anchors and aliases are not allowed in data/: write the value out in full.", mark)
        if getattr(event, "anchor", None) is not None:
            msg = f"defines the YAML anchor '&{event.anchor}'"
            raise RefusedError(msg, "Anchors and aliases are not allowed in data/: remove the '&' name and write values out in full.", mark)
        tag = getattr(event, "tag", None)
        if tag not in {None, "!"}:
            msg = f"uses the YAML tag {tag!r}"
            raise RefusedError(msg, "Tags are not allowed in data/: remove the '!' part and quote the value if it is text.", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise RefusedError(f"nests more than {MAX_DEPTH} levels deep", "The data never needs this; check the indentation.", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"] for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str) -> tuple[Any, list[Finding]]:
    """Return the document in ``text`` and the problems found in it.

    Parameters
    ----------
    text
        The file's text (already decoded from UTF-8).

    Returns
    -------
    tuple
        The constructed document (``None`` for an empty file) and the findings: control
        characters, and duplicate or non-text keys, each with the path of its node.

    Raises
    ------
    RefusedError
        On an anchor, alias, tag or nesting deeper than :data:`MAX_DEPTH`.
    yaml.YAMLError
        On a syntax error.
    """
    raw = [(m.start(), m.group()) for m in _UNREADABLE.finditer(text)]
    if raw:  # blank them out (same length, so marks stay put) and report each where it stands
        text = _UNREADABLE.sub(" ", text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        findings: dict[YamlPath, list[str]] = {}
        problems: list[Finding] = []
        if node is not None:
            for path, sub in _walk(node, ()):
                _check_node(path, sub, findings, problems)
            spans = sorted((sub.start_mark.index, sub.end_mark.index, path) for path, sub in _walk(node, ()) if isinstance(sub, ScalarNode))
            starts = [0, *(m.end() for m in re.finditer("\n", text))]
            for pos, char in raw:
                path, line, column = _locate(spans, starts, pos)
                findings.setdefault(path, []).append(f"{_name(char)} at line {line}, column {column}")
        else:
            for pos, char in raw:
                findings.setdefault((), []).append(f"{_name(char)} at line {text.count(chr(10), 0, pos) + 1}")
        doc = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    for path, where in findings.items():
        many = f"{len(where)} control characters: " if len(where) > 1 else "the control character "
        shown = "; ".join(where[:3]) + ("; …" if len(where) > 3 else "")  # noqa: PLR2004
        them = "them" if len(where) > 1 else "it"
        problems.append(Finding(path, f"contains {many}{shown}.", f"Delete {them}: text may hold tabs and line breaks, but no other control characters."))
    return doc, problems


def _walk(node: Node, path: YamlPath) -> Iterator[tuple[YamlPath, Node]]:
    """Yield ``(path, node)`` for ``node`` and every node under it (keys under their mapping's path)."""
    yield path, node
    if isinstance(node, SequenceNode):
        for n, item in enumerate(node.value):
            yield from _walk(item, (*path, n))
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else "?"
            yield (*path, name), key
            yield from _walk(value, (*path, name))


def _check_node(path: YamlPath, node: Node, findings: dict[YamlPath, list[str]], problems: list[Finding]) -> None:
    if isinstance(node, ScalarNode):
        bad = sorted(set(_CONTROL.findall(node.value)))
        if bad:
            where = f"written as an escape on line {node.start_mark.line + 1}"
            findings.setdefault(path, []).extend(f"{_name(c)}, {where}" for c in bad)
    elif isinstance(node, MappingNode):
        first: dict[str, int] = {}
        for key, _ in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, ScalarNode):
                problems.append(Finding(path, f"has a key that is not text at line {line}.", "Keys are plain field names such as 'summary'.", "key"))
            elif key.tag == "tag:yaml.org,2002:merge":
                msg = f"uses the YAML merge key '<<' at line {line}."
                problems.append(Finding(path, msg, "Merge keys are not allowed in data/: write the fields out in full.", "key"))
            elif key.value in first:
                msg = f"duplicate key {key.value!r} at line {line} (first at line {first[key.value]}); YAML would silently keep only the later value."
                problems.append(Finding((*path, key.value), msg, "Delete one of the two, or merge them.", "duplicate"))
            else:
                first[key.value] = line


def _locate(spans: list[tuple[int, int, YamlPath]], line_starts: list[int], pos: int) -> tuple[YamlPath, int, int]:
    """Return the path of the scalar holding character ``pos`` (``()`` if none: a comment), and its line and column (1-based)."""
    line = bisect.bisect_right(line_starts, pos)
    column = pos - line_starts[line - 1] + 1
    n = bisect.bisect_right(spans, pos, key=lambda span: span[0]) - 1
    path = spans[n][2] if n >= 0 and spans[n][0] <= pos < spans[n][1] else ()
    return path, line, column


def _name(char: str) -> str:
    code = ord(char)
    label = _C0_NAMES[code] if code < len(_C0_NAMES) else "DEL" if code == 0x7F else ""  # noqa: PLR2004
    return f"U+{code:04X}" + (f" ({label})" if label else "")
