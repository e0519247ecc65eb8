"""The QGIS print layout of the project: A4 landscape map with title, legend, scale bar and source note, all on the page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from layers.style import BASEMAP
from renderers.qgis._qgis_crs import fit_extent

if TYPE_CHECKING:
    from dataset.model import Dataset
    from layers.credits import ViewNotes

LAYOUT_NAME = "Map, A4 landscape"
PAGE_MM = (297.0, 210.0)
FONT = "Sans Serif"
# Item frames (x, y, width, height) in mm: title on top, the map across the page, the legend in
# columns under it, the scale bar in the map's lower left corner, the source note (with the
# credit of every layer and the exclusion note) at the bottom.
TITLE_MM = (8.0, 4.0, 281.0, 9.0)
MAP_MM = (8.0, 14.0, 281.0, 120.0)
SCALEBAR_MM = (11.0, 121.0, 40.0, 10.0)
LEGEND_MM = (8.0, 136.0, 281.0, 50.0)
LEGEND_COLUMNS = 4
NOTE_MM = (8.0, 188.0, 281.0, 19.0)
# The overlays' credit (ACLED), on the map's lower right, boxed, right of the scale bar.
OVERLAY_CREDIT_MM = (120.0, 123.0, 167.0, 9.5)
# Legend text styles: (style, size in pt, bold, margins in mm).
LEGEND_STYLES = (
    ("title", 9, True, {"marginBottom": "1"}),
    ("group", 7.5, True, {"marginTop": "1.5"}),
    ("subgroup", 7, True, {"marginTop": "1.5"}),
    ("symbol", 6.5, False, {"marginTop": "0.8"}),
    ("symbolLabel", 6.5, False, {"marginTop": "0.8", "marginLeft": "1.5"}),
)
LegendEntry = tuple[str, str, str]  # (layer id, title, data source) of a layer the legend lists
# QgsLayoutItemRegistry item types.
PAGE, MAP, LABEL, LEGEND, SCALEBAR = 65638, 65639, 65641, 65642, 65646


def _uuid(n: int) -> str:
    return f"{{6d1f3a52-0000-4000-8000-{n:012d}}}"


def _item(
    parent: ET.Element, kind: int, n: int, xywh_mm: tuple[float, float, float, float], item_id: str, *, fill: str = "#FFFFFF", **attrs: str
) -> ET.Element:
    """Add a layout item of ``kind`` at ``xywh_mm`` on the page; ``fill`` is its background colour (drawn if ``background="true"``)."""
    x, y, w, h = xywh_mm
    base = {
        "type": str(kind), "uuid": _uuid(n), "id": item_id, "position": f"{x:g},{y:g},mm", "positionOnPage": f"{x:g},{y:g},mm",
        "size": f"{w:g},{h:g},mm", "zValue": str(n), "visibility": "1", "positionLock": "false", "itemRotation": "0",
        "frame": "false", "background": "false", "referencePoint": "0", "opacity": "1",
    }  # fmt: skip
    node = ET.SubElement(parent, "LayoutItem", base | attrs)
    ET.SubElement(node, "FrameColor", {"red": "0", "green": "0", "blue": "0", "alpha": "255"})
    red, green, blue = (str(int(fill[i : i + 2], 16)) for i in (1, 3, 5))
    ET.SubElement(node, "BackgroundColor", {"red": red, "green": green, "blue": blue, "alpha": "255"})
    return node


def _text_style(parent: ET.Element, size_pt: float, *, bold: bool = False) -> None:
    fmt = ET.SubElement(parent, "text-style", {
        "fontFamily": FONT, "fontSize": f"{size_pt:g}", "fontSizeUnit": "Point", "fontWeight": "75" if bold else "50",
        "namedStyle": "Bold" if bold else "Regular", "textColor": "0,0,0,255", "textOpacity": "1", "multilineHeight": "1",
    })  # fmt: skip
    ET.SubElement(fmt, "text-buffer", {"bufferDraw": "0"})


def label_text(text: str) -> str:
    """Return ``text`` for a layout label, shown as written.

    QGIS evaluates ``[% … %]`` in label text as an expression; each ``[%`` of the data becomes the
    expression ``[% '[%' %]``, which shows ``[%`` itself, so no text from the data is evaluated.
    """
    return text.replace("[%", "[% '[%' %]")


def _label(parent: ET.Element, n: int, xywh_mm: tuple[float, float, float, float], text: str, size_pt: float, *, bold: bool = False, **attrs: str) -> None:
    node = _item(parent, LABEL, n, xywh_mm, f"label {n}", labelText=label_text(text), htmlState="0", marginX="1", marginY="1", halign="1", valign="32", **attrs)
    # QGIS 3.22 labels read a QFont description (family, size, pixel size, style hint, weight, ...).
    weight = 75 if bold else 50
    ET.SubElement(node, "LabelFont", {"description": f"{FONT},{size_pt:g},-1,5,{weight},0,0,0,0,0", "style": "Bold" if bold else ""})
    ET.SubElement(node, "FontColor", {"red": "0", "green": "0", "blue": "0", "alpha": "255"})


def _page(layout: ET.Element) -> None:
    pages = ET.SubElement(layout, "PageCollection")
    symbol = ET.SubElement(pages, "symbol", {"type": "fill", "name": "", "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"})
    fill = ET.SubElement(symbol, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"})
    opts = ET.SubElement(fill, "Option", {"type": "Map"})
    for key, value in (("color", "255,255,255,255"), ("style", "solid"), ("outline_style", "no")):
        ET.SubElement(opts, "Option", {"name": key, "type": "QString", "value": value})
    _item(pages, PAGE, 0, (0.0, 0.0, *PAGE_MM), "", background="true")
    ET.SubElement(pages, "GuideCollection", {"visible": "1"})


def source_note(ds: Dataset, notes: ViewNotes | None = None, *, boxed: tuple[str, ...] = ()) -> str:
    """Return the layout's source note: sources, as-of date, version, licence, a dated credit per layer, what is left out, disclaimer.

    ``notes`` are the project's credits and exclusion note (:func:`layers.credits.credits_and_exclusions`
    for every date and the whole extent); without them the basemap attribution stands in. Credits
    in ``boxed`` (the overlays', in their own box on the map) are not repeated.
    """
    if notes is None:
        from geo.basemap import ATTRIBUTION  # noqa: PLC0415

        credit, left_out = ATTRIBUTION, ""
    else:
        credit, left_out = "Credits: " + "; ".join(c for c in notes.credits[1:] if c not in boxed) + ".", f" Not shown: {notes.exclusion}"
    return (
        f"Sources: {len(ds.sources)} cited works; every feature carries its verbatim quote and citation "
        f"(attribute 'citation'; table 'evidence' in militia_map.gpkg). Data as of {ds.info.as_of.isoformat()}, "
        f"{ds.provenance_text()}. {ds.info.licence} {credit}{left_out} {ds.info.disclaimer}"
    )


def _legend_styles(legend: ET.Element) -> None:
    """Add the legend's text styles: small, readable print sizes (QGIS's defaults are 12-16 pt)."""
    styles = ET.SubElement(legend, "styles")
    for name, size_pt, bold, margins in LEGEND_STYLES:
        style = ET.SubElement(styles, "style", {"name": name, "alignment": "1", "indent": "0"} | margins)
        weight = 75 if bold else 50
        ET.SubElement(style, "styleFont", {"description": f"{FONT},{size_pt:g},-1,5,{weight},0,0,0,0,0", "style": "Bold" if bold else ""})


def _legend_tree(legend: ET.Element, entries: list[LegendEntry]) -> None:
    """Give the legend its own layer list (the map layers, top-drawn first; no basemap)."""
    tree = ET.SubElement(legend, "layer-tree-group")
    ET.SubElement(ET.SubElement(tree, "customproperties"), "Option")
    for layer_id, title, source in entries:
        node = ET.SubElement(tree, "layer-tree-layer", {"id": layer_id, "name": title, "source": source, "providerKey": "ogr",
                                                        "checked": "Qt::Checked", "expanded": "1"})  # fmt: skip
        ET.SubElement(ET.SubElement(node, "customproperties"), "Option")


def layout_element(
    ds: Dataset,
    extent: tuple[float, float, float, float],
    legend_entries: list[LegendEntry],
    *,
    overlay_credits: tuple[str, ...] = (),
    notes: ViewNotes | None = None,
) -> ET.Element:
    """Return the ``Layout`` element: the map of ``extent`` (project CRS), title, legend of ``legend_entries``, scale bar, source note.

    ``extent`` is widened about its centre to the map frame's proportions, so that QGIS keeps both
    the frame and the extent as written (the scale bar measures the map as drawn).
    """
    layout = ET.Element("Layout", {"name": LAYOUT_NAME, "units": "mm", "printResolution": "300"})
    ET.SubElement(layout, "Snapper", {"tolerance": "5", "snapToGrid": "0", "snapToGuides": "1", "snapToItems": "1"})
    ET.SubElement(layout, "Grid", {"resolution": "10", "resUnits": "mm", "offsetX": "0", "offsetY": "0", "offsetUnits": "mm"})
    _page(layout)
    _label(layout, 1, TITLE_MM, ds.info.title, 13, bold=True)
    map_item = _item(
        layout, MAP, 2, MAP_MM, "Main map", fill=BASEMAP.sea, frame="true", background="true", keepLayerSet="false", drawCanvasItems="true", mapRotation="0"
    )  # the sea shows where no country is drawn
    xmin, ymin, xmax, ymax = (f"{v:.3f}" for v in fit_extent(extent, MAP_MM[2], MAP_MM[3]))
    ET.SubElement(map_item, "Extent", {"xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax})
    ET.SubElement(map_item, "LayerSet")
    ET.SubElement(map_item, "AtlasMap", {"atlasDriven": "0", "scalingMode": "2", "margin": "0.1"})
    legend = _item(layout, LEGEND, 3, LEGEND_MM, "Legend", map_uuid=_uuid(2), title="Legend", columnCount=str(LEGEND_COLUMNS), splitLayer="1",
                   equalColumnWidth="0", resizeToContents="1", legendFilterByMap="1", legendFilterByAtlas="0", wrapChar="", symbolWidth="6",
                   symbolHeight="3.2", boxSpace="1.5", columnSpace="5", lineSpacing="1", titleAlignment="1", symbolAlignment="1",
                   fontColor="#000000", frame="true", background="true")  # fmt: skip
    _legend_styles(legend)
    _legend_tree(legend, legend_entries)
    bar = _item(layout, SCALEBAR, 4, SCALEBAR_MM, "Scale bar", mapUuid=_uuid(2), style="Single Box", unitType="km", unitLabel="km",
                numSegments="2", numSegmentsLeft="0", numSubdivisions="1", numUnitsPerSegment="100", segmentSizeMode="1",
                minBarWidth="12", maxBarWidth="30", numMapUnitsPerScaleBarUnit="1", height="2", labelBarSpace="1", boxContentSpace="1.2",
                alignment="0", background="true", frame="true")  # fmt: skip
    _text_style(bar, 7)
    _label(layout, 5, NOTE_MM, source_note(ds, notes, boxed=overlay_credits), 6.5)
    if overlay_credits:  # the overlays' attribution lines (ACLED), on the map itself
        _label(layout, 6, OVERLAY_CREDIT_MM, " ".join(overlay_credits), 6, background="true", frame="true")
    return layout
