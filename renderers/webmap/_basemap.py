"""The offline vector basemap as GeoJSON: land, borders, coastline, rivers, lakes, schematic roads, country and town labels."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import mapping
from shapely.ops import polylabel

from dataset.model import Dataset
from geo.basemap import ATTRIBUTION, CREDITS, REGION_BBOX, RIVER_LABELS, load_countries, load_lakes, load_rivers, load_roads, load_town_labels, town_label
from geo.geodesy import WGS84
from geo.geonames import geonames_city
from geo.place import Place
from layers import Layer
from layers.style import BASEMAP
from renderers.csv_export import loads

# Countries are clipped to this box (lon_min, lat_min, lon_max, lat_max), a margin around the
# region, so the page stays small and no one pans off the edge of the world into blank sea.
CLIP_BBOX = (REGION_BBOX[0] - 5.0, REGION_BBOX[1] - 6.0, REGION_BBOX[2] + 5.0, REGION_BBOX[3] + 4.0)
# Towns of Syria and Lebanon are labelled down to this population; elsewhere, bigger ones only.
FOCUS_MIN_POPULATION = 15_000
OTHER_MIN_POPULATION = 250_000
# Towns closer than this to a more important labelled town are one place (GeoNames lists districts too).
MERGE_KM = 12.0
# Zoom from which a town's label shows, by its rank (geo.basemap.load_town_labels: 0 named by a
# claim, 1 Syrian/Lebanese town of 40k+, 2 smaller one or foreign city of 1M+, 3 other foreign):
# claim places always, foreign cities only where they orient the view.
ZOOM_BY_RANK = {0: 0, 1: 6.5, 2: 7.5, 3: 8.5}
FOREIGN_ZOOM_BY_RANK = {2: 5, 3: 7.5}
HOME_COUNTRIES = ("SY", "LB")
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


def claim_places(layers: list[Layer], ds: Dataset) -> list[Place]:
    """Return the gazetteer places the layers' claims name (``place_id`` and ``place_ids`` columns)."""
    ids: set[str] = set()
    for layer in layers:
        gdf = layer.gdf
        if "place_id" in gdf.columns:
            ids.update(str(v) for v in gdf["place_id"].dropna().drop_duplicates().tolist())
        if "place_ids" in gdf.columns:
            for value in gdf["place_ids"].dropna().drop_duplicates().tolist():  # each distinct text once
                ids.update(loads(value) if isinstance(value, str) and value.startswith("[") else [str(value)])
    return [p for pid in sorted(ids) if (p := ds.gazetteer.get(pid)) is not None]


def named_towns(places: list[Place]) -> dict[int, str]:
    """Return ``{GeoNames id: label}`` of the towns among ``places`` (those the claims name).

    The label is the one a reader knows (``Hama``, ``Albu Kamal``: exonym, else GeoNames' name
    without diacritics), as for every other town.
    """
    out = {}
    for p in places:
        if p.kind == "town" and p.geonames_id is not None:
            city = geonames_city(p.geonames_id)
            out[p.geonames_id] = town_label(city, {}) if city is not None else p.name
    return out


def _min_zoom(rank: int, country: str) -> float:
    table = ZOOM_BY_RANK if country in HOME_COUNTRIES or rank == 0 else {**ZOOM_BY_RANK, **FOREIGN_ZOOM_BY_RANK}
    return table.get(rank, max(table.values()))


def _towns(named: dict[int, str]) -> list[dict[str, Any]]:
    """Return town labels, most important first: every town a claim names, then Syrian and Lebanese ones, foreign last."""
    frame = load_town_labels(min_population=OTHER_MIN_POPULATION, bbox=REGION_BBOX, named=named, home_min_population=FOCUS_MIN_POPULATION)
    kept: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        point = row["geometry"]
        near = any(WGS84.inv(k["geometry"].x, k["geometry"].y, point.x, point.y)[2] <= MERGE_KM * 1000.0 for k in kept)
        if near and not row["named_by_claim"]:
            continue
        kept.append(row)
    return [
        _feature(
            row["geometry"],
            name=str(row["label"]),
            population=int(row["population"]),
            geonames_id=int(row["geonames_id"]),
            rank=int(row["rank"]),
            named_by_claim=bool(row["named_by_claim"]),
            foreign=row["country"] not in HOME_COUNTRIES,
            min_zoom=_min_zoom(int(row["rank"]), str(row["country"])),
        )
        for row in kept
    ]


def _rivers_and_lakes() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    rivers = load_rivers(CLIP_BBOX)
    lakes = load_lakes(CLIP_BBOX)
    river_features = [_feature(g, name=str(n)) for n, g in zip(rivers["name"], rivers.geometry, strict=True) if not g.is_empty]
    lake_features = [_feature(g, name=str(n)) for n, g in zip(lakes["name"], lakes.geometry, strict=True) if not g.is_empty]
    labels = [_feature(shapely.Point(lon, lat), name=name) for name, lon, lat in RIVER_LABELS]
    return _collection(river_features), _collection(lake_features), _collection(labels)


def _roads() -> dict[str, Any]:
    roads = load_roads()
    features = []
    for row in roads.to_dict(orient="records"):
        line = row["geometry"]
        middle = line.interpolate(0.5, normalized=True)
        props = {"name": str(row["name"]), "ref": str(row["ref"]), "route_source": str(row["route_source"]), "schematic": bool(row["schematic"])}
        features.append(_feature(line, **props, label_at=_round([middle.x, middle.y])))
    return _collection(features)


def credits_text() -> str:
    """Return the credits line: what each basemap layer is and which version it comes from."""
    return " \u00b7 ".join(f"{layer}: {what} ({version})" for layer, what, version in CREDITS)


def basemap_payload(places: list[Place] | None = None) -> dict[str, Any]:
    """Return the basemap layers as GeoJSON FeatureCollections, their credits and their style (``layers.style.BASEMAP``).

    Parameters
    ----------
    places
        The places the claims name: their towns are always labelled (``rank`` 0).
    """
    countries = _clipped_countries()
    rivers, lakes, river_labels = _rivers_and_lakes()
    return {
        "attribution": ATTRIBUTION,
        "credits": [{"layer": layer, "what": what, "version": version} for layer, what, version in CREDITS],
        "credits_text": credits_text(),
        "bounds": [[CLIP_BBOX[1], CLIP_BBOX[0]], [CLIP_BBOX[3], CLIP_BBOX[2]]],
        "countries": _collection([_feature(g, name=str(n)) for n, g in zip(countries["name"], countries.geometry, strict=True)]),
        "coastline": _collection([_feature(_coastline(countries))]),
        "lakes": lakes,
        "rivers": rivers,
        "river_labels": river_labels,
        "roads": _roads(),
        "country_labels": _collection(_country_labels(countries)),
        "towns": _collection(_towns(named_towns(places or []))),
        "style": asdict(BASEMAP),
    }
