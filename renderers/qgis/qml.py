"""Translate a layer's :class:`StyleSpec` into QGIS 3.22 style XML (QML) and write sidecar ``.qml`` files.

Colours, labels, dash rules, status and direction rules all come from ``layers.style``; this module
only knows how QGIS spells them: a categorized renderer on the spec's ``category_field``, one symbol
per category, data-defined outline colour and opacity per ``STATUS_STYLES``, the exact dash patterns
as QGIS custom dashes (in points; marker outlines, which cannot, get the nearest Qt pen style), and
for lines with a ``direction`` field a rule-based renderer: one rule per ``DIRECTION_STYLES`` entry
(casing, width factor, arrowhead kind) with one nested rule per category.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

from dataset.model import Dataset
from layers import STATUS_STYLES, Layer, StyleSpec
from layers.style import DIRECTION_STYLES, DirectionStyle
from renderers._files import write_layer_files
from renderers._xml import xml_document

QGIS_VERSION = "3.22.0-Białowieża"
QGIS_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
PX_TO_PT = 0.75  # one CSS pixel at 96 dpi, in typographic points
DIRECTION_FIELD = "direction"  # line layers with this field are styled by DIRECTION_STYLES
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
    "time_kind": "Event or state",
    "span_end": "End the map uses (stated, or last reported)",
    "end_basis": "Where the end comes from",
    "last_reported": "Latest evidence date",
    "span_label": "Span as the map shows it",
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
    """Return the Qt pen style nearest a dash pattern: ``solid``, ``dot`` (short dashes) or ``dash``.

    Only for marker outlines: QGIS 3.22's simple markers have no custom dash pattern.
    Lines and polygon outlines get the exact pattern (:func:`dash_points`).
    """
    if not dash.strip():
        return "solid"
    return "dot" if float(dash.split(maxsplit=1)[0]) <= 2 else "dash"  # noqa: PLR2004


def dash_points(dash: str) -> str:
    """Return a style-spec dash pattern in px (``"2 3"``) as QGIS custom-dash text in points (``"1.5;2.25"``)."""
    return ";".join(f"{float(v) * PX_TO_PT:g}" for v in dash.split())


def custom_dash(dash: str) -> dict[str, str]:
    """Return SimpleLine properties drawing ``dash`` (px) as a custom dash pattern in points, or a solid line."""
    return {"use_custom_dash": str(int(bool(dash.strip()))), "customdash": dash_points(dash), "customdash_unit": "Point"}


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


def qgis_string(value: str) -> str:
    r"""Return ``value`` as a QGIS expression string literal, escaped as ``QgsExpression.quotedString`` does.

    In single quotes; ``'`` doubled, ``\`` doubled, newline and tab as ``\n`` and ``\t``.
    """
    text = value.replace("'", "''").replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    return "'" + text + "'"


def qgis_field(name: str) -> str:
    """Return a QGIS expression reference to the field ``name``: in double quotes, ``"`` doubled."""
    return '"' + name.replace('"', '""') + '"'


def _quoted(value: str | None) -> str:
    return "NULL" if value is None else qgis_string(value)


def status_expression(values: Mapping[str, str | None], default: str | None, *, first: tuple[str, str | None] | None = None) -> str:
    """Return a QGIS ``CASE`` expression picking ``values[status]`` by the feature's ``status``.

    ``first`` is an optional ``(condition, value)`` tested before the statuses.
    """
    whens = [f"WHEN {first[0]} THEN {_quoted(first[1])}"] if first else []
    whens += [f"WHEN {qgis_field('status')} = {qgis_string(status)} THEN {_quoted(value)}" for status, value in values.items()]
    return f"CASE {' '.join(whens)} ELSE {_quoted(default)} END"


def _dash_expression(spec: StyleSpec) -> str:
    """Return the data-defined custom dash: the spec's pattern where ``dash_field`` matches, else the status's (NULL = solid).

    Uncertainty rings are dashed (``estimate_dash``) where their ``radius_estimated`` is true.
    """
    first = (f"{qgis_field(spec.dash_field)} = {qgis_string(spec.dash_value)}", dash_points(spec.dash)) if spec.dash_field else None
    if spec.geometry == "polygon" and not spec.panel:
        first = (qgis_field("radius_estimated"), dash_points(spec.estimate_dash))
    return status_expression({k: dash_points(s.dash) or None for k, s in STATUS_STYLES.items()}, None, first=first)


