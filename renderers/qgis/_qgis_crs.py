"""Coordinate reference systems of the QGIS project: WGS 84 for the data, a conformal conic for the map.

The layers stay in EPSG:4326 (as in the GeoPackage); the project and its print layout draw them in
a Lambert conformal conic fitted to the region (standard parallels at one sixth and five sixths of
its latitude span, centred on it). Being conformal and true to scale near the region's middle, it
lets the layout's scale bar measure what it claims, which a map drawn in degrees cannot.
Defined by a PROJ string, so no EPSG database look-up and no network are needed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pyproj import CRS, Transformer

from geo.basemap import REGION_BBOX
from layers.style import VIEW_SYRIA

Extent = tuple[float, float, float, float]
WGS84_PROJ = "+proj=longlat +datum=WGS84 +no_defs"
PROJECT_CRS_NAME = "Lambert conformal conic, Syria-Iraq region (WGS 84)"


def project_proj(bbox: Extent = REGION_BBOX) -> str:
    """Return the PROJ string of the project's Lambert conformal conic for ``bbox`` (lon/lat degrees)."""
    lon0, lat0, lon1, lat1 = bbox
    span = lat1 - lat0
    return (
        f"+proj=lcc +lat_0={(lat0 + lat1) / 2:g} +lon_0={(lon0 + lon1) / 2:g} +lat_1={lat0 + span / 6:g} +lat_2={lat1 - span / 6:g} "
        "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def projected_bbox(bbox: Extent = REGION_BBOX) -> Extent:
    """Return ``bbox`` (lon/lat) in the project CRS: the extent of its densified outline, in metres."""
    to_map = Transformer.from_crs(CRS.from_proj4(WGS84_PROJ), CRS.from_proj4(project_proj(bbox)), always_xy=True)
    return to_map.transform_bounds(*bbox, densify_pts=64)


def view_extent(view: Extent = VIEW_SYRIA) -> Extent:
    """Return the opening view (lon/lat) in the project CRS (the region's conic): what canvas and print layout frame."""
    to_map = Transformer.from_crs(CRS.from_proj4(WGS84_PROJ), CRS.from_proj4(project_proj()), always_xy=True)
    return to_map.transform_bounds(*view, densify_pts=64)


def fit_extent(extent: Extent, width: float, height: float) -> Extent:
    """Return ``extent`` widened in one direction, about its centre, to the ``width``/``height`` ratio of a frame."""
    xmin, ymin, xmax, ymax = extent
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    half_w, half_h = (xmax - xmin) / 2, (ymax - ymin) / 2
    if half_w / half_h < width / height:
        half_w = half_h * width / height
    else:
        half_h = half_w * height / width
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def spatialrefsys(parent: ET.Element, proj: str = WGS84_PROJ) -> None:
    """Add a QGIS ``spatialrefsys`` element for WGS 84 (EPSG:4326) or, given its PROJ string, the project CRS."""
    srs = ET.SubElement(parent, "spatialrefsys", {"nativeFormat": "Wkt"})
    # WKT1: the WKT2 of a recent PROJ names datum ensemble members an older PROJ (QGIS 3.22's) cannot parse.
    if proj == WGS84_PROJ:
        crs = CRS.from_epsg(4326)
        fields = (("srsid", "3452"), ("srid", "4326"), ("authid", "EPSG:4326"), ("description", "WGS 84"), ("projectionacronym", "longlat"),
                  ("geographicflag", "true"))  # fmt: skip
    else:  # a custom CRS: QGIS builds it from the WKT (srsid 0 = not from its database)
        crs = CRS.from_proj4(proj)
        fields = (("srsid", "0"), ("srid", "0"), ("authid", ""), ("description", PROJECT_CRS_NAME), ("projectionacronym", "lcc"),
                  ("geographicflag", "false"))  # fmt: skip
    for tag, text in (("wkt", crs.to_wkt("WKT1_GDAL")), ("proj4", proj), *fields, ("ellipsoidacronym", "EPSG:7030")):
        ET.SubElement(srs, tag).text = text
