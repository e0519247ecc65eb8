"""The benchmark's first-frame and redraw probes, on small pages whose timing the test sets itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks._browser import measure_page

DELAY_MS = 600
# A canvas drawn DELAY_MS after the load; a fake deck object whose redraw draws on the next frame.
CANVAS_PAGE = f"""<!doctype html><html><body><canvas id="c" width="200" height="200"></canvas><script>
var ctx = document.getElementById('c').getContext('2d'), view = {{ longitude: 38, latitude: 35, zoom: 6, width: 200, height: 200 }};
function draw() {{ ctx.fillStyle = '#c00'; ctx.fillRect(0, 0, 10, 10); ctx.beginPath(); ctx.arc(50, 50, 5, 0, 7); ctx.fill(); }}
window.addEventListener('load', function () {{ setTimeout(draw, {DELAY_MS}); }});
var deckInstance = {{
  getViewports: function () {{ return [Object.assign({{ unproject: function (p) {{ return [38.5, 35]; }} }}, view)]; }},
  setProps: function (p) {{ var t = performance.now(); while (performance.now() - t < 5) {{}} requestAnimationFrame(draw); }}
}};
</script></body></html>"""
BLANK_PAGE = "<!doctype html><html><body><p>nothing drawn here</p></body></html>"


def _measure(chromium: str, path: Path, kind: str) -> dict[str, dict[str, Any]]:
    records: list[dict[str, Any]] = []
    measure_page(chromium, path, kind, 1, None, timeout_s=60, interaction_timeout_s=20, emit=records.append, screenshot_to=path.with_suffix(".png"))
    return {r["phase"]: r for r in records}


def test_first_frame_waits_for_the_first_drawing_and_redraws_are_timed(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "canvas.html"
    page.write_text(CANVAS_PAGE, encoding="utf-8")
    got = _measure(chromium, page, "pydeck")
    load = got["load"]
    assert load["status"] == "ok"
    timings = load["timings_ms"]
    assert load["first_draw_how"] == "canvas 2D fill/stroke"
    # Drawn DELAY_MS after the load event, and the first frame comes after the drawing call.
    assert timings["first_draw"] >= timings["load_event_end"] + DELAY_MS - 20
    assert timings["first_draw"] <= load["first_frame_s"] * 1000 < timings["first_draw"] + 1000
    assert load["screenshot_colours"] > 1
    redraw = got["redraw"]
    assert redraw["status"] == "ok"
    assert [m["move"] for m in redraw["moves"]] == ["zoom in", "pan", "zoom out"]
    for move in redraw["moves"]:
        assert move["draws"] == 1  # one redraw, one counted fill (fillRect is not a path fill)
        assert move["sync_ms"] >= 5  # the fake setProps busy-waits 5 ms
        assert move["ms"] >= move["sync_ms"]
    assert redraw["redraw_ms"] == sorted(m["ms"] for m in redraw["moves"])[1]


def test_a_page_that_never_draws_has_no_first_frame(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text(BLANK_PAGE, encoding="utf-8")
    got = _measure(chromium, page, "lonboard")
    assert got["load"]["status"] == "ok"
    assert got["load"]["first_frame_s"] is None
    assert got["load"]["timings_ms"]["draws"] == 0
    assert "redraw" not in got


SETTLE_MS = 400
# The canvas page, whose deck stand-in also says (as this project's militiaMap.settled() does) that
# its picture is exact only SETTLE_MS after each setProps: the frames before show a stand-in.
SETTLING_PAGE = CANVAS_PAGE.replace(
    "</script></body>",
    f"var exactAt = 0, setProps = deckInstance.setProps;\n"
    f"deckInstance.setProps = function (p) {{ exactAt = performance.now() + {SETTLE_MS}; setProps(p); }};\n"
    "window.militiaMap = { settled: function () { return performance.now() >= exactAt; } };\n</script></body>",
)


def test_the_first_zoom_starts_at_the_first_frame_and_waits_until_the_picture_is_exact(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "settling.html"
    page.write_text(SETTLING_PAGE, encoding="utf-8")
    records: list[dict[str, Any]] = []
    measure_page(chromium, page, "pydeck", 1, None, timeout_s=60, interaction_timeout_s=20, emit=records.append, first_zoom=True)
    got = {r["phase"]: r for r in records}
    assert set(got) == {"first_zoom"}  # a load of its own: nothing else measured after idle time
    zoom = got["first_zoom"]
    assert zoom["status"] == "ok"
    # Started in the task that saw the first frame, before any idle time.
    assert 0 <= zoom["started_ms"] - zoom["first_frame_s"] * 1000 < 5
    assert zoom["sync_ms"] >= 5  # the fake setProps busy-waits 5 ms
    # Not done before the page said its picture was exact, and then one more frame.
    assert zoom["ms"] >= SETTLE_MS
    assert zoom["frames"] >= 3
    assert zoom["draws"] >= 1


def test_redraw_moves_wait_until_the_picture_is_exact(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "settling.html"
    page.write_text(SETTLING_PAGE, encoding="utf-8")
    moves = _measure(chromium, page, "pydeck")["redraw"]["moves"]
    assert [m["move"] for m in moves] == ["zoom in", "pan", "zoom out"]
    assert all(m["ms"] >= SETTLE_MS and m["frames"] >= 3 for m in moves)
