"""Read one YAML file of records, turning syntax errors into problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dataset.problems import ProblemLog


def read_records(path: Path, key: str, log: ProblemLog, rel: str) -> list[tuple[str, dict[str, Any]]]:
    """Return ``(record name, record)`` pairs from the list under ``key``.

    Parameters
    ----------
    path
        The YAML file.
    key
        Top-level key holding the list of records.
    log
        Where problems go (unreadable file, bad YAML, non-mapping records).
    rel
        The file name used in messages.
    """
    doc = read_yaml(path, log, rel)
    if doc is None:
        return []
    if not isinstance(doc, dict) or key not in doc:
        log.add(rel, "(file)", key, f"the file has no top-level {key!r} list.", f"Start the file with '{key}:'.")
        return []
    items = doc[key]
    if not isinstance(items, list):
        log.add(rel, "(file)", key, f"{key!r} must be a list of records.", "Put '- ' before each record.")
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            log.add(rel, f"#{n}", "(record)", f"record must be a block of fields, got {item!r}.", "Write '- id: ...' and its fields.")
            continue
        rid = item.get("id")
        name = str(rid) if isinstance(rid, str) and rid.strip() else f"#{n}"
        out.append((name, item))
    return out


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so that a bad date becomes a problem, not a crash."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"] for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, log: ProblemLog, rel: str) -> Any:  # noqa: ANN401
    """Return the parsed YAML document, or ``None`` after logging a problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        log.add(rel, "(file)", "(file)", "file not found.", f"Create {rel} (see data/README.md).")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.add(rel, "(file)", "(file)", f"cannot be read: {exc}.", "Save it as UTF-8 text.")
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        log.add(rel, "(file)", "(syntax)", f"is not valid YAML{where}: {problem}.", "Check indentation and quote text that contains ':' or '#'.")
        return None
