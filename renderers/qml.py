"""Translate a layer's :class:`StyleSpec` into QGIS 3.22 style XML (QML) and write sidecar ``.qml`` files.

Colours, labels, dash rules and status rules all come from ``layers.style``; this module only
knows how QGIS spells them: a categorized renderer on the spec's ``category_field``, one symbol
per category, data-defined outline colour, stroke style and opacity per ``STATUS_STYLES``, a dashed
pen where ``dash_field`` equals ``dash_value``, and an arrowhead at the last vertex of movement lines.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from dataset.model import Dataset
from layers import STATUS_STYLES, Layer, StyleSpec
from renderers._files import write_layer_files

QGIS_VERSION = "3.22.0-Białowieża"
PX_TO_PT = 0.75  # one CSS pixel at 96 dpi, in typographic points
# Field aliases QGIS shows in attribute tables and forms; other fields get a title-cased name.
FIELD_ALIASES = {
    "id": "Feature id",
    "claim_id": "Claim id",
    "type": "Type id",
    "type_label": "Type",
    "acled_event_type": "ACLED event type",
    "acled_sub_event_type": "ACLED sub-event type",
    "actors": "Actors (JSON list)",
    "actors_label": "Actors",
    "actor_group": "Actor group (colour)",
    "date_start": "Earliest date",
    "date_end": "Latest date",
    "date_as_written": "Date as written in the source",
    "date_label": "Date",
    "date_basis": "How the date was derived",
    "acled_time_precision": "ACLED time precision (1-3)",
    "place_ids": "Place ids (JSON list)",
    "loc_precision": "Location precision",
    "radius_km": "Uncertainty radius (km)",
    "acled_geo_precision": "ACLED geo precision (1-3)",
    "coord_source": "Coordinate source",
    "quote": "Verbatim quote (first source)",
    "citation": "Citation(s)",
    "url": "Source URL",
    "evidence": "Evidence (JSON list)",
    "n_evidence": "Number of sources",
    "source_file": "Record file",
    "lon": "Longitude",
    "lat": "Latitude",
    "length_km": "Geodesic length (km)",
    "claim_ids": "Claim ids (JSON list)",
    "parent_layer": "Layer of the point",
}


def field_alias(name: str) -> str:
    """Return the readable alias of attribute ``name``."""
    return FIELD_ALIASES.get(name, name.replace("_", " ").capitalize())


def rgba(colour: str, opacity: float = 1.0) -> str:
    """Return ``#RRGGBB`` as QGIS's ``r,g,b,a`` colour text with ``opacity`` (0-1) as alpha."""
    text = colour.lstrip("#")
    if len(text) != 6:  # noqa: PLR2004
        raise ValueError(f"Expected a #RRGGBB colour, got {colour!r}; fix it in layers/style.py.")
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(opacity * 255)}"


def pen_style(dash: str) -> str:
    """Return the Qt pen style nearest a dash pattern: ``solid``, ``dot`` (short dashes) or ``dash``."""
    if not dash.strip():
        return "solid"
    return "dot" if float(dash.split(maxsplit=1)[0]) <= 2 else "dash"  # noqa: PLR2004


def _option(parent: ET.Element, name: str, value: str, kind: str = "QString") -> None:
    ET.SubElement(parent, "Option", {"name": name, "type": kind, "value": value})


def option_map(parent: ET.Element, props: dict[str, str], name: str = "") -> ET.Element:
    """Add an ``<Option type="Map">`` of text options (QGIS 3.22 symbol-layer properties) under ``parent``."""
    attrs = {"type": "Map"} | ({"name": name} if name else {})
    node = ET.SubElement(parent, "Option", attrs)
    for key, value in props.items():
        _option(node, key, value)
    return node


def _data_defined(parent: ET.Element, expressions: dict[str, str]) -> None:
    """Add a ``data_defined_properties`` collection of expression-based properties."""
    outer = ET.SubElement(ET.SubElement(parent, "data_defined_properties"), "Option", {"type": "Map"})
    _option(outer, "name", "")
    props = ET.SubElement(outer, "Option", {"name": "properties", "type": "Map"})
    for key, expression in expressions.items():
        prop = ET.SubElement(props, "Option", {"name": key, "type": "Map"})
        _option(prop, "active", "true", "bool")
        _option(prop, "expression", expression)
        _option(prop, "type", "3", "int")
    _option(outer, "type", "collection")


