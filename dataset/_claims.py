"""Parse claim records: type, actors, places, time, status and evidence."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataset._fields import RecordReader
from dataset._yaml import read_records
from dataset.model import ROUTES, STATUSES, TIME_PRECISIONS, Actor, Claim, ClaimType, Evidence, Locator, Source, TimeSpan
from dataset.problems import ProblemLog, shown
from geo.gazetteer import AmbiguousPlaceError, Gazetteer, UnknownPlaceError

CLAIM_FIELDS = ["id", "summary", "type", "actors", "places", "route", "time", "status", "note", "evidence", "unmapped"]
PLACE_ROLES = ["at", "origin", "via", "destination"]
TIME_FIELDS = ["start", "end", "precision", "as_written", "basis"]
EVIDENCE_FIELDS = ["source", "locator", "quote"]
LOCATOR_FIELDS = ["paragraph", "footnote", "page"]


class ClaimParser:
    """Turn claim records into :class:`Claim` objects, checking every reference."""

    def __init__(
        self,
        log: ProblemLog,
        *,
        actors: Mapping[str, Actor],
        types: Mapping[str, ClaimType],
        sources: Mapping[str, Source],
        gazetteer: Gazetteer,
    ) -> None:
        self.log = log
        self.actors = actors
        self.types = types
        self.sources = sources
        self.gazetteer = gazetteer
        self.seen: set[str] = set()
        self.unread: list[str] = []  # claim files that gave no records (each already reported)

    def parse_folder(self, claims_dir: Path, data_dir: Path) -> list[Claim]:
        """Parse every ``*.yaml`` file in ``claims_dir``, in name order."""
        files = sorted(claims_dir.glob("*.yaml"))
        if not files:
            rel = str(claims_dir.relative_to(data_dir)) if claims_dir.is_relative_to(data_dir) else str(claims_dir)
            self.log.add(rel, "(folder)", "(files)", "no claim files found.", "Add data/claims/<document>.yaml (see data/README.md).")
        claims = []
        for path in files:
            rel = path.relative_to(data_dir).as_posix()
            records = read_records(path, "claims", self.log, rel)
            if not records:
                self.unread.append(rel)
            for rid, rec in records:
                claim = self.parse(rid, rec, rel)
                if claim is not None:
                    claims.append(claim)
        return claims

    def parse(self, rid: str, rec: dict[str, Any], rel: str) -> Claim | None:
        """Parse one claim; return ``None`` when it cannot be built."""
        rdr = RecordReader(rec, rel, rid, self.log, CLAIM_FIELDS)
        if rdr.check_id() and rid in self.seen:
            rdr.problem("id", f"duplicate id {rid!r}.", "Claim ids must be unique across data/claims/; rename one.")
        self.seen.add(rid)
        ctype = rdr.choice("type", self.types)
        places = self._places(rdr, ctype)
        claim = Claim(
            id=rid,
            summary=rdr.text("summary"),
            type=ctype,
            actors=self._actors(rdr),
            time=self._time(rdr),
            status=rdr.choice("status", STATUSES),
            evidence=self._evidence(rdr),
            file=rel,
            route=rdr.choice("route", ROUTES, default="reported"),
            note=rdr.text("note", required=False),
            unmapped=rdr.text("unmapped", required=False),
            **places,
        )
        if claim.status == "contested" and not claim.note:
            rdr.problem("note", "a contested claim needs a note saying how the sources disagree.", "Add note: ... naming the other source.")
        if claim.unmapped and claim.place_ids():
            rdr.problem("unmapped", "a claim with places cannot also be unmapped.", "Remove 'unmapped' or the places.")
        if not claim.unmapped and not claim.place_ids() and "places" in rec:
            rdr.problem("places", "names no place.", "Add 'at' (or origin and destination), or say why with 'unmapped'.")
        return claim

    def _actors(self, rdr: RecordReader) -> tuple[str, ...]:
        names = rdr.text_list("actors", required=True)
        for name in names:
            if name not in self.actors:
                close = difflib.get_close_matches(name, list(self.actors), n=3)
                hint = f"Did you mean {', '.join(repr(c) for c in close)}?" if close else "Add it to vocabulary.yaml first."
                rdr.problem("actors", f"unknown actor {shown(name)}.", hint)
        return tuple(n for n in names if n in self.actors)

    def _places(self, rdr: RecordReader, ctype: str) -> dict[str, Any]:
        raw = rdr.mapping("places", required="unmapped" not in rdr.record)
        if not raw:
            if "unmapped" not in rdr.record and "places" not in rdr.record:
                rdr.problem("places", "is missing.", "Add places: {at: [...]}, or unmapped: <why the text gives no place>.")
            return {}
        sub = RecordReader(raw, rdr.file, rdr.record_id, rdr.log, PLACE_ROLES)
        at = [self._place(rdr, "places.at", n) for n in sub.text_list("at", prefix="places.")]
        via = [self._place(rdr, "places.via", n) for n in sub.text_list("via", prefix="places.")]
        origin = self._place(rdr, "places.origin", sub.text("origin", required=False, prefix="places."))
        dest = self._place(rdr, "places.destination", sub.text("destination", required=False, prefix="places."))
        is_movement = ctype in self.types and self.types[ctype].layer == "movements"
        if is_movement and not (raw.get("origin") and raw.get("destination")):
            rdr.problem("places", f"a {ctype} needs an origin and a destination.", "Add places: {origin: ..., via: [...], destination: ...}.")
        if not is_movement and (raw.get("origin") or raw.get("destination") or raw.get("via")):
            rdr.problem("places", f"a {ctype or 'claim'} takes 'at', not origin/via/destination.", "Use places: {at: [...]}, or a movement type.")
        return {"at": tuple(a for a in at if a), "via": tuple(v for v in via if v), "origin": origin, "destination": dest}

    def _place(self, rdr: RecordReader, field: str, name: str) -> str:
        if not name:
            return ""
        try:
            return self.gazetteer.lookup_place(name).id
        except UnknownPlaceError as exc:
            hint = f"Did you mean {', '.join(repr(s) for s in exc.suggestions)}?" if exc.suggestions else ""
            rdr.problem(field, f"unknown place {shown(name)}.", hint + " Or add the place to gazetteer.yaml.")
        except AmbiguousPlaceError as exc:
            rdr.problem(field, str(exc.args[0]), "Use the place id from gazetteer.yaml.")
        return ""

    def _time(self, rdr: RecordReader) -> TimeSpan:
        raw = rdr.mapping("time")
        sub = RecordReader(raw, rdr.file, rdr.record_id, rdr.log, TIME_FIELDS)
        start = sub.date("start", prefix="time.")
        end = sub.date("end", prefix="time.")
        precision = sub.choice("precision", TIME_PRECISIONS, prefix="time.") if raw else ""
        span = TimeSpan(start, end, precision, sub.text("as_written", prefix="time.") if raw else "", sub.text("basis", required=False))
        if start and end and start > end:
            rdr.problem("time.end", f"end {end} is before start {start}.", "Swap start and end, or fix the dates.")
        if precision and precision != "unknown" and start is None and end is None:
            rdr.problem("time.start", f"precision {precision!r} needs a start or an end date.", "Give the dates, or precision: unknown.")
        if precision == "day" and start and end and start != end:
            rdr.problem("time.precision", "a 'day' needs start == end.", "Use 'approximate' for a span of days.")
        if (start is None or end is None) and precision not in {"", "unknown"} and not span.basis:
            rdr.problem("time.basis", "an open start or end needs a basis.", "Say why the bound is unknown, e.g. basis: 'since 2017', no end given.")
        return span

    def _evidence(self, rdr: RecordReader) -> tuple[Evidence, ...]:
        raw = rdr.record.get("evidence")
        if not isinstance(raw, list) or not raw:
            rdr.problem("evidence", "needs at least one entry.", "Add evidence: [{source: ..., locator: {paragraph: n}, quote: '...'}].")
            return ()
        out = []
        for n, item in enumerate(raw, start=1):
            prefix = f"evidence[{n}]."
            if not isinstance(item, dict):
                rdr.problem(f"evidence[{n}]", f"must be a block, got {shown(item)}.", "Write {source: ..., locator: ..., quote: ...}.")
                continue
            sub = RecordReader(item, rdr.file, rdr.record_id, rdr.log, EVIDENCE_FIELDS)
            source = sub.text("source", prefix=prefix)
            if source and source not in self.sources:
                close = difflib.get_close_matches(source, list(self.sources), n=2)
                rdr.problem(prefix + "source", f"unknown source id {shown(source)}.", f"Did you mean {close}?" if close else "Add it to sources.yaml.")
            loc_raw = item.get("locator")
            if not isinstance(loc_raw, dict):
                rdr.problem(prefix + "locator", f"must be a block, got {shown(loc_raw)}.", "Write locator: {paragraph: 3, footnote: 529}.")
                loc_raw = {}
            loc = RecordReader(loc_raw, rdr.file, rdr.record_id, rdr.log, LOCATOR_FIELDS)
            locator = Locator(
                paragraph=loc.integer("paragraph", required=False, prefix=prefix + "locator."),
                footnote=loc.integer("footnote", required=False, prefix=prefix + "locator."),
                page=loc.text("page", required=False),
            )
            if loc_raw and locator.paragraph is None and locator.footnote is None and not locator.page:
                rdr.problem(prefix + "locator", "names no paragraph, footnote or page.", "Say where in the source the quote stands.")
            out.append(Evidence(source, locator, sub.text("quote", prefix=prefix)))
        return tuple(out)
