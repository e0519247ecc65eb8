"""Issue 14 §2: a build run with its output captured (not a terminal) prints only step lines, progress and the summary."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every line a quiet build may print: data notes, one line per step, snapshot progress, the summary.
ALLOWED = (
    re.compile(r"Checked \d+ quotes against their source texts\."),
    re.compile(r"Source texts not found .*"),
    re.compile(r"Verbatim-quote check skipped .*"),
    re.compile(r"Data OK: \d+ claims, \d+ sources, \d+ places\."),
    re.compile(r"Building layers: \d+\.\d s"),
    re.compile(r"\[\d+/\d+\] [^:]+: \d+\.\d s"),
    re.compile(r"\[\d+/\d+\] [^:]+: unchanged, reused from .+"),
    re.compile(r"  snapshots \d+/\d+"),
    re.compile(r"Built .+ in \d+\.\d s\."),
)


def test_captured_build_prints_only_steps_progress_and_summary(sources_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    argv = [sys.executable, "build_map.py", "--out", str(out), "--sources-dir", str(sources_dir)]
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = (proc.stdout + proc.stderr).splitlines()
    stray = [line for line in lines if not any(p.fullmatch(line) for p in ALLOWED)]
    assert stray == [], f"{len(stray)} unexpected line(s), first: {stray[:5]}"
    assert "\r" not in proc.stderr  # no in-place progress in a log file
    progress = [line for line in lines if line.startswith("  snapshots ")]
    total = int(progress[-1].split("/")[1])
    assert progress == [f"  snapshots {i}/{total}" for i in range(1, total + 1)]  # done/total for the step over 2 s
    assert any(line.startswith("Built ") for line in lines)
