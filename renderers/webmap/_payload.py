"""Turn layers and their style specs into the JSON the page's script draws from."""

from __future__ import annotations

import json
import re
from typing import Any

from dataset.model import Dataset
from layers import Layer, StyleSpec
from layers.style import ACTOR_GROUPS, DIRECTION_STYLES, STATUS_STYLES
from renderers.geojson import layer_to_geojson
from renderers.webmap._escape import safe_url

# Order of the groups in the layer control; groups not named here follow in drawing order.
GROUP_ORDER = ("Presence", "Sites", "Movements", "Strikes", "Risks")
# Properties that layers store as JSON text; the page gets them as real lists.
_JSON_LIST_FIELDS = ("actors", "place_ids", "claim_ids")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def check_colour(colour: str, where: str) -> str:
    """Return ``colour`` if it is ``#RRGGBB``; raise ``ValueError`` naming ``where`` otherwise."""
    if colour and not _COLOUR.match(colour):
        msg = f"{where}: colour must be '#RRGGBB', got {colour!r}."
        raise ValueError(msg)
    return colour


def _evidence(raw: Any, feature_id: str) -> list[dict[str, Any]]:  # noqa: ANN401 - JSON text or a list
    entries = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(entries, list):
        msg = f"Feature {feature_id!r}: 'evidence' must be a JSON list of entries, got {type(entries).__name__}."
        raise TypeError(msg)
    cleaned = []
    for entry in entries:
        item = dict(entry)
        item["url"] = safe_url(item.get("url"))
        item["cited_works"] = [{**work, "url": safe_url(work.get("url"))} for work in item.get("cited_works") or []]
        cleaned.append(item)
    return cleaned


def _properties(props: dict[str, Any]) -> dict[str, Any]:
    out = dict(props)
    feature_id = str(out.get("id", ""))
    out["evidence"] = _evidence(out.get("evidence") or "[]", feature_id)
    out["url"] = safe_url(out.get("url"))
    for name in _JSON_LIST_FIELDS:
        value = out.get(name)
        if isinstance(value, str) and value.startswith("["):
            try:
                out[name] = json.loads(value)
            except json.JSONDecodeError:
                out[name] = [value]
    return out


def _categories(style: StyleSpec) -> dict[str, dict[str, str]]:
    return {
        key: {"label": label, "colour": check_colour(colour, f"layer {style.layer!r} category {key!r}")} for key, (label, colour) in style.categories.items()
    }


def layer_payload(layer: Layer) -> dict[str, Any]:
    """Return one layer's style spec and features (GeoJSON, lon/lat) for the page."""
    style = layer.style
    collection = layer_to_geojson(layer)
    for feature in collection["features"]:
        feature["properties"] = _properties(feature["properties"])
    return {
        "id": style.layer,
        "title": style.title,
        "group": style.group,
        "visible": style.visible,
        "geometry": style.geometry,
        "marker": style.marker,
        "size_px": style.size_px,
        "fill_opacity": style.fill_opacity,
        "arrowheads": style.arrowheads,
        "dash_field": style.dash_field,
        "dash_value": style.dash_value,
        "dash": style.dash,
        "label_field": style.label_field,
        "category_field": style.category_field,
        "fixed_colour": check_colour(style.fixed_colour, f"layer {style.layer!r} fixed_colour"),
        "description": style.description,
        "categories": _categories(style),
        "geojson": collection,
    }


def group_order(layers: list[Layer]) -> list[dict[str, Any]]:
    """Return the layer-control groups, each with its layer ids in drawing order."""
    names = [g for g in GROUP_ORDER if any(layer.style.group == g for layer in layers)]
    names += [layer.style.group for layer in layers if layer.style.group not in names]
    names = list(dict.fromkeys(names))
    return [{"name": name, "layers": [layer.name for layer in layers if layer.style.group == name]} for name in names]


def styles_payload() -> dict[str, Any]:
    """Return the shared styles: actor colours, claim statuses, movement directions."""
    return {
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
        "as_of": info.as_of.isoformat(),
        "licence": info.licence,
        "disclaimer": info.disclaimer,
        "built": built,
    }
