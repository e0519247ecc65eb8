"""The :class:`AcledEvent` record: one row of an ACLED export, parsed and checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class AcledEvent:
    """One ACLED event, as ACLED coded it (text untouched, codes as numbers, actor types as labels).

    Parameters
    ----------
    event_id
        ACLED's ``event_id_cnty``.
    event_date
        The day ACLED records.
    time_precision
        ACLED's code: 1 the day, 2 the week, 3 the month.
    geo_precision
        ACLED's code: 1 the named place, 2 near it, 3 only the region.
    lon, lat
        WGS84 degrees.
    inter1, inter2
        Actor types as ACLED's text labels (the older numeric codes translated), ``""`` for none.
    timestamp
        ACLED's ``timestamp`` (Unix seconds of the row's last change), ``None`` when absent.
    file, row
        Where the event was read (row 1 is the header).
    """

    event_id: str
    event_date: dt.date
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str
    assoc_actor_1: str
    inter1: str
    actor2: str
    assoc_actor_2: str
    inter2: str
    country: str
    admin1: str
    admin2: str
    admin3: str
    location: str
    lat: float
    lon: float
    geo_precision: int
    source: str
    source_scale: str
    notes: str
    fatalities: int
    timestamp: int | None
    file: str
    row: int

    def actors(self) -> list[str]:
        """Return every named actor and associated actor (ACLED separates several with ``;``)."""
        cells = (self.actor1, self.assoc_actor_1, self.actor2, self.assoc_actor_2)
        return [a.strip() for cell in cells for a in cell.split(";") if a.strip()]
