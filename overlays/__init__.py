"""Overlays: outside event data (ACLED exports) read, checked and filtered, kept apart from the curated claims."""

from overlays.cli import add_overlay_arguments, overlay_or_report
from overlays.config import OverlayFilter
from overlays.load import ACLED_CREDIT, OverlaySet, load_overlays, overlay_paths
from overlays.model import AcledEvent
from overlays.problems import OverlayError, OverlayProblem

__all__ = [
    "ACLED_CREDIT",
    "AcledEvent",
    "OverlayError",
    "OverlayFilter",
    "OverlayProblem",
    "OverlaySet",
    "add_overlay_arguments",
    "load_overlays",
    "overlay_or_report",
    "overlay_paths",
]
