"""The built page: offline, deterministic, safe by construction, and carrying every feature."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import shapely
import shapely.geometry
from pyproj import Geod

from dataset import Dataset
from layers import Layer
from layers.style import ACTOR_GROUPS, DIRECTION_STYLES, STATUS_STYLES
from renderers import RENDERERS
from renderers.webmap import build_webmap, render_page, render_webmap
from renderers.webmap._ids import set_deterministic_ids
from renderers.webmap._payload import _DROPPED, GROUP_ORDER, UNREAD, EvidenceTable, check_colour
from renderers.webmap.build import build_date
from tests.webmap_data import DATA_BLOCK
from tests.webmap_data import page_data as decode_page


@pytest.fixture(scope="module")
def page(layers: list[Layer], dataset: Dataset) -> str:
    """The web map's HTML for the real layers, with a fixed build date."""
    return render_page(build_webmap(layers, dataset, built="2025-01-01 00:00 UTC"))


@pytest.fixture(scope="module")
def data(page: str) -> dict:
    """The page's data, decoded from its data block (tests/webmap_data.py)."""
    return decode_page(page)


def test_registered_as_a_renderer() -> None:
    assert ("Web map", render_webmap) in RENDERERS


def test_no_remote_scripts_styles_images_or_tiles(page: str) -> None:
    code = DATA_BLOCK.sub("", page)
    assert not re.search(r"<script[^>]+src=", code)
    assert not re.search(r"<link[^>]+href=", code)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", code)
    assert "cdn." not in code.lower()
    assert "leaflet@1.9.3" not in code
    assert "{z}" not in code


def test_inlines_leaflet_194_and_nothing_from_folium_cdns(page: str) -> None:
    assert 'version="1.9.4"' in page.replace(" ", "") or "1.9.4" in page
    for name in ("jquery", "bootstrap", "awesome-markers", "fontawesome"):
        assert name not in page.lower(), name


def test_content_security_policy_allows_only_own_scripts(page: str) -> None:
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert policy
    assert "default-src 'none'" in policy.group(1)
    assert "unsafe-inline" not in policy.group(1).split("script-src")[1].split(";")[0]
    assert page.index("charset=UTF-8") < page.index("Content-Security-Policy")


def test_no_random_folium_ids(page: str) -> None:
    assert not re.search(r"_[0-9a-f]{32}\b", page)
    assert "map_mm" in page


def _on_page(layers: list[Layer]) -> list[Layer]:
    """Return the layers the page draws: a panel layer (country-wide claims) is listed by the page's own panel."""
    return [layer for layer in layers if not layer.style.panel]


def test_every_feature_is_in_the_data(layers: list[Layer], data: dict) -> None:
    by_id = {layer["id"]: layer for layer in data["layers"]}
    for layer in _on_page(layers):
        features = by_id[layer.name]["geojson"]["features"]
        assert [f["properties"]["id"] for f in features] == list(layer.gdf["id"])


def test_layer_spec_travels_with_the_data(layers: list[Layer], data: dict) -> None:
    for layer, spec in zip(layers, data["layers"], strict=True):
        assert (spec["id"], spec["title"], spec["group"], spec["visible"]) == (layer.name, layer.style.title, layer.style.group, layer.style.visible)


def test_groups_follow_the_brief_order(data: dict) -> None:
    names = [g["name"] for g in data["groups"]]
    assert names == [g for g in GROUP_ORDER if g in names] + [n for n in names if n not in GROUP_ORDER]
    presence = next(g for g in data["groups"] if g["name"] == "Presence")
    assert "uncertainty" in presence["layers"]


def test_evidence_is_a_list_with_citations(data: dict) -> None:
    """Each entry has its quote and the parts the popup writes its citation from (citationNode); the joined citation text is not sent twice."""
    table = data["evidence"]
    for spec in data["layers"]:
        for feature in spec["geojson"]["features"]:
            indices = feature["properties"]["ev"]
            assert indices, feature["properties"]["id"]
            for entry in (table[i] for i in indices):
                assert entry["quote"]
                assert entry["source_title"] or entry["source_id"]
                assert entry["locator"]
                assert "citation" not in entry
                assert entry["url"] == "" or entry["url"].startswith(("http://", "https://"))


