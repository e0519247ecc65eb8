"""Write ``militia_map.csv``: one row per claim and place, in ACLED-compatible columns, for spreadsheets."""

from __future__ import annotations

import contextlib
import contextvars
import csv
import json
import numbers
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator
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


Columns = dict[str, list[Any]]
# Columns of a feature's text that a missing value (None, NaN) leaves empty.
_TEXT_FIELDS = ("date_start", "date_end", "span_end", "last_reported", "url", "note")


def _texts(values: list[Any]) -> list[str]:
    return ["" if v is None or v != v else str(v) for v in values]  # noqa: PLR0124 - NaN check


_UNSET = object()
_DECODER = json.JSONDecoder()


# A JSON list of strings as json.dumps writes it, no string holding a quote, backslash or control
# character (so each decodes to itself): split instead of parsed.
_PLAIN_STRINGS = re.compile(r'\["[^"\\\x00-\x1f]*"(?:, "[^"\\\x00-\x1f]*")*\]')


def loads(text: str) -> Any:  # noqa: ANN401 - a JSON value
    """Return ``json.loads(text)``: a plain list of strings split, else the decoder's scan alone (one value, no space around it)."""
    if type(text) is str:
        if text == "[]":
            return []
        if _PLAIN_STRINGS.fullmatch(text):
            return text[2:-2].split('", "')
        try:
            value, end = _DECODER.raw_decode(text)
        except ValueError:
            pass
        else:
            if end == len(text):
                return value
    return json.loads(text)  # raises as json.loads does (space around the value is allowed there)


def _parsed(values: list[Any], make: Any) -> list[Any]:  # noqa: ANN401 - a function of the parsed JSON
    """Return ``make(json.loads(text))`` of every text, parsing each distinct text once."""
    done: dict[str, Any] = {}
    out = []
    for text in values:
        found = done.get(text, _UNSET)
        if found is _UNSET:
            found = done[text] = make(loads(text))
        out.append(found)
    return out


def _evidence_cells(evidence: list[dict[str, Any]]) -> tuple[str, str]:
    return "; ".join(dict.fromkeys(e["publisher"] or e["source_title"] for e in evidence)), " | ".join(e["locator"] for e in evidence)


def spreadsheet_cells(values: list[Any]) -> list[str]:
    """Return :func:`spreadsheet_cell` of each value (a column of text is done in one pass)."""
    if all(type(v) is str for v in values):
        return [f"'{t}" if t.startswith(FORMULA_START) else t for t in values]
    return [_cell(v) for v in values]


def _cell(value: Any) -> str:  # noqa: ANN401
    """Return :func:`spreadsheet_cell` of ``value``, Python's own numbers and text first (the ABC check is slow)."""
    kind = type(value)
    if kind is float:
        return "" if value != value else str(value)  # noqa: PLR0124 - NaN check
    if kind is int:
        return str(value)
    if kind is str:
        return f"'{value}" if value.startswith(FORMULA_START) else value
    return spreadsheet_cell(value)


class _ColumnLists(dict[str, list[Any]]):
    """The columns of a layer's frame as Python lists, each made when first asked for (the CSV reads about half of them)."""

    def __init__(self, gdf: Any) -> None:  # noqa: ANN401 - a layer's GeoDataFrame
        super().__init__()
        self._gdf = gdf

    def __missing__(self, name: str) -> list[Any]:
        if name == self._gdf.geometry.name or name not in self._gdf.columns:
            raise KeyError(name)
        values: list[Any] = self._gdf[name].tolist()
        self[name] = values
        return values


def _common(gdf: Any, layer: str) -> Columns:  # noqa: ANN401 - a layer's GeoDataFrame
    """Return, column by column, the CSV cells every row of each feature of ``gdf`` shares (one list item per feature)."""
    col = _ColumnLists(gdf)
    for name in _TEXT_FIELDS:
        col[name] = _texts(col[name])
    actors = _parsed(col["actors"], lambda a: (a[0] if a else "", "; ".join(a[1:])))
    evidence = _parsed(col["evidence"], _evidence_cells)
    dates = [end or start or "" for start, end in zip(col["date_start"], col["date_end"], strict=True)]
    return {
        "event_date": dates, "year": [d[:4] for d in dates], "time_precision": col["acled_time_precision"],
        "event_type": col["acled_event_type"], "sub_event_type": col["acled_sub_event_type"],
        "actor1": [a[0] for a in actors], "assoc_actor_1": [a[1] for a in actors],
        "source": [e[0] for e in evidence],
        "notes": [summary + (f" Note: {note}" if note else "") for summary, note in zip(col["summary"], col["note"], strict=True)],
        "claim_id": col["claim_id"], "layer": [layer] * len(gdf), "status": col["status"],
        "date_start": col["date_start"], "date_end": col["date_end"], "date_label": col["date_label"],
        "time_kind": col["time_kind"], "span_end": col["span_end"], "end_basis": col["end_basis"],
        "last_reported": col["last_reported"], "span_label": col["span_label"],
        "actors_label": col["actors_label"], "actor_group": col["actor_group"], "quote": col["quote"],
        "locator": [e[1] for e in evidence], "citation": col["citation"], "url": col["url"],
        "corroboration": col["corroboration"], "independent_works": _parsed(col["independent_works"], "; ".join),
        "feature_id": col["id"],
    }  # fmt: skip


