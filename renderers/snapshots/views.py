"""The snapshot views (extent, date, title), the December 2024 series, and the rule that picks the features each one shows.

Time rule: a feature is current at date ``D`` when ``start <= D`` (or it has no start) and
``D <= end`` (or it has no end), ``end`` being the effective end (``span_end``, see
:mod:`dataset.lifespan`). An open bound means the source gives no bound, so the claim is
treated as possibly holding on that side: a claim with neither bound shows on every date.
Month- or year-precision claims already carry their whole range (1 to 31 Dec, 1 Jan to 31 Dec),
so they show over all of it. "Before 27 Nov 2024" is drawn at 26 Nov 2024 and "after 14 Dec
2024" at 15 Dec 2024. A view without a date (``as_of=None``) shows every claim, whatever its date.

A dated view also draws what changed against an earlier day (:mod:`layers.phases`): marks new
since then get a halo, marks that ended since then are drawn faded; the earlier day is the
previous panel of a series, or the date minus the window (7 days) for a single view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely

from dataset.model import span_covers
from layers import Layer
from layers.phases import default_since, iso_day, phase_layer, series_since
from layers.style import VIEW_SYRIA

BBox = tuple[float, float, float, float]  # (lon_min, lat_min, lon_max, lat_max), degrees

# The overview and the as-of series are framed on Syria and Lebanon (layers.style.VIEW_SYRIA);
# arrows toward Iraq and Iran end a short way past the border, labelled there.
OVERVIEW_BBOX: BBox = VIEW_SYRIA


@dataclass(frozen=True)
class View:
    """One snapshot: file stem, title, extent and the date it shows (``None`` = all dates)."""

    slug: str
    title: str
    bbox: BBox
    as_of: dt.date | None = None
    date_caption: str = ""
    since: dt.date | None = None  # the earlier day a dated view shows change against (None: the window before as_of)

    @property
    def compared_with(self) -> dt.date | None:
        """Return the earlier day the view's new and ended marks are counted from (``None`` without a date)."""
        if self.as_of is None:
            return None
        return self.since or default_since(self.as_of)

    def subtitle(self, dataset_as_of: dt.date) -> str:
        """Return the subtitle line naming the date shown, what the highlights mean and the dataset's as-of date."""
        since = self.compared_with
        if self.as_of is None or since is None:
            when = "All sourced claims, whatever their date"
        else:
            when = self.date_caption or f"Situation on {self.as_of:%d %b %Y}"
            when += f" (claims whose date span covers {self.as_of.isoformat()}; new and ended since {since.day} {since:%b %Y} marked)"
        return f"{when} \u00b7 dataset as of {dataset_as_of.isoformat()}"


@dataclass(frozen=True)
class Series:
    """A row of dated panels on one extent: file stem, title, extent and the dates (one panel each, in order)."""

    slug: str
    title: str
    bbox: BBox
    days: tuple[dt.date, ...]
    captions: tuple[str, ...] = ()
    pages: tuple[str, ...] = ("a4", "column")  # renderers.snapshots.series.PAGES by name

    def panels(self) -> list[View]:
        """Return one dated view per panel, each compared with the previous panel (the first with the window)."""
        captions = self.captions or tuple(f"{d.day} {d:%b %Y}" for d in self.days)
        return [
            View(f"{self.slug}-{day.isoformat()}", caption, self.bbox, day, caption, since)
            for day, caption, since in zip(self.days, captions, series_since(self.days), strict=True)
        ]


# The December 2024 series: before the offensive, the withdrawal, the fall of Damascus, after it.
DECEMBER_2024 = Series(
    "series-2024-12",
    "Iran-backed militias in Syria, 26 November \u2013 15 December 2024",
    OVERVIEW_BBOX,
    (dt.date(2024, 11, 26), dt.date(2024, 12, 6), dt.date(2024, 12, 8), dt.date(2024, 12, 15)),
    ("26 Nov 2024 (before 27 Nov)", "6 Dec 2024", "8 Dec 2024: fall of Damascus", "15 Dec 2024 (after 14 Dec)"),
)


def default_series() -> list[Series]:
    """Return the series ``make map`` writes (each in A4 landscape and in one 85 mm column)."""
    return [DECEMBER_2024]


def default_views() -> list[View]:
    """Return the single views ``make map`` writes: the overview and three close-ups (the dated ones are the series)."""
    return [
        View("overview", "Iran-backed militias in Syria and the routes out", OVERVIEW_BBOX),
        View("deir-ez-zor-albukamal-qaim", "Deir Ez-Zor \u2013 Al-Bukamal \u2013 Al-Qa'im corridor", (39.3, 33.9, 42.0, 35.7)),
        View("qusayr-lebanese-border", "Qusayr and the Lebanese border", (35.75, 33.85, 37.05, 34.95)),
        View("damascus", "Damascus: Mezzeh and the international airport", (35.95, 33.22, 36.75, 33.72)),
    ]


def covers(date_start: object, date_end: object, day: dt.date) -> bool:
    """Return whether a feature's time span covers ``day`` (open bounds count as covering).

    Pass a claim's effective end (``span_end``, :mod:`dataset.lifespan`), not the stated one.
    """
    return span_covers(iso_day(date_start), iso_day(date_end), day)


def select_layers(layers: list[Layer], view: View) -> list[Layer]:
    """Return each layer cut to the features that meet the view's extent and date.

    A dated view keeps the current features and those that ended since :attr:`View.compared_with`,
    each with its phase (column ``phase``: new, ongoing, ended, undated; :mod:`layers.phases`).
    """
    box = shapely.box(*view.bbox)
    chosen = []
    for layer in layers:
        cut = Layer(layer.gdf[layer.gdf.intersects(box)] if len(layer.gdf) else layer.gdf, layer.style)
        since = view.compared_with
        chosen.append(phase_layer(cut, view.as_of, since) if view.as_of is not None and since is not None else cut)
    return chosen


def parse_bbox(text: str) -> BBox:
    """Return ``LON_MIN,LAT_MIN,LON_MAX,LAT_MAX`` as a bbox; raise ValueError naming the fix."""
    parts = text.split(",")
    try:
        lon_min, lat_min, lon_max, lat_max = (float(p) for p in parts)
    except ValueError:
        msg = f"--bbox expects four numbers LON_MIN,LAT_MIN,LON_MAX,LAT_MAX (e.g. 35.9,33.2,36.8,33.8), got {text!r}"
        raise ValueError(msg) from None
    if not (-180 <= lon_min < lon_max <= 180 and -85 <= lat_min < lat_max <= 85):  # noqa: PLR2004
        msg = f"--bbox {text!r} is not a valid extent: need -180 <= LON_MIN < LON_MAX <= 180 and -85 <= LAT_MIN < LAT_MAX <= 85"
        raise ValueError(msg)
    return (lon_min, lat_min, lon_max, lat_max)


def parse_as_of(text: str) -> dt.date:
    """Return an ISO ``YYYY-MM-DD`` date; raise ValueError naming the expected form."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"--as-of expects a date as YYYY-MM-DD (e.g. 2024-12-06), got {text!r}"
        raise ValueError(msg) from None
