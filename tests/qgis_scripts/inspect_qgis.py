"""Run under QGIS's Python: load the GeoPackage layers and the project, print a JSON report, render a PNG.

Usage: python3 inspect_qgis.py DIST_DIR PNG_PATH
Prints one JSON object on stdout; GDAL/QGIS messages are collected into its ``messages`` list.
"""

import json
import sys
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsExpressionContextUtils,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsReadWriteContext,
    QgsRenderContext,
    QgsSimpleMarkerSymbolLayerBase,
    QgsSymbolLayer,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtXml import QDomDocument

GPKG_LAYERS = [
    "countries",
    "lakes",
    "rivers",
    "roads",
    "town_labels",
    "arrow_ends",
    "countrywide",
    "uncertainty",
    "presence",
    "movements",
    "strikes",
    "risks",
    "sites",
    "sources",
    "evidence",
]


def renderer_info(layer):
    """Return the renderer type, attribute and categories (value, label, colour) of a layer."""
    renderer = layer.renderer()
    if renderer is None:
        return {"type": None}
    info = {"type": renderer.type()}
    if renderer.type() == "categorizedSymbol":
        info["attr"] = renderer.classAttribute()
        info["categories"] = [[c.value(), c.label(), c.symbol().color().name().upper()] for c in renderer.categories()]
        info["symbol_layers"] = [[sl.layerType() for sl in c.symbol().symbolLayers()] for c in renderer.categories()][:1]
    elif renderer.type() == "RuleRenderer":
        info["rules"] = [
            [rule.label(), rule.filterExpression(), [[c.label(), c.filterExpression(), c.symbol().color().name().upper()] for c in rule.children()]]
            for rule in renderer.rootRule().children()
        ]
    return info


DATA_DEFINED = {
    "customDash": QgsSymbolLayer.PropertyCustomDash,
    "outlineColor": QgsSymbolLayer.PropertyStrokeColor,
    "fillColor": QgsSymbolLayer.PropertyFillColor,
    "outlineStyle": QgsSymbolLayer.PropertyStrokeStyle,
}


def symbol_layer_info(sl, context):
    """Return one symbol layer's type, colour, widths, dash settings and its data-defined values for the current feature."""
    info = {"type": sl.layerType(), "color": sl.color().name(), "alpha": sl.color().alpha()}
    if sl.layerType() == "SimpleLine":
        info.update(
            width=sl.width(),
            width_unit=QgsUnitTypes.encodeUnit(sl.widthUnit()),
            custom_dash=sl.useCustomDashPattern(),
            dash=list(sl.customDashVector()),
            dash_unit=QgsUnitTypes.encodeUnit(sl.customDashPatternUnit()),
        )
    if sl.layerType() == "SimpleMarker":
        info.update(shape=QgsSimpleMarkerSymbolLayerBase.encodeShape(sl.shape()), size=sl.size(), stroke=sl.strokeColor().name())
    if sl.layerType() == "MarkerLine":
        info.update(offset_along_line=sl.offsetAlongLine(), markers=[symbol_layer_info(m, context) for m in sl.subSymbol().symbolLayers()])
    props = sl.dataDefinedProperties()
    values = {}
    for key, pid in DATA_DEFINED.items():
        prop = props.property(pid)
        if prop.isActive():
            value, _ok = prop.value(context.expressionContext())
            values[key] = None if value is None or (hasattr(value, "isNull") and value.isNull()) else str(value)
    info["data_defined"] = values
    return info


def feature_symbols(layer):
    """Return, per feature, its attributes of interest and the layers of the symbol(s) the renderer gives it."""
    renderer = layer.renderer().clone()
    context = QgsRenderContext()
    context.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    renderer.startRender(context, layer.fields())
    out = []
    for feature in layer.getFeatures():
        context.expressionContext().setFeature(feature)
        symbols = renderer.symbolsForFeature(feature, context)
        attrs = {name: feature[name] for name in ("id", "status", "direction", "route", "actor_group", "radius_estimated") if layer.fields().indexOf(name) >= 0}
        out.append(
            {
                "attrs": {k: (None if v is None or (hasattr(v, "isNull") and v.isNull()) else str(v)) for k, v in attrs.items()},
                "symbols": [[symbol_layer_info(sl, context) for sl in symbol.symbolLayers()] for symbol in symbols],
            }
        )
    renderer.stopRender(context)
    return out


def field_info(layer):
    """Return each field's name, QGIS type name and alias."""
    return [[f.name(), f.typeName(), layer.attributeAlias(i)] for i, f in enumerate(layer.fields())]


def metadata_info(layer):
    """Return the layer metadata QGIS read from the data source (before any style is applied)."""
    md = layer.metadata()
    return {
        "identifier": md.identifier(),
        "title": md.title(),
        "abstract": md.abstract(),
        "history": list(md.history()),
        "keywords": {k: list(v) for k, v in md.keywords().items()},
        "links": [[link.name, link.url] for link in md.links()],
        "rights": list(md.rights()),
    }


