"""The ACLED overlay in every output of a real build: GeoJSON, GeoPackage, QGIS project, CSVs, snapshots, web-map data.

And never mixed into the claims: not in the claims' CSV, story, search, filters or corroboration.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
import yaml

import fiona

from build_map import main
from tests.webmap_data import page_data as decode_page

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "data" / "overlays" / "overlays.yaml"
CREDIT = "Armed Conflict Location & Event Data (ACLED); www.acleddata.com"


@pytest.fixture(scope="module")
def kept_rows(acled_csv: Path) -> pd.DataFrame:
    """The rows the committed settings keep, selected with pandas (not the overlay code)."""
    doc = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    frame = pd.read_csv(acled_csv, dtype=str, keep_default_na=False)
    keep = frame["country"].isin(doc["countries"])
    keep &= (frame["event_date"] >= str(doc["dates"]["start"])) & (frame["event_date"] <= str(doc["dates"]["end"]))
    cols = ["actor1", "assoc_actor_1", "actor2", "assoc_actor_2"]
    keep &= pd.concat([frame[c].str.contains(doc["actors"]["pattern"], case=False, regex=True) for c in cols], axis=1).any(axis=1)
    return frame[keep].set_index("event_id_cnty")


@pytest.fixture(scope="module")
def page_data(acled_dist: Path) -> dict:
    return decode_page((acled_dist / "index.html").read_text(encoding="utf-8"))


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()  # noqa: S314 - our own build output
    return re.sub(r"\s+", " ", " ".join(t for el in root.iter() if el.tag.endswith("text") for t in el.itertext()))


def test_geojson_holds_exactly_the_kept_events(acled_dist, kept_rows):
    collection = json.loads((acled_dist / "layers" / "acled.geojson").read_text(encoding="utf-8"))
    features = {f["id"]: f for f in collection["features"]}
    assert sorted(features) == sorted(kept_rows.index)
    for event_id, row in kept_rows.iterrows():
        feature = features[event_id]
        assert feature["geometry"]["coordinates"] == pytest.approx([float(row["longitude"]), float(row["latitude"])], abs=1e-6)
        assert feature["properties"]["notes"] == row["notes"]
        assert feature["properties"]["source"] == row["source"]
    rings = json.loads((acled_dist / "layers" / "acled_uncertainty.geojson").read_text(encoding="utf-8"))
    assert sorted(f["id"] for f in rings["features"]) == sorted(kept_rows.index)
    assert {f["geometry"]["type"] for f in rings["features"]} == {"Polygon"}


def test_geopackage_reads_back_with_fiona(acled_dist, kept_rows):
    gpkg = acled_dist / "militia_map.gpkg"
    assert {"acled", "acled_uncertainty"} <= set(fiona.listlayers(gpkg))
    with fiona.open(gpkg, layer="acled") as src:
        records = {r["properties"]["event_id"]: r for r in src}
        assert src.schema["properties"]["date_start"] == "date"
    assert sorted(records) == sorted(kept_rows.index)
    for event_id, row in kept_rows.iterrows():
        props = records[event_id]["properties"]
        assert records[event_id]["geometry"]["coordinates"] == pytest.approx((float(row["longitude"]), float(row["latitude"])), abs=1e-6)
        assert props["actor1"] == row["actor1"]
        assert props["geo_precision"] == int(row["geo_precision"])
        assert props["provenance"] == "ACLED event (overlay), not a curated claim"


def test_claims_tables_stay_free_of_acled(acled_dist, kept_rows):
    with (acled_dist / "militia_map.csv").open(encoding="utf-8-sig", newline="") as f:
        claims = list(csv.DictReader(f))
    assert claims
    assert not {r["event_id_cnty"] for r in claims} & set(kept_rows.index)
    assert {r["layer"] for r in claims} <= {"presence", "strikes", "risks", "movements", "countrywide"}
    with fiona.open(acled_dist / "militia_map.gpkg", layer="evidence") as src:
        assert not any("acled" in str(r["properties"]["claim_id"]).lower() for r in src)


def test_overlay_csv_has_acled_columns_and_the_attribution(acled_dist, kept_rows):
    with (acled_dist / "acled_overlay.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["event_id_cnty"] for r in rows) == sorted(kept_rows.index)
    for r in rows:
        assert r["notes"] == kept_rows.loc[r["event_id_cnty"], "notes"]
        assert CREDIT in r["attribution"]


def test_web_map_data_keeps_the_overlay_apart(page_data, kept_rows):
    spec = next(layer for layer in page_data["layers"] if layer["id"] == "acled")
    assert spec["overlay"] is True
    assert CREDIT in spec["attribution"]
    assert sorted(f["properties"]["id"] for f in spec["geojson"]["features"]) == sorted(kept_rows.index)
    assert {g["name"] for g in page_data["groups"] if "acled" in g["layers"]} == {"ACLED events (overlay)"}
    controls = page_data["controls"]
    ids = set(kept_rows.index)
    refs = [ref for stop in controls["timeline"]["stops"] for ref in stop["features"]]
    refs += [ref for step in (controls["timeline"]["story"] or {"steps": []})["steps"] for ref in step["features"]]
    refs += [ref for place in controls["places"] for ref in place["features"]]
    assert refs
    assert not [ref for ref in refs if ref[0].startswith("acled") or ref[1] in ids]
    assert not {t["id"] for t in controls["filters"]["types"]} & {"Battles", "Explosions/Remote violence"}
    assert [o["id"] for o in controls["overlays"]] == ["acled"]


def test_snapshots_credit_acled_where_they_show_it(acled_dist):
    snapshots = acled_dist / "snapshots"
    overview = svg_text(snapshots / "overview.svg")
    assert CREDIT in overview
    assert "data as of 2022-07-11 (latest ACLED timestamp in the file)" in overview
    assert "ACLED (overlay): Explosions/Remote violence" in overview
    # The December 2024 series shows late 2024: no 2022 ACLED event covers those days, so no ACLED credit either.
    assert CREDIT not in svg_text(snapshots / "series-2024-12-a4.svg")


def test_qgis_project_groups_the_overlay_and_credits_acled_in_the_layout(acled_dist):
    root = ET.parse(acled_dist / "militia_map.qgs").getroot()  # noqa: S314 - our own build output
    group = next(g for g in root.iter("layer-tree-group") if g.get("name") == "ACLED events (overlay)")
    assert sorted(layer.get("name") for layer in group.iter("layer-tree-layer")) == ["ACLED events", "ACLED location uncertainty"]
    labels = [item.get("labelText") or "" for item in root.iter("LayoutItem")]
    assert any(CREDIT in text for text in labels)


def test_qml_draws_each_event_type_with_its_own_shape(acled_dist):
    root = ET.parse(acled_dist / "layers" / "acled.qml").getroot()  # noqa: S314
    categories = {c.get("symbol"): c.get("value") for c in root.iter("category")}
    shapes = {}
    for symbol in root.find(".//renderer-v2/symbols") or []:
        name = next(o.get("value") for o in symbol.iter("Option") if o.get("name") == "name")
        shapes[categories[symbol.get("name")]] = name
    assert shapes["explosions-remote-violence"] == "cross_fill"
    assert shapes["battles"] == "diamond"
    assert len(set(shapes.values())) >= 5


def test_bad_overlay_fails_the_build_with_messages_and_leaves_dist(acled_csv, sources_dir, tmp_path, capsys):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "index.html").write_text("previous build", encoding="utf-8")
    bad = tmp_path / "acled_bad.csv"
    text = acled_csv.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = next(csv.reader([text[1]]))
    cells[header.index("latitude")] = "135.2"
    with bad.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, cells])
    code = main(["--out", str(out), "--sources-dir", str(sources_dir), "--overlay", str(bad)])
    assert code == 1
    err = capsys.readouterr().err
    assert "acled_bad.csv: row 2, column 'latitude': '135.2' is outside -90 to 90." in err
    assert "Traceback" not in err
    assert (out / "index.html").read_text(encoding="utf-8") == "previous build"


def test_check_validates_overlays_given_before_or_after_the_subcommand(acled_csv, sources_dir, capsys):
    assert main(["check", "--overlay", str(acled_csv), "--sources-dir", str(sources_dir)]) == 0
    assert main(["--overlay", str(acled_csv), "check", "--sources-dir", str(sources_dir)]) == 0
    assert capsys.readouterr().err.count("6 of 307 ACLED events kept") == 2


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Return an ACLED export's header and rows, to write a changed copy with :func:`_write`."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    return list(reader.fieldnames or []), rows


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_an_export_without_timestamps_writes_nulls_not_floats(acled_csv, dataset, tmp_path):
    from layers import build_layers  # noqa: PLC0415
    from overlays import load_overlays  # noqa: PLC0415
    from renderers.geojson import write_geojson_layers  # noqa: PLC0415
    from renderers.qgis import write_geopackage  # noqa: PLC0415

    header, rows = _read(acled_csv)
    for n, row in enumerate(rows):
        row["timestamp"] = "" if n % 2 else row["timestamp"]  # half the rows without a timestamp
    path = _write(tmp_path / "half_stamped.csv", header, rows)
    overlay = load_overlays([path], SETTINGS)
    assert overlay is not None
    layers = [layer for layer in build_layers(dataset, overlay) if layer.name.startswith("acled")]
    write_geojson_layers(layers, dataset, tmp_path)
    write_geopackage(layers, dataset, tmp_path)
    features = json.loads((tmp_path / "layers" / "acled.geojson").read_text(encoding="utf-8"))["features"]
    stamps = {f["id"]: f["properties"]["acled_timestamp"] for f in features}
    want = {r["event_id_cnty"]: (int(r["timestamp"]) if r["timestamp"] else None) for r in rows if r["event_id_cnty"] in stamps}
    assert stamps == want
    assert None in stamps.values()
    with fiona.open(tmp_path / "militia_map.gpkg", layer="acled") as src:
        assert src.schema["properties"]["acled_timestamp"] == "int"
        assert src.schema["properties"]["fatalities"] == "int"
        assert {r["properties"]["event_id"]: r["properties"]["acled_timestamp"] for r in src} == want


def test_overlay_csv_neutralises_formulas_from_the_file(acled_csv, dataset, tmp_path):
    from layers import build_acled_layers  # noqa: PLC0415
    from overlays import load_overlays  # noqa: PLC0415
    from renderers.acled_csv import write_acled_csv  # noqa: PLC0415

    header, rows = _read(acled_csv)
    rows = [r for r in rows if "Pro-Iran" in r["actor1"] + r["assoc_actor_1"] + r["actor2"] + r["assoc_actor_2"]]
    attacks = ['=HYPERLINK("http://example.invalid","x")', "+1+2", "@SUM(A1)", "-2+3"]
    assert len(rows) >= len(attacks)
    for row, attack in zip(rows, attacks, strict=False):
        row["notes"] = attack
    path = _write(tmp_path / "formulas.csv", header, rows)
    overlay = load_overlays([path], SETTINGS)
    assert overlay is not None
    write_acled_csv(build_acled_layers(overlay), dataset, tmp_path)
    with (tmp_path / "acled_overlay.csv").open(encoding="utf-8-sig", newline="") as f:
        notes = {r["notes"] for r in csv.DictReader(f)}
    assert {"'" + a for a in attacks} <= notes
    assert not any(n.startswith(("=", "+", "@", "-")) for n in notes)
