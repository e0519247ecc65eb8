"""Keep the overlay events the settings ask for: country, date window and actor pattern."""

from __future__ import annotations

import re

from overlays.config import OverlayFilter
from overlays.model import AcledEvent


def keep_event(event: AcledEvent, rule: OverlayFilter) -> bool:
    """Return whether ``event`` is in one of the countries, inside the window, with an actor matching the pattern."""
    countries = {c.casefold() for c in rule.countries}
    if event.country.casefold() not in countries or not (rule.start <= event.event_date <= rule.end):
        return False
    pattern = re.compile(rule.actor_pattern, re.IGNORECASE)
    return any(pattern.search(actor) for actor in event.actors())


def filter_events(events: list[AcledEvent], rule: OverlayFilter) -> list[AcledEvent]:
    """Return the events ``rule`` keeps, in date then event id order."""
    return sorted((e for e in events if keep_event(e, rule)), key=lambda e: (e.event_date, e.event_id))
