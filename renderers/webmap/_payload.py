"""Turn layers and their style specs into the JSON the page's script draws from."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

import shapely
from shapely.geometry import mapping

from dataset.model import Dataset
from layers import Layer, StyleSpec
from layers.style import ACTOR_GROUPS, COMPARE_STYLES, DIRECTION_STYLES, PHASE_STYLES, STATUS_STYLES, PhaseStyle
from renderers.csv_export import loads
from renderers.geojson import json_value, round_coords
from renderers.webmap._escape import safe_url

# Order of the groups in the layer control; groups not named here follow in drawing order.
GROUP_ORDER = ("Presence", "Sites", "Movements", "Strikes", "Risks")
# Properties that layers store as JSON text; the page gets them as real lists.
_JSON_LIST_FIELDS = ("actors", "place_ids", "claim_ids", "independent_works")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# Columns the page does not use: the evidence is sent once in its own table, the ACLED codes
# and record file are for the CSV and the GeoPackage.
_DROPPED = frozenset({"evidence", "quote", "citation", "acled_event_type", "acled_sub_event_type", "acled_time_precision", "acled_geo_precision"})
# Columns no script of the page reads (each name checked against webmap.js, controls.js and
# decode.js): they stay in the GeoJSON, GeoPackage and CSV. A layer whose style names one of them
# (category, label, dash or fill field) keeps it.
UNREAD = frozenset({
    "date_precision", "date_as_written", "time_kind", "end_basis", "last_reported", "n_evidence", "place_id", "place_ids",
    "place_kind", "anchor_lon", "anchor_lat", "on_ring", "parent_layer", "claim_ids", "verified",
})  # fmt: skip
# Keys of an evidence entry the page never reads: its popup writes the citation from the entry's parts (citationNode).
UNREAD_EVIDENCE = ("citation",)
# Decimals of lon/lat on the page (about 1 m) and the tolerance lines are simplified within
# (0.001°: about 90-110 m at this latitude, 6-7 px at the page's highest zoom, 13, where a
# pixel is about 16 m; at the opening zoom far less than a pixel).
DECIMALS = 5
LINE_TOLERANCE_DEG = 0.001


def check_colour(colour: str, where: str) -> str:
    """Return ``colour`` if it is ``#RRGGBB``; raise ``ValueError`` naming ``where`` otherwise."""
    if colour and not _COLOUR.match(colour):
        msg = f"{where}: colour must be '#RRGGBB', got {colour!r}."
        raise ValueError(msg)
    return colour


def _same_json(value: Any) -> Any:  # noqa: ANN401 - a JSON value
    """Return a hashable key equal for two values exactly when their JSON texts (keys sorted) are equal; cheaper than writing the text."""
    if isinstance(value, str) or value is None:
        return value
    # Text and null items are their own key: inlined, no call per item.
    if isinstance(value, dict):
        return ("{", tuple(sorted([(k, v if type(v) is str or v is None else _same_json(v)) for k, v in value.items()])))
    if isinstance(value, list):
        return ("[", tuple([v if type(v) is str or v is None else _same_json(v) for v in value]))
    return (type(value).__name__, repr(value))


