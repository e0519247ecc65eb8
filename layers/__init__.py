"""Map layers: each a GeoDataFrame plus the one style spec every renderer reads."""

from dataset.model import Dataset
from layers._layer import Layer
from layers.countrywide import build_countrywide_layer
from layers.movements import build_movements_layer
from layers.presence import build_presence_layer
from layers.risks import build_risks_layer
from layers.sites import build_sites_layer
from layers.strikes import build_strikes_layer
from layers.style import ACTOR_GROUPS, STATUS_STYLES, StyleSpec
from layers.uncertainty import build_uncertainty_layer

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


def build_layers(ds: Dataset) -> list[Layer]:
    """Return every layer, in drawing order (areas first, sites on top)."""
    return [build(ds) for build in LAYER_BUILDERS]


__all__ = [
    "ACTOR_GROUPS",
    "LAYER_BUILDERS",
    "STATUS_STYLES",
    "Layer",
    "StyleSpec",
    "build_countrywide_layer",
    "build_layers",
    "build_movements_layer",
    "build_presence_layer",
    "build_risks_layer",
    "build_sites_layer",
    "build_strikes_layer",
    "build_uncertainty_layer",
]
