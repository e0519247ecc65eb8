"""Map layers: each a GeoDataFrame plus the one style spec every renderer reads."""

from dataset.model import Dataset
from layers._layer import Layer
from layers.acled import build_acled_layers
from layers.countrywide import build_countrywide_layer
from layers.movements import build_movements_layer
from layers.presence import build_presence_layer
from layers.risks import build_risks_layer
from layers.sites import build_sites_layer
from layers.strikes import build_strikes_layer
from layers.style import ACTOR_GROUPS, STATUS_STYLES, StyleSpec
from layers.uncertainty import build_uncertainty_layer
from overlays import OverlaySet

# Drawing order: areas underneath, then lines, then points.
LAYER_BUILDERS = (
    build_countrywide_layer,
    build_uncertainty_layer,
    build_presence_layer,
    build_movements_layer,
    build_strikes_layer,
    build_risks_layer,
    build_sites_layer,
)


def build_layers(ds: Dataset, overlay: OverlaySet | None = None) -> list[Layer]:
    """Return every layer, in drawing order (areas first, sites on top).

    With ``overlay`` events, the ACLED layers join in: their rings under every area, their points
    over the claims' areas (so they can be clicked inside a claim's circle) but under the claims'
    own lines and points.
    """
    claims = [build(ds) for build in LAYER_BUILDERS]
    acled = build_acled_layers(overlay)
    areas = [layer for layer in claims if layer.style.geometry == "polygon"]
    others = [layer for layer in claims if layer.style.geometry != "polygon"]
    acled_areas = [layer for layer in acled if layer.style.geometry == "polygon"]
    acled_marks = [layer for layer in acled if layer.style.geometry != "polygon"]
    return [*acled_areas, *areas, *acled_marks, *others]


__all__ = [
    "ACTOR_GROUPS",
    "LAYER_BUILDERS",
    "STATUS_STYLES",
    "Layer",
    "StyleSpec",
    "build_acled_layers",
    "build_countrywide_layer",
    "build_layers",
    "build_movements_layer",
    "build_presence_layer",
    "build_risks_layer",
    "build_sites_layer",
    "build_strikes_layer",
    "build_uncertainty_layer",
]
