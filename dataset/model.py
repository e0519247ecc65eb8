"""Typed records of the validated dataset: sources, actors, claim types and claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from geo.gazetteer import Gazetteer

TIME_PRECISIONS = ("day", "month", "year", "approximate", "unknown")
STATUSES = ("reported", "claimed", "contested")
ROUTES = ("reported", "inferred")


@dataclass(frozen=True)
class Citation:
    """Where a work is cited: a document and footnote numbers or a paragraph."""

    document: str
    footnotes: tuple[int, ...] = ()
    paragraph: int | None = None


@dataclass(frozen=True)
class Source:
    """A source document or a work cited by one."""

    id: str
    title: str
    publisher: str
    kind: str
    date: str = ""
    author: str = ""
    url: str = ""
    text: str = ""
    pages: str = ""
    note: str = ""
    cited_in: tuple[Citation, ...] = ()
    text_sha256: str = ""
    acquired: str = ""
    acquired_basis: str = ""

    def citation_text(self) -> str:
        """Return a one-line reference: author, title, publisher, date."""
        parts = [self.author, self.title, self.publisher, self.date or "n.d."]
        if self.pages:
            parts.append(f"p. {self.pages}")
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Actor:
    """One entry of the controlled actor vocabulary."""

    id: str
    label: str
    kind: str
    parent: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimType:
    """One claim type, the layer that draws it, its ACLED mapping and its time kind.

    ``time_kind`` is ``"event"`` (it happens: a withdrawal, a strike) or ``"state"`` (it holds:
    a presence, a supply line); :mod:`dataset.lifespan` ends an event's open end at its last report.
    """

    id: str
    label: str
    layer: str
    acled_event_type: str
    acled_sub_event_type: str
    time_kind: str = "state"


def cited_works(sources: Mapping[str, Source], document: str, footnote: int) -> list[Source]:
    """Return the works of ``sources`` cited in ``document`` at ``footnote``."""
    return [src for src in sources.values() for cit in src.cited_in if cit.document == document and footnote in cit.footnotes]


def span_covers(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Return whether ``start``..``end`` covers ``day``; an open bound (``None``) covers every day on its side.

    The one date rule of the project: the snapshots' as-of views, the timeline's checks and
    (mirrored in JavaScript, tested against this) the web map's date control.
    """
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True)
class TimeSpan:
    """When a claim holds: start and end dates with an honest precision.

    ``start`` or ``end`` is ``None`` when the source gives no bound
    (for example "since 2017" has no end).
    """

    start: dt.date | None
    end: dt.date | None
    precision: str
    as_written: str
    basis: str = ""

    @property
    def acled_time_precision(self) -> int:
        """Return ACLED's time precision code (1 day, 2 within a week or so, 3 longer)."""
        if self.precision == "day":
            return 1
        if self.start and self.end and (self.end - self.start).days <= 10:  # noqa: PLR2004
            return 2
        return 3

    def covers(self, day: dt.date) -> bool:
        """Return whether the span covers ``day``; an open bound covers every day on its side."""
        return span_covers(self.start, self.end, day)

    def label(self) -> str:
        """Return a human-readable date with its precision."""
        start = self.start.isoformat() if self.start else "?"
        end = self.end.isoformat() if self.end else "open"
        span = start if self.start == self.end else f"{start} to {end}"
        return f"{self.as_written} ({span}; precision: {self.precision})"


@dataclass(frozen=True)
class Locator:
    """Where in a source a quote stands: paragraph, footnote, page."""

    paragraph: int | None = None
    footnote: int | None = None
    page: str = ""

    def text(self) -> str:
        """Return e.g. ``para 3, fn 529``."""
        parts = []
        if self.paragraph is not None:
            parts.append(f"para {self.paragraph}")
        if self.footnote is not None:
            parts.append(f"fn {self.footnote}")
        if self.page:
            parts.append(f"p. {self.page}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Evidence:
    """One verbatim quote from one source, with its locator."""

    source: str
    locator: Locator
    quote: str


@dataclass(frozen=True)
class Claim:
    """One statement in the sources, with places, time, status and evidence."""

    id: str
    summary: str
    type: str
    actors: tuple[str, ...]
    time: TimeSpan
    status: str
    evidence: tuple[Evidence, ...]
    file: str
    at: tuple[str, ...] = ()
    origin: str = ""
    via: tuple[str, ...] = ()
    destination: str = ""
    route: str = "reported"
    note: str = ""
    unmapped: str = ""

    @property
    def is_movement(self) -> bool:
        """Return whether the claim has an origin and a destination."""
        return bool(self.origin and self.destination)

    def place_ids(self) -> tuple[str, ...]:
        """Return every place the claim names, in route order for a movement."""
        if self.is_movement:
            return (self.origin, *self.via, self.destination)
        return self.at


@dataclass(frozen=True)
class DatasetInfo:
    """Title, version, as-of date, licence and disclaimer of the dataset."""

    title: str
    version: str
    as_of: dt.date
    licence: str
    disclaimer: str
    abstract: str
    method: str = ""


@dataclass(frozen=True)
class TimelineStop:
    """A turning point the date control offers: a day inside the span of the claim that grounds it."""

    id: str
    label: str
    date: dt.date
    claim: str
    note: str = ""


@dataclass(frozen=True)
class Story:
    """The step-through: every mapped or unmapped claim whose earliest date falls in ``start``..``end``."""

    title: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Timeline:
    """Quick stops for the date control and the story window (``data/timeline.yaml``)."""

    stops: tuple[TimelineStop, ...] = ()
    story: Story | None = None


@dataclass
class Dataset:
    """The validated dataset: everything the layers read."""

    info: DatasetInfo
    sources: dict[str, Source]
    actors: dict[str, Actor]
    types: dict[str, ClaimType]
    gazetteer: Gazetteer
    claims: list[Claim]
    notes: list[str] = field(default_factory=list)
    timeline: Timeline = field(default_factory=Timeline)
    data_sha256: str = ""

    def provenance_text(self) -> str:
        """Return "dataset version X, data/ SHA-256 …": the line every output carries (dataset/digest.py)."""
        return f"dataset version {self.info.version}, data/ SHA-256 {self.data_sha256 or 'not computed'}"

    def cited_works(self, document: str, footnote: int) -> list[Source]:
        """Return the works cited in ``document`` at ``footnote``."""
        return cited_works(self.sources, document, footnote)