def status_expression(values: dict[str, str], default: str) -> str:
    """Return a QGIS ``CASE`` expression picking ``values[status]`` by the feature's ``status``."""
    whens = " ".join(f"WHEN \"status\" = '{status}' THEN '{value}'" for status, value in values.items())
    return f"CASE {whens} ELSE '{default}' END"


def _status_rules(spec: StyleSpec, colour: str, opacity: float, *, fill_key: str) -> dict[str, str]:
    """Return data-defined expressions for status: outline colour, stroke style and opacity."""
    base = STATUS_STYLES["reported"]
    rules = {
        fill_key: status_expression({k: rgba(colour, opacity * s.opacity) for k, s in STATUS_STYLES.items()}, rgba(colour, opacity)),
    }
    if spec.geometry != "line":
        rules["outlineColor"] = status_expression({k: rgba(s.outline) for k, s in STATUS_STYLES.items()}, rgba(base.outline))
    styles = {k: pen_style(s.dash) for k, s in STATUS_STYLES.items()}
    if spec.dash_field:
        dashed = f"WHEN \"{spec.dash_field}\" = '{spec.dash_value}' THEN '{pen_style(spec.dash)}'"
        rules["outlineStyle"] = status_expression(styles, "solid").replace("CASE ", f"CASE {dashed} ", 1)
    else:
        rules["outlineStyle"] = status_expression(styles, "solid")
    return rules


