"""One fingerprint of ``data/``: the SHA-256 every output carries, so a reader can tell which data made it.

The digest covers every file under ``data/`` (hidden files and ``__pycache__`` left out), in
sorted order of their paths relative to ``data/`` (POSIX form, UTF-8). For each file it hashes
the path, a NUL byte, the file's length in decimal, a NUL byte and the file's bytes. So a
renamed, added, removed or changed file changes the digest; ``dist/`` and the file times never do.

Recompute it by hand::

    python -c "from pathlib import Path; from dataset.digest import data_digest; print(data_digest(Path('data')))"
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def data_files(data_dir: Path) -> list[Path]:
    """Return the files the digest covers, in digest order."""
    files = [
        p for p in data_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(data_dir).parts)
    ]  # fmt: skip
    return sorted(files, key=lambda p: p.relative_to(data_dir).as_posix())


def files_digest(root: Path, files: list[Path]) -> str:
    """Return the SHA-256 of ``files`` in the given order: for each, its path relative to ``root``, NUL, length, NUL, bytes."""
    h = hashlib.sha256()
    for path in files:
        raw = path.read_bytes()
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + str(len(raw)).encode("ascii") + b"\0")
        h.update(raw)
    return h.hexdigest()


def data_digest(data_dir: Path) -> str:
    """Return the SHA-256 (64 hex digits) of ``data_dir``'s files, by the rule in this module's docstring."""
    return files_digest(data_dir, data_files(data_dir))
