"""The one style spec per layer that every renderer (web map, QGIS, snapshots) reads.

A colour, label or rule lives here once. Renderers translate a :class:`StyleSpec`
into Leaflet options, QGIS QML or matplotlib artists; none defines colours of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Okabe-Ito colour-blind-safe palette, one colour per actor group.
ACTOR_GROUPS: dict[str, tuple[str, str]] = {
    # group id: (legend label, colour)
    "iran": ("IRGC / Quds Force / Iran", "#009E73"),
    "hezbollah": ("Hezbollah (incl. Radwan Unit)", "#E69F00"),
    "fatemiyoun-zainebiyoun": ("Liwa Fatemiyoun / Liwa Zainebiyoun", "#CC79A7"),
    "pmf": ("Iraqi PMF (Nujaba, Badr, Asaib Ahl al-Haq)", "#0072B2"),
    "militias-other": ("Iran-backed militias, unspecified / local recruits", "#56B4E9"),
    "israel": ("Israel (strikes)", "#D55E00"),
    "other": ("Other actors (SAA, HTS, SDF, US, ISIS …)", "#666666"),
}
# Which group each vocabulary actor belongs to; a feature takes the group of its first actor.
ACTOR_GROUP_OF: dict[str, str] = {
    "IRGC": "iran",
    "Quds Force": "iran",
    "Iran": "iran",
    "Hezbollah": "hezbollah",
    "Radwan Unit": "hezbollah",
    "Liwa Fatemiyoun": "fatemiyoun-zainebiyoun",
    "Liwa Zainebiyoun": "fatemiyoun-zainebiyoun",
    "PMF": "pmf",
    "Nujaba": "pmf",
    "Badr": "pmf",
    "Asaib Ahl al-Haq": "pmf",
    "Iran-backed militias": "militias-other",
    "local recruits": "militias-other",
    "Israel": "israel",
}


def actor_group(actors: tuple[str, ...] | list[str]) -> str:
    """Return the colour group of a feature: the group of its first actor."""
    return ACTOR_GROUP_OF.get(actors[0], "other") if actors else "other"


@dataclass(frozen=True)
class StatusStyle:
    """How a claim status is drawn on every renderer."""

    label: str
    dash: str  # "" solid, else a dash pattern in px, e.g. "2 4"
    opacity: float
    outline: str  # outline colour of point symbols


# Reported: solid and opaque. Claimed (hedged or attributed): lighter, dotted outline.
# Contested (sources disagree): dashed red-violet outline, so it stands out.
STATUS_STYLES: dict[str, StatusStyle] = {
    "reported": StatusStyle("Reported by the source", "", 0.95, "#222222"),
    "claimed": StatusStyle("Claimed or hedged (\u201cpossibly\u201d, \u201creportedly\u201d)", "2 3", 0.7, "#222222"),
    "contested": StatusStyle("Contested: sources disagree", "6 3", 0.95, "#B2182B"),
}


@dataclass(frozen=True)
class StyleSpec:
    """Everything a renderer needs to draw one layer.

    Parameters
    ----------
    layer
        Layer id, also the file name (``presence`` → ``presence.geojson``).
    title
        Display name in layer controls and legends.
    group
        Group in the layer control (web map and QGIS project).
    geometry
        ``point``, ``line`` or ``polygon``.
    marker
        Point symbol: ``circle``, ``square``, ``triangle``, ``star``, ``diamond``.
    size_px
        Marker radius or line width in screen pixels (points in print).
    category_field
        Feature property that picks the colour; ``actor_group`` uses :data:`ACTOR_GROUPS`.
    fill_opacity
        Fill opacity for polygons and markers.
    arrowheads
        Lines end in an arrowhead pointing to the destination.
    dash_field, dash_value, dash
        Features whose ``dash_field`` equals ``dash_value`` are drawn with dash pattern ``dash``.
    label_field
        Property used for labels and tooltips.
    visible
        Whether the layer is on when the map opens.
    category_markers
        Point symbol per category value (overrides ``marker`` for that value).
    overlay
        The layer shows outside data (ACLED events), kept apart from the curated claims: no claim
        filters, story, labels or corroboration; popups say so.
    attribution
        Credit line every renderer shows wherever the layer is drawn (the overlay's data owner).
    panel
        The layer is listed (claims with their quotes), not drawn as map symbols: the web map
        shows it in a panel, snapshots in a boxed list; only QGIS draws its outline.
    estimate_dash
        Dash pattern (px) of outlines whose ``radius_estimated`` property is true.
    fill_field
        Feature property holding each feature's own fill opacity (replaces ``fill_opacity``
        when set; the rings' :func:`ring_fill_opacities`).
    """

    layer: str
    title: str
    group: str
    geometry: str
    marker: str
    size_px: float
    category_field: str = "actor_group"
    fill_opacity: float = 0.85
    arrowheads: bool = False
    dash_field: str = ""
    dash_value: str = ""
    dash: str = "8 6"
    label_field: str = "name"
    visible: bool = True
    fixed_colour: str = ""
    description: str = ""
    categories: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(ACTOR_GROUPS))
    category_markers: dict[str, str] = field(default_factory=dict)
    overlay: bool = False
    attribution: str = ""

    def marker_for(self, category: str) -> str:
        """Return the point symbol for a category value (the layer's ``marker`` unless the value has its own)."""
        return self.category_markers.get(category, self.marker)

    panel: bool = False
    estimate_dash: str = "6 4"
    fill_field: str = ""

    def colour(self, category: str) -> str:
        """Return the colour for a category value (grey for unknown ones)."""
        if self.fixed_colour:
            return self.fixed_colour
        return self.categories.get(category, ACTOR_GROUPS["other"])[1]


@dataclass(frozen=True)
class DirectionStyle:
    """How the direction of a movement is drawn on every renderer.

    Parameters
    ----------
    label
        Legend label.
    arrow
        Arrowhead at the destination end: ``triangle`` (filled), ``double`` (two filled
        triangles in tandem) or ``chevron`` (open V).
    casing
        Colour of a halo drawn under the line (``""`` for none), so inbound lines stand apart.
    width_factor
        Line width relative to the layer's ``size_px``.
    """

    label: str
    arrow: str
    casing: str
    width_factor: float

    @property
    def head(self) -> str:
        """Return the arrowhead shape (the name this field had first; same as :attr:`arrow`)."""
        return self.arrow


# Keyed by the movements layer's ``direction`` property. Outbound (leaving Syria) is the plain
# arrow; inbound (into Syria, e.g. the December 2024 PMF reinforcement) gets a double arrowhead
# and a dark casing so it never reads as a withdrawal; supply lines are thin with an open chevron.
DIRECTION_STYLES: dict[str, DirectionStyle] = {
    "outbound": DirectionStyle("Withdrawal or evacuation, leaving Syria (single arrowhead)", "triangle", "", 1.0),
    "inbound": DirectionStyle("Reinforcement INTO Syria (double arrowhead, dark-cased line)", "double", "#1A1A1A", 1.15),
    "supply": DirectionStyle("Supply line (thin line, open arrowhead)", "chevron", "", 0.7),
}


@dataclass(frozen=True)
class BasemapStyle:
    """The offline basemap's tones, shared by the web map, the QGIS styles and the snapshots.

    Parameters
    ----------
    sea, land
        Background (sea) and country fill colours.
    border, border_dash, border_width
        Country borders: colour, dash pattern in px (``""`` solid) and width in px.
    coastline, coastline_width
        Coastline colour and width in px, drawn over the borders where land meets sea.
    town, town_label
        Town dot colour and town label colour.
    country_label
        Country name colour.
    river, river_width, lake
        Rivers (line colour, width in px) and lakes (fill) from Natural Earth 50 m.
    river_label
        Colour of river names (set in italics).
    road, road_dash, road_width
        Schematic main roads: colour, dash pattern in px and width in px.
    town_label_foreign
        Paler label colour for towns outside Syria and Lebanon.
    """

    sea: str
    land: str
    border: str
    border_dash: str
    border_width: float
    coastline: str
    coastline_width: float
    town: str
    town_label: str
    country_label: str
    river: str = "#7FA6C9"
    river_width: float = 1.2
    lake: str = "#CFE0EE"
    river_label: str = "#4F7DA6"
    road: str = "#B08F6A"
    road_dash: str = "5 3"
    road_width: float = 1.0
    town_label_foreign: str = "#8C8C8C"


# The web map's tones: pale blue sea, warm off-white land, dashed grey borders, blue-grey coast.
BASEMAP = BasemapStyle(
    sea="#CFE0EE",
    land="#F4F1EA",
    border="#A7A7A7",
    border_dash="4 3",
    border_width=0.8,
    coastline="#6C8EAD",
    coastline_width=1.1,
    town="#555555",
    town_label="#444444",
    country_label="#8A8478",
)


# The opening view of every renderer (lon_min, lat_min, lon_max, lat_max): Syria, Lebanon and
# the border crossings toward Iraq, with a little room for the arrows that leave it.
VIEW_SYRIA: tuple[float, float, float, float] = (35.0, 32.2, 42.5, 37.4)
# The country the map is about: a country-to-country leg with no shared border is drawn where
# it enters or leaves this country (see layers._routes).
FOCUS_COUNTRY = "Syria"


# Precision rings: the faint fills of large or repeated rings would stack into a tint over whole
# regions (eastern Syria lies under the Syrian desert, SDF-held areas and Deir ez-Zor rings). One
# rule for every renderer: only the first ring of each place is filled, and only when its radius
# is at most RING_FILL_MAX_KM; larger rings are outlines only. So wherever rings overlap, the
# summed fill stays at most RING_FILL_OPACITY times the number of distinct small places there.
RING_FILL_OPACITY = 0.05
RING_FILL_MAX_KM = 30.0


def ring_fill_opacities(place_ids: list[str], radii_km: list[float]) -> list[float]:
    """Return each ring's fill opacity by the ring fill rule (:data:`RING_FILL_MAX_KM`).

    Parameters
    ----------
    place_ids, radii_km
        Each ring's place and radius, in drawing order.
    """
    seen: set[str] = set()
    out = []
    for place, radius in zip(place_ids, radii_km, strict=True):
        filled = place not in seen and radius <= RING_FILL_MAX_KM
        seen.add(place)
        out.append(RING_FILL_OPACITY if filled else 0.0)
    return out


# Where a claim's symbol sits on its ring (layers._points): the ring point nearest due north of
# the place that lies inside its country (and clear of country reference points); further claims
# at the same place follow clockwise, evenly spaced. Said in every legend. (Facing the view's
# centre instead was tried: it pulled the SDF-held areas, Deir ez-Zor and Homs desert symbols
# together near Palmyra, far from those places, and hid the Hama label.)
RING_SYMBOL_RULE = "symbol on the ring, at its northernmost point inside the country"


@dataclass(frozen=True)
class PhaseStyle:
    """How a mark is drawn by where its claim stands on the chosen day (:func:`dataset.lifespan.phase`).

    Every renderer draws the mark in its layer's own style, then applies this on top.

    Parameters
    ----------
    label
        The legend's words for this phase (the legend says which halo means what).
    opacity
        Factor on the mark's opacity (1 unchanged; ended marks are faded).
    halo, halo_width
        Colour and width in px of a casing drawn under the mark ("" for none).
    dash
        Dash pattern in px for the mark's outline or line ("" keeps the layer's own).
    """

    label: str
    opacity: float = 1.0
    halo: str = ""
    halo_width: float = 0.0
    dash: str = ""


# Day view: new marks stand out with a thick yellow casing; ended ones are faded.
PHASE_STYLES: dict[str, PhaseStyle] = {
    "new": PhaseStyle("New: started in the window before the date (yellow halo)", 1.0, "#F0E442", 6.0),
    "ongoing": PhaseStyle("Ongoing on the date", 1.0),
    "ended": PhaseStyle("Ended, or last reported before the date (faded)", 0.3),
    "undated": PhaseStyle("Undated (the source gives no date)", 1.0),
}
# Compare view (dates A and B): only at A ghosted and dashed, at both plain, only at B with the halo.
COMPARE_STYLES: dict[str, PhaseStyle] = {
    "only_a": PhaseStyle("Only at A: gone by B (faded, dashed)", 0.35, "", 0.0, "4 4"),
    "both": PhaseStyle("At A and at B", 1.0),
    "only_b": PhaseStyle("Only at B: new since A (yellow halo)", 1.0, "#F0E442", 6.0),
}