def _symbol_layer(symbol: ET.Element, cls: str, props: dict[str, str]) -> ET.Element:
    layer = ET.SubElement(symbol, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    option_map(layer, props)
    return layer


def _new_symbol(parent: ET.Element, kind: str, name: str) -> ET.Element:
    attrs = {"type": kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"}
    return ET.SubElement(parent, "symbol", attrs)


def _marker_symbol(parent: ET.Element, spec: StyleSpec, name: str, colour: str) -> None:
    symbol = _new_symbol(parent, "marker", name)
    props = {
        "name": spec.marker or "circle", "color": rgba(colour, spec.fill_opacity), "size": f"{2 * spec.size_px * PX_TO_PT:g}",
        "size_unit": "Point", "outline_color": rgba(STATUS_STYLES["reported"].outline), "outline_style": "solid",
        "outline_width": "0.6", "outline_width_unit": "Point", "angle": "0", "scale_method": "diameter",
    }  # fmt: skip
    layer = _symbol_layer(symbol, "SimpleMarker", props)
    _data_defined(layer, _status_rules(spec, colour, spec.fill_opacity, fill_key="fillColor"))


def _fill_symbol(parent: ET.Element, spec: StyleSpec, name: str, colour: str) -> None:
    symbol = _new_symbol(parent, "fill", name)
    props = {
        "style": "solid", "color": rgba(colour, spec.fill_opacity), "outline_color": rgba(colour, 0.6),
        "outline_style": "solid", "outline_width": f"{spec.size_px * PX_TO_PT:g}", "outline_width_unit": "Point",
    }  # fmt: skip
    layer = _symbol_layer(symbol, "SimpleFill", props)
    rules = _status_rules(spec, colour, spec.fill_opacity, fill_key="fillColor")
    rules["outlineColor"] = status_expression({k: rgba(colour, 0.6 * s.opacity) for k, s in STATUS_STYLES.items()}, rgba(colour, 0.6))
    _data_defined(layer, rules)


def _line_symbol(parent: ET.Element, spec: StyleSpec, name: str, colour: str) -> None:
    symbol = _new_symbol(parent, "line", name)
    width = spec.size_px * PX_TO_PT
    props = {
        "line_color": rgba(colour), "line_style": "solid", "line_width": f"{width:g}", "line_width_unit": "Point",
        "capstyle": "round", "joinstyle": "round", "use_custom_dash": "0",
    }  # fmt: skip
    line = _symbol_layer(symbol, "SimpleLine", props)
    _data_defined(line, _status_rules(spec, colour, 1.0, fill_key="outlineColor"))
    if spec.arrowheads:
        arrow = _symbol_layer(symbol, "MarkerLine", {"placement": "lastvertex", "rotate": "1", "offset": "0"})
        head = _new_symbol(arrow, "marker", "@arrow")
        _symbol_layer(
            head,
            "SimpleMarker",
            {"name": "filled_arrowhead", "color": rgba(colour), "size": f"{4 * width:g}", "size_unit": "Point",
             "outline_color": rgba(colour), "outline_style": "solid", "outline_width": "0", "angle": "0"},
        )  # fmt: skip


SYMBOL_WRITERS = {"point": _marker_symbol, "line": _line_symbol, "polygon": _fill_symbol}


def symbol_element(parent: ET.Element, spec: StyleSpec, name: str, colour: str) -> None:
    """Add one QGIS symbol for ``spec``'s geometry in ``colour`` under ``parent``."""
    if spec.geometry not in SYMBOL_WRITERS:
        raise ValueError(f"StyleSpec {spec.layer!r} has geometry {spec.geometry!r}; expected one of {sorted(SYMBOL_WRITERS)}.")
    SYMBOL_WRITERS[spec.geometry](parent, spec, name, colour)


def renderer_element(spec: StyleSpec) -> ET.Element:
    """Return the ``renderer-v2`` element: categorized on ``spec.category_field``, one symbol per category."""
    renderer = ET.Element(
        "renderer-v2",
        {"type": "categorizedSymbol", "attr": spec.category_field, "symbollevels": "0", "enableorderby": "0", "forceraster": "0"},
    )
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for n, (value, (label, _colour)) in enumerate(spec.categories.items()):
        ET.SubElement(categories, "category", {"render": "true", "symbol": str(n), "value": value, "label": label})
        symbol_element(symbols, spec, str(n), spec.colour(value))
    source = ET.SubElement(renderer, "source-symbol")
    symbol_element(source, spec, "0", spec.colour("other"))
    return renderer


def aliases_element(fields: list[str]) -> ET.Element:
    """Return the ``aliases`` element naming every field readably."""
    aliases = ET.Element("aliases")
    for n, name in enumerate(fields):
        ET.SubElement(aliases, "alias", {"field": name, "index": str(n), "name": field_alias(name)})
    return aliases


def labeling_element(field: str, *, geometry: str, size_pt: float = 8.0) -> ET.Element:
    """Return a simple-labeling element that labels features with ``field`` (white buffer, placed around points)."""
    labeling = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    style = ET.SubElement(
        settings, "text-style",
        {"fieldName": field, "isExpression": "0", "fontSize": f"{size_pt:g}", "fontSizeUnit": "Point", "textColor": "40,40,40,255",
         "fontFamily": "Sans Serif", "textOpacity": "1", "multilineHeight": "1", "namedStyle": "Regular"},
    )  # fmt: skip
    buffer = {"bufferDraw": "1", "bufferSize": "0.8", "bufferSizeUnits": "MM", "bufferColor": "255,255,255,255", "bufferOpacity": "0.8"}
    ET.SubElement(style, "text-buffer", buffer)
    ET.SubElement(settings, "placement", {"placement": "6" if geometry == "point" else "1", "dist": "1", "distUnits": "MM"})
    ET.SubElement(settings, "rendering", {"obstacle": "1", "scaleVisibility": "0", "drawLabels": "1"})
    return labeling


def qml_tree(renderer: ET.Element, fields: list[str], *, geometry: str, label_field: str = "") -> ET.Element:
    """Return the ``<qgis>`` root of a style: renderer, labels on ``label_field`` (if given), field aliases."""
    root = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "Symbology|Labeling|Fields|Rendering", "labelsEnabled": str(int(bool(label_field)))})
    root.append(renderer)
    if label_field:
        root.append(labeling_element(label_field, geometry=geometry))
    root.append(aliases_element(fields))
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = {"point": "0", "line": "1", "polygon": "2"}[geometry]
    return root


def qml_text(root: ET.Element) -> str:
    """Return the QML document text (with QGIS's doctype) for a ``<qgis>`` root."""
    ET.indent(root, space=" ")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


def layer_qml(layer: Layer) -> str:
    """Return the QML style of a map layer, generated from its StyleSpec."""
    spec = layer.style
    fields = [c for c in layer.gdf.columns if c != layer.gdf.geometry.name]
    root = qml_tree(renderer_element(spec), fields, geometry=spec.geometry)
    return qml_text(root)


def write_qml_sidecars(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:  # noqa: ARG001
    """Write ``out_dir/layers/<layer>.qml`` next to each GeoJSON layer; return the paths."""
    return write_layer_files(layers, out_dir, ".qml", layer_qml)
