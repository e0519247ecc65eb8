"""A layer's metadata in QGIS's format (QMD): title, abstract, sources, as-of date, dataset version.

The same elements go into the GeoPackage's ``gpkg_metadata`` table (where QGIS 3.20+ reads a
layer's metadata) and into the project's ``resourceMetadata`` of each layer.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from renderers._xml import xml_document
from renderers.qgis.qml import QGIS_DOCTYPE

if TYPE_CHECKING:
    from dataset.model import Dataset, Source
    from layers import Layer

# The md_standard_uri under which QGIS stores (and looks for) its layer metadata in a GeoPackage.
QGIS_METADATA_URI = "http://mrcc.com/qgis.dtd"
PARENT_IDENTIFIER = "militia-map"


def layer_sources(layer: Layer, ds: Dataset) -> list[Source]:
    """Return the sources cited by the layer's features, in id order."""
    used = sorted({e["source_id"] for text in layer.gdf.get("evidence", []) for e in json.loads(text or "[]")})
    return [ds.sources[s] for s in used if s in ds.sources]


def layer_abstract(layer: Layer, ds: Dataset) -> str:
    """Return the layer's abstract: title, description, dataset version and as-of date, sources, licence, disclaimer."""
    spec = layer.style
    if spec.overlay:  # outside data: its own credit, not the dataset's sources and licence
        return f"{spec.title}. {spec.description} {spec.attribution} Not part of {ds.info.title}, version {ds.info.version}."
    sources = "; ".join(s.citation_text() for s in layer_sources(layer, ds)) or "none"
    return (
        f"{spec.title}. {spec.description} Dataset: {ds.info.title}, as of {ds.info.as_of.isoformat()}; {ds.provenance_text()}. "
        f"Sources: {sources}. {ds.info.licence} {ds.info.disclaimer}"
    )


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    node.text = text
    return node


def fill_metadata(node: ET.Element, layer: Layer, ds: Dataset) -> ET.Element:
    """Add QGIS layer-metadata children (identifier, title, abstract, keywords, source links, history, rights) to ``node``."""
    _text(node, "identifier", layer.name)
    _text(node, "parentidentifier", PARENT_IDENTIFIER)
    _text(node, "language", "en")
    _text(node, "type", "dataset")
    _text(node, "title", layer.style.title)
    _text(node, "abstract", layer_abstract(layer, ds))
    for vocabulary, word in (("dataset version", ds.info.version), ("as of", ds.info.as_of.isoformat()), ("dataset", ds.info.title)):
        _text(ET.SubElement(node, "keywords", {"vocabulary": vocabulary}), "keyword", word)
    links = ET.SubElement(node, "links")
    for source in layer_sources(layer, ds):
        ET.SubElement(links, "link", {"name": source.citation_text(), "type": "WWW:LINK", "url": source.url, "description": f"Source {source.id}",
                                      "format": "", "mimeType": "", "size": ""})  # fmt: skip
    _text(node, "history", f"Built from {ds.provenance_text()}, data as of {ds.info.as_of.isoformat()}.")
    _text(node, "fees", "")
    _text(node, "rights", layer.style.attribution if layer.style.overlay else ds.info.licence)
    _text(node, "rights", ds.info.disclaimer)
    _text(node, "encoding", "UTF-8")
    return node


def metadata_qmd(layer: Layer, ds: Dataset, qgis_version: str) -> str:
    """Return the layer's metadata as a QMD document (what QGIS writes into ``gpkg_metadata``)."""
    root = fill_metadata(ET.Element("qgis", {"version": qgis_version}), layer, ds)
    return xml_document(root, QGIS_DOCTYPE)
