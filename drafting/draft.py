"""Draft claim records from a report: one per sentence that names a place or holds a cue."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataset import Dataset
from drafting._place_index import Candidate, PlaceIndex, gazetteer_entry
from drafting.classify import MOVEMENT_TYPES, Classification, actor_keys, classify, find_actors
from drafting.dates import DateReading, read_dates
from drafting.footnotes import candidate_sources, find_footnotes
from drafting.lexicon import Lexicon
from drafting.places import INFERRED, Mention, PlaceFinder
from drafting.refer import carry_places
from drafting.text import Sentence, raw_paragraphs, split_sentences, without_markers
from geo.names import normalize_name

_SUMMARY_CHARS = 140


@dataclass(frozen=True)
class DraftOptions:
    """What the command line says about the report."""

    source_id: str
    report_path: Path
    report_date: dt.date | None = None
    lang: str = "en"
    new_source: bool = False


class Drafter:
    """Turns report texts into draft records, with the dataset's gazetteer and vocabulary.

    Parameters
    ----------
    ds
        The validated dataset (gazetteer, actors, types, sources).
    lexicon
        The cue lexicon.
    """

    def __init__(self, ds: Dataset, lexicon: Lexicon) -> None:
        self.ds = ds
        self.lexicon = lexicon
        self.index = PlaceIndex(ds.gazetteer, lexicon)
        self.actor_keys = actor_keys(ds.actors)

    def draft(self, text: str, opts: DraftOptions) -> dict[str, Any]:
        """Return the draft document for one report (plain data, ready for ``yaml.safe_dump``)."""
        finder = PlaceFinder(self.index, self.lexicon, set(self.actor_keys))
        finder.learn_document(text)
        paragraphs = raw_paragraphs(text)
        entries, footnote_paras = find_footnotes(paragraphs)
        sentences = [sentence for number, line in enumerate(paragraphs, start=1) if number not in footnote_paras for sentence in split_sentences(line, number)]
        plain = [without_markers(sentence.text) for sentence in sentences]
        found = carry_places([(sentence, finder.find(text)) for sentence, text in zip(sentences, plain, strict=True)], plain, finder)
        main = main_country([m for _, mentions in found for m in mentions])
        drafts: list[dict[str, Any]] = []
        context: dict[int, dict[str, Any]] = {}  # the last date read in each paragraph
        for sentence, mentions in found:
            dates = read_dates(without_markers(sentence.text), report_date=opts.report_date)
            earlier = _context(sentence, mentions, context, self.lexicon)
            record = self._draft_sentence(sentence, mentions, dates, opts, len(drafts) + 1, main, earlier)
            if record is not None:
                drafts.append(record)
            if dates.last is not None:  # every sentence moves the narrative's date on, drafted or not
                context[sentence.paragraph] = dates.last | {"paragraph": sentence.paragraph}
            elif earlier is not None:  # a date taken from the paragraph before stays for the rest of this one
                context.setdefault(sentence.paragraph, earlier)
        return {
            "report": {
                "file": opts.report_path.name,
                "path": str(opts.report_path),
                "lang": opts.lang,
                "date": opts.report_date.isoformat() if opts.report_date else None,
                "paragraphs": len(paragraphs),
            },
            "source": self._source_block(paragraphs, opts),
            "cited_works": candidate_sources(entries, opts.source_id, {sid: src.title for sid, src in self.ds.sources.items()}),
            "drafts": drafts,
        }

    def _source_block(self, paragraphs: list[str], opts: DraftOptions) -> dict[str, Any]:
        known = self.ds.sources.get(opts.source_id)
        if known is not None:
            return {"id": known.id, "in_sources_yaml": True, "title": known.title}
        first = paragraphs[0].strip() if paragraphs else ""
        return {
            "accept": True,
            "id": opts.source_id,
            "title": first if len(first) <= 200 else "",  # noqa: PLR2004
            "publisher": "",
            "kind": "",
            **({"date": opts.report_date.isoformat()} if opts.report_date else {}),
            "text": opts.report_path.name,
            **_text_digest(opts.report_path),
            "note": "Drafted: title proposed from the first line; give publisher and kind.",
        }

    def _draft_sentence(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        dates: DateReading,
        opts: DraftOptions,
        n: int,
        main: Candidate | None,
        context: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        plain = without_markers(sentence.text)
        cls = classify(plain, self.lexicon, has_place=bool(mentions))
        if cls is None:
            return None
        actors = find_actors(plain, self.actor_keys)
        ctype, places, place_notes = _places_for(cls, mentions, main)
        owner = self._supply_line_owner(ctype, places, actors, main)
        inferred = _infer_route_end(ctype, places, main)
        if inferred is not None:
            mentions = [*mentions, inferred]
            place_notes.append(f"the {inferred.role} is not in the sentence: {inferred.text} (the country the report names most) is proposed; route: inferred")
        if owner:
            mentions = [*mentions, *owner]
            place_notes += [note for m in owner for note in m.notes]
            inferred = inferred or owner[0]
        claim: dict[str, Any] = {
            "id": f"{opts.source_id}-p{sentence.paragraph}-{n}-{ctype}",
            "summary": _summary(plain),
            "type": ctype,
            "actors": [a for a, _ in actors],
        }
        if places:
            claim["places"] = places
        else:
            claim["unmapped"] = "(drafted: the sentence names no place the gazetteer or GeoNames knows; say why, or add places)"
        if inferred is not None:
            claim["route"] = "inferred"
        claim["time"] = dates.time
        if dates.time["precision"] == "unknown" and context is not None:
            where = (
                f"an earlier sentence of paragraph {sentence.paragraph}"
                if context["paragraph"] == sentence.paragraph
                else f"paragraph {context['paragraph']}, {context['refers']}"
            )
            claim["time"] = {k: v for k, v in context.items() if k not in ("as_written", "basis", "paragraph", "refers")} | {
                "as_written": "(no date in the sentence)",
                "basis": f"taken from {where}: {context['as_written']!r}",
            }
        claim["status"] = cls.status
        locator: dict[str, Any] = {"paragraph": sentence.paragraph}
        if sentence.footnote is not None:
            locator["footnote"] = sentence.footnote
        claim["evidence"] = [{"source": opts.source_id, "locator": locator, "quote": sentence.text}]
        notes = place_notes + ([] if actors else ["no actor from vocabulary.yaml found: name one (or add it there)"])
        review = _review(sentence, cls, [w for _, w in actors], mentions, dates, notes, context_used=claim["time"] is not dates.time)
        return {"accept": False, "claim": claim, "review": review}

    def _supply_line_owner(self, ctype: str, places: dict[str, Any], actors: list[tuple[str, str]], main: Candidate | None) -> list[Mention]:
        """Start a supply line that names only its end at its owner, the state the sentence names.

        "a significant loss for Iran, which saw its ability to maintain ... supply lines to
        Hezbollah in Lebanon": the line is Iran's, so Iran (an actor of kind ``state`` whose id
        is a country) is proposed as the origin, and the report's main country, which the line
        crosses to reach its end, as the way; both flagged as inferred. Returns the inferred
        mentions (none when the rule does not apply) and fills ``places``.
        """
        if ctype != "supply-line" or "origin" in places or "destination" not in places:
            return []
        for actor_id, written in actors:
            actor = self.ds.actors.get(actor_id)
            country = next((c for c in self.index.candidates(actor_id) if c.kind == "country"), None) if actor and actor.kind == "state" else None
            ref = (country.gazetteer_id or country.name) if country else None
            if country is None or ref == places["destination"]:
                continue
            origin = Mention(f"({country.name})", -1, -1, [country], role="origin")
            origin.notes.append(f"inferred: the supply line belongs to {written}, which the sentence names as an actor; its country is proposed as the origin")
            out = [origin]
            via = list(places.get("via", []))
            if main is not None and (main_ref := main.gazetteer_id or main.name) not in (ref, places["destination"], *via):
                way = Mention(f"({main.name})", -1, -1, [main], role="via")
                way.notes.append(f"inferred: from {country.name} to the destination the line crosses the country the report names most, {main.name}")
                out.append(way)
                via.append(main_ref)
            ordered = {"origin": ref, **({"via": via} if via else {}), "destination": places["destination"]}
            places.clear()
            places.update(ordered)
            return out
        return []


def _context(sentence: Sentence, mentions: list[Mention], context: dict[int, dict[str, Any]], lexicon: Lexicon) -> dict[str, Any] | None:
    """Return the date an undated sentence may take, with ``paragraph`` (where it was read) and ``refers`` (why).

    Its paragraph's last date; else, when the sentence refers back to the paragraph before (a
    place carried from it, or "These groups", "this intervention", "هذه الفصائل"), that
    paragraph's last date.
    """
    if sentence.paragraph in context:
        return context[sentence.paragraph]
    carried = [m.carried_from for m in mentions if m.carried_from is not None and m.carried_from != sentence.paragraph]
    if carried and carried[0] in context:
        return context[carried[0]] | {"refers": "whose place the sentence refers back to"}
    events = lexicon.refer_back_events.search(without_markers(sentence.text)) if lexicon.refer_back_events else None
    if events is not None and sentence.paragraph - 1 in context:
        return context[sentence.paragraph - 1] | {"refers": f"which {events.group(0)!r} refers back to"}
    return None


def _review(
    sentence: Sentence, cls: Classification, actors: list[str], mentions: list[Mention], dates: DateReading, notes: list[str], *, context_used: bool
) -> dict[str, Any]:
    """Return the ``review`` block: what the machine saw, for the person who decides."""
    optional: dict[str, Any] = {
        "hedges": list(cls.hedges),
        "footnotes_in_sentence": list(sentence.footnotes) if len(sentence.footnotes) > 1 else [],
        "context_date": "the sentence has no date: the last date read before it is proposed (time.basis says where); check it" if context_used else "",
        "other_dates": dates.others,
        "durations": [f"{d} (a duration: not a date; check the time span)" for d in dates.durations],
        "notes": notes,
        "add_to_gazetteer": list({str(e["id"]): e for m in mentions if (e := gazetteer_entry(m.proposal))}.values()),
    }
    review: dict[str, Any] = {
        "type_cues": [f"{t}: {w}" for t, w in cls.type_cues[:6]] or ["(no cue: a place only; presence proposed)"],
        "actors_as_written": actors,
        "places": [m.to_dict() for m in mentions],
    }
    return review | {k: v for k, v in optional.items() if v}


def _summary(text: str) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= _SUMMARY_CHARS else flat[: _SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + " …"


def _unique_refs(mentions: list[Mention]) -> list[str]:
    seen: dict[str, None] = {}
    for m in mentions:
        seen.setdefault(m.place_ref(), None)
    return list(seen)


def _places_for(cls: Classification, mentions: list[Mention], main: Candidate | None) -> tuple[str, dict[str, Any], list[str]]:
    """Return the claim type, its places block and notes for the reviewer.

    A movement needs a destination, or an origin outside the report's main country (fighters
    "from Iraq, Lebanon, and Afghanistan" into Syria), for its other end to be inferred.
    """
    if not mentions:
        return cls.type, {}, []
    if cls.type in MOVEMENT_TYPES:
        origin = [m for m in mentions if m.role == "origin"]
        dest = [m for m in mentions if m.role == "destination"]
        via = [m for m in mentions if m.role in ("via", "at")]
        from_abroad = bool(origin) and main is not None and origin[0].proposal.country != main.country
        if dest or from_abroad:
            places: dict[str, Any] = {}
            notes = []
            if origin:
                places["origin"] = origin[0].place_ref()
            if via:
                places["via"] = _unique_refs(via)
            if dest:
                places["destination"] = dest[0].place_ref()
            if len(dest) > 1:
                notes.append(f"several destinations ({', '.join(m.text for m in dest)}): split into one record each")
            return cls.type, places, notes
        if cls.type == "withdrawal":
            return "pull-out", {"at": _unique_refs(mentions)}, ["withdrawal with no destination in the sentence: proposed as pull-out"]
        return "presence", {"at": _unique_refs(mentions)}, [f"{cls.type} cue but no route words (from/to/via): proposed as presence"]
    return cls.type, {"at": _unique_refs(mentions)}, []


def mention_key(name: str) -> str:
    """Return the normalised key of a place name (for comparisons in the benchmark)."""
    return normalize_name(name)


def main_country(mentions: list[Mention]) -> Candidate | None:
    """Return the country the report names most often (its subject), or ``None``."""
    counts = Counter(m.proposal for m in mentions if m.proposal.kind == "country")
    return counts.most_common(1)[0][0] if counts else None


def _infer_route_end(ctype: str, places: dict[str, Any], main: Candidate | None) -> Mention | None:
    """Complete a movement that names only one end with the report's main country, flagged as inferred."""
    if ctype not in MOVEMENT_TYPES or main is None or not places:
        return None
    ref = main.gazetteer_id or main.name
    role = "origin" if "origin" not in places else "destination" if "destination" not in places else ""
    if not role or ref in (places.get("origin"), places.get("destination")):
        return None
    places[role] = ref
    ordered: dict[str, Any] = {k: places[k] for k in ("origin", "via", "destination") if k in places}
    places.clear()
    places.update(ordered)
    mention = Mention(f"({main.name})", -1, -1, [main], role=role)
    mention.notes.append(INFERRED)
    return mention


def _text_digest(path: Path) -> dict[str, str]:
    """Return the source record's ``text_sha256`` and ``acquired`` fields for the report file (none without a file)."""
    if not path.is_file():
        return {}
    return {
        "text_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "acquired": dt.datetime.now(tz=dt.UTC).date().isoformat(),
        "acquired_basis": "the day `build_map.py draft` read the text; correct it if the file was obtained earlier",
    }
