"""Label placement measures each label once: the boxes and the placement equal measuring every offset."""

from __future__ import annotations

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from renderers.snapshots import default_views, figure
from renderers.snapshots.canvas import FileCanvas
from renderers.snapshots.labels import OFFSETS, LabelRequest, annotate, offset_boxes, place_labels


def _measured(ax: Axes, req: LabelRequest, renderer, offset) -> Bbox:
    """Return the box matplotlib measures for ``req`` drawn at ``offset`` (a fresh annotation, as the old placement did)."""
    text = annotate(ax, req, offset)
    box = text.get_window_extent(renderer)
    text.remove()
    return box


def _reference_place(ax: Axes, requests: list[LabelRequest], renderer, taken: list[Bbox]) -> int:
    """Place labels by measuring every offset of every label (the placement before one-layout boxes)."""
    skipped = 0
    frame = ax.get_window_extent(renderer)
    for req in sorted(requests, key=lambda r: (r.priority, r.text, r.lon, r.lat)):
        for offset in OFFSETS:
            text = annotate(ax, req, offset)
            box = text.get_window_extent(renderer).expanded(1.04, 1.08)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            text.remove()
        else:
            skipped += 1
    return skipped


@pytest.fixture
def axes() -> tuple[Axes, object]:
    fig = Figure(figsize=(6, 4), dpi=300)
    FileCanvas(fig)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(35.0, 42.0)
    ax.set_ylim(32.0, 37.5)
    return ax, fig.canvas.get_renderer()


REQUESTS = [
    LabelRequest(36.3, 33.5, "Damascus [1,2,14]", 0, 7.5, "#000000", "bold"),
    LabelRequest(40.9, 34.45, "from Iraq\nroute and crossing point not stated", -1, 6.2, "#333333", "bold", "italic"),
    LabelRequest(38.0, 35.9, "EUPHRATES", 5, 6.5, "#336699", "normal", "italic"),
    LabelRequest(36.72, 34.53, "Al-Qusayr (\u00b110 km) [3]", 0, 5.1, "#111111", "bold"),
    LabelRequest(41.99, 37.49, "corner", 10, 9.0),  # at the axes' corner: most offsets leave the frame
    LabelRequest(43.5, 33.0, "outside the axes", 10, 6.5),  # its point is off the map: never drawn
    LabelRequest(36.31, 33.52, "Mezzeh", 20, 6.5),  # next to Damascus: collides at first
]


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: r.text.split("\n")[0])
def test_each_offset_box_equals_the_measured_box(axes, req: LabelRequest) -> None:
    ax, renderer = axes
    text = annotate(ax, req, OFFSETS[0])
    boxes = offset_boxes(text, renderer)
    text.remove()
    measured = [_measured(ax, req, renderer, offset) for offset in OFFSETS]
    assert [b.extents.tolist() for b in boxes] == [m.extents.tolist() for m in measured]  # exact, not approximate
    assert len({tuple(b.extents) for b in boxes}) == (1 if req.lon > 42 else len(OFFSETS))


def _texts(ax: Axes) -> list[tuple]:
    renderer = ax.figure.canvas.get_renderer()
    out = []
    for t in ax.texts:
        where = (getattr(t, "xy", None), getattr(t, "xyann", None), t.get_ha(), t.get_va())
        out.append((t.get_text(), *where, t.get_fontsize(), t.get_window_extent(renderer).extents.tolist()))
    return out


def test_placement_equals_measuring_every_offset(axes) -> None:
    ax, renderer = axes
    taken = [Bbox.from_extents(1200, 700, 1300, 760)]
    skipped = place_labels(ax, REQUESTS, renderer, list(taken))
    placed = _texts(ax)
    for t in list(ax.texts):
        t.remove()
    assert skipped == _reference_place(ax, REQUESTS, renderer, list(taken))
    assert placed == _texts(ax)
    assert skipped >= 1  # the label off the map
    assert any(xyann != OFFSETS[0][:2] for _, _, xyann, *_ in placed), "some label had to move off its first offset"


@pytest.mark.parametrize("slug", ["overview", "damascus"])
def test_real_views_place_the_same_labels_as_measuring_every_offset(layers, dataset, monkeypatch: pytest.MonkeyPatch, slug: str) -> None:
    view = next(v for v in default_views() if v.slug == slug)
    fast, _ = figure.compose(layers, dataset, view)
    monkeypatch.setattr(figure, "place_labels", _reference_place)
    slow, _ = figure.compose(layers, dataset, view)
    got, want = _texts(fast.axes[0]), _texts(slow.axes[0])
    assert len(want) > 10
    assert got == want
