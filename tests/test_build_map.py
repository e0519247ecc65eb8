"""The command line: help, usage errors, check, and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from build_map import main

ROOT = Path(__file__).resolve().parent.parent


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "check" in out
    assert "--out" in out


def test_usage_error_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-such-option"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


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