def _in_order(cells: Columns) -> Columns:
    return {name: cells[name] for name in COLUMNS}


def rows_of(columns: Columns) -> list[dict[str, Any]]:
    """Return the rows (one ``{column: cell}`` per row, in :data:`COLUMNS` order) of the columns :func:`csv_columns` returns."""
    return [dict(zip(COLUMNS, cells, strict=True)) for cells in zip(*(columns[name] for name in COLUMNS), strict=True)]


def point_columns(layer: Layer) -> Columns:
    """Return the CSV's columns for the point features (one row each: a claim at one place)."""
    gdf = layer.gdf
    cells = _common(gdf, layer.name)
    n = len(gdf)
    cells.update(
        event_id_cnty=gdf["id"].tolist(), location=gdf["place_name"].tolist(), latitude=gdf["lat"].tolist(), longitude=gdf["lon"].tolist(),
        geo_precision=gdf["acled_geo_precision"].tolist(), role=["at"] * n, stop=[1] * n, place_id=gdf["place_id"].tolist(),
        loc_precision=gdf["loc_precision"].tolist(), radius_km=gdf["radius_km"].tolist(),
    )  # fmt: skip
    return _in_order(cells)


def point_rows(layer: Layer) -> list[dict[str, Any]]:
    """Return one CSV row per point feature (a claim at one place)."""
    return rows_of(point_columns(layer))


def _unknown_place(layer_name: str, feature_id: object, place_id: str) -> ValueError:
    """Return the error for a movement or country-wide claim naming a place the gazetteer lacks (with where to fix it)."""
    if layer_name == "movements":
        return ValueError(f"Movement {feature_id!r} names place {place_id!r}, which is not in the gazetteer; fix data/places.")
    return ValueError(f"Claim {feature_id!r} names place {place_id!r}, which is not in the gazetteer; fix data/gazetteer.yaml.")


def _stop_columns(layer: Layer, ds: Dataset, *, movement: bool) -> Columns:
    """Return the CSV's columns with one row per place a feature names (``place_ids``, in order), each at its gazetteer point."""
    gdf = layer.gdf
    ids_of = _parsed(gdf["place_ids"].tolist(), list)
    feature_ids = gdf["id"].tolist()
    rows = [i for i, ids in enumerate(ids_of) for _ in ids]
    pids = [pid for ids in ids_of for pid in ids]
    stops = [n for ids in ids_of for n in range(1, len(ids) + 1)]
    places = {pid: ds.gazetteer.get(pid) for pid in dict.fromkeys(pids)}
    if None in places.values():
        row, pid = next((row, pid) for row, pid in zip(rows, pids, strict=True) if places[pid] is None)
        raise _unknown_place(layer.name, feature_ids[row], pid)
    common = _common(gdf, layer.name)
    cells = {name: list(map(values.__getitem__, rows)) for name, values in common.items()}  # each feature's cells once per stop
    found = [place for pid in pids if (place := places[pid]) is not None]  # every place is known (checked above)
    if movement:
        counts = [len(ids_of[row]) for row in rows]
        cells["event_id_cnty"] = [f"{feature_ids[row]}#{n}" for row, n in zip(rows, stops, strict=True)]
        cells["role"] = ["origin" if n == 1 else "destination" if n == k else "via" for n, k in zip(stops, counts, strict=True)]
        cells["stop"] = stops
    else:
        cells["event_id_cnty"] = [f"{feature_ids[row]}@{pid}" for row, pid in zip(rows, pids, strict=True)]
        cells["role"] = ["at"] * len(rows)
        cells["stop"] = [1] * len(rows)
    cells.update(
        location=[p.name for p in found], latitude=[round(p.lat, 6) for p in found], longitude=[round(p.lon, 6) for p in found],
        geo_precision=[p.acled_geo_precision for p in found], place_id=pids,
        loc_precision=[p.precision for p in found], radius_km=[p.radius_km for p in found],
    )  # fmt: skip
    return _in_order(cells)


