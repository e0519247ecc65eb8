"""Write ``militia_map.qgs``: a QGIS 3.22 project (plain XML, no QGIS needed) over ``militia_map.gpkg``.

Every layer points at the GeoPackage by a relative path, carries the same style as its
``layer_styles`` entry, sits in the web map's layer-control group, and the basemap lies underneath.
A print layout ("Map, A4 landscape") has the map, title, legend, scale bar and source note.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from geo.basemap import ATTRIBUTION
from layers.credits import credits_and_exclusions
from layers.style import BASEMAP as BASEMAP_STYLE
from renderers._xml import xml_document
from renderers.qgis._basemap_style import basemap_qml
from renderers.qgis._qgis_crs import project_proj, spatialrefsys, view_extent
from renderers.qgis._qgis_layout import layout_element
from renderers.qgis._qgis_metadata import fill_metadata
from renderers.qgis.gpkg import GPKG_NAME, geometry_type
from renderers.qgis.qml import QGIS_DOCTYPE, QGIS_VERSION, layer_qml

if TYPE_CHECKING:
    from pathlib import Path

    from dataset.model import Dataset
    from layers import Layer

PROJECT_NAME = "militia_map.qgs"
BASEMAP_GROUP = "Basemap"
BASEMAP = (
    ("arrow_ends", "Arrow ends (→ country)", "Point"),
    ("town_labels", "Towns (GeoNames)", "Point"),
    ("roads", "Main roads (schematic, for orientation)", "LineString"),
    ("rivers", "Rivers (Natural Earth 50 m; Orontes, Khabur schematic)", "MultiLineString"),
    ("lakes", "Lakes (Natural Earth 50 m)", "MultiPolygon"),
    ("countries", "Countries (Natural Earth)", "MultiPolygon"),
)
GEOMETRY_NAMES = {"Point": "Point", "LineString": "Line", "MultiLineString": "Line", "Polygon": "Polygon", "MultiPolygon": "Polygon"}


def layer_id(name: str) -> str:
    """Return the stable QGIS layer id of table ``name`` (reproducible across builds)."""
    return f"{name}_militia_map"


def _style_children(qml: str) -> list[ET.Element]:
    root = ET.fromstring(qml.split("\n", 1)[1])  # noqa: S314 - our own generated QML
    return list(root)


def basemap_metadata(name: str, title: str) -> ET.Element:
    """Return the ``resourceMetadata`` of a basemap layer: identifier, title and the attribution as abstract."""
    meta = ET.Element("resourceMetadata")
    for tag, text in (("identifier", name), ("title", title), ("abstract", ATTRIBUTION)):
        ET.SubElement(meta, tag).text = text
    return meta


def maplayer_element(name: str, title: str, geometry: str, qml: str, metadata: ET.Element) -> ET.Element:
    """Return a ``maplayer`` element for GeoPackage table ``name`` styled by ``qml``, with its ``resourceMetadata``."""
    node = ET.Element("maplayer", {"type": "vector", "geometry": GEOMETRY_NAMES[geometry], "wkbType": geometry,
                                   "hasScaleBasedVisibilityFlag": "0", "styleCategories": "AllStyleCategories"})  # fmt: skip
    ET.SubElement(node, "id").text = layer_id(name)
    ET.SubElement(node, "datasource").text = f"./{GPKG_NAME}|layername={name}"
    ET.SubElement(node, "layername").text = title
    spatialrefsys(ET.SubElement(node, "srs"))
    node.append(metadata)
    ET.SubElement(node, "provider", {"encoding": "UTF-8"}).text = "ogr"
    for child in _style_children(qml):
        node.append(child)
    return node


def _tree_layer(parent: ET.Element, name: str, title: str, *, visible: bool) -> None:
    ET.SubElement(parent, "layer-tree-layer", {
        "id": layer_id(name), "name": title, "source": f"./{GPKG_NAME}|layername={name}", "providerKey": "ogr",
        "checked": "Qt::Checked" if visible else "Qt::Unchecked", "expanded": "1",
    })  # fmt: skip


def layer_tree(root: ET.Element, layers: list[Layer]) -> None:
    """Add the layer tree: web-map groups with the top-drawn layer first, then the basemap group."""
    tree = ET.SubElement(root, "layer-tree-group")
    groups: dict[str, ET.Element] = {}
    for layer in reversed(layers):  # the tree lists the top-most layer first
        spec = layer.style
        if spec.group not in groups:
            groups[spec.group] = ET.SubElement(tree, "layer-tree-group", {"name": spec.group, "checked": "Qt::Checked", "expanded": "1"})
        _tree_layer(groups[spec.group], layer.name, spec.title, visible=spec.visible)
    basemap = ET.SubElement(tree, "layer-tree-group", {"name": BASEMAP_GROUP, "checked": "Qt::Checked", "expanded": "0"})
    for name, title, _geometry in BASEMAP:
        _tree_layer(basemap, name, title, visible=True)


def _extent(parent: ET.Element, tag: str, extent: tuple[float, float, float, float]) -> ET.Element:
    node = ET.SubElement(parent, tag)
    for key, value in zip(("xmin", "ymin", "xmax", "ymax"), extent, strict=True):
        ET.SubElement(node, key).text = f"{value:.1f}"
    return node


def _view_settings(root: ET.Element) -> None:
    """Add the canvas and default view: Syria and Lebanon (``layers.style.VIEW_SYRIA``), in the project CRS (metres)."""
    extent = view_extent()
    canvas = ET.SubElement(root, "mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
    ET.SubElement(canvas, "units").text = "meters"
    _extent(canvas, "extent", extent)
    ET.SubElement(canvas, "rotation").text = "0"
    spatialrefsys(ET.SubElement(canvas, "destinationsrs"), project_proj())
    view = ET.SubElement(root, "ProjectViewSettings", {"UseProjectScales": "0"})
    xmin, ymin, xmax, ymax = (f"{v:.1f}" for v in extent)
    default = ET.SubElement(view, "DefaultViewExtent", {"xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax})
    spatialrefsys(default, project_proj())


def _properties(root: ET.Element, ds: Dataset) -> None:
    props = ET.SubElement(root, "properties")
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", {"type": "bool"}).text = "false"
    srs = ET.SubElement(props, "SpatialRefSys")  # QGIS reads <projectCrs> only when this is set
    ET.SubElement(srs, "ProjectionsEnabled", {"type": "int"}).text = "1"
    # Distances (measure tool, the layout's km scale bar) on the WGS84 ellipsoid.
    measure = ET.SubElement(props, "Measure")
    ET.SubElement(measure, "Ellipsoid", {"type": "QString"}).text = "WGS84"
    gui = ET.SubElement(props, "Gui")
    red, green, blue = (int(BASEMAP_STYLE.sea[i : i + 2], 16) for i in (1, 3, 5))
    for key, value in (("CanvasColorRedPart", red), ("CanvasColorGreenPart", green), ("CanvasColorBluePart", blue)):
        ET.SubElement(gui, key, {"type": "int"}).text = str(value)
    meta = ET.SubElement(root, "projectMetadata")
    ET.SubElement(meta, "identifier").text = "militia-map"
    ET.SubElement(meta, "title").text = ds.info.title
    ET.SubElement(meta, "abstract").text = f"{ds.info.abstract} As of {ds.info.as_of.isoformat()}; {ds.provenance_text()}. {ds.info.disclaimer}"
    ET.SubElement(meta, "rights").text = ds.info.licence


def project_tree(layers: list[Layer], ds: Dataset) -> ET.Element:
    """Return the ``<qgis>`` project root for ``layers`` over the GeoPackage."""
    root = ET.Element("qgis", {"projectname": ds.info.title, "version": QGIS_VERSION, "saveUser": "", "saveUserFull": ""})
    ET.SubElement(root, "homePath", {"path": ""})
    ET.SubElement(root, "title").text = ds.info.title
    spatialrefsys(ET.SubElement(root, "projectCrs"), project_proj())
    layer_tree(root, layers)
    maplayers = ET.SubElement(root, "projectlayers")
    for layer in layers:
        spec = layer.style
        metadata = fill_metadata(ET.Element("resourceMetadata"), layer, ds)
        maplayers.append(maplayer_element(layer.name, spec.title, geometry_type(layer), layer_qml(layer), metadata))
    for name, title, geometry in BASEMAP:
        maplayers.append(maplayer_element(name, title, geometry, basemap_qml(name), basemap_metadata(name, title)))
    _view_settings(root)
    _properties(root, ds)
    layouts = ET.SubElement(root, "Layouts")
    entries = [(layer_id(layer.name), layer.style.title, f"./{GPKG_NAME}|layername={layer.name}") for layer in reversed(layers)]
    overlay_credits = tuple(dict.fromkeys(layer.style.attribution for layer in layers if layer.style.attribution))
    notes = credits_and_exclusions(ds, layers)  # every date, the whole project: the claims that name no place
    layouts.append(layout_element(ds, view_extent(), entries, overlay_credits=overlay_credits, notes=notes))
    return root


def write_qgis_project(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write ``out_dir/militia_map.qgs`` (next to the GeoPackage); return its path."""
    root = project_tree(layers, ds)
    path = out_dir / PROJECT_NAME
    path.write_text(xml_document(root, QGIS_DOCTYPE), encoding="utf-8")
    return [path]