def _colour_by_status(colour: str, opacity: float) -> str:
    return status_expression({k: rgba(colour, opacity * s.opacity) for k, s in STATUS_STYLES.items()}, rgba(colour, opacity))


def _own_fill(colour: str, field_name: str) -> str:
    """Return a fill colour whose alpha is the feature's own ``field_name`` opacity (layers.style.ring_fill_opacities)."""
    r, g, b, _ = rgba(colour).split(",")
    return f"color_rgba({r}, {g}, {b}, round(255 * coalesce({qgis_field(field_name)}, 0)))"


def _outline_by_status() -> str:
    return status_expression({k: rgba(s.outline) for k, s in STATUS_STYLES.items()}, rgba(STATUS_STYLES["reported"].outline))


def _symbol_layer(symbol: ET.Element, cls: str, props: dict[str, str]) -> ET.Element:
    layer = ET.SubElement(symbol, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    option_map(layer, props)
    return layer


def _new_symbol(parent: ET.Element, kind: str, name: str) -> ET.Element:
    attrs = {"type": kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"}
    return ET.SubElement(parent, "symbol", attrs)


# QGIS simple-marker names of the style specs' shapes, where they differ.
QGIS_MARKERS = {"cross": "cross_fill"}


def _marker_symbol(parent: ET.Element, spec: StyleSpec, name: str, colour: str) -> None:
    symbol = _new_symbol(parent, "marker", name)
    props = {
        "name": QGIS_MARKERS.get(spec.marker, spec.marker) or "circle", "color": rgba(colour, spec.fill_opacity), "size": f"{2 * spec.size_px * PX_TO_PT:g}",
        "size_unit": "Point", "outline_color": rgba(STATUS_STYLES["reported"].outline), "outline_style": "solid",
        "outline_width": "0.6", "outline_width_unit": "Point", "angle": "0", "scale_method": "diameter",
    }  # fmt: skip
    layer = _symbol_layer(symbol, "SimpleMarker", props)
    styles = {k: pen_style(s.dash) for k, s in STATUS_STYLES.items()}
    _data_defined(layer, {"fillColor": _colour_by_status(colour, spec.fill_opacity), "outlineColor": _outline_by_status(),
                          "outlineStyle": status_expression(styles, "solid")})  # fmt: skip


def line_props(colour: str, width_pt: float, dash: str = "", *, cap: str = "flat") -> dict[str, str]:
    """Return SimpleLine properties; flat caps by default (the web map's butt caps, so a casing stops where its line does)."""
    return {"line_color": rgba(colour), "line_style": "solid", "line_width": f"{width_pt:g}", "line_width_unit": "Point",
            "capstyle": cap, "joinstyle": "round"} | custom_dash(dash)  # fmt: skip


def _fill_symbol(parent: ET.Element, spec: StyleSpec, name: str, colour: str) -> None:
    """Fill by status opacity; the outline is a simple line so that it can carry the status's exact dash pattern."""
    symbol = _new_symbol(parent, "fill", name)
    fill = {"style": "solid", "color": rgba(colour, spec.fill_opacity), "outline_style": "no", "outline_color": rgba(colour, 0.6)}
    fill_colour = _own_fill(colour, spec.fill_field) if spec.fill_field else _colour_by_status(colour, spec.fill_opacity)
    _data_defined(_symbol_layer(symbol, "SimpleFill", fill), {"fillColor": fill_colour})
    outline = _symbol_layer(symbol, "SimpleLine", line_props(colour, spec.size_px * PX_TO_PT) | {"line_color": rgba(colour, 0.6)})
    _data_defined(outline, {"outlineColor": _colour_by_status(colour, 0.6), "customDash": _dash_expression(spec)})


# QGIS simple-marker shapes for DirectionStyle.arrow: filled arrowheads, or an open V.
ARROW_SHAPES = {"triangle": "filled_arrowhead", "double": "filled_arrowhead", "chevron": "arrowhead"}
ARROW_SIZE = 6.0  # arrowhead marker size (QGIS draws the head half as long) relative to the line width
DOUBLE_GAP = 0.6  # the second head of a double arrow sits this many marker sizes behind the first
CASING_OPACITY = 0.85  # as on the web map
CASING_EXTRA_PX = 3.5  # the casing is this much wider than the line it surrounds
DEFAULT_DIRECTION = "outbound"  # what features with an unknown direction are drawn as (web map, snapshots)


def _arrowheads(symbol: ET.Element, colour: str, width_pt: float, direction: DirectionStyle) -> None:
    """Add a marker line at the last vertex: one arrowhead, or two in tandem for ``double`` arrows.

    The second head is offset within the rotated marker (x points along the line), not by the
    marker line's offset along the line, which QGIS 3.22 draws turned the wrong way at the last vertex.
    """
    size = ARROW_SIZE * width_pt
    arrow = _symbol_layer(symbol, "MarkerLine", {"placement": "lastvertex", "rotate": "1", "offset": "0"})
    head = _new_symbol(arrow, "marker", "@arrow")
    shape = ARROW_SHAPES.get(direction.arrow, "filled_arrowhead")
    props = {"name": shape, "color": rgba(colour), "size": f"{size:g}", "size_unit": "Point", "angle": "0", "outline_style": "solid",
             "outline_width_unit": "Point", "offset_unit": "Point"}  # fmt: skip
    if shape == "arrowhead":  # an open V: drawn by its stroke in the line's colour
        props |= {"outline_color": rgba(colour), "outline_width": f"{width_pt:g}"}
    else:  # filled, rimmed with the casing (or the status outline)
        props |= {"outline_color": rgba(direction.casing or STATUS_STYLES["reported"].outline), "outline_width": "0.6"}
    backs = (0.0, DOUBLE_GAP * size) if direction.arrow == "double" else (0.0,)
    for back in backs:
        marker = _symbol_layer(head, "SimpleMarker", props | {"offset": f"{-back:g},0"})
        if shape != "arrowhead" and not direction.casing:
            _data_defined(marker, {"outlineColor": _outline_by_status()})


def _line_symbol(parent: ET.Element, spec: StyleSpec, name: str, colour: str, direction: DirectionStyle | None = None) -> None:
    """Add a line symbol: casing (if the direction has one), the line, and its arrowhead(s)."""
    symbol = _new_symbol(parent, "line", name)
    width = spec.size_px * PX_TO_PT * (direction.width_factor if direction else 1.0)
    if direction and direction.casing:
        casing = line_props(direction.casing, width + CASING_EXTRA_PX * PX_TO_PT) | {"line_color": rgba(direction.casing, CASING_OPACITY)}
        _symbol_layer(symbol, "SimpleLine", casing)
    line = _symbol_layer(symbol, "SimpleLine", line_props(colour, width))
    _data_defined(line, {"outlineColor": _colour_by_status(colour, 1.0), "customDash": _dash_expression(spec)})
    if spec.arrowheads:
        _arrowheads(symbol, colour, width, direction or DIRECTION_STYLES[DEFAULT_DIRECTION])


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
        symbol_element(symbols, dataclasses.replace(spec, marker=spec.marker_for(value)), str(n), spec.colour(value))
    source = ET.SubElement(renderer, "source-symbol")
    symbol_element(source, spec, "0", spec.colour("other"))
    return renderer


def direction_renderer_element(spec: StyleSpec, field: str = DIRECTION_FIELD) -> ET.Element:
    """Return a rule-based ``renderer-v2`` for lines: one rule per :data:`DIRECTION_STYLES` entry, nested rules per category.

    Unknown or missing directions fall to the :data:`DEFAULT_DIRECTION` rule, as on the web map and the snapshots.
    """
    if spec.geometry != "line":
        raise ValueError(f"StyleSpec {spec.layer!r}: direction styles apply to lines, not {spec.geometry!r}.")
    renderer = ET.Element("renderer-v2", {"type": "RuleRenderer", "symbollevels": "0", "enableorderby": "0", "forceraster": "0"})
    rules = ET.SubElement(renderer, "rules", {"key": f"{{{spec.layer}-rules}}"})
    symbols = ET.SubElement(renderer, "symbols")
    others = ", ".join(qgis_string(key) for key in DIRECTION_STYLES if key != DEFAULT_DIRECTION)
    n = 0
    for key, direction in DIRECTION_STYLES.items():
        # Not QGIS's ELSE rule: symbolsForFeature() (used by plugins and tests) returns ELSE symbols for every feature.
        test = f"coalesce({qgis_field(field)}, '') NOT IN ({others})" if key == DEFAULT_DIRECTION else f"{qgis_field(field)} = {qgis_string(key)}"
        parent = ET.SubElement(rules, "rule", {"key": f"{{{spec.layer}-{key}}}", "filter": test, "label": direction.label})
        for value, (label, _colour) in spec.categories.items():
            ET.SubElement(parent, "rule", {"key": f"{{{spec.layer}-{key}-{value}}}", "filter": f"{qgis_field(spec.category_field)} = {qgis_string(value)}",
                                           "label": label, "symbol": str(n)})  # fmt: skip
            _line_symbol(symbols, spec, str(n), spec.colour(value), direction)
            n += 1
    return renderer


def aliases_element(fields: list[str]) -> ET.Element:
    """Return the ``aliases`` element naming every field readably."""
    aliases = ET.Element("aliases")
    for n, name in enumerate(fields):
        ET.SubElement(aliases, "alias", {"field": name, "index": str(n), "name": field_alias(name)})
    return aliases


def labeling_element(field: str, *, geometry: str, size_pt: float = 8.0, colour: str = "#282828") -> ET.Element:
    """Return a simple-labeling element that labels features with ``field`` in ``colour`` (white buffer, placed around points)."""
    labeling = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    style = ET.SubElement(
        settings, "text-style",
        {"fieldName": field, "isExpression": "0", "fontSize": f"{size_pt:g}", "fontSizeUnit": "Point", "textColor": rgba(colour),
         "fontFamily": "Sans Serif", "textOpacity": "1", "multilineHeight": "1", "namedStyle": "Regular"},
    )  # fmt: skip
    buffer = {"bufferDraw": "1", "bufferSize": "0.8", "bufferSizeUnits": "MM", "bufferColor": "255,255,255,255", "bufferOpacity": "0.8"}
    ET.SubElement(style, "text-buffer", buffer)
    # Points: ordered positions around the point; lines (rivers): along the line; polygons: over the centroid.
    placement = {"point": "6", "line": "2"}.get(geometry, "1")
    ET.SubElement(settings, "placement", {"placement": placement, "dist": "1", "distUnits": "MM", "placementFlags": "10"})
    if geometry == "line":
        ET.SubElement(settings, "thinning", {"minFeatureSize": "0"})
        ET.SubElement(settings, "rendering", {"mergeLines": "1", "obstacle": "1", "scaleVisibility": "0", "drawLabels": "1"})
        return labeling
    ET.SubElement(settings, "rendering", {"obstacle": "1", "scaleVisibility": "0", "drawLabels": "1"})
    return labeling


def qml_tree(renderer: ET.Element, fields: list[str], *, geometry: str, label_field: str = "", label_colour: str = "#282828") -> ET.Element:
    """Return the ``<qgis>`` root of a style: renderer, labels on ``label_field`` (if given) in ``label_colour``, field aliases."""
    root = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "Symbology|Labeling|Fields|Rendering", "labelsEnabled": str(int(bool(label_field)))})
    root.append(renderer)
    if label_field:
        root.append(labeling_element(label_field, geometry=geometry, colour=label_colour))
    root.append(aliases_element(fields))
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = {"point": "0", "line": "1", "polygon": "2"}[geometry]
    return root


def qml_text(root: ET.Element) -> str:
    """Return the QML document text (with QGIS's doctype) for a ``<qgis>`` root."""
    return xml_document(root, QGIS_DOCTYPE)


def layer_qml(layer: Layer) -> str:
    """Return the QML style of a map layer, generated from its StyleSpec (lines with a direction field: by direction too)."""
    spec = layer.style
    fields = [c for c in layer.gdf.columns if c != layer.gdf.geometry.name]
    by_direction = spec.geometry == "line" and DIRECTION_FIELD in fields
    renderer = direction_renderer_element(spec) if by_direction else renderer_element(spec)
    root = qml_tree(renderer, fields, geometry=spec.geometry)
    return qml_text(root)


def write_qml_sidecars(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:  # noqa: ARG001
    """Write ``out_dir/layers/<layer>.qml`` next to each GeoJSON layer; return the paths."""
    return write_layer_files(layers, out_dir, ".qml", layer_qml)
