"""The ``--overlay`` option and the step that loads overlays for a build, reporting problems as messages."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from overlays.load import OVERLAY_DIR, SETTINGS_NAME, OverlaySet, load_overlays, overlay_paths
from overlays.problems import OverlayError

log = logging.getLogger("militia_map")


def add_overlay_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--overlay FILE`` (repeatable): ACLED exports drawn beside the claims, besides ``data/overlays/*.csv``.

    Without the option the namespace has no ``overlay`` (``argparse.SUPPRESS``), so a subcommand's
    parser that shares it never overwrites files given before the subcommand.
    """
    parser.add_argument(
        "--overlay", type=Path, action="append", default=argparse.SUPPRESS, metavar="FILE",
        help="an ACLED export (CSV) to draw as the 'ACLED events' overlay, filtered by data/overlays/overlays.yaml; repeatable. "
        "Files in data/overlays/*.csv are read too.",
    )  # fmt: skip


def overlay_or_report(data_dir: Path, extra: list[Path] | None) -> tuple[bool, OverlaySet | None]:
    """Return ``(ok, overlay)``: the overlay (``None`` without files), or ``(False, None)`` after logging every problem."""
    paths = overlay_paths(data_dir, extra)
    try:
        overlay = load_overlays(paths, data_dir / OVERLAY_DIR / SETTINGS_NAME)
    except OverlayError as exc:
        log.error("Found %d problem(s) in the overlay files:", len(exc.problems))
        for problem in exc.problems:
            log.error("  %s", problem)
        return False, None
    if overlay is not None:
        for f in overlay.files:
            log.info("Overlay %s: %d of %d ACLED events kept by %s.", f.name, f.n_kept, f.n_read, SETTINGS_NAME)
    return True, overlay
