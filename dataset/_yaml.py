"""Read one YAML file of ``data/`` safely, turning every way it can be bad into one problem."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from dataset._safeyaml import Finding, RefusedError, YamlPath, parse_yaml
from dataset.problems import ProblemLog, shown

MAX_FILE_BYTES = 5_000_000
_UTF8_HINT = "Save it as UTF-8 (in most editors: Save As… → Encoding: UTF-8)."
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def read_records(path: Path, key: str, log: ProblemLog, rel: str) -> list[tuple[str, dict[str, Any]]]:
    """Return ``(record name, record)`` pairs from the list under ``key``.

    Parameters
    ----------
    path
        The YAML file.
    key
        Top-level key holding the list of records.
    log
        Where problems go (unreadable file, bad YAML, non-mapping records, no records).
    rel
        The file name used in messages (relative to the data folder).

    Returns
    -------
    list
        The records; empty only after a problem naming the file was logged.
    """
    return records_of(read_yaml(path, log, rel), key, log, rel)


def records_of(doc: Any, key: str, log: ProblemLog, rel: str) -> list[tuple[str, dict[str, Any]]]:  # noqa: ANN401
    """Return ``(record name, record)`` pairs from the list under ``key`` of a parsed document (see :func:`read_records`)."""
    if doc is None:
        return []
    if not isinstance(doc, dict) or key not in doc:
        log.add_unreadable(rel, key, f"the file has no top-level {key!r} list.", f"Start the file with '{key}:'.")
        return []
    items = doc[key]
    if not isinstance(items, list):
        log.add_unreadable(rel, key, f"{key!r} must be a list of records.", "Put '- ' before each record.")
        return []
    if not items:
        log.add_unreadable(rel, key, "the list has no records.", f"Add records under '{key}:', or delete the file.")
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            log.add(rel, f"#{n}", "(record)", f"record must be a block of fields, got {shown(item)}.", "Write '- id: ...' and its fields.")
            continue
        out.append((record_name(item, n), item))
    return out


def record_name(item: dict[str, Any], n: int) -> str:
    """Return how messages name record ``n`` (1-based): its id when it has a text one, else ``#n``."""
    rid = item.get("id")
    return rid if isinstance(rid, str) and rid.strip() else f"#{n}"


def read_yaml(path: Path, log: ProblemLog, rel: str, *, record: str = "(file)") -> Any:  # noqa: ANN401
    """Return the parsed YAML document, or ``None`` after logging why it cannot be used.

    Refused: a symlink out of the data folder, a file over :data:`MAX_FILE_BYTES`, text that is
    not UTF-8 (one message, not one per garbled line), an empty file, a syntax error, anchors,
    aliases, tags and deep nesting. Duplicate keys and control characters are logged with the
    record and field they stand in, and the document is still returned so other checks run.

    Parameters
    ----------
    path
        The YAML file, inside the data folder.
    log
        Where problems go.
    rel
        The file's path relative to the data folder, for messages.
    record
        How to name a top-level field in messages (``"dataset"`` for ``dataset.yaml``).
    """
    text = _read_text(path, log, rel)
    if text is None:
        return None
    try:
        doc, findings = parse_yaml(text)
    except RefusedError as exc:
        log.add_unreadable(rel, "(syntax)", f"{exc.message}{_at(exc.mark)}.", exc.hint)
        return None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        where = _at(getattr(exc, "problem_mark", None))
        log.add_unreadable(rel, "(syntax)", f"is not valid YAML{where}: {problem}.", "Check indentation and quote text that contains ':' or '#'.")
        return None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
        log.add_unreadable(rel, "(syntax)", f"holds a value YAML cannot read: {shown(str(exc))}.", "Quote long numbers, or shorten them.")
        return None
    if doc is None:
        log.add_unreadable(rel, "(file)", "the file is empty (or holds only comments).", "Fill it in (see data/README.md), or delete it.")
        return None
    for finding in findings:
        if not _checked_as_id(finding):
            log.add(rel, *locate(doc, finding.path, record), finding.message, finding.hint)
    return doc


def _checked_as_id(finding: Finding) -> bool:
    """Whether ``finding`` is a control character in a record's id, which the id check reports (once) instead."""
    path = finding.path
    return finding.kind == "control" and len(path) == 3 and isinstance(path[1], int) and path[2] == "id"  # noqa: PLR2004


def locate(doc: Any, path: YamlPath, record: str = "(file)") -> tuple[str, str]:  # noqa: ANN401
    """Return ``(record, field)`` naming ``path`` of ``doc`` the way messages do.

    ``("claims", 2, "evidence", 0, "quote")`` is record ``<id of the third claim>``, field
    ``evidence[1].quote``; a top-level key of a file that is one record (``dataset.yaml``) is
    a field of ``record``; a top-level block that is not a list (``story:``) is its own record.
    """
    if not path:
        return "(file)", "(file)"
    top = doc.get(path[0]) if isinstance(doc, dict) else None
    if len(path) >= 2 and isinstance(top, list) and isinstance(path[1], int):  # noqa: PLR2004
        item = top[path[1]] if path[1] < len(top) else None
        name = record_name(item, path[1] + 1) if isinstance(item, dict) else f"#{path[1] + 1}"
        return name, _dotted(path[2:]) or "(record)"
    if record != "(file)":
        return record, _dotted(path)
    if len(path) >= 2 and isinstance(top, dict):  # noqa: PLR2004
        return str(path[0]), _dotted(path[1:])
    return "(file)", _dotted(path)


def _dotted(path: YamlPath) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _at(mark: yaml.Mark | None) -> str:
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _read_text(path: Path, log: ProblemLog, rel: str) -> str | None:
    """Return the file's text, or ``None`` after logging why it cannot be read."""
    problem = _file_problem(path, rel)
    if problem is not None:
        log.add_unreadable(rel, "(file)", *problem)
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.add_unreadable(rel, "(file)", f"cannot be read: {exc.strerror or exc}.", "Check the file's permissions.")
        return None
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            log.add_unreadable(rel, "(encoding)", f"is saved as {name}; data files must be UTF-8.", _UTF8_HINT)
            return None
    if data.count(b"\x00") * 8 > len(data):  # UTF-16 without a byte-order mark; a stray NUL is reported where it stands
        log.add_unreadable(rel, "(encoding)", "is mostly NUL bytes: it looks like UTF-16 or a binary file, not UTF-8 text.", _UTF8_HINT)
        return None
    try:
        return data.decode("utf-8-sig")  # a UTF-8 byte-order mark, as some editors write, is dropped
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        msg = f"is not UTF-8: byte 0x{data[exc.start]:02X} on line {line} is not valid UTF-8 (the file may be Latin-1 or Windows-1252)."
        log.add_unreadable(rel, "(encoding)", msg, _UTF8_HINT)
        return None


def _file_problem(path: Path, rel: str) -> tuple[str, str] | None:
    """Return ``(message, hint)`` when ``path`` is missing, links out of the data folder or is too big."""
    root = path.parents[len(Path(rel).parts) - 1].resolve()
    target = path.resolve()
    if not target.is_relative_to(root):
        return f"is a link to {shown(str(target))}, outside the data folder.", "Copy the file into the data folder instead of linking to it."
    if not path.exists():
        return "file not found.", f"Create {rel} (see data/README.md)."
    if not path.is_file():
        return "is not a regular file.", f"Make {rel} a YAML file."
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        hint = "Check that this is the right file, or split it (claims/ may hold several files)."
        return f"is {size / 1e6:.1f} MB; data files may be at most {MAX_FILE_BYTES / 1e6:.0f} MB.", hint
    return None
