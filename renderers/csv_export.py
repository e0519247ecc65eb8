"""Write ``militia_map.csv``: one row per claim and place, in ACLED-compatible columns, for spreadsheets."""

from __future__ import annotations

import csv
import json
import numbers
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from dataset.model import Dataset
    from layers import Layer

CSV_NAME = "militia_map.csv"
# ACLED's column names first (where we have the concept), then ours.
COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "claim_id", "layer", "role", "stop", "place_id", "status", "date_start", "date_end", "date_label",
    "time_kind", "span_end", "end_basis", "last_reported", "span_label", "actors_label",
    "actor_group", "quote", "locator", "citation", "url", "loc_precision", "radius_km", "corroboration", "independent_works", "feature_id",
]  # fmt: skip
POINT_LAYERS = ("presence", "strikes", "risks")
# A text cell starting with one of these is read as a formula by spreadsheets (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:  # noqa: ANN401
    """Return ``value`` as text, with None and NaN (pandas' missing string) as ""."""
    return "" if value is None or value != value else str(value)  # noqa: PLR0124 - NaN check


def spreadsheet_cell(value: Any) -> str:  # noqa: ANN401
    """Return the CSV cell for ``value``: numbers as they are, text that a spreadsheet would run as a formula defused.

    Following OWASP's CSV-injection guidance, a text cell that begins with ``=``, ``+``, ``-``,
    ``@``, tab or carriage return gets a leading single quote, so a spreadsheet shows it as
    text. Numbers (latitude, longitude, radius, stop) are written as numbers: ``-33.5`` is not
    a formula, but the text ``"-1+1"`` is.

    Examples
    --------
    >>> spreadsheet_cell("=1+1"), spreadsheet_cell("@SUM(A1)"), spreadsheet_cell("-1+1"), spreadsheet_cell(-33.5), spreadsheet_cell(None)
    ("'=1+1", "'@SUM(A1)", "'-1+1", '-33.5', '')
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _text(value)
    text = _text(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _common(row: dict[str, Any], layer: str) -> dict[str, Any]:
    """Return the CSV cells every row of feature ``row`` shares."""
    row = {k: _text(v) if k in {"date_start", "date_end", "span_end", "last_reported", "url", "note"} else v for k, v in row.items()}
    actors = json.loads(row["actors"])
    evidence = json.loads(row["evidence"])
    date = row["date_end"] or row["date_start"] or ""
    return {
        "event_date": date, "year": date[:4], "time_precision": row["acled_time_precision"],
        "event_type": row["acled_event_type"], "sub_event_type": row["acled_sub_event_type"],
        "actor1": actors[0] if actors else "", "assoc_actor_1": "; ".join(actors[1:]),
        "source": "; ".join(dict.fromkeys(e["publisher"] or e["source_title"] for e in evidence)),
        "notes": row["summary"] + (f" Note: {row['note']}" if row["note"] else ""),
        "claim_id": row["claim_id"], "layer": layer, "status": row["status"],
        "date_start": row["date_start"] or "", "date_end": row["date_end"] or "", "date_label": row["date_label"],
        "time_kind": row["time_kind"], "span_end": row["span_end"] or "", "end_basis": row["end_basis"],
        "last_reported": row["last_reported"] or "", "span_label": row["span_label"],
        "actors_label": row["actors_label"], "actor_group": row["actor_group"], "quote": row["quote"],
        "locator": " | ".join(e["locator"] for e in evidence), "citation": row["citation"], "url": row["url"] or "",
        "corroboration": row["corroboration"], "independent_works": "; ".join(json.loads(row["independent_works"])),
        "feature_id": row["id"],
    }  # fmt: skip


def point_rows(layer: Layer) -> list[dict[str, Any]]:
    """Return one CSV row per point feature (a claim at one place)."""
    rows = []
    for row in layer.gdf.drop(columns="geometry").to_dict(orient="records"):
        cells = _common(row, layer.name)
        cells.update(
            event_id_cnty=row["id"], location=row["place_name"], latitude=row["lat"], longitude=row["lon"],
            geo_precision=row["acled_geo_precision"], role="at", stop=1, place_id=row["place_id"],
            loc_precision=row["loc_precision"], radius_km=row["radius_km"],
        )  # fmt: skip
        rows.append(cells)
    return rows


def _unknown_place(layer_name: str, feature_id: object, place_id: str) -> ValueError:
    """Return the error for a movement or country-wide claim naming a place the gazetteer lacks (with where to fix it)."""
    if layer_name == "movements":
        return ValueError(f"Movement {feature_id!r} names place {place_id!r}, which is not in the gazetteer; fix data/places.")
    return ValueError(f"Claim {feature_id!r} names place {place_id!r}, which is not in the gazetteer; fix data/gazetteer.yaml.")


def countrywide_rows(layer: Layer, ds: Dataset) -> list[dict[str, Any]]:
    """Return one CSV row per country-wide claim and country, at the country's reference point (ACLED geo precision 3)."""
    rows = []
    for row in layer.gdf.drop(columns="geometry").to_dict(orient="records"):
        for pid in json.loads(row["place_ids"]):
            place = ds.gazetteer.get(pid)
            if place is None:
                raise _unknown_place(layer.name, row["id"], pid)
            cells = _common(row, layer.name)
            cells.update(
                event_id_cnty=f"{row['id']}@{pid}", location=place.name, latitude=round(place.lat, 6), longitude=round(place.lon, 6),
                geo_precision=place.acled_geo_precision, role="at", stop=1, place_id=pid,
                loc_precision=place.precision, radius_km=place.radius_km,
            )  # fmt: skip
            rows.append(cells)
    return rows


