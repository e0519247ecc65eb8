"""Read the pinned npm assets and our own static files, inline them, and prove the page is offline."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
STATIC = Path(__file__).resolve().parent / "static"
# npm package -> version the page is built and tested with (package-lock.json pins the same).
PINNED = {"leaflet": "1.9.4", "supercluster": "8.0.1"}
# supercluster's UMD build, with its dependency kdbush (4.x) bundled into the same file by its authors.
SUPERCLUSTER_JS = "supercluster/dist/supercluster.min.js"
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif", ".jpg": "image/jpeg", ".woff2": "font/woff2", ".woff": "font/woff"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/", re.MULTILINE)
_DATA_BLOCK = re.compile(r"<script type=\"application/json\"[^>]*>.*?</script>", re.DOTALL)
_CLOSING_TAG = re.compile(r"</(script|style)", re.IGNORECASE)
# Anything in the page that makes the browser fetch a remote resource.
_REMOTE = (
    re.compile(r"<(?:script|img|iframe|embed|source|audio|video|input)\b[^>]*\bsrc\s*=\s*['\"]?\s*(?:https?:)?//", re.IGNORECASE),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*['\"]?\s*(?:https?:)?//", re.IGNORECASE),
    re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//", re.IGNORECASE),
    re.compile(r"@import\b", re.IGNORECASE),
    re.compile(r"https?://[^\s'\"]*\{z\}", re.IGNORECASE),
)


class AssetError(RuntimeError):
    """Raised when an asset cannot be inlined into the offline page."""


def _missing(path: Path, what: str) -> AssetError:
    return AssetError(f"Cannot inline {what}: {path} not found. Run `make map` (it runs `npm ci` from package-lock.json) to install the pinned npm packages.")


def check_package_version(package: str) -> str:
    """Return the installed version of an npm ``package``; raise unless it is the pinned one."""
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file():
        raise _missing(manifest, f"npm package {package!r}")
    version = str(json.loads(manifest.read_text(encoding="utf-8")).get("version", ""))
    expected = PINNED.get(package)
    if expected and version != expected:
        msg = f"npm package {package!r} is version {version!r}, expected {expected!r} (package-lock.json). Run `npm ci`."
        raise AssetError(msg)
    return version


def _read(path: Path, what: str) -> str:
    if not path.is_file():
        raise _missing(path, what)
    text = path.read_text(encoding="utf-8")
    if _CLOSING_TAG.search(text):
        msg = f"Cannot inline {what}: {path} contains a closing </script> or </style> tag."
        raise AssetError(msg)
    return _SOURCE_MAP.sub("", text)


def _data_uri(css_path: Path, ref: str) -> str:
    target = (css_path.parent / ref.split("?", maxsplit=1)[0].split("#", maxsplit=1)[0]).resolve()
    mime = _MIME.get(target.suffix.lower())
    if mime is None:
        msg = f"Cannot inline {ref!r} referenced by {css_path}: unknown file type {target.suffix!r}."
        raise AssetError(msg)
    if not target.is_file():
        raise _missing(target, f"{ref!r} referenced by {css_path.name}")
    return f"data:{mime};base64,{base64.b64encode(target.read_bytes()).decode('ascii')}"


def inline_css_urls(css: str, css_path: Path) -> str:
    """Return ``css`` with every relative ``url(...)`` replaced by a ``data:`` URI.

    Fragment-only (``#...``) and ``data:`` URLs stay; a remote URL raises :class:`AssetError`.
    """

    def replace(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#")):
            return match.group(0)
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", ref, re.IGNORECASE):
            msg = f"Cannot inline remote URL {ref!r} referenced by {css_path}; only files next to it can be inlined."
            raise AssetError(msg)
        return f'url("{_data_uri(css_path, ref)}")'

    return _CSS_URL.sub(replace, css)


def npm_js(relative: str) -> str:
    """Return the text of a JavaScript file under ``node_modules/`` (e.g. ``leaflet/dist/leaflet.js``)."""
    check_package_version(relative.split("/", maxsplit=1)[0])
    return _read(NODE_MODULES / relative, relative)


def npm_css(relative: str) -> str:
    """Return a stylesheet under ``node_modules/`` with its images inlined as ``data:`` URIs."""
    check_package_version(relative.split("/", maxsplit=1)[0])
    path = NODE_MODULES / relative
    return inline_css_urls(_read(path, relative), path)


def static_text(name: str) -> str:
    """Return one of the web map's own files in ``renderers/webmap/static/``."""
    path = STATIC / name
    text = _read(path, f"static/{name}")
    return inline_css_urls(text, path) if path.suffix == ".css" else text


def assert_offline(page: str) -> None:
    """Raise :class:`AssetError` if the page would load any script, style, image or tile remotely.

    JSON data blocks are skipped: their text is inert data (and their ``<`` is escaped).
    """
    code = _DATA_BLOCK.sub("", page)
    for pattern in _REMOTE:
        found = pattern.search(code)
        if found:
            start = max(0, found.start() - 60)
            msg = f"The web map would load a remote resource: ...{code[start : found.end() + 60]!r}... Inline it instead."
            raise AssetError(msg)