def load_gpkg(dist):
    """Load every GeoPackage layer on its own and report validity, style and fields."""
    out = {}
    for name in GPKG_LAYERS:
        layer = QgsVectorLayer(f"{dist / 'militia_map.gpkg'}|layername={name}", name, "ogr")
        entry = {
            "valid": layer.isValid(),
            "count": layer.featureCount(),
            "fields": field_info(layer),
            "metadata": metadata_info(layer),
            "provider_aliases": [[f.name(), f.alias()] for f in layer.dataProvider().fields()],
        }
        if layer.isSpatial():
            msg, ok = layer.loadDefaultStyle()
            entry.update(style_ok=ok, style_msg=msg, renderer=renderer_info(layer), features=feature_symbols(layer))
            labeling = layer.labeling()
            field = labeling.settings().fieldName if labeling is not None else ""
            entry["labeling"] = {
                "enabled": layer.labelsEnabled(),
                "field": field,
                "texts": [[str(f[field]), f.geometry().asPoint().x(), f.geometry().asPoint().y()] for f in layer.getFeatures()]
                if field and layer.geometryType() == 0
                else [],
            }
        out[name] = entry
    return out


def segment_mm(bar):
    """Return the scale bar's segment width in mm, as QGIS computed it (not exposed to Python in 3.22: read from its XML)."""
    doc = QDomDocument()
    parent = doc.createElement("items")
    bar.writeXml(parent, doc, QgsReadWriteContext())
    return float(parent.firstChildElement("LayoutItem").attribute("segmentMillimeters"))


def _rect(item):
    r = item.sceneBoundingRect()
    return [r.x(), r.y(), r.width(), r.height()]


def layout_info(layout):
    """Return the page size, every item's frame on the page (mm), the map's extent and CRS, the scale bar's and legend's settings."""
    page = layout.pageCollection().page(0).pageSize()
    items = {item.id(): {"type": item.type(), "rect": _rect(item)} for item in layout.items() if hasattr(item, "id") and item.id()}
    info = {"page": [page.width(), page.height()], "items": items}
    for item in layout.items():
        if isinstance(item, QgsLayoutItemMap):
            ext = item.extent()
            info["map"] = {
                "extent": [ext.xMinimum(), ext.yMinimum(), ext.xMaximum(), ext.yMaximum()],
                "size_mm": [item.rect().width(), item.rect().height()],
                "crs_proj": item.crs().toProj(),
                "crs_valid": item.crs().isValid(),
                "qgis_scale": item.scale(),
            }
        elif isinstance(item, QgsLayoutItemScaleBar):
            info["scalebar"] = {
                "units_per_segment": item.unitsPerSegment(),
                "segment_mm": segment_mm(item),
                "units": QgsUnitTypes.encodeUnit(item.units()),
                "map_units_per_bar_unit": item.mapUnitsPerScaleBarUnit(),
                "segments": item.numberOfSegments(),
                "font_pt": item.textFormat().size(),
            }
        elif isinstance(item, QgsLayoutItemLegend):
            styles = {
                "title": QgsLegendStyle.Title,
                "group": QgsLegendStyle.Group,
                "subgroup": QgsLegendStyle.Subgroup,
                "symbolLabel": QgsLegendStyle.SymbolLabel,
            }
            content = QgsLegendRenderer(item.model(), item.legendSettings()).minimumSize()  # what its text and symbols need, in mm
            info["legend"] = {
                "fonts_pt": {k: item.style(v).font().pointSizeF() for k, v in styles.items()},
                "content_mm": [content.width(), content.height()],
                "layers": [node.name() for node in item.model().rootGroup().findLayers()],
            }
        elif isinstance(item, QgsLayoutItemLabel):
            info.setdefault("labels", []).append([item.text(), item.font().pointSizeF()])
    return info


def load_project(dist, png, messages):
    """Read the project, report its layers and tree, and render its map to ``png``."""
    project = QgsProject.instance()
    ok = project.read(str(dist / "militia_map.qgs"))
    layers = {
        lyr.name(): {"valid": lyr.isValid(), "source": lyr.source(), "renderer": renderer_info(lyr) if lyr.type() == 0 and lyr.isSpatial() else None}
        for lyr in project.mapLayers().values()
    }
    tree = [[g.name(), [c.name() for c in g.children()]] for g in project.layerTreeRoot().children()]
    layouts = [[lay.name(), [item.type() for item in lay.items()]] for lay in project.layoutManager().layouts()]
    order = [lyr.name() for lyr in project.layerTreeRoot().layerOrder()]
    if png:
        settings = QgsMapSettings()
        visible = [lyr for lyr in project.layerTreeRoot().layerOrder() if project.layerTreeRoot().findLayer(lyr.id()).isVisible()]
        settings.setLayers(visible)
        settings.setDestinationCrs(project.crs())
        settings.setBackgroundColor(project.backgroundColor())
        settings.setOutputSize(QSize(1400, 900))
        settings.setExtent(project.viewSettings().defaultViewExtent())
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(png, "png")
        for layout in project.layoutManager().layouts():
            settings = QgsLayoutExporter.ImageExportSettings()
            settings.dpi = 100
            result = QgsLayoutExporter(layout).exportToImage(png.replace(".png", "_layout.png"), settings)
            messages.append(["layout export", int(result), layout.name()])
    layout = project.layoutManager().layouts()[0] if project.layoutManager().layouts() else None
    return {
        "read": ok,
        "layers": layers,
        "tree": tree,
        "layouts": layouts,
        "order": order,
        "crs": project.crs().authid(),
        "crs_proj": project.crs().toProj(),
        "layout": layout_info(layout) if layout else None,
    }


def main():
    dist, png = Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else ""
    messages = []
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    QgsApplication.messageLog().messageReceived.connect(lambda m, tag, level: messages.append([tag, int(level), m]))
    report = {"gpkg": load_gpkg(dist), "project": load_project(dist, png, messages), "messages": messages}
    sys.stdout.write(json.dumps(report) + "\n")
    QgsProject.instance().clear()
    app.exitQgis()


if __name__ == "__main__":
    main()
