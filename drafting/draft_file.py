"""Read and write draft files (``drafts/ID.yaml``): plain YAML, written with ``safe_dump`` only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from dataset._safeyaml import RefusedError, parse_yaml
from drafting.errors import DraftError

HEADER = """\
# Draft claims for review (python build_map.py draft). Nothing here is in data/ yet.
# For each record: read the quote, fix the claim block (summary, type, actors, places, time,
# status), check the ranked place candidates under review, and set `accept: true` to keep it.
# Cited works (footnotes) and the source need `accept: true` too, and a `kind`.
# Then run: python build_map.py accept {path}
# Records that fail validation stay here with their `problems`; data/ is left valid.
"""


def write_draft(doc: dict[str, Any], path: Path) -> None:
    """Write a draft document, atomically (a temporary file renamed over ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER.format(path=path) + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)
    write_text_atomic(path, text)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_draft(path: Path) -> dict[str, Any]:
    """Read a draft document.

    Raises
    ------
    DraftError
        When the file is missing, not UTF-8, not YAML, or not a draft.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"{path}: file not found. Give a draft written by `python build_map.py draft` (drafts/ID.yaml)."
        raise DraftError(msg) from None
    except UnicodeDecodeError:
        msg = f"{path}: not UTF-8 text. Save the draft as UTF-8."
        raise DraftError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror})."
        raise DraftError(msg) from None
    try:
        doc, findings = parse_yaml(text)  # the data's own safe reader: no anchors, aliases or tags
    except RefusedError as exc:
        msg = f"{path}: {exc.message} {exc.hint}"
        raise DraftError(msg) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        msg = f"{path}: not valid YAML{where}. Check the indentation of your edits and quote text containing ': ' or ' #'."
        raise DraftError(msg) from None
    if findings:
        where = ".".join(str(k) for k in findings[0].path) or "(file)"
        msg = f"{path}: at {where}: {findings[0].message} {findings[0].hint}"
        raise DraftError(msg)
    if not isinstance(doc, dict) or not isinstance(doc.get("drafts"), list) or not isinstance(doc.get("source"), dict):
        msg = f"{path}: not a draft file (it needs `source` and a `drafts` list). Write one with `python build_map.py draft`."
        raise DraftError(msg)
    return doc
