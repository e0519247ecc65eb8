"""QML text (no QGIS needed): dash patterns are QGIS custom dashes carrying the style spec's numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from layers.style import BASEMAP, STATUS_STYLES
from renderers.qgis._basemap_style import basemap_qml
from renderers.qgis.qml import layer_qml

PX_PER_POINT = 96 / 72


def _root(qml: str) -> ET.Element:
    return ET.fromstring(qml.split("\n", 1)[1])  # noqa: S314 - our own output


def _options(layer: ET.Element) -> dict[str, str]:
    return {o.get("name"): o.get("value") for o in layer.find("Option")}


def _px(points: str) -> tuple[float, ...]:
    return tuple(round(float(v) * PX_PER_POINT, 6) for v in points.split(";"))


def _spec(pattern: str) -> tuple[float, ...]:
    return tuple(float(v) for v in pattern.split())


def test_line_and_outline_dashes_are_the_spec_patterns(layers):
    for layer in layers:
        if layer.style.geometry == "point":
            continue
        root = _root(layer_qml(layer))
        found = set()
        for sl in root.iter("layer"):
            if sl.get("class") != "SimpleLine":
                continue
            assert _options(sl)["customdash_unit"] == "Point"
            for prop in sl.iter("Option"):
                if prop.get("name") == "customDash":
                    expression = next(o.get("value") for o in prop if o.get("name") == "expression")
                    found |= {_px(text) for text in re.findall(r"'([0-9.;]+)'", expression)}
                assert prop.get("name") != "outlineStyle", layer.name  # no Qt pen styles on lines
        want = {_spec(s.dash) for s in STATUS_STYLES.values() if s.dash}
        if layer.style.dash_field:
            want.add(_spec(layer.style.dash))
        if layer.style.geometry == "polygon" and not layer.style.panel:
            want.add(_spec(layer.style.estimate_dash))  # rings whose radius is an estimate
        assert found == want, layer.name


def test_basemap_border_is_a_custom_dash_in_the_shared_tones():
    root = _root(basemap_qml("countries"))
    lines = [_options(sl) for sl in root.iter("layer") if sl.get("class") == "SimpleLine"]
    dashed = [o for o in lines if o["use_custom_dash"] == "1"]
    assert len(dashed) == 1
    assert _px(dashed[0]["customdash"]) == _spec(BASEMAP.border_dash)
    assert dashed[0]["line_color"].startswith(",".join(str(int(BASEMAP.border[i : i + 2], 16)) for i in (1, 3, 5)))
    fills = [_options(sl) for sl in root.iter("layer") if sl.get("class") == "SimpleFill"]
    assert fills[0]["color"].startswith(",".join(str(int(BASEMAP.land[i : i + 2], 16)) for i in (1, 3, 5)))
