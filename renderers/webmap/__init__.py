"""The offline web map: one self-contained HTML file (Leaflet inlined, data as JSON, no requests)."""

from renderers.webmap.build import build_webmap, render_page, render_webmap

__all__ = ["build_webmap", "render_page", "render_webmap"]