def countrywide_columns(layer: Layer, ds: Dataset) -> Columns:
    """Return the CSV's columns for the country-wide claims: one row per claim and country, at the country's reference point (ACLED geo precision 3)."""
    return _stop_columns(layer, ds, movement=False)


def movement_columns(layer: Layer, ds: Dataset) -> Columns:
    """Return the CSV's columns for the movements: one row per stop of each (origin, each via, destination, in travel order)."""
    return _stop_columns(layer, ds, movement=True)


def countrywide_rows(layer: Layer, ds: Dataset) -> list[dict[str, Any]]:
    """Return one CSV row per country-wide claim and country, at the country's reference point (ACLED geo precision 3)."""
    return rows_of(countrywide_columns(layer, ds))


def movement_rows(layer: Layer, ds: Dataset) -> list[dict[str, Any]]:
    """Return one CSV row per stop of each movement: origin, each via, destination (in travel order)."""
    return rows_of(movement_columns(layer, ds))


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


# Inside :func:`computed_once`: the columns already made, with the dataset and layer frames they were made from.
_ONCE: contextvars.ContextVar[list[tuple[Dataset, list[Any], Columns]] | None] = contextvars.ContextVar("csv_columns_once", default=None)


@contextlib.contextmanager
def computed_once() -> Iterator[None]:
    """Within the block, :func:`csv_columns` of the same dataset and layer frames (the same objects) is made once.

    A build writes ``militia_map.csv`` and the web map's download from the same rows: ``build_map``
    runs its renderers inside this block. The layers must not change inside it (renderers only read them).
    """
    token = _ONCE.set([])
    try:
        yield
    finally:
        _ONCE.reset(token)


def csv_columns(layers: list[Layer], ds: Dataset) -> Columns:
    """Return the CSV's cells (before :func:`spreadsheet_cell`) column by column, rows in file order; :func:`csv_rows` has them by row.

    The lists are shared inside :func:`computed_once`: do not change them.
    """
    made = _ONCE.get()
    frames = [layer.gdf for layer in csv_layers(layers)]
    if made is not None:
        for seen_ds, seen_frames, columns in made:
            if seen_ds is ds and len(seen_frames) == len(frames) and all(a is b for a, b in zip(seen_frames, frames, strict=True)):
                return columns
    columns = _csv_columns(layers, ds)
    if made is not None:
        made.append((ds, frames, columns))
    return columns


def _csv_columns(layers: list[Layer], ds: Dataset) -> Columns:
    check_places(layers, ds)
    parts = []
    for layer in csv_layers(layers):
        if layer.name in POINT_LAYERS:
            parts.append(point_columns(layer))
        elif layer.name == "movements":
            parts.append(movement_columns(layer, ds))
        else:
            parts.append(countrywide_columns(layer, ds))
    return {name: [cell for part in parts for cell in part[name]] for name in COLUMNS}


def csv_rows(layers: list[Layer], ds: Dataset) -> list[dict[str, Any]]:
    """Return the CSV's rows (cells before :func:`spreadsheet_cell`), in file order; the web map's download filters them."""
    return rows_of(csv_columns(layers, ds))


def csv_layers(layers: list[Layer]) -> list[Layer]:
    """Return the layers the CSV has rows for: points, movements and the country-wide panel (one row or more per feature)."""
    return [layer for layer in layers if layer.name in POINT_LAYERS or layer.name == "movements" or layer.style.panel]


def write_csv(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write ``out_dir/militia_map.csv`` (UTF-8 with BOM so spreadsheets read the Arabic and accents); return its path.

    No text cell can run as a formula: see :func:`spreadsheet_cell`.
    """
    columns = csv_columns(layers, ds)
    cells = [spreadsheet_cells(columns[name]) for name in COLUMNS]
    path = out_dir / CSV_NAME
    with path.open("w", encoding="utf-8-sig", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow(COLUMNS)
        writer.writerows(zip(*cells, strict=True))
    sidecar = out_dir / f"{CSV_NAME}.json"
    sidecar.write_text(json.dumps(provenance_record(ds, CSV_NAME, len(columns["feature_id"])), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [path, sidecar]


def provenance_record(ds: Dataset, file: str, rows: int) -> dict[str, Any]:
    """Return the CSV's sidecar: which data built it (a comment row would break spreadsheet imports)."""
    return {
        "file": file, "rows": rows, "dataset_title": ds.info.title, "dataset_version": ds.info.version,
        "as_of": ds.info.as_of.isoformat(), "data_sha256": ds.data_sha256,
        "data_sha256_rule": "dataset/digest.py: SHA-256 over data/'s files in sorted relative path order (path, NUL, length, NUL, bytes)",
        "source_texts": {s.text: s.text_sha256 for s in ds.sources.values() if s.text},
    }  # fmt: skip