class EvidenceTable:
    """Evidence entries stored once for the page; features refer to them by index.

    The same entry is often shared (a site gathers its claims' evidence, an uncertainty circle
    repeats its point's), so the page stores each distinct entry once and builds popups from it.
    """

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._index: dict[Any, int] = {}
        self._by_raw: dict[str, list[int]] = {}
        self._urls: dict[Any, str] = {}

    def _safe_url(self, url: Any) -> str:  # noqa: ANN401 - a link from the data
        """Return :func:`safe_url` of ``url``, worked out once per distinct text."""
        if type(url) is not str:
            return safe_url(url)
        found = self._urls.get(url)
        if found is None:
            found = self._urls[url] = safe_url(url)
        return found

    def add(self, raw: Any, feature_id: str) -> list[int]:  # noqa: ANN401 - JSON text or a list
        """Return the indices of a feature's evidence entries, adding new ones (URLs made safe)."""
        raw_key = raw if isinstance(raw, str) else json.dumps(raw, sort_keys=True, ensure_ascii=False)
        if raw_key in self._by_raw:
            return self._by_raw[raw_key]
        entries = loads(raw) if isinstance(raw, str) else raw
        if not isinstance(entries, list):
            msg = f"Feature {feature_id!r}: 'evidence' must be a JSON list of entries, got {type(entries).__name__}."
            raise TypeError(msg)
        indices = []
        for entry in entries:
            item = dict(entry)
            item["url"] = self._safe_url(item.get("url"))
            item["cited_works"] = [{**work, "url": self._safe_url(work.get("url"))} for work in item.get("cited_works") or []]
            for unread in UNREAD_EVIDENCE:
                item.pop(unread, None)
            entry_key = _same_json(item)
            if entry_key not in self._index:
                self._index[entry_key] = len(self.entries)
                self.entries.append(item)
            indices.append(self._index[entry_key])
        self._by_raw[raw_key] = indices
        return indices


def dropped_columns(layer: Layer) -> frozenset[str]:
    """Return the layer's columns the page does not get: those sent another way or never read, less any its style names."""
    style = layer.style
    return (_DROPPED | UNREAD) - {style.category_field, style.label_field, style.dash_field, style.fill_field}


def _properties(props: dict[str, Any], evidence: EvidenceTable, dropped: frozenset[str] = _DROPPED | UNREAD) -> dict[str, Any]:
    out = {k: json_value(v) for k, v in props.items() if k not in dropped}
    feature_id = str(out.get("id", ""))
    out["ev"] = evidence.add(props.get("evidence") or "[]", feature_id)
    out["url"] = safe_url(out.get("url"))
    for name in _JSON_LIST_FIELDS:
        if name in out:
            out[name] = list_field(out[name])
    return out


def list_field(value: Any) -> Any:  # noqa: ANN401 - a list field's value
    """Return a list field as the page has it: JSON list text parsed (text that is not JSON as a one-item list), else the value as it is."""
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return [value]
    return value


def has_page_geometry(layer: Layer) -> bool:
    """Return whether the page gets the layer's geometries: not for panels (listed, never drawn) nor circles drawn from centre and radius."""
    style = layer.style
    return not (style.panel or (style.geometry == "polygon" and {"lon", "lat", "radius_km"} <= set(layer.gdf.columns)))


def _round(values: np.ndarray) -> list[Any]:
    return np.round(values, DECIMALS).tolist()  # type: ignore[no-any-return]


def _geometries(layer: Layer) -> list[dict[str, Any] | None]:
    """Return the page's geometry of each feature: points as they are, lines simplified, circles as centre and radius, none for panels."""
    gdf = layer.gdf
    geoms = gdf.geometry.to_numpy()
    if not has_page_geometry(layer):
        # A panel is listed, never drawn; an uncertainty circle is drawn from its centre and
        # radius (L.circle). The GeoJSON file keeps their outlines.
        return [None] * len(gdf)
    if layer.style.geometry == "point":
        xy = _round(shapely.get_coordinates(geoms))
        return [{"type": "Point", "coordinates": c} for c in xy]
    if layer.style.geometry == "line":
        geoms = shapely.simplify(geoms, LINE_TOLERANCE_DEG, preserve_topology=False)
    out: list[dict[str, Any] | None] = []
    for geom in geoms:
        gj = mapping(geom)
        out.append({"type": gj["type"], "coordinates": round_coords(gj["coordinates"], DECIMALS)})
    return out


def _categories(style: StyleSpec) -> dict[str, dict[str, str]]:
    return {
        key: {"label": label, "colour": check_colour(colour, f"layer {style.layer!r} category {key!r}")} for key, (label, colour) in style.categories.items()
    }


