"""QGIS styles (QML) for the offline basemap layers: grey land with borders, small labelled towns."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from renderers.qml import option_map, qml_text, qml_tree, rgba

# The snapshot renderer's basemap tones (renderers/snapshots/drawing.py); keep the two in step.
SEA = "#DCE6EE"
LAND = "#F3F1EC"
BORDER = "#8C8C8C"
TOWN = "#444444"
BASEMAP_FIELDS = {"countries": ["name"], "town_labels": ["name", "population", "geonames_id", "country"]}


def _single_symbol(kind: str, cls: str, props: dict[str, str]) -> ET.Element:
    renderer = ET.Element("renderer-v2", {"type": "singleSymbol", "symbollevels": "0", "enableorderby": "0", "forceraster": "0"})
    symbols = ET.SubElement(renderer, "symbols")
    symbol = ET.SubElement(symbols, "symbol", {"type": kind, "name": "0", "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"})
    layer = ET.SubElement(symbol, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    option_map(layer, props)
    return renderer


def basemap_qml(name: str) -> str:
    """Return the QML of basemap layer ``name`` (``countries`` or ``town_labels``)."""
    if name == "countries":
        props = {"style": "solid", "color": rgba(LAND), "outline_color": rgba(BORDER), "outline_style": "solid",
                 "outline_width": "0.45", "outline_width_unit": "Point"}  # fmt: skip
        root = qml_tree(_single_symbol("fill", "SimpleFill", props), BASEMAP_FIELDS[name], geometry="polygon", label_field="name")
    elif name == "town_labels":
        props = {"name": "circle", "color": rgba(TOWN), "size": "2.5", "size_unit": "Point", "outline_color": rgba("#FFFFFF"),
                 "outline_style": "solid", "outline_width": "0.3", "outline_width_unit": "Point"}  # fmt: skip
        root = qml_tree(_single_symbol("marker", "SimpleMarker", props), BASEMAP_FIELDS[name], geometry="point", label_field="name")
    else:
        raise ValueError(f"Unknown basemap layer {name!r}; expected 'countries' or 'town_labels'.")
    return qml_text(root)
