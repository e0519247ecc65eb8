"""Folium elements of the offline page: the map with inlined Leaflet, inline code, the app and its data."""

from __future__ import annotations

from typing import Any

from jinja2 import Template

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin

from renderers.webmap._assets import SUPERCLUSTER_JS, npm_css, npm_js, static_text

DATA_ELEMENT_ID = "militia-map-data"
# Fixed markers the templates write where the page's title and data go. They are replaced once,
# after templating (renderers.webmap._page), so no text from the data ever reaches Jinja.
TITLE_SLOT = "@@militia-map-title@@"
DATA_SLOT = "@@militia-map-data@@"


class InlineScript(Element):
    """A ``<script>`` whose code is in the page (checked by the assets module to hold no ``</script>``)."""

    _template = Template("<script>{{ this.code }}</script>")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "InlineScript"
        self.code = code


class InlineStyle(Element):
    """A ``<style>`` whose rules are in the page, images already turned into ``data:`` URIs."""

    _template = Template("<style>{{ this.code }}</style>")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "InlineStyle"
        self.code = code


class PageFigure(Figure):
    """The page: branca's :class:`Figure` with a fixed title slot and a known body-script wrapper.

    The title is not a template variable: :data:`TITLE_SLOT` is replaced after rendering. The
    body script is exactly ``<script>`` + ``self.script.render()`` + ``</script>``, so its text
    (and its hash for the Content-Security-Policy) is known without reading the finished page.
    """

    _template = Template(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>" + TITLE_SLOT + "</title>\n"
        "{{ this.header.render(**kwargs) }}\n</head>\n<body>\n{{ this.html.render(**kwargs) }}\n</body>\n"
        "<script>{{ this.script.render(**kwargs) }}</script>\n</html>\n"
    )

    def __init__(self, page_title: str, data_sha256: str = "") -> None:
        super().__init__()
        self._name = "PageFigure"
        self.page_title = page_title
        self.data_sha256 = data_sha256


class OfflineMap(folium.Map):
    """A :class:`folium.Map` whose Leaflet comes from ``node_modules`` (npm, pinned), inlined.

    folium's ``default_js``/``default_css`` point at CDNs (Leaflet 1.9.3, jQuery, Bootstrap,
    Font Awesome); here they name files under ``node_modules/`` and are inlined when the page
    is rendered. A file that cannot be read raises :class:`~renderers.webmap._assets.AssetError`.
    """

    default_js = [("leaflet", "leaflet/dist/leaflet.js")]  # noqa: RUF012 - folium's class attribute
    default_css = [("leaflet_css", "leaflet/dist/leaflet.css")]  # noqa: RUF012

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # noqa: ANN401 - folium's signature
        """Inline the assets into the figure's header, then render the map as folium does."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "OfflineMap must be added to a branca Figure before rendering."
            raise TypeError(msg)
        for name, relative in self.default_css:
            figure.header.add_child(InlineStyle(npm_css(relative)), name=name)
        for name, relative in self.default_js:
            figure.header.add_child(InlineScript(npm_js(relative)), name=name)
        super(JSCSSMixin, self).render(**kwargs)  # type: ignore[no-untyped-call]


# The non-executed data block, holding only the slot when templated (both apps share it).
_DATA_BLOCK_MACRO = (
    """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.data_id }}">"""
    + DATA_SLOT
    + """</script>
        {% endmacro %}
"""
)


class WebmapApp(MacroElement):
    """The page's own script and stylesheet, the data block, and the call that draws the map.

    The data block holds only :data:`DATA_SLOT` when templated; ``data_json`` is kept here, never
    given to Jinja (branca compiles a macro's output again as a template), and put in its place
    by :func:`renderers.webmap._page.fill_slots` after the page is rendered.
    """

    _template = Template(
        _DATA_BLOCK_MACRO
        + """
        {% macro script(this, kwargs) %}
        window.militiaMap = militiaMapApp.start({{ this._parent.get_name() }}, document.getElementById("{{ this.data_id }}"));
        {% endmacro %}
        """
    )

    def __init__(self, data_json: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "WebmapApp"
        self.data_id = DATA_ELEMENT_ID
        self.data_json = data_json

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # noqa: ANN401 - folium's signature
        """Inline our CSS, supercluster and our JS after Leaflet's, then render the data block and start call."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "WebmapApp must be added to a map inside a branca Figure before rendering."
            raise TypeError(msg)
        figure.header.add_child(InlineStyle(static_text("webmap.css")), name="webmap_css")
        # One clustering index for all point layers (issue 14 §5): the pinned npm package, inlined like Leaflet.
        figure.header.add_child(InlineScript(npm_js(SUPERCLUSTER_JS)), name="supercluster_js")
        figure.header.add_child(InlineScript(static_text("webmap.js")), name="webmap_js")
        figure.header.add_child(InlineScript(static_text("controls.js")), name="controls_js")
        super().render(**kwargs)  # type: ignore[no-untyped-call]


class CompactWebmapApp(WebmapApp):
    """:class:`WebmapApp` whose data block holds the compact document (``renderers.webmap._compact``, v4).

    The block is still ``<script type="application/json">`` (never executed) and holds only base64
    text, put in by ``renderers.webmap.build`` (streamed to the file); ``decode.js`` decompresses
    it with ``DecompressionStream`` and the start call runs once the data is decoded, so
    ``window.militiaMap`` appears then.
    """

    _template = Template(
        _DATA_BLOCK_MACRO
        + """
        {% macro script(this, kwargs) %}
        militiaMapDecode.unpack(document.getElementById("{{ this.data_id }}").textContent).then(function (data) {
          window.militiaMap = militiaMapApp.start({{ this._parent.get_name() }}, data);
        });
        {% endmacro %}
        """
    )

    def __init__(self, payload: Any) -> None:  # noqa: ANN401 - a renderers.webmap._compact.CompactPayload
        super().__init__("")
        self.payload = payload

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # noqa: ANN401 - folium's signature
        """Inline the decoder before the page's own script, then render as :class:`WebmapApp`."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure.header.add_child(InlineScript(static_text("decode.js")), name="decode_js")
        super().render(**kwargs)
