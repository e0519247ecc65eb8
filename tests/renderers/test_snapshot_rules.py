"""Snapshots follow the issue 11 drawing rules: framed on Syria, no centroid pins, labels that never overlap,
country-wide claims in a box, rivers, arrow ends and Syrian towns labelled. Checked on the drawn matplotlib figure."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import matplotlib as mpl
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as MplPolygon

import shapely
from pyproj import Geod

from dataset import Dataset
from geo.basemap import load_countries
from layers import Layer
from layers.style import RING_FILL_MAX_KM, RING_SYMBOL_RULE
from renderers.snapshots import default_views
from renderers.snapshots.figure import RC, compose
from renderers.snapshots.views import OVERVIEW_BBOX, View, select_layers

GEOD = Geod(ellps="WGS84")
# A single dated view (``build_map.py snapshot --as-of``): its new marks have halos, its ended ones are kept, faded.
DATED = View("asof-2024-12-08", "8 December 2024", OVERVIEW_BBOX, dt.date(2024, 12, 8), "On 8 Dec 2024")
VIEWS = {v.slug: v for v in [*default_views(), DATED]}
CHECKED = ("overview", "qusayr-lebanese-border", "asof-2024-12-08")


@pytest.fixture(scope="module")
def figures(layers: list[Layer], dataset: Dataset) -> dict[str, Figure]:
    out = {}
    with mpl.rc_context(RC):
        for slug in CHECKED:
            fig, _ = compose(layers, dataset, VIEWS[slug])
            fig.canvas.draw()
            out[slug] = fig
    return out


def _map_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts if t.get_visible()]


@pytest.mark.parametrize("slug", CHECKED)
def test_map_labels_never_overlap(figures: dict[str, Figure], slug: str) -> None:
    fig = figures[slug]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_visible() and t.get_text().strip()]
    assert len(boxes) > 10
    frame = ax.get_window_extent(renderer)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        inter_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        inter_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        assert inter_w <= 0.5 or inter_h <= 0.5, f"{slug}: labels {a!r} and {b!r} overlap"
    for text, box in boxes:
        if text == "N":
            continue  # the north arrow's letter
        assert frame.x0 - 1 <= box.x0, (slug, text)
        assert box.x1 <= frame.x1 + 1, (slug, text)


@pytest.mark.parametrize("slug", CHECKED)
def test_no_symbol_at_a_country_point_or_an_area_anchor(figures: dict[str, Figure], dataset: Dataset, slug: str) -> None:
    anchors = [(p.lon, p.lat, p.name, 25.0) for p in dataset.gazetteer if p.kind == "country"]
    sites = [(p.lon, p.lat) for p in dataset.gazetteer if p.kind == "site"]
    # An area's anchor may be a site in its own right (the Jusiyah crossing anchors "Syria-Lebanon border"): the site is drawn.
    anchors += [
        (p.lon, p.lat, p.name, 1.0)
        for p in dataset.gazetteer
        if p.kind == "area" and (p.radius_km or 0) > 10 and all(GEOD.inv(p.lon, p.lat, x, y)[2] > 1000 for x, y in sites)
    ]
    points = [tuple(xy) for c in figures[slug].axes[0].collections if isinstance(c, PathCollection) for xy in c.get_offsets()]
    assert points
    for x, y in points:
        for lon, lat, name, km in anchors:
            assert GEOD.inv(x, y, lon, lat)[2] / 1000 >= km, f"{slug}: a symbol sits at {name}'s point ({x:.3f}, {y:.3f})"


def test_overview_is_framed_on_syria_and_lebanon(figures: dict[str, Figure]) -> None:
    ax = figures["overview"].axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 <= 35.1 and x1 >= 42.4  # noqa: PT018 - Lebanon's coast to Syria's eastern tip
    assert y0 <= 32.3 and y1 >= 37.3  # noqa: PT018
    assert x1 < 45.0  # not Iran, not Afghanistan


def test_overview_labels_rivers_arrow_ends_and_syrian_towns(figures: dict[str, Figure]) -> None:
    texts = _map_texts(figures["overview"])
    joined = " | ".join(texts)
    for river in ("Euphrates", "Orontes", "Khabur"):  # the Tigris lies east of the frame
        assert river in texts, river
    assert "from Afghanistan\nroute and crossing point not stated" in texts
    for town in ("Hama", "Palmyra", "Al Mayadin"):
        assert any(t == town or t.startswith(town + " [") for t in texts), town
    for foreign in ("Kayseri", "Malatya", "Yazd"):
        assert foreign not in joined
    assert "\u2192 Iraq" in joined
    assert "\u2192 Iran" in joined
    assert "crossing point not stated" in joined


def test_country_wide_claims_are_listed_in_a_box(figures: dict[str, Figure], layers: list[Layer], dataset: Dataset) -> None:
    view: View = VIEWS["overview"]
    (panel,) = [layer for layer in select_layers(layers, view) if layer.style.panel]
    assert len(panel.gdf) > 5
    box_texts = " ".join(t.get_text() for ax in figures["overview"].axes[1:] for t in ax.texts)
    assert "Country-wide claims" in box_texts
    legend = " ".join(t.get_text().replace("\n", " ") for ax in figures["overview"].axes[1:] for t in ax.texts)
    assert RING_SYMBOL_RULE in legend  # which ring point the symbol sits on
    for _, row in panel.gdf.iterrows():
        start = f"{row['country']}: {row['summary']}"[:20]
        assert start in box_texts, row["id"]
        assert json.loads(row["evidence"])
    map_texts = " ".join(_map_texts(figures["overview"]))
    assert "country-wide" not in map_texts


def _summed_fill_max(rings: list[tuple[shapely.Geometry, float]], region: shapely.Geometry) -> float:
    """Return the largest summed fill opacity over ``region``: faces of the rings' arrangement, each summed."""
    if not rings:
        return 0.0
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all([shapely.boundary(g) for g, _ in rings]))))
    best = 0.0
    for face in faces:
        point = face.representative_point()
        if region.contains(point):
            best = max(best, sum(alpha for geom, alpha in rings if geom.contains(point)))
    return best


@pytest.mark.parametrize("slug", CHECKED)
def test_ring_fills_never_stack_into_a_tint_over_syria(figures: dict[str, Figure], slug: str) -> None:
    ax = figures[slug].axes[0]
    rings = [
        (shapely.make_valid(shapely.Polygon(p.get_xy())), float(p.get_facecolor()[3]))
        for p in ax.patches
        if isinstance(p, MplPolygon) and p.get_transform() == ax.transData and 0.0 < p.get_facecolor()[3] < 1.0
    ]
    syria = shapely.make_valid(load_countries().set_index("name").loc["Syria", "geometry"])
    assert _summed_fill_max(rings, syria) <= 0.1 + 1e-9, f"{slug}: ring fills stack above 0.1"


def test_ring_fill_rule_keeps_every_point_of_syria_at_most_0_1(layers: list[Layer]) -> None:
    rings = next(layer for layer in layers if layer.style.layer == "uncertainty").gdf
    assert (rings["fill_opacity"] <= 0.1).all()
    assert (rings.loc[rings["radius_km"] > RING_FILL_MAX_KM, "fill_opacity"] == 0).all(), "large rings are outlines only"
    filled = rings[rings["fill_opacity"] > 0]
    assert not filled["place_id"].duplicated().any(), "a place's ring is filled once"
    syria = shapely.make_valid(load_countries().set_index("name").loc["Syria", "geometry"])
    assert _summed_fill_max(list(zip(filled.geometry, filled["fill_opacity"], strict=True)), syria) <= 0.1 + 1e-9
