"""Incremental rebuilds: an output whose inputs have not changed is taken from the previous ``dist/``.

Each renderer's outputs have a key: the SHA-256 of the code version (every source file of the
project's packages, its static assets and the pinned package lists), the SHA-256 of ``data/``
(dataset/digest.py) and the layers themselves (their style specs and features, which hold any
ACLED overlay), plus the renderer's name. ``dist/.build-manifest.json`` records each renderer's
key and files. When a renderer's key is unchanged and all its files are still in ``dist/``, the
files are copied from there byte for byte instead of being drawn again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from dataset.digest import files_digest
from dataset.model import Dataset
from layers import Layer

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ".build-manifest.json"
_CODE = ("geo", "dataset", "layers", "renderers", "overlays")
_CODE_FILES = ("build_map.py", "package-lock.json", "requirements.lock")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Return the SHA-256 of the code that draws the outputs (package sources, static assets, pins)."""
    files = [p for d in _CODE for p in (ROOT / d).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [ROOT / f for f in _CODE_FILES if (ROOT / f).is_file()]
    return files_digest(ROOT, sorted(files, key=lambda p: p.relative_to(ROOT).as_posix()))


def inputs_key(layers: list[Layer], ds: Dataset) -> str:
    """Return the SHA-256 of everything the renderers read: code, data/ and the layers."""
    h = hashlib.sha256(f"{code_version()}\0{ds.data_sha256}\0".encode())
    for layer in layers:
        h.update(f"{layer.name}\0{layer.style!r}\0".encode())
        h.update(layer.gdf.to_json(sort_keys=True).encode("utf-8"))
    return h.hexdigest()


def read_manifest(out: Path) -> dict[str, Any]:
    """Return the previous build's manifest (empty when there is none or it is unreadable)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def reuse(previous: dict[str, Any], out: Path, name: str, key: str, staging: Path) -> list[Path] | None:
    """Copy renderer ``name``'s files from ``out`` into ``staging`` when its key is unchanged; return them, or ``None``."""
    entry = previous.get(name)
    if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("files"), list):
        return None
    rel = [Path(f) for f in entry["files"] if isinstance(f, str)]
    if not rel or any(p.is_absolute() or ".." in p.parts or not (out / p).is_file() for p in rel):
        return None
    copied = []
    for p in rel:
        (staging / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(out / p, staging / p)
        copied.append(staging / p)
    return copied


def write_manifest(staging: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Record each renderer's key and files for the next build."""
    (staging / MANIFEST).write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
