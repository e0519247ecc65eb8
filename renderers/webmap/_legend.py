"""The legend's content, derived from the style specs; the page draws each item's symbol."""

from __future__ import annotations

from typing import Any

from layers import Layer
from layers.style import ACTOR_GROUPS, BASEMAP, COMPARE_STYLES, DIRECTION_STYLES, PHASE_STYLES, STATUS_STYLES, PhaseStyle

NEUTRAL = "#777777"
# How a movement's end reads (contract of issue 11: end_label, crossing_stated).
END_NOTES = (
    "\u201c\u2192 Iraq\u201d: the arrow stops a short way past the border; the country is the destination, not a place in it",
    "\u201ccrossing point not stated\u201d: the source names no crossing; the line crosses the shared border",
)
Item = dict[str, Any]


def _section(title: str, items: list[Item]) -> dict[str, Any]:
    return {"title": title, "items": items}


def _actor_section() -> dict[str, Any]:
    return _section("Actor group (colour)", [{"symbol": "swatch", "colour": colour, "label": label} for label, colour in ACTOR_GROUPS.values()])


def _movement_section(layer: Layer) -> dict[str, Any]:
    style = layer.style
    items: list[Item] = [{"symbol": "arrow", "direction": key, "colour": NEUTRAL, "label": d.label} for key, d in DIRECTION_STYLES.items()]
    items += [{"symbol": "end", "colour": NEUTRAL, "label": label} for label in END_NOTES]
    if style.dash_field:
        items += [
            {"symbol": "line", "dash": "", "colour": NEUTRAL, "label": "Route reported by the source (solid line)"},
            {"symbol": "line", "dash": style.dash, "colour": NEUTRAL, "label": "Route inferred: the source names no route (dashed line)"},
        ]
    return _section(style.title, items)


def _symbols_section(layers: list[Layer]) -> dict[str, Any]:
    items: list[Item] = []
    for layer in layers:
        style = layer.style
        if style.geometry == "point" and style.category_field == "actor_group":
            items.append({"symbol": "marker", "shape": style.marker, "colour": NEUTRAL, "label": style.title})
        elif style.geometry == "polygon" and not style.panel:
            items.append({"symbol": "area", "dash": "", "colour": NEUTRAL, "label": style.title, "note": style.description})
            if style.estimate_dash:
                estimated = "Dashed ring: radius estimated"
                items.append({"symbol": "area", "dash": style.estimate_dash, "colour": NEUTRAL, "label": estimated, "note": style.description})
    return _section("Symbols", items)


def _category_sections(layers: list[Layer]) -> list[dict[str, Any]]:
    sections = []
    for layer in layers:
        style = layer.style
        if style.geometry == "point" and style.category_field != "actor_group":
            items = [
                {"symbol": "marker", "shape": style.marker_for(key), "colour": colour, "label": label} for key, (label, colour) in style.categories.items()
            ]
            sections.append(_section(f"{style.title}: overlay, not curated claims" if style.overlay else style.title, items))
    return sections


def _status_section() -> dict[str, Any]:
    return _section(
        "Claim status (outline)",
        [{"symbol": "marker", "shape": "circle", "colour": NEUTRAL, "status": key, "label": s.label} for key, s in STATUS_STYLES.items()],
    )


# What the popup says of an open end (dataset/lifespan.py span_label), shown under the phases.
OPEN_END_NOTES = (
    ("ended", "An event with no stated end: \u201clast reported <date>\u201d (its latest source), faded after it"),
    ("ongoing", "A state with an open end: \u201creported as of <date>\u201d (its latest source)"),
)


def _phase_item(key: str, style: PhaseStyle, label: str | None = None) -> Item:
    return {
        "symbol": "phase", "phase": key, "colour": NEUTRAL, "label": label or style.label,
        "opacity": style.opacity, "halo": style.halo, "halo_width": style.halo_width, "dash": style.dash,
    }  # fmt: skip


def _time_sections() -> list[dict[str, Any]]:
    """Return the day view's phases (new, ongoing, ended; the open-end wording) and the compare view's classes."""
    day = [_phase_item(key, PHASE_STYLES[key]) for key in ("new", "ongoing", "ended") if key in PHASE_STYLES]
    day += [_phase_item(key, PHASE_STYLES[key], label) for key, label in OPEN_END_NOTES if key in PHASE_STYLES]
    compare = [_phase_item(key, style) for key, style in COMPARE_STYLES.items()]
    return [
        {"title": "On the chosen date", "mode": "day", "items": day},
        {"title": "Comparing dates A and B", "mode": "compare", "items": compare},
    ]


def _basemap_section() -> dict[str, Any]:
    return _section(
        "Basemap",
        [
            {"symbol": "line", "dash": "", "colour": BASEMAP.coastline, "label": "Coastline"},
            {"symbol": "line", "dash": BASEMAP.border_dash, "colour": BASEMAP.border, "label": "International border"},
            {"symbol": "town", "colour": BASEMAP.town, "label": "Town (GeoNames)"},
        ],
    )


def legend_payload(layers: list[Layer]) -> list[dict[str, Any]]:
    """Return the legend as sections of ``{symbol, colour, label, ...}`` items, in reading order."""
    sections = [_actor_section(), *_time_sections()]
    sections += [_movement_section(layer) for layer in layers if layer.style.arrowheads]
    sections.append(_symbols_section(layers))
    sections += _category_sections(layers)
    sections.append(_status_section())
    sections.append(_basemap_section())
    return [s for s in sections if s["items"]]
