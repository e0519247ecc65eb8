"""Shared fixtures: the real dataset, its layers, one full build, and the external tools.

Browser and QGIS tests skip with a stated reason when the tool is missing; with
``MILITIA_MAP_REQUIRE_BROWSER=1`` / ``MILITIA_MAP_REQUIRE_QGIS=1`` (set by ``.ci/run``)
such a skip becomes a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_map import main
from dataset import Dataset, load_dataset
from layers import Layer, build_layers

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
REQUIRE = {"browser": "MILITIA_MAP_REQUIRE_BROWSER", "qgis": "MILITIA_MAP_REQUIRE_QGIS"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Turn skips of browser/QGIS tests into failures where CI requires them."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped:
        return
    for marker, env in REQUIRE.items():
        if item.get_closest_marker(marker) and os.environ.get(env) == "1":
            report.outcome = "failed"
            report.longrepr = f"{marker} test skipped but {env}=1 requires it to run: {report.longrepr}"


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The folder of source texts (../shared/seeds)."""
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def dataset(sources_dir: Path) -> Dataset:
    """The real, validated dataset from data/."""
    return load_dataset(ROOT / "data", sources_dir=sources_dir)


@pytest.fixture(scope="session")
def layers(dataset: Dataset) -> list[Layer]:
    """Every layer built from the real dataset."""
    return build_layers(dataset)


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> Path:
    """One full ``build_map.py`` run (every renderer) into a temporary folder."""
    out = tmp_path_factory.mktemp("dist") / "dist"
    code = main(["--out", str(out), "--sources-dir", str(sources_dir), "-q"])
    assert code == 0, "build_map.py failed; run it by hand to see the problems"
    return out


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless-capable Chromium (Debian's package)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (apt-get install chromium); browser tests need it")


@pytest.fixture(scope="session")
def qgis_python() -> str:
    """Path of /usr/bin/python3 when it can import QGIS's bindings."""
    python = "/usr/bin/python3"
    if not Path(python).exists():
        pytest.skip("/usr/bin/python3 not found; QGIS tests need Debian's python3-qgis")
    probe = subprocess.run([python, "-c", "import qgis.core"], capture_output=True, text=True, check=False, timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"QGIS Python bindings not importable (apt-get install python3-qgis): {probe.stderr.strip()[-200:]}")
    return python


ACLED_CSV = ROOT.parent / "shared" / "acled" / "acled_syria_2022h1.csv"


@pytest.fixture(scope="session")
def acled_csv() -> Path:
    """ACLED's real export of 307 Syria events, Jan-Jun 2022 (../shared/acled; never copied into the repository)."""
    if not ACLED_CSV.is_file():
        pytest.skip(f"ACLED test export not found at {ACLED_CSV} (see ../shared/acled/NOTICE.md)")
    return ACLED_CSV


@pytest.fixture(scope="session")
def acled_dist(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path, acled_csv: Path) -> Path:
    """One full ``build_map.py --overlay acled_syria_2022h1.csv`` run into a temporary folder."""
    out = tmp_path_factory.mktemp("acled-dist") / "dist"
    code = main(["--out", str(out), "--sources-dir", str(sources_dir), "--overlay", str(acled_csv), "-q"])
    assert code == 0, "build_map.py --overlay failed; run it by hand to see the problems"
    return out
