"""Inlining the pinned npm assets: found, version-checked, images as data: URIs, failures loud."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from renderers.webmap import _assets
from renderers.webmap._assets import AssetError, assert_offline, inline_css_urls, npm_css, npm_js


@pytest.fixture
def fake_node_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty node_modules folder in place of the real one."""
    folder = tmp_path / "node_modules"
    folder.mkdir()
    monkeypatch.setattr(_assets, "NODE_MODULES", folder)
    return folder


def _package(root: Path, version: str) -> Path:
    pkg = root / "leaflet"
    (pkg / "dist" / "images").mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"name": "leaflet", "version": version}))
    return pkg


def test_leaflet_is_the_pinned_npm_build() -> None:
    code = npm_js("leaflet/dist/leaflet.js")
    assert '"1.9.4"' in code or "1.9.4" in code
    assert "sourceMappingURL" not in code


def test_leaflet_css_images_become_data_uris() -> None:
    css = npm_css("leaflet/dist/leaflet.css")
    assert "images/" not in css
    assert "data:image/png;base64," in css


def test_missing_package_fails_with_the_fix(fake_node_modules: Path) -> None:
    with pytest.raises(RuntimeError, match=r"Cannot inline npm package 'leaflet'.*npm ci"):
        npm_js("leaflet/dist/leaflet.js")


def test_missing_file_fails(fake_node_modules: Path) -> None:
    _package(fake_node_modules, "1.9.4")
    with pytest.raises(AssetError, match=r"Cannot inline leaflet/dist/leaflet\.js"):
        npm_js("leaflet/dist/leaflet.js")


def test_wrong_version_fails(fake_node_modules: Path) -> None:
    _package(fake_node_modules, "1.9.3")
    with pytest.raises(AssetError, match=r"version '1\.9\.3', expected '1\.9\.4'"):
        npm_js("leaflet/dist/leaflet.js")


def test_missing_css_image_fails(fake_node_modules: Path) -> None:
    pkg = _package(fake_node_modules, "1.9.4")
    (pkg / "dist" / "leaflet.css").write_text(".a { background: url(images/gone.png); }")
    with pytest.raises(AssetError, match=r"gone\.png"):
        npm_css("leaflet/dist/leaflet.css")


def test_remote_css_url_fails(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="remote URL"):
        inline_css_urls(".a { background: url('https://cdn.example/x.png'); }", tmp_path / "a.css")


def test_closing_script_tag_in_asset_fails(fake_node_modules: Path) -> None:
    pkg = _package(fake_node_modules, "1.9.4")
    (pkg / "dist" / "leaflet.js").write_text("var s = '</script>';")
    with pytest.raises(AssetError, match="closing </script>"):
        npm_js("leaflet/dist/leaflet.js")


def test_fragment_and_data_urls_stay(tmp_path: Path) -> None:
    css = ".a { behavior: url(#default#VML); } .b { background: url(data:image/png;base64,AAAA); }"
    assert inline_css_urls(css, tmp_path / "a.css") == css


@pytest.mark.parametrize(
    "page",
    [
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>',
        '<link rel="stylesheet" href="https://cdn.example/x.css"/>',
        "<img src='http://example.org/a.png'>",
        "<style>.a { background: url(//example.org/a.png) }</style>",
        "<style>@import 'x.css';</style>",
        "<script>L.tileLayer('https://{s}.tile.example.org/{z}/{x}/{y}.png')</script>",
    ],
)
def test_assert_offline_catches_remote_resources(page: str) -> None:
    with pytest.raises(AssetError, match="remote resource"):
        assert_offline(page)


def test_assert_offline_ignores_links_in_json_data() -> None:
    assert_offline('<a>x</a><script type="application/json" id="d">{"url":"https://example.org/{z}","t":"@import"}</script>')