def movement_rows(layer: Layer, ds: Dataset) -> list[dict[str, Any]]:
    """Return one CSV row per stop of each movement: origin, each via, destination (in travel order)."""
    rows = []
    for row in layer.gdf.drop(columns="geometry").to_dict(orient="records"):
        ids = json.loads(row["place_ids"])
        for n, pid in enumerate(ids, start=1):
            place = ds.gazetteer.get(pid)
            if place is None:
                raise _unknown_place(layer.name, row["id"], pid)
            role = "origin" if n == 1 else "destination" if n == len(ids) else "via"
            cells = _common(row, layer.name)
            cells.update(
                event_id_cnty=f"{row['id']}#{n}", location=place.name, latitude=round(place.lat, 6), longitude=round(place.lon, 6),
                geo_precision=place.acled_geo_precision, role=role, stop=n, place_id=pid,
                loc_precision=place.precision, radius_km=place.radius_km,
            )  # fmt: skip
            rows.append(cells)
    return rows


def check_places(layers: list[Layer], ds: Dataset) -> None:
    """Raise the ``ValueError`` :func:`csv_rows` would raise for the first movement or country-wide place missing from the gazetteer.

    Checked on the distinct ``place_ids`` texts before any row is built, so a layer set the CSV
    cannot be written from fails at once instead of after every point row is made.
    """
    for layer in csv_layers(layers):
        if layer.name in POINT_LAYERS:
            continue
        for text in dict.fromkeys(layer.gdf["place_ids"]):
            missing = [pid for pid in json.loads(text) if ds.gazetteer.get(pid) is None]
            if missing:
                fid = layer.gdf["id"][layer.gdf["place_ids"] == text].iloc[0]
                raise _unknown_place(layer.name, fid, missing[0])


def csv_rows(layers: list[Layer], ds: Dataset) -> list[dict[str, Any]]:
    """Return the CSV's rows (cells before :func:`spreadsheet_cell`), in file order; the web map's download filters them."""
    check_places(layers, ds)
    rows: list[dict[str, Any]] = []
    for layer in csv_layers(layers):
        if layer.name in POINT_LAYERS:
            rows += point_rows(layer)
        elif layer.name == "movements":
            rows += movement_rows(layer, ds)
        else:
            rows += countrywide_rows(layer, ds)
    return rows


def csv_layers(layers: list[Layer]) -> list[Layer]:
    """Return the layers the CSV has rows for: points, movements and the country-wide panel (one row or more per feature)."""
    return [layer for layer in layers if layer.name in POINT_LAYERS or layer.name == "movements" or layer.style.panel]


def write_csv(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write ``out_dir/militia_map.csv`` (UTF-8 with BOM so spreadsheets read the Arabic and accents); return its path.

    No text cell can run as a formula: see :func:`spreadsheet_cell`.
    """
    rows = csv_rows(layers, ds)
    path = out_dir / CSV_NAME
    with path.open("w", encoding="utf-8-sig", newline="") as sink:
        writer = csv.DictWriter(sink, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    sidecar = out_dir / f"{CSV_NAME}.json"
    sidecar.write_text(json.dumps(provenance_record(ds, CSV_NAME, len(rows)), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [path, sidecar]


def provenance_record(ds: Dataset, file: str, rows: int) -> dict[str, Any]:
    """Return the CSV's sidecar: which data built it (a comment row would break spreadsheet imports)."""
    return {
        "file": file, "rows": rows, "dataset_title": ds.info.title, "dataset_version": ds.info.version,
        "as_of": ds.info.as_of.isoformat(), "data_sha256": ds.data_sha256,
        "data_sha256_rule": "dataset/digest.py: SHA-256 over data/'s files in sorted relative path order (path, NUL, length, NUL, bytes)",
        "source_texts": {s.text: s.text_sha256 for s in ds.sources.values() if s.text},
    }  # fmt: skip
