"""The QGIS print layout of the project: A4 landscape map with title, legend, scale bar and source note."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from geo.basemap import ATTRIBUTION

if TYPE_CHECKING:
    from dataset.model import Dataset

LAYOUT_NAME = "Map, A4 landscape"
PAGE_MM = (297.0, 210.0)
# QgsLayoutItemRegistry item types.
PAGE, MAP, LABEL, LEGEND, SCALEBAR = 65638, 65639, 65641, 65642, 65646


def _uuid(n: int) -> str:
    return f"{{6d1f3a52-0000-4000-8000-{n:012d}}}"


def _item(parent: ET.Element, kind: int, n: int, xywh_mm: tuple[float, float, float, float], item_id: str, **attrs: str) -> ET.Element:
    x, y, w, h = xywh_mm
    base = {
        "type": str(kind), "uuid": _uuid(n), "id": item_id, "position": f"{x:g},{y:g},mm", "positionOnPage": f"{x:g},{y:g},mm",
        "size": f"{w:g},{h:g},mm", "zValue": str(n), "visibility": "1", "positionLock": "false", "itemRotation": "0",
        "frame": "false", "background": "false", "referencePoint": "0", "opacity": "1",
    }  # fmt: skip
    node = ET.SubElement(parent, "LayoutItem", base | attrs)
    ET.SubElement(node, "FrameColor", {"red": "0", "green": "0", "blue": "0", "alpha": "255"})
    ET.SubElement(node, "BackgroundColor", {"red": "255", "green": "255", "blue": "255", "alpha": "255"})
    return node


def _text_style(parent: ET.Element, size_pt: float, *, bold: bool = False) -> None:
    fmt = ET.SubElement(parent, "text-style", {
        "fontFamily": "Sans Serif", "fontSize": f"{size_pt:g}", "fontSizeUnit": "Point", "fontWeight": "75" if bold else "50",
        "namedStyle": "Bold" if bold else "Regular", "textColor": "0,0,0,255", "textOpacity": "1", "multilineHeight": "1",
    })  # fmt: skip
    ET.SubElement(fmt, "text-buffer", {"bufferDraw": "0"})


def _label(parent: ET.Element, n: int, xywh_mm: tuple[float, float, float, float], text: str, size_pt: float, *, bold: bool = False) -> None:
    node = _item(parent, LABEL, n, xywh_mm, f"label {n}", labelText=text, htmlState="0", marginX="1", marginY="1", halign="1", valign="32")
    # QGIS 3.22 labels read a QFont description (family, size, pixel size, style hint, weight, ...).
    weight = 75 if bold else 50
    ET.SubElement(node, "LabelFont", {"description": f"Sans Serif,{size_pt:g},-1,5,{weight},0,0,0,0,0", "style": "Bold" if bold else ""})
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


def source_note(ds: Dataset) -> str:
    """Return the layout's source note: sources, as-of date, version, licence and disclaimer."""
    return (
        f"Sources: {len(ds.sources)} cited works; every feature carries its verbatim quote and citation "
        f"(attribute 'citation'; table 'evidence' in militia_map.gpkg). Data as of {ds.info.as_of.isoformat()}, "
        f"version {ds.info.version}. {ds.info.licence} {ATTRIBUTION} {ds.info.disclaimer}"
    )


def layout_element(ds: Dataset, bbox: tuple[float, float, float, float]) -> ET.Element:
    """Return the ``Layout`` element: map of ``bbox`` (lon/lat), title, legend, scale bar and source note."""
    layout = ET.Element("Layout", {"name": LAYOUT_NAME, "units": "mm", "printResolution": "300"})
    ET.SubElement(layout, "Snapper", {"tolerance": "5", "snapToGrid": "0", "snapToGuides": "1", "snapToItems": "1"})
    ET.SubElement(layout, "Grid", {"resolution": "10", "resUnits": "mm", "offsetX": "0", "offsetY": "0", "offsetUnits": "mm"})
    _page(layout)
    _label(layout, 1, (8, 5, 281, 10), ds.info.title, 16, bold=True)
    map_item = _item(layout, MAP, 2, (8, 17, 212, 170), "Main map", frame="true", keepLayerSet="false", drawCanvasItems="true", mapRotation="0")
    xmin, ymin, xmax, ymax = (f"{v:g}" for v in bbox)
    ET.SubElement(map_item, "Extent", {"xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax})
    ET.SubElement(map_item, "LayerSet")
    ET.SubElement(map_item, "AtlasMap", {"atlasDriven": "0", "scalingMode": "2", "margin": "0.1"})
    legend = _item(layout, LEGEND, 3, (223, 17, 68, 170), "Legend", map_uuid=_uuid(2), title="Legend", columnCount="1",
                   resizeToContents="0", legendFilterByAtlas="0", wrapChar="", symbolWidth="5", symbolHeight="3.5")  # fmt: skip
    ET.SubElement(legend, "styles")
    bar = _item(layout, SCALEBAR, 4, (10, 170, 70, 14), "Scale bar", mapUuid=_uuid(2), style="Single Box", unitType="km", unitLabel="km",
                numSegments="2", numSegmentsLeft="0", numSubdivisions="1", numUnitsPerSegment="100", segmentSizeMode="1",
                minBarWidth="20", maxBarWidth="45",
                numMapUnitsPerScaleBarUnit="1", height="3", labelBarSpace="1.5", boxContentSpace="1", alignment="0",
                background="true")  # fmt: skip
    _text_style(bar, 8)
    _label(layout, 5, (8, 189, 281, 18), source_note(ds), 7)
    return layout
