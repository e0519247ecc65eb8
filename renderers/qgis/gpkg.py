"""Write ``militia_map.gpkg``: every map layer typed and styled, the basemap, and the sources and evidence tables."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fiona
import geopandas
import shapely
from shapely.geometry import mapping

from geo.basemap import ATTRIBUTION, REGION_BBOX, load_countries, load_lakes, load_rivers, load_roads, load_town_labels
from layers._features import evidence_record
from layers.labels import arrow_end_labels, arrow_start_labels, town_thresholds
from layers.style import FOCUS_COUNTRY, VIEW_SYRIA
from renderers.qgis._basemap_style import basemap_qml
from renderers.qgis._gpkg_extensions import write_schema_and_metadata
from renderers.qgis._qgis_metadata import layer_abstract
from renderers.qgis.qml import layer_qml

if TYPE_CHECKING:
    import geopandas as gpd

    from dataset.model import Dataset
    from layers import Layer

GPKG_NAME = "militia_map.gpkg"
GEOMETRY_COLUMN = "geom"
BASEMAP_LAYERS = ("countries", "lakes", "rivers", "roads", "town_labels", "arrow_ends")
ROADS_NOTE = "Main roads, schematic, for orientation: straight lines through the towns named; no surveyed route (data/roads.geojson)."
TOWNS_NOTE = (
    "Towns labelled as in the overview snapshot (layers.labels.town_thresholds): every town a claim names, "
    "Syrian and Lebanese towns of {home:,}+, foreign towns of {foreign:,}+ (rank: lower first)."
)
ARROW_ENDS_NOTE = (
    "Arrow-end labels of the movements (layers.labels.arrow_end_labels): '→ country' at the arrowhead, or where the arrow "
    "leaves the print layout's view; 'crossing point not stated' where the source names no crossing; "
    "'from country' at the start of arrows from abroad."
)
SOURCES_TABLE = "sources"
EVIDENCE_TABLE = "evidence"
STYLES_TABLE = "layer_styles"
# OGR field type of columns whose type cannot be read off an empty frame; others follow their dtype.
FIELD_TYPES = {
    "date_start": "date", "date_end": "date",
    "acled_time_precision": "int", "acled_geo_precision": "int", "n_evidence": "int", "population": "int", "geonames_id": "int",
    "radius_km": "float", "lon": "float", "lat": "float", "length_km": "float",
    "verified": "bool", "on_ring": "bool", "radius_estimated": "bool", "crossing_stated": "bool", "named_by_claim": "bool", "schematic": "bool",
    "anchor_lon": "float", "anchor_lat": "float", "rank": "int",
    "time_precision": "int", "geo_precision": "int", "fatalities": "int", "acled_timestamp": "int", "source_row": "int",
    "event_date": "date",
}  # fmt: skip
GEOMETRY_TYPES = {"point": "Point", "line": "LineString", "polygon": "Polygon"}


def field_type(name: str, dtype: Any) -> str:  # noqa: ANN401
    """Return the fiona field type of column ``name`` (``date``, ``int``, ``float``, ``bool`` or ``str``)."""
    if name in FIELD_TYPES:
        return FIELD_TYPES[name]
    kind = getattr(dtype, "kind", "O")
    return {"i": "int", "u": "int", "f": "float", "b": "bool"}.get(kind, "str")


def cell(value: Any, kind: str) -> Any:  # noqa: ANN401
    """Return ``value`` as fiona writes a ``kind`` field: None for missing, ISO dates as dates."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if kind == "date":
        return dt.date.fromisoformat(str(value)).isoformat()
    return {"int": int, "float": float, "bool": bool, "str": str}[kind](value)


def frame_schema(gdf: gpd.GeoDataFrame, geometry: str | None) -> dict[str, Any]:
    """Return the fiona schema of ``gdf`` (field order kept) with ``geometry`` as its geometry type."""
    cols = [c for c in gdf.columns if c != "geometry"]
    return {"geometry": geometry or "None", "properties": {c: field_type(c, gdf[c].dtype) for c in cols}}


def write_frame(path: Path, name: str, gdf: Any, *, geometry: str | None, description: str) -> None:  # noqa: ANN401
    """Write one (Geo)DataFrame as GeoPackage layer ``name``, typed by :func:`frame_schema`."""
    schema = frame_schema(gdf, geometry)
    kinds = schema["properties"]
    crs = "EPSG:4326" if geometry else None
    options = {"IDENTIFIER": name, "DESCRIPTION": description}
    if geometry:
        options["GEOMETRY_NAME"] = GEOMETRY_COLUMN
    if not path.exists():
        options["VERSION"] = "1.2"  # dataset creation option; QGIS 3.22 (GDAL 3.6) reads 1.2 without a warning
    # Mode "w" with a new layer name adds a layer to an existing GeoPackage (fiona's "a" only appends rows).
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs=crs, layer=name, **options) as sink:
        records = gdf.to_dict(orient="records")
        sink.writerecords(
            {
                "geometry": mapping(rec["geometry"]) if geometry else None,
                "properties": {c: cell(rec[c], k) for c, k in kinds.items()},
            }
            for rec in records
        )