def test_page_gets_no_column_it_never_reads(layers: list[Layer], data: dict) -> None:
    """The columns no page script reads (_payload.UNREAD) are left out, unless a layer's style names one; every other column is kept."""
    by_id = {spec["id"]: spec for spec in data["layers"]}
    for layer in _on_page(layers):
        style = layer.style
        named = {style.category_field, style.label_field, style.dash_field, style.fill_field}
        expected = {c for c in layer.gdf.columns if c != "geometry" and (c not in UNREAD or c in named)} - _DROPPED | {"ev", "url"}
        for feature in by_id[layer.name]["geojson"]["features"]:
            assert set(feature["properties"]) == expected, layer.name


def test_each_feature_gets_back_exactly_its_own_evidence(layers: list[Layer], data: dict) -> None:
    """The shared evidence table loses, adds and reorders nothing: each feature resolves to its layer row's list."""
    table = data["evidence"]
    by_id = {spec["id"]: spec for spec in data["layers"]}
    for layer in _on_page(layers):
        page = {f["properties"]["id"]: [table[i] for i in f["properties"]["ev"]] for f in by_id[layer.name]["geojson"]["features"]}
        for fid, raw in zip(layer.gdf["id"], layer.gdf["evidence"], strict=True):
            expected = json.loads(raw)
            got = page[fid]
            shown = ("quote", "source_title", "source_id", "publisher", "source_date", "locator")
            assert [tuple(e[k] for k in shown) for e in got] == [tuple(e[k] for k in shown) for e in expected], fid


def test_page_geometry_stays_within_a_few_hundred_metres_of_the_layer(layers: list[Layer], data: dict) -> None:
    """Rounded points and simplified lines stay on the geodesic routes of the layer files (checked with pyproj Geod)."""
    geod = Geod(ellps="WGS84")
    by_id = {spec["id"]: spec for spec in data["layers"]}
    for layer in _on_page(layers):
        feats = {f["properties"]["id"]: f for f in by_id[layer.name]["geojson"]["features"]}
        for fid, geom in zip(layer.gdf["id"], layer.gdf.geometry, strict=True):
            page_geom = feats[fid]["geometry"]
            if page_geom is None:  # circles: centre and radius travel as properties
                props = feats[fid]["properties"]
                ring = list(geom.exterior.coords)
                radii = [geod.inv(props["lon"], props["lat"], x, y)[2] for x, y in ring[:-1]]
                assert max(abs(r / 1000 - props["radius_km"]) for r in radii) < 0.01 * props["radius_km"] + 0.05, fid
                continue
            page_shape = shapely.geometry.shape(page_geom)
            for x, y in shapely.get_coordinates(geom):
                point = shapely.Point(x, y)
                nearest = page_shape if page_shape.geom_type == "Point" else page_shape.interpolate(page_shape.project(point))
                assert geod.inv(x, y, nearest.x, nearest.y)[2] < 300, (fid, x, y)


def test_legend_names_every_actor_direction_and_status(data: dict) -> None:
    labels = [item["label"] for section in data["legend"] for item in section["items"]]
    for label, _ in ACTOR_GROUPS.values():
        assert label in labels
    for style in [*DIRECTION_STYLES.values(), *STATUS_STYLES.values()]:
        assert style.label in labels
    assert any("inferred" in label for label in labels)


def test_basemap_is_offline_vector_data(data: dict) -> None:
    base = data["basemap"]
    assert {f["properties"]["name"] for f in base["countries"]["features"]} >= {"Syria", "Lebanon", "Iraq", "Iran"}
    assert base["coastline"]["features"]
    towns = {f["properties"]["name"] for f in base["towns"]["features"]}
    assert {"Damascus", "Aleppo", "Homs", "Beirut", "Baghdad"} <= towns
    assert "Natural Earth" in base["attribution"]
    assert "GeoNames" in base["attribution"]


