"""QGIS styles (QML) for the offline basemap layers, in the tones of ``layers.style.BASEMAP``.

Countries are drawn in three rendering passes (symbol levels): a coastline-coloured outline,
then the land fill over every country (which hides that outline wherever two countries meet,
so it only shows on the sea side of the coast), then the dashed borders on top.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from layers.style import BASEMAP
from renderers.qgis.qml import PX_TO_PT, line_props, option_map, qml_text, qml_tree, rgba

BASEMAP_FIELDS = {
    "countries": ["name"],
    "lakes": ["name"],
    "rivers": ["name"],
    "roads": ["name", "ref", "route_source", "schematic", "towns"],
    "town_labels": ["name", "label", "population", "geonames_id", "country", "rank", "named_by_claim"],
    "arrow_ends": ["label"],
}


def _renderer(kind: str, layers: list[tuple[str, dict[str, str]]]) -> ET.Element:
    """Return a single-symbol renderer whose symbol layers (class, properties) draw in passes 0, 1, 2 (in order)."""
    renderer = ET.Element("renderer-v2", {"type": "singleSymbol", "symbollevels": str(int(len(layers) > 1)), "enableorderby": "0", "forceraster": "0"})
    symbols = ET.SubElement(renderer, "symbols")
    symbol = ET.SubElement(symbols, "symbol", {"type": kind, "name": "0", "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"})
    for n, (cls, props) in enumerate(layers):
        layer = ET.SubElement(symbol, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": str(n)})
        option_map(layer, props)
    return renderer


def _line(colour: str, width_px: float, dash: str = "") -> dict[str, str]:
    return line_props(colour, width_px * PX_TO_PT, dash, cap="round")


def countries_renderer() -> ET.Element:
    """Return the countries' renderer: coast outline (sea side), land fill, dashed borders."""
    fill = {"style": "solid", "color": rgba(BASEMAP.land), "outline_style": "no", "outline_color": rgba(BASEMAP.border)}
    return _renderer(
        "fill",
        [("SimpleLine", _line(BASEMAP.coastline, 2 * BASEMAP.coastline_width)),  # half of it lies under the land fill
         ("SimpleFill", fill),
         ("SimpleLine", _line(BASEMAP.border, BASEMAP.border_width, BASEMAP.border_dash))],
    )  # fmt: skip


def towns_renderer() -> ET.Element:
    """Return the towns' renderer: a small dot in the town colour with a white rim."""
    props = {"name": "circle", "color": rgba(BASEMAP.town), "size": "2.5", "size_unit": "Point", "outline_color": rgba("#FFFFFF"),
             "outline_style": "solid", "outline_width": "0.3", "outline_width_unit": "Point"}  # fmt: skip
    return _renderer("marker", [("SimpleMarker", props)])


def lakes_renderer() -> ET.Element:
    """Return the lakes' renderer: a sea-toned fill with a thin river-coloured edge."""
    fill = {"style": "solid", "color": rgba(BASEMAP.lake), "outline_style": "solid", "outline_color": rgba(BASEMAP.river),
            "outline_width": f"{0.5 * PX_TO_PT:g}", "outline_width_unit": "Point"}  # fmt: skip
    return _renderer("fill", [("SimpleFill", fill)])


def rivers_renderer() -> ET.Element:
    """Return the rivers' renderer: a solid line in the river tone."""
    return _renderer("line", [("SimpleLine", _line(BASEMAP.river, BASEMAP.river_width))])


def roads_renderer() -> ET.Element:
    """Return the schematic roads' renderer: a thin dashed line in the road tone."""
    return _renderer("line", [("SimpleLine", _line(BASEMAP.road, BASEMAP.road_width, BASEMAP.road_dash))])


def arrow_ends_renderer() -> ET.Element:
    """Return the arrow ends' renderer: no symbol (the movement's arrowhead is the symbol), only the label."""
    props = {"name": "circle", "color": "0,0,0,0", "size": "0.5", "size_unit": "Point", "outline_style": "no"}
    return _renderer("marker", [("SimpleMarker", props)])


def basemap_qml(name: str) -> str:
    """Return the QML of basemap layer ``name`` (``countries``, ``lakes``, ``rivers``, ``roads``, ``town_labels`` or ``arrow_ends``)."""
    geometry = {"countries": "polygon", "lakes": "polygon", "rivers": "line", "roads": "line", "town_labels": "point", "arrow_ends": "point"}
    builders = {"countries": countries_renderer, "lakes": lakes_renderer, "rivers": rivers_renderer, "roads": roads_renderer,
                "town_labels": towns_renderer, "arrow_ends": arrow_ends_renderer}  # fmt: skip
    labels = {"countries": ("name", BASEMAP.country_label), "rivers": ("name", BASEMAP.river_label), "town_labels": ("label", BASEMAP.town_label),
              "arrow_ends": ("label", "#111111")}  # fmt: skip
    if name not in builders:
        raise ValueError(f"Unknown basemap layer {name!r}; expected one of {sorted(builders)}.")
    field, colour = labels.get(name, ("", BASEMAP.town_label))
    root = qml_tree(builders[name](), BASEMAP_FIELDS[name], geometry=geometry[name], label_field=field, label_colour=colour)
    return qml_text(root)