def layer_payload(layer: Layer, evidence: EvidenceTable) -> dict[str, Any]:
    """Return one layer's style spec and features (GeoJSON-like, lon/lat) for the page.

    Geometries are rounded to about a metre and lines simplified within ``LINE_TOLERANCE_DEG``;
    evidence goes into ``evidence`` once and features keep the indices of their entries.
    """
    records = layer.gdf.drop(columns="geometry").to_dict(orient="records")
    dropped = dropped_columns(layer)
    features = [
        {"type": "Feature", "geometry": geom, "properties": _properties(props, evidence, dropped)}
        for geom, props in zip(_geometries(layer), records, strict=True)
    ]
    return {**layer_spec(layer), "geojson": {"type": "FeatureCollection", "features": features}}


def layer_spec(layer: Layer) -> dict[str, Any]:
    """Return one layer's style spec for the page (the layer payload without its ``geojson``)."""
    style = layer.style
    return {
        "id": style.layer,
        "title": style.title,
        "group": style.group,
        "visible": style.visible,
        "geometry": style.geometry,
        "marker": style.marker,
        "size_px": style.size_px,
        "fill_opacity": style.fill_opacity,
        "fill_field": style.fill_field,
        "panel": style.panel,
        "estimate_dash": style.estimate_dash,
        "arrowheads": style.arrowheads,
        "dash_field": style.dash_field,
        "dash_value": style.dash_value,
        "dash": style.dash,
        "label_field": style.label_field,
        "category_field": style.category_field,
        "fixed_colour": check_colour(style.fixed_colour, f"layer {style.layer!r} fixed_colour"),
        "description": style.description,
        "categories": _categories(style),
        "category_markers": dict(style.category_markers),
        "overlay": style.overlay,
        "attribution": style.attribution,
    }


def group_order(layers: list[Layer]) -> list[dict[str, Any]]:
    """Return the layer-control groups, each with its layer ids in drawing order."""
    names = [g for g in GROUP_ORDER if any(layer.style.group == g for layer in layers)]
    names += [layer.style.group for layer in layers if layer.style.group not in names]
    names = list(dict.fromkeys(names))
    return [{"name": name, "layers": [layer.name for layer in layers if layer.style.group == name]} for name in names]


def _phase_styles(styles: dict[str, PhaseStyle], what: str) -> dict[str, dict[str, Any]]:
    return {
        k: {"label": s.label, "opacity": s.opacity, "halo": check_colour(s.halo, f"{what} {k!r} halo"), "halo_width": s.halo_width, "dash": s.dash}
        for k, s in styles.items()
    }


def styles_payload() -> dict[str, Any]:
    """Return the shared styles: actor colours, claim statuses, movement directions, time phases and compare classes."""
    return {
        "phases": _phase_styles(PHASE_STYLES, "phase"),
        "compare": _phase_styles(COMPARE_STYLES, "compare class"),
        "actor_groups": {k: {"label": label, "colour": check_colour(c, f"actor group {k!r}")} for k, (label, c) in ACTOR_GROUPS.items()},
        "statuses": {
            k: {"label": s.label, "dash": s.dash, "opacity": s.opacity, "outline": check_colour(s.outline, f"status {k!r}")} for k, s in STATUS_STYLES.items()
        },
        "directions": {
            k: {"label": d.label, "arrow": d.arrow, "casing": check_colour(d.casing, f"direction {k!r}"), "width_factor": d.width_factor}
            for k, d in DIRECTION_STYLES.items()
        },
    }


def meta_payload(ds: Dataset, built: str) -> dict[str, Any]:
    """Return what the page says about the dataset: title, version, as-of date, licence, build date."""
    info = ds.info
    return {
        "title": info.title,
        "version": info.version,
        "data_sha256": ds.data_sha256,
        "as_of": info.as_of.isoformat(),
        "licence": info.licence,
        "disclaimer": info.disclaimer,
        "built": built,
    }
