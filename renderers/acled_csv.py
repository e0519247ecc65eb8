"""Write ``acled_overlay.csv``: the ACLED overlay's events, apart from the claims' CSV, in ACLED's own columns.

Text comes from an outside file, so every text cell that a spreadsheet would read as a formula
(``= + - @``, tab, carriage return first) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from dataset.model import Dataset
    from layers import Layer

CSV_NAME = "acled_overlay.csv"
OVERLAY_LAYER = "acled"
# (CSV column, layer column): ACLED's names first, then where the event was read and how it is drawn.
COLUMNS = (
    ("event_id_cnty", "event_id"), ("event_date", "event_date"), ("time_precision", "time_precision"), ("event_type", "event_type"),
    ("sub_event_type", "sub_event_type"), ("actor1", "actor1"), ("assoc_actor_1", "assoc_actor_1"), ("inter1", "inter1"),
    ("actor2", "actor2"), ("assoc_actor_2", "assoc_actor_2"), ("inter2", "inter2"), ("country", "country"), ("admin1", "admin1"),
    ("admin2", "admin2"), ("admin3", "admin3"), ("location", "location"), ("latitude", "lat"), ("longitude", "lon"),
    ("geo_precision", "geo_precision"), ("source", "source"), ("source_scale", "source_scale"), ("notes", "notes"),
    ("fatalities", "fatalities"), ("timestamp", "acled_timestamp"), ("date_start", "date_start"), ("date_end", "date_end"),
    ("radius_km", "radius_km"), ("source_file", "source_file"), ("source_row", "source_row"), ("provenance", "provenance"),
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:  # noqa: ANN401 - any cell value
    """Return ``value`` as CSV text: missing as "", text a spreadsheet would run as a formula behind an apostrophe."""
    if value is None or value != value:  # noqa: PLR0124 - NaN and pandas' NA
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def write_acled_csv(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:  # noqa: ARG001
    """Write ``out_dir/acled_overlay.csv`` when the build has ACLED overlay events; return its path (or nothing).

    The last column repeats ACLED's attribution line (credit, file date, filters) on every row.
    """
    layer = next((layer for layer in layers if layer.name == OVERLAY_LAYER), None)
    if layer is None:
        return []
    path = out_dir / CSV_NAME
    with path.open("w", encoding="utf-8-sig", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow([name for name, _ in COLUMNS] + ["attribution"])
        for row in layer.gdf.drop(columns="geometry").to_dict(orient="records"):
            writer.writerow([safe_cell(row[column]) for _, column in COLUMNS] + [safe_cell(layer.style.attribution)])
    return [path]