def test_two_builds_with_source_date_epoch_are_identical(layers: list[Layer], dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    first = render_webmap(layers, dataset, tmp_path / "a")[0].read_bytes()
    second = render_webmap(layers, dataset, tmp_path / "b")[0].read_bytes()
    assert first == second
    assert decode_page(first.decode("utf-8"))["meta"]["built"] == "2025-01-01 00:00 UTC"


@pytest.mark.parametrize(("epoch", "expected"), [("0", "1970-01-01 00:00 UTC"), ("1735689600", "2025-01-01 00:00 UTC")])
def test_build_date_reads_source_date_epoch(epoch: str, expected: str) -> None:
    assert build_date({"SOURCE_DATE_EPOCH": epoch}) == expected


def test_bad_source_date_epoch_is_named() -> None:
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH must be a Unix time"):
        build_date({"SOURCE_DATE_EPOCH": "yesterday"})


def test_deterministic_ids_number_every_element(layers: list[Layer], dataset: Dataset) -> None:
    fmap = build_webmap(layers, dataset, built="x")
    figure = fmap.get_root()
    count = set_deterministic_ids(figure, prefix="zz")
    assert count >= 3
    assert fmap.get_name() != "map_mm1"
    assert fmap._id.startswith("zz")


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "url(x)", "#12345g"])
def test_colours_must_be_hex(colour: str) -> None:
    with pytest.raises(ValueError, match="colour must be '#RRGGBB'"):
        check_colour(colour, "test")


def test_evidence_table_merges_exactly_the_entries_with_the_same_json() -> None:
    """Entries equal as JSON (keys in any order) are stored once; 1, 1.0 and True, or "1" and 1, stay apart."""
    table = EvidenceTable()
    a = table.add(json.dumps([{"quote": "q", "locator": "p 1", "cited_works": [{"page": 1}]}]), "f1")
    b = table.add([{"cited_works": [{"page": 1}], "locator": "p 1", "quote": "q"}], "f2")
    others = [table.add([{"quote": "q", "locator": "p 1", "cited_works": [{"page": page}]}], f"g{i}") for i, page in enumerate([1.0, True, "1", None])]
    assert a == b == [0]
    assert [o[0] for o in others] == [1, 2, 3, 4]
    assert len(table.entries) == 5


def test_evidence_table_parses_each_distinct_evidence_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A feature whose evidence text was seen before gets the earlier indices without parsing the text again."""
    table = EvidenceTable()
    text = json.dumps([{"quote": "q", "citation": "c"}, {"quote": "r"}])
    first = table.add(text, "f1")
    monkeypatch.setattr("renderers.webmap._payload.loads", lambda _: pytest.fail("evidence text parsed twice"))
    assert table.add(text, "f2") == first == [0, 1]


def test_collector_paused_while_page_data_is_made_and_restored_after(
    layers: list[Layer], dataset: Dataset, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The cyclic collector is off while the page data are built, back on afterwards, also after a failure; left off if it was off."""
    import gc  # noqa: PLC0415

    import renderers.webmap.build as build_module  # noqa: PLC0415

    seen: list[bool] = []
    real_rest = build_module.page_rest

    def rest(*args: object, **kwargs: object) -> dict[str, object]:
        seen.append(gc.isenabled())
        return real_rest(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "page_rest", rest)
    assert gc.isenabled()
    build_module.page_data(layers, dataset, built="x")
    build_module.compact_payload(layers, dataset, built="x")
    assert seen == [False, False]
    assert gc.isenabled()

    def broken(*_: object, **__: object) -> dict[str, object]:
        raise RuntimeError("boom")

    chunks = build_module.CompactPayload.base64_chunks

    def writing(self: object) -> Iterator[str]:
        seen.append(gc.isenabled())
        yield from chunks(self)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module.CompactPayload, "base64_chunks", writing)
    build_module.render_webmap(layers, dataset, tmp_path)
    assert seen == [False, False, False, False], "the page is written with the collector paused too"
    assert gc.isenabled()
    monkeypatch.setattr(build_module, "page_rest", broken)
    with pytest.raises(RuntimeError, match="boom"):
        build_module.compact_payload(layers, dataset, built="x")
    assert gc.isenabled()
    gc.disable()
    try:
        with build_module.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
