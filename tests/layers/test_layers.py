"""Layers: each claim lands on the right layer with its evidence, geometry and honest precision."""

from __future__ import annotations

import json

import pytest

from pyproj import Geod

from dataset import Dataset
from layers import Layer

GEOD = Geod(ellps="WGS84")


def _by_name(layers: list[Layer]) -> dict[str, Layer]:
    return {layer.name: layer for layer in layers}


def test_layer_names_and_crs(layers: list[Layer]) -> None:
    names = [layer.name for layer in layers]
    assert {"presence", "sites", "movements", "strikes", "risks", "uncertainty"} <= set(names)
    for layer in layers:
        assert layer.gdf.crs.to_epsg() == 4326
        assert layer.style.layer == layer.name


@pytest.mark.parametrize("name", ["presence", "strikes", "risks"])
def test_point_layers_have_one_feature_per_claim_and_place(dataset: Dataset, layers: list[Layer], name: str) -> None:
    # A country is not a place: no point is drawn for it (its claims go to the countrywide list).
    expected = {
        f"{c.id}@{pid}"
        for c in dataset.claims
        if dataset.types[c.type].layer == name and not c.unmapped
        for pid in c.at
        if dataset.gazetteer.get(pid).kind != "country"
    }
    assert set(_by_name(layers)[name].gdf["id"]) == expected
    assert expected


def test_every_mapped_claim_is_drawn_somewhere(dataset: Dataset, layers: list[Layer]) -> None:
    drawn = {cid for layer in layers for cid in layer.gdf["claim_id"]}
    for layer in layers:
        if "claim_ids" in layer.gdf:
            drawn |= {cid for ids in layer.gdf["claim_ids"] for cid in json.loads(ids)}
    mapped = {c.id for c in dataset.claims if not c.unmapped and dataset.types[c.type].layer != "context"}
    assert mapped <= drawn


def test_movements_run_origin_to_destination_through_via(dataset: Dataset, layers: list[Layer]) -> None:
    gdf = _by_name(layers)["movements"].gdf.set_index("id")
    movements = [c for c in dataset.claims if c.is_movement]
    assert set(gdf.index) == {c.id for c in movements}
    for claim in movements:
        line = gdf.loc[claim.id, "geometry"]
        coords = list(line.coords)
        stops = [dataset.gazetteer.get(p) for p in claim.place_ids()]
        named = [p for p in stops if p.kind != "country"]
        # Every named town or site on the route is a vertex, in route order.
        idx = [coords.index(pytest.approx((p.lon, p.lat))) for p in named if p.radius_km is not None and p.radius_km <= 10]
        assert idx == sorted(idx), claim.id
        if stops[0].kind == "town" or stops[0].kind == "site":
            assert coords[0] == pytest.approx((stops[0].lon, stops[0].lat))
        assert gdf.loc[claim.id, "length_km"] == pytest.approx(GEOD.geometry_length(line) / 1000, abs=0.2)
        assert gdf.loc[claim.id, "start_label"] == (stops[0].name if stops[0].kind == "country" else "")
        if stops[-1].kind == "country":
            assert gdf.loc[claim.id, "end_label"].startswith(f"\u2192 {stops[-1].name}")
        else:
            assert gdf.loc[claim.id, "end_label"] == ""
            assert gdf.loc[claim.id, "end_kind"] == "place"


def test_reinforcement_is_inbound_and_withdrawals_outbound(layers: list[Layer]) -> None:
    gdf = _by_name(layers)["movements"].gdf.set_index("id")
    assert gdf.loc["euaa-pmf-reinforcement-albukamal", "direction"] == "inbound"
    assert gdf.loc["noonpost-withdrawal-to-iraq-via-albukamal", "direction"] == "outbound"
    # The reinforcement enters Syria: its line starts east of where it ends.
    line = gdf.loc["euaa-pmf-reinforcement-albukamal", "geometry"]
    assert line.coords[0][0] > line.coords[-1][0]


def test_evacuation_by_air_leaves_from_the_airbases(layers: list[Layer]) -> None:
    gdf = _by_name(layers)["movements"].gdf
    evac = gdf[gdf["type"] == "evacuation"]
    assert {"Hmeimim air base", "Damascus International Airport"} <= set(evac["origin"])
    assert set(evac[evac["origin"] != "Syria"]["destination"]) == {"Iran"}


def test_features_carry_their_evidence(dataset: Dataset, layers: list[Layer]) -> None:
    quotes = {c.id: {e.quote for e in c.evidence} for c in dataset.claims}
    for layer in layers:
        for _, row in layer.gdf.iterrows():
            evidence = json.loads(row["evidence"])
            assert evidence, row["id"]
            assert row["quote"] in {e["quote"] for e in evidence}
            assert all(e["citation"] and e["locator"] for e in evidence)
            if layer.name != "sites":
                assert {e["quote"] for e in evidence} == quotes[row["claim_id"]]


def test_footnoted_evidence_names_the_cited_work(layers: list[Layer]) -> None:
    gdf = _by_name(layers)["movements"].gdf.set_index("id")
    evidence = json.loads(gdf.loc["euaa-pmf-reinforcement-albukamal", "evidence"])
    assert evidence[0]["cited_works"][0]["publisher"] == "Reuters"
    assert "fn 529" in evidence[0]["citation"]
    assert "Reuters" in evidence[0]["citation"]


def test_inss_url_reaches_the_feature(layers: list[Layer]) -> None:
    presence = _by_name(layers)["presence"].gdf
    row = presence[presence["claim_id"] == "euaa-demise-significant-loss-for-iran"]
    assert row.empty  # an assessment is not drawn
    urls = {u for layer in layers for u in layer.gdf["url"].dropna()}
    assert urls <= {"https://www.inss.org.il/publication/syria-new-era", "https://euaa.europa.eu/publications/syria-security-situation-1"}


def test_uncertainty_circles_match_place_radius(dataset: Dataset, layers: list[Layer]) -> None:
    circles = _by_name(layers)["uncertainty"].gdf
    assert len(circles)
    for _, row in circles.iterrows():
        place = dataset.gazetteer.get(row["place_id"])
        assert place.radius_km > 2  # sites are precise enough to need no circle
        for lon, lat in row.geometry.exterior.coords[::7]:
            assert GEOD.inv(place.lon, place.lat, lon, lat)[2] == pytest.approx(place.radius_km * 1000, rel=1e-6)
        assert row["radius_estimated"] == (place.kind == "area" or not place.verified)
    assert _by_name(layers)["uncertainty"].style.fill_opacity <= 0.1


def test_sites_aggregate_every_claim_naming_them(dataset: Dataset, layers: list[Layer]) -> None:
    sites = _by_name(layers)["sites"].gdf.set_index("id")
    for site_id, row in sites.iterrows():
        naming = [c.id for c in dataset.claims if site_id in c.place_ids()]
        assert json.loads(row["claim_ids"]) == naming
    assert sites.loc["mezzeh-villas-east", "site_type"] == "headquarters"
    assert sites.loc["albukamal-alqaim-crossing", "site_type"] == "border crossing"


def test_contested_status_reaches_layers(layers: list[Layer]) -> None:
    statuses = {s for layer in layers for s in layer.gdf["status"]}
    assert {"reported", "claimed", "contested"} <= statuses


def test_date_precision_is_kept(layers: list[Layer]) -> None:
    presence = _by_name(layers)["presence"].gdf.set_index("claim_id")
    row = presence.loc["noonpost-irgc-hq-mezzeh-closed"]
    assert (row["date_start"], row["date_end"], row["date_precision"]) == ("2024-12-06", "2024-12-06", "day")
