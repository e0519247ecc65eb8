"""Places and geometry: the gazetteer, name normalisation, geodesic routes and buffers."""

from geo.gazetteer import AmbiguousPlaceError, Gazetteer, UnknownPlaceError
from geo.geodesy import geodesic_length_m, geodesic_route, uncertainty_buffer
from geo.names import normalize_name
from geo.place import Place

__all__ = [
    "AmbiguousPlaceError",
    "Gazetteer",
    "Place",
    "UnknownPlaceError",
    "geodesic_length_m",
    "geodesic_route",
    "normalize_name",
    "uncertainty_buffer",
]