def layer_description(layer: Layer, ds: Dataset) -> str:
    """Return the gpkg_contents description: abstract, as-of date, version, sources and licence."""
    return layer_abstract(layer, ds)


def sources_frame(ds: Dataset) -> Any:  # noqa: ANN401
    """Return the sources table (one row per source) as a DataFrame."""
    import pandas as pd  # noqa: PLC0415

    rows = [
        {"source_id": s.id, "title": s.title, "author": s.author, "publisher": s.publisher, "date": s.date, "kind": s.kind,
         "url": s.url or None, "pages": s.pages, "citation": s.citation_text(), "note": s.note,
         "cited_in": json.dumps([{"document": c.document, "footnotes": list(c.footnotes), "paragraph": c.paragraph} for c in s.cited_in])}
        for s in sorted(ds.sources.values(), key=lambda s: s.id)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["source_id", "title", "author", "publisher", "date", "kind", "url", "pages", "citation", "note", "cited_in"])


def evidence_frame(ds: Dataset) -> Any:  # noqa: ANN401
    """Return the evidence table: one row per (claim, quoted passage), joinable on ``claim_id``."""
    import pandas as pd  # noqa: PLC0415

    rows = []
    for claim in ds.claims:
        for n, ev in enumerate(claim.evidence, start=1):
            rec = evidence_record(ds, ev)
            rows.append(
                {"claim_id": claim.id, "n": n, "source_id": ev.source, "locator": rec["locator"], "quote": ev.quote,
                 "citation": rec["citation"], "source_title": rec["source_title"], "url": rec["url"] or None,
                 "cited_works": json.dumps(rec["cited_works"], ensure_ascii=False)}
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["claim_id", "n", "source_id", "locator", "quote", "citation", "source_title", "url", "cited_works"])


def styles_frame(entries: list[tuple[str, str, str]], ds: Dataset) -> Any:  # noqa: ANN401
    """Return the QGIS ``layer_styles`` table: one default style per (table, title, QML)."""
    import pandas as pd  # noqa: PLC0415

    stamp = build_stamp(ds).isoformat()
    rows = [
        {"f_table_catalog": "", "f_table_schema": "", "f_table_name": table, "f_geometry_column": GEOMETRY_COLUMN,
         "styleName": table, "styleQML": qml, "styleSLD": "", "useAsDefault": True, "description": title,
         "owner": "", "ui": None, "update_time": stamp}
        for table, title, qml in entries
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(STYLE_FIELDS))


STYLE_FIELDS = {
    "f_table_catalog": "str", "f_table_schema": "str", "f_table_name": "str", "f_geometry_column": "str", "styleName": "str",
    "styleQML": "str", "styleSLD": "str", "useAsDefault": "bool", "description": "str", "owner": "str", "ui": "str",
    "update_time": "datetime",
}  # fmt: skip


def build_stamp(ds: Dataset) -> dt.datetime:
    """Return the build time to record: ``SOURCE_DATE_EPOCH`` if set, else the dataset's as-of date (midnight UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime.combine(ds.info.as_of, dt.time())


def _write_styles(path: Path, entries: list[tuple[str, str, str]], ds: Dataset) -> None:
    frame = styles_frame(entries, ds)
    schema = {"geometry": "None", "properties": dict(STYLE_FIELDS)}
    with fiona.open(path, "w", driver="GPKG", schema=schema, layer=STYLES_TABLE, IDENTIFIER=STYLES_TABLE) as sink:
        sink.writerecords({"geometry": None, "properties": rec} for rec in frame.to_dict(orient="records"))


def geometry_type(layer: Layer) -> str:
    """Return the GeoPackage geometry type of a layer (country outlines are MultiPolygons)."""
    kinds = set(layer.gdf.geometry.geom_type) if len(layer.gdf) else set()
    if layer.style.geometry == "polygon" and ("MultiPolygon" in kinds or layer.style.panel):
        return "MultiPolygon"
    return GEOMETRY_TYPES[layer.style.geometry]


def named_towns(ds: Dataset) -> dict[int, str]:
    """Return ``{GeoNames id: gazetteer name}`` of every town a claim names (labelled first)."""
    ids = {pid for claim in ds.claims for pid in claim.place_ids()}
    return {p.geonames_id: p.name for pid in sorted(ids) if (p := ds.gazetteer.get(pid)) is not None and p.geonames_id is not None}


def arrow_ends_frame(layers: list[Layer]) -> gpd.GeoDataFrame:
    """Return the arrow-end and arrow-start labels of the print layout's view (``layers.style.VIEW_SYRIA``) as points with a ``label``."""
    ends = arrow_end_labels(layers, VIEW_SYRIA) + arrow_start_labels(layers, VIEW_SYRIA, home=FOCUS_COUNTRY)
    return geopandas.GeoDataFrame(
        {"label": [text for _, _, text in ends]}, geometry=geopandas.points_from_xy([x for x, _, _ in ends], [y for _, y, _ in ends]), crs="EPSG:4326"
    )


