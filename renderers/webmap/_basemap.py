"""The offline vector basemap as GeoJSON: land, borders, coastline, country and town labels."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import mapping
from shapely.ops import polylabel

from geo.basemap import ATTRIBUTION, REGION_BBOX, load_countries, load_town_labels
from geo.geodesy import WGS84
from layers.style import BASEMAP

# Countries are clipped to this box (lon_min, lat_min, lon_max, lat_max), a margin around the
# region, so the page stays small and no one pans off the edge of the world into blank sea.
CLIP_BBOX = (REGION_BBOX[0] - 5.0, REGION_BBOX[1] - 6.0, REGION_BBOX[2] + 5.0, REGION_BBOX[3] + 4.0)
# Towns of Syria and Lebanon are labelled down to this population; elsewhere, bigger ones only.
FOCUS_COUNTRIES = ("SY", "LB")
FOCUS_MIN_POPULATION = 40_000
OTHER_MIN_POPULATION = 250_000
# Towns closer than this to a bigger labelled town are one place (GeoNames lists districts too).
MERGE_KM = 30.0
# (minimum population, zoom from which the label shows); one zoom later outside LABEL_FOCUS.
LABEL_FOCUS = ("SY", "LB", "IQ")
ZOOM_TIERS = ((1_000_000, 0), (300_000, 6), (100_000, 7), (0, 8))
DECIMALS = 4


def _round(coords: Any) -> Any:  # noqa: ANN401 - nested coordinate lists
    if isinstance(coords, float | int):
        return round(float(coords), DECIMALS)
    return [_round(c) for c in coords]


def _feature(geom: shapely.Geometry, **props: Any) -> dict[str, Any]:  # noqa: ANN401
    gj = mapping(geom)  # type: ignore[arg-type]  # shapely geometries carry __geo_interface__
    return {"type": "Feature", "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])}, "properties": props}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _clipped_countries() -> gpd.GeoDataFrame:
    frame = load_countries(CLIP_BBOX).copy()
    frame["geometry"] = shapely.intersection(frame.geometry.to_numpy(), shapely.box(*CLIP_BBOX))
    frame = frame[~frame.geometry.is_empty]
    return frame.reset_index(drop=True)


def _coastline(countries: gpd.GeoDataFrame) -> shapely.Geometry:
    """Return the land's outline minus the clip box's edges (which are no coast)."""
    land = shapely.union_all(countries.geometry.to_numpy(), grid_size=1e-6)
    edge = shapely.box(*CLIP_BBOX).exterior.buffer(1e-4)
    return shapely.line_merge(shapely.difference(land.boundary, edge))


def _label_point(geom: shapely.Geometry) -> shapely.Point:
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    return polylabel(largest, tolerance=0.05)


def _country_labels(countries: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    lon0, lat0, lon1, lat1 = REGION_BBOX
    features = []
    for name, geom in zip(countries["name"], countries.geometry, strict=True):
        point = _label_point(geom)
        if lon0 <= point.x <= lon1 and lat0 <= point.y <= lat1:
            features.append(_feature(point, name=str(name)))
    return features


def _is_plain(name: str) -> bool:
    return all(ord(ch) < 0x80 for ch in unicodedata.normalize("NFD", name))  # noqa: PLR2004 - ASCII


def _cluster_name(cluster: list[dict[str, Any]]) -> str:
    """Return the biggest town's name, or a plain spelling of a town nearly as big.

    GeoNames lists ``Al Mawşil al Jadīdah`` above ``Mosul``; readers know the latter.
    """
    head = cluster[0]
    if _is_plain(str(head["name"])):
        return str(head["name"])
    plain = [r for r in cluster if _is_plain(str(r["name"])) and r["population"] >= head["population"] / 2]
    return str(plain[0]["name"]) if plain else str(head["name"])


def _towns() -> list[dict[str, Any]]:
    frame = load_town_labels(min_population=FOCUS_MIN_POPULATION, bbox=REGION_BBOX)
    keep = frame[(frame["country"].isin(FOCUS_COUNTRIES)) | (frame["population"] >= OTHER_MIN_POPULATION)]
    rows = keep.sort_values(["population", "geonames_id"], ascending=[False, True]).to_dict(orient="records")
    clusters: list[list[dict[str, Any]]] = []
    for row in rows:
        for cluster in clusters:
            head = cluster[0]["geometry"]
            _, _, dist_m = WGS84.inv(head.x, head.y, row["geometry"].x, row["geometry"].y)
            if dist_m <= MERGE_KM * 1000.0:
                cluster.append(row)
                break
        else:
            clusters.append([row])
    features = []
    for cluster in clusters:
        head = cluster[0]
        population = int(head["population"])
        min_zoom = next(zoom for floor, zoom in ZOOM_TIERS if population >= floor) + (0 if head["country"] in LABEL_FOCUS else 1)
        name = _cluster_name(cluster)
        features.append(_feature(head["geometry"], name=name, population=population, geonames_id=int(head["geonames_id"]), min_zoom=min_zoom))
    return features


def basemap_payload() -> dict[str, Any]:
    """Return the basemap layers as GeoJSON FeatureCollections, their attribution and their style (``layers.style.BASEMAP``)."""
    countries = _clipped_countries()
    return {
        "attribution": ATTRIBUTION,
        "bounds": [[CLIP_BBOX[1], CLIP_BBOX[0]], [CLIP_BBOX[3], CLIP_BBOX[2]]],
        "countries": _collection([_feature(g, name=str(n)) for n, g in zip(countries["name"], countries.geometry, strict=True)]),
        "coastline": _collection([_feature(_coastline(countries))]),
        "country_labels": _collection(_country_labels(countries)),
        "towns": _collection(_towns()),
        "style": asdict(BASEMAP),
    }
