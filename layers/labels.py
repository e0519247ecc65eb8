"""Map labels every renderer places the same way: arrow-end labels and the town-label thresholds of a view.

The snapshots and the QGIS project both call these, so an arrow reads "→ Iraq" and the same
towns are labelled in a snapshot and in the QGIS print layout.
"""

from __future__ import annotations

import shapely

from layers._layer import Layer

Extent = tuple[float, float, float, float]
CLOSE_UP_DEG = 5.0  # a view narrower than this (degrees of longitude) is a close-up
# (foreign, Syrian/Lebanese) minimum population of a labelled town; a town a claim names is always labelled.
TOWN_MIN_POPULATION_WIDE = (1_000_000, 40_000)
TOWN_MIN_POPULATION_CLOSE = (15_000, 15_000)


def town_thresholds(extent: Extent) -> tuple[int, int]:
    """Return ``(min_population, home_min_population)`` of the towns labelled in a view of ``extent``."""
    close = (extent[2] - extent[0]) < CLOSE_UP_DEG
    return TOWN_MIN_POPULATION_CLOSE if close else TOWN_MIN_POPULATION_WIDE


def arrow_end_labels(layers: list[Layer], extent: Extent) -> list[tuple[float, float, str]]:
    """Return one label per drawn arrow end that leaves Syria or enters it from a country.

    The label sits at the arrowhead, or where the line leaves the view when the head is
    outside it; arrows sharing an end share one label that counts them. A computed crossing
    is said to be one ("crossing point not stated").
    """
    box = shapely.box(*extent)
    merged: dict[tuple[float, float, str], int] = {}
    for layer in layers:
        if layer.style.geometry != "line" or not len(layer.gdf) or "end_label" not in layer.gdf:
            continue
        for _, row in layer.gdf.iterrows():
            text = str(row.get("end_label") or "")
            if not text:
                continue
            if not bool(row.get("crossing_stated", True)):
                text += ", crossing point not stated"
            line = row.geometry
            tip = shapely.Point(line.coords[-1])
            if not box.contains(tip):
                inside = line.intersection(box)
                if inside.is_empty:
                    continue
                tip = shapely.Point(shapely.get_coordinates(inside)[-1])
            key = (round(tip.x, 3), round(tip.y, 3), text)
            merged[key] = merged.get(key, 0) + 1
    return [(x, y, text if n == 1 else f"{text} ({n} claims)") for (x, y, text), n in merged.items()]


def arrow_start_labels(layers: list[Layer], extent: Extent, *, home: str) -> list[tuple[float, float, str]]:
    """Return "from <country>" at the start of arrows that come from a country other than ``home``.

    A start whose route and crossing the source did not state (``start_note``: a country that
    does not border Syria) says so: "from Afghanistan, route and crossing point not stated".
    """
    box = shapely.box(*extent)
    found: dict[tuple[float, float], set[str]] = {}
    for layer in layers:
        if layer.style.geometry != "line" or not len(layer.gdf) or "start_label" not in layer.gdf:
            continue
        for _, row in layer.gdf.iterrows():
            origin = str(row.get("start_label") or "")
            note = str(row.get("start_note") or "")
            start = shapely.Point(row.geometry.coords[0])
            if origin and origin != home and box.contains(start):
                found.setdefault((round(start.x, 3), round(start.y, 3)), set()).add(f"{origin}, {note}" if note else origin)
    return [(x, y, "from " + "; ".join(sorted(names))) for (x, y), names in found.items()]


__all__ = ["CLOSE_UP_DEG", "arrow_end_labels", "arrow_start_labels", "town_thresholds"]