def context_frames() -> list[tuple[str, gpd.GeoDataFrame, str, str]]:
    """Return the context tables (name, frame, geometry type, description): lakes, rivers, schematic roads."""
    lakes, rivers, roads = load_lakes(REGION_BBOX).copy(), load_rivers(REGION_BBOX).copy(), load_roads().copy()
    lakes["geometry"] = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in lakes.geometry]
    rivers["geometry"] = [shapely.MultiLineString([g]) if g.geom_type == "LineString" else g for g in rivers.geometry]
    return [
        ("lakes", lakes, "MultiPolygon", f"Lakes, Natural Earth 50 m. {ATTRIBUTION}"),
        ("rivers", rivers, "MultiLineString", f"Rivers, Natural Earth 50 m; the Orontes and the Khabur curated, schematic (column source). {ATTRIBUTION}"),
        ("roads", roads, "LineString", ROADS_NOTE),
    ]


def write_geopackage(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write ``out_dir/militia_map.gpkg`` (GeoPackage 1.2) and return its path.

    Holds the basemap (``countries``, ``town_labels``), one table per map layer with its QGIS
    default style in ``layer_styles``, and the non-spatial ``sources`` and ``evidence`` tables;
    field aliases in ``gpkg_data_columns`` and each map layer's metadata in ``gpkg_metadata``.
    """
    path = out_dir / GPKG_NAME
    path.unlink(missing_ok=True)
    stamp = build_stamp(ds).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    styles: list[tuple[str, str, str]] = []
    # No fsync per layer (one commit each): the file is written into the staging folder and only
    # swapped into dist/ when the whole build succeeds, so a crash never leaves a half-written dist/.
    with fiona.Env(OGR_CURRENT_DATE=stamp, OGR_SQLITE_SYNCHRONOUS="OFF"):
        foreign, home = town_thresholds(VIEW_SYRIA)
        countries = load_countries(REGION_BBOX).copy()
        towns = load_town_labels(bbox=REGION_BBOX, named=named_towns(ds), min_population=foreign, home_min_population=home)
        countries["geometry"] = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in countries.geometry]
        write_frame(path, "countries", countries, geometry="MultiPolygon", description=f"Country borders. {ATTRIBUTION}")
        for name, frame, gtype, text in context_frames():
            write_frame(path, name, frame, geometry=gtype, description=text)
        write_frame(path, "town_labels", towns, geometry="Point", description=f"{TOWNS_NOTE.format(home=home, foreign=foreign)} {ATTRIBUTION}")
        write_frame(path, "arrow_ends", arrow_ends_frame(layers), geometry="Point", description=ARROW_ENDS_NOTE)
        styles += [(name, name.replace("_", " ").capitalize(), basemap_qml(name)) for name in BASEMAP_LAYERS]
        for layer in layers:
            gtype = geometry_type(layer)
            write_frame(path, layer.name, layer.gdf, geometry=gtype, description=layer_description(layer, ds))
            styles.append((layer.name, layer.style.title, layer_qml(layer)))
        sources, evidence = sources_frame(ds), evidence_frame(ds)
        write_frame(path, SOURCES_TABLE, sources, geometry=None, description="Sources cited by the claims (join on source_id).")
        write_frame(path, EVIDENCE_TABLE, evidence, geometry=None, description="Quoted evidence per claim (join on claim_id).")
        _write_styles(path, styles, ds)
    tables = {layer.name: [c for c in layer.gdf.columns if c != "geometry"] for layer in layers}
    tables |= {SOURCES_TABLE: list(sources.columns), EVIDENCE_TABLE: list(evidence.columns)}
    write_schema_and_metadata(path, tables, layers, ds, stamp)
    return [path]
