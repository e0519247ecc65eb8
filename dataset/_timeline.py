"""Read ``data/timeline.yaml``: the date control's quick stops and the story window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from dataset._fields import RecordReader
from dataset._yaml import read_yaml, record_name
from dataset.lifespan import Lifespan, is_current
from dataset.model import Claim, Story, Timeline, TimelineStop
from dataset.problems import ProblemLog, shown

REL = "timeline.yaml"


def load_timeline(
    data_dir: Path, claims: list[Claim], log: ProblemLog, *, claims_complete: bool = True, span: Callable[[Claim], Lifespan] | None = None
) -> Timeline:
    """Return the timeline; an absent file gives an empty one, a bad one logs each problem.

    Parameters
    ----------
    data_dir
        The data folder.
    claims
        The parsed claims: each stop must name one, and its date must lie in the claim's span.
    log
        Where problems go.
    claims_complete
        ``False`` when a claims file could not be read (already reported): a stop naming an
        unknown claim is then not reported again, as the claim may be in that file.
    span
        The claim's effective span (:func:`dataset.lifespan.span_of`); a stop's day must be one on
        which its claim is current (new or ongoing). Without it, the stated span.
    """
    path = data_dir / REL
    if not path.exists():
        return Timeline()
    doc = read_yaml(path, log, REL)
    if doc is None:
        return Timeline()
    if not isinstance(doc, dict):
        log.add(REL, "(file)", "(file)", "must be a block with 'stops' and 'story'.", "See data/README.md.")
        return Timeline()
    RecordReader(doc, REL, "(file)", log, ["stops", "story"])
    by_id = {c.id: c for c in claims}
    stops = _stops(doc.get("stops"), by_id, log, report_unknown=claims_complete, span=span)
    story = _story(doc.get("story"), log)
    return Timeline(tuple(sorted(stops, key=lambda s: s.date)), story)


def _current(claim: Claim, day: dt.date, span: Callable[[Claim], Lifespan] | None) -> tuple[bool, str]:
    """Return whether ``claim`` is current on ``day`` and the span's label."""
    if span is None:
        return claim.time.covers(day), claim.time.label()
    life = span(claim)
    return is_current(life, day), f"{claim.time.as_written}: {life.label()}"


def _stops(
    items: object, claims: dict[str, Claim], log: ProblemLog, *, report_unknown: bool, span: Callable[[Claim], Lifespan] | None = None
) -> list[TimelineStop]:
    if items is None:
        return []
    if not isinstance(items, list):
        log.add(REL, "(file)", "stops", "must be a list of stops.", "Put '- ' before each stop.")
        return []
    out: list[TimelineStop] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            log.add(REL, f"#{n}", "(record)", "must be a block of fields.", "Write id, label, date and claim.")
            continue
        rid = record_name(item, n)
        rdr = RecordReader(item, REL, rid, log, ["id", "label", "date", "claim", "note"])
        if rdr.check_id() and rid in seen:
            rdr.problem("id", f"duplicate id {rid!r}.", "Give each stop its own id.")
        seen.add(rid)
        label, claim_id, note = rdr.text("label"), rdr.text("claim"), rdr.text("note", required=False)
        day = rdr.date("date")
        if day is None and "date" not in item:
            rdr.problem("date", "is missing.", "Give a day, YYYY-MM-DD, inside the claim's date span.")
        claim = claims.get(claim_id)
        if claim_id and claim is None and report_unknown:
            rdr.problem("claim", f"unknown claim {shown(claim_id)}.", "Name the id of the claim in data/claims/ that grounds this turning point.")
        current, span_text = _current(claim, day, span) if claim is not None and day is not None else (True, "")
        if not current:
            rdr.problem(
                "date",
                f"{day.isoformat() if day else ''} lies outside the span of claim {claim_id!r} ({span_text}).",
                "Pick a day inside the claim's span, so the stop shows its own evidence.",
            )
        if label and day is not None and claim is not None:
            out.append(TimelineStop(rid, label, day, claim_id, note))
    return out


def _story(item: object, log: ProblemLog) -> Story | None:
    if item is None:
        return None
    if not isinstance(item, dict):
        log.add(REL, "story", "story", "must be a block with title, start and end.", "Write story: {title: ..., start: YYYY-MM-DD, end: YYYY-MM-DD}.")
        return None
    rdr = RecordReader(item, REL, "story", log, ["title", "start", "end"])
    title, start, end = rdr.text("title"), rdr.date("start"), rdr.date("end")
    for name, value in (("start", start), ("end", end)):
        if value is None and name not in item:
            rdr.problem(name, "is missing.", "Give a day, YYYY-MM-DD.")
    if start is not None and end is not None and end < start:
        rdr.problem("end", f"{end.isoformat()} is before start {start.isoformat()}.", "Swap them.")
        return None
    if not title or start is None or end is None:
        return None
    return Story(title, start, end)


def story_claims(claims: list[Claim], story: Story) -> list[Claim]:
    """Return the story's claims in date order: earliest date in the window, then latest, then id."""
    far = dt.date.max
    chosen = [c for c in claims if c.time.start is not None and story.start <= c.time.start <= story.end]
    return sorted(chosen, key=lambda c: (c.time.start or far, c.time.end or far, c.id))
