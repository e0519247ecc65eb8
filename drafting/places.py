"""Find the places a sentence names and rank what each mention may mean."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from drafting._place_index import Candidate, PlaceIndex, gazetteer_entry
from drafting.lexicon import ARABIC_PREFIXES, Lexicon
from geo.names import normalize_name

# A word: letters and digits, joined by hyphens or apostrophes ("Ez-Zor's", "Qa'im").
WORD = re.compile(r"[^\W_]+(?:[-‐'’ʼ][^\W_]+)*")
_POSSESSIVE = re.compile(r"[’']s$")
_MAX_WORDS = 5
# Words that may join a list of places: "from Iraq, Lebanon, and Afghanistan".
_LIST_GLUE = re.compile(r"^\s*(?:,\s*(?:and|or)?|and|or|و|،)\s*$", re.IGNORECASE)
_ARTICLES = frozenset({"the", "al", "el"})
# Titles of works (Markdown *italics* and [link text](...)) name no place.
_TITLE = re.compile(r"\*[^*\n]+\*|\[[^\]\n]+\]\([^)\n]*\)")
_CROSSING_CUE = re.compile(r"\bcrossings?\b|معبر|معابر", re.IGNORECASE)
INFERRED = "inferred: not in the sentence; the country the report names most"
# "to Hezbollah in Lebanon", "إلى حزب الله في لبنان": a place after "to <actor> in" is where the movement ends.
_IN_AT_END = re.compile(r"\s+(?:in|inside|في|داخل)\s*$", re.IGNORECASE)
_TO_WORDS = frozenset({"to", "toward", "towards", "into", "إلى", "الى", "نحو"})
_MAX_ACTOR_WORDS = 5
_BASED = re.compile(r"[-‐]based$", re.IGNORECASE)
# A facility named by its town and a descriptor: "Damascus airport", "Hmeimim military airport",
# "مطار دمشق الدولي" (Damascus International Airport), "قاعدة حميميم" (Hmeimim base).
_FACILITY_AFTER = re.compile(r"\s+(?:(?:international|military)\s+)?(?:airport|air\s*base|airbase|airfield|air\s*field)\b", re.IGNORECASE)
_FACILITY_BEFORE_AR = re.compile(r"(?<![\w\u0600-\u06ff])[وفبلك]?(?:ال)?(?:مطار|قاعدة)\s*$")
_FACILITY_FORMS = ("International Airport", "airport", "air base", "airbase", "military airport", "airfield")
# A place that only says where the next one lies: "Deir Ez-Zor's Al-Bukamal" (English possessive),
# "البوكمال التابعة لمحافظة دير الزور" (Arabic: "Al-Bukamal, which belongs to Deir ez-Zor governorate").
_POSSESSIVE_GAP = re.compile(r"[’']s\s+(?:the\s+)?")
_ARABIC_BELONGS = re.compile(r"\s*،?\s*(?:ال)?تابع[ةه]?\s+(?:ل(?P<word>محافظة|ريف|منطقة|مدينة)\s+)?")
# Arabic words for a kind of place that stand before its name ("ريف دير الزور", the Deir ez-Zor countryside).
_ARABIC_PLACE_WORDS = frozenset({"ريف", "محافظة", "مدينة", "بلدة", "قرية", "منطقة", "بادية"})
# Words that make a town's name mean its governorate: "Hama countryside", "Homs province", "ريف حماة".
_GOVERNORATE_AFTER = re.compile(r"\s*(?:countryside|province|governorate)\b", re.IGNORECASE)
_GOVERNORATE_BEFORE = re.compile(r"(?<![\w\u0600-\u06ff])[وفبلك]?(?:ريف|محافظة)\s*$")
# A multi-word name is joined only by spaces, hyphens or apostrophes, never by commas.
_JOIN = re.compile(r"[^\W_]+(?:(?:[-‐'’ʼ–]|\s+)[^\W_]+)*")


@dataclass
class Mention:
    """One place named in a sentence.

    Parameters
    ----------
    text
        The name as written.
    start, end
        Where it stands in the sentence.
    candidates
        Ranked candidates; the first is the proposal.
    role
        ``origin``, ``via`` or ``destination`` when a role word precedes it, else ``at``.
    precision
        The precision the words around it suggest (``near``, ``region``), or ``""``.
    carried_from
        The paragraph a reference back ("there", "upon arrival") carried it from, else ``None``.
    """

    text: str
    start: int
    end: int
    candidates: list[Candidate]
    role: str = "at"
    precision: str = ""
    cue: str = ""
    possessive: bool = False
    notes: list[str] = field(default_factory=list)
    carried_from: int | None = None

    @property
    def proposal(self) -> Candidate:
        """Return the top candidate."""
        return self.candidates[0]

    def place_ref(self) -> str:
        """Return the gazetteer id a claim would use (a new entry's id when the gazetteer lacks it)."""
        entry = gazetteer_entry(self.proposal)
        return self.proposal.gazetteer_id or (str(entry["id"]) if entry else self.proposal.name)

    def to_dict(self) -> dict[str, Any]:
        """Return the mention as plain data for the draft file."""
        out: dict[str, Any] = {"mention": self.text, "role": self.role}
        if self.precision:
            out["precision"] = {"suggests": self.precision, "cue": self.cue}
        entry = gazetteer_entry(self.proposal)
        if entry:
            out["add_to_gazetteer"] = entry
        if self.notes:
            out["notes"] = self.notes
        out["candidates"] = [c.to_dict() for c in self.candidates[:5]]
        return out


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


class PlaceFinder:
    """Find place mentions with the gazetteer first, then countries, governorates and GeoNames towns.

    Parameters
    ----------
    index
        The place names known.
    lexicon
        The cue lexicon (demonyms, stop words, role and precision words).
    actor_names
        Normalised names of actors: such a name (Iran, Tehran) is a place only after a role or
        locative word ("in Iran", "to Tehran"), never as the subject ("Tehran opened").
    """

    def __init__(self, index: PlaceIndex, lexicon: Lexicon, actor_names: set[str]) -> None:
        self.index = index
        self.lexicon = lexicon
        self.actor_names = actor_names
        self.person_words: set[str] = set()
        self.lower_words: set[str] = set()
        self._locative = {w for words in lexicon.roles.values() for w in words} | {"in", "at", "inside", "within", "near", "around", "across", "في", "قرب"}

    def learn_document(self, text: str) -> None:
        """Learn, from the whole report, the words used in lower case and the parts of people's names.

        A capitalised word that the report also writes in lower case is a common word; a word of
        a run of capitalised words that is not a place ("Younes Al-Karim") is a person's name,
        so "Karim" alone later is not the Iranian hamlet of that name.
        """
        words = [m.group(0) for m in WORD.finditer(text)]
        self.lower_words = {w for w in words if w[:1].islower() and w.isascii()}
        for run in re.finditer(r"(?:\b[A-Z][\w'’\-]+(?:\s+|$)){2,}", text):
            tokens = run.group(0).split()
            name = " ".join(tokens)
            if self.index.knows(normalize_name(_POSSESSIVE.sub("", name))) or any(t.casefold() in self.lexicon.stopwords for t in tokens[:1]):
                continue
            if any(self.index.candidates(t) and self.index.candidates(t)[0].matched.startswith(("gazetteer", "country")) for t in tokens):
                continue
            self.person_words |= {normalize_name(_POSSESSIVE.sub("", t)) for t in tokens}

    def find(self, sentence: str) -> list[Mention]:
        """Return the place mentions of one sentence, in order."""
        words = list(WORD.finditer(sentence))
        mentions: list[Mention] = []
        i = 0
        while i < len(words):
            found = self._longest(sentence, words, i)
            if found is None:
                i += 1
                continue
            n, mention = found
            mentions.append(mention)
            i += n
        titles = [(t.start(), t.end()) for t in _TITLE.finditer(sentence)]
        mentions = [m for m in mentions if not any(s <= m.start and m.end <= e for s, e in titles)]
        mentions = _drop_qualifiers(sentence, mentions)
        self._roles(sentence, mentions)
        towns = []
        for mention in mentions:
            self._precision(sentence, mention)
            self._facility(sentence, mention)
            town = self._crossing(sentence, mention)
            if town is not None:
                towns.append(town)
        mentions = sorted([*mentions, *towns], key=lambda m: (m.start, m.proposal.kind != "site"))
        return [m for m in mentions if self._keep(sentence, m)]

    def _facility(self, sentence: str, mention: Mention) -> None:
        """Propose the gazetteer's airport or air base that a town's name and a descriptor name.

        "via Damascus airport", "Hmeimim military airport", "عبر مطار دمشق الدولي": the gazetteer
        site named after the town ("Damascus International Airport") comes first, the town second.
        """
        if mention.proposal.kind != "town":
            return
        after = _FACILITY_AFTER.match(sentence[mention.end :])
        word = after or (_FACILITY_BEFORE_AR.search(sentence[: mention.start]) if _is_arabic(mention.text) else None)
        if word is None:
            return
        names = dict.fromkeys(n for n in (mention.text, mention.proposal.name, mention.proposal.gazetteer_id or "") if n and not _is_arabic(n))
        for name in names:
            for form in _FACILITY_FORMS:
                sites = [c for c in self.index.candidates(f"{name} {form}") if c.gazetteer_id and c.kind == "site"]
                if sites:
                    mention.candidates[:] = [sites[0], *(c for c in mention.candidates if c != sites[0])]
                    mention.notes.append(f"{word.group(0).strip()!r} beside the town's name: the gazetteer's {sites[0].name} proposed, the town second")
                    if after is not None:  # the mention is the whole name as written ("Damascus airport")
                        mention.end += after.end()
                        mention.text = sentence[mention.start : mention.end]
                    return

    def _crossing(self, sentence: str, mention: Mention) -> Mention | None:
        """Propose the border crossing the gazetteer names after a town when the sentence speaks of crossings.

        "official crossings, including in Al-Bukamal and Qusayr": the gazetteer's "Al-Bukamal
        crossing" and "Qusayr crossing" (aliases of the border crossings) are proposed, and the
        town itself as a second mention (returned), for the reviewer to keep or drop.
        """
        if mention.proposal.kind != "town" or not _CROSSING_CUE.search(sentence):
            return None
        # The town as written, by its display name and by its gazetteer id ("al-bukamal"), so an Arabic mention finds the English alias too.
        names = dict.fromkeys(n for n in (mention.text, mention.proposal.name, mention.proposal.gazetteer_id or "") if n)
        forms = [f"{name} {word}" for name in names for word in ("crossing", "border crossing")] + [f"معبر {mention.text}"]
        for form in forms:
            sites = [c for c in self.index.candidates(form) if c.gazetteer_id and c.kind == "site" and c not in mention.candidates]
            if sites:
                town = Mention(mention.text, mention.start, mention.end, list(mention.candidates), mention.role, mention.precision, mention.cue,
                               mention.possessive, [*mention.notes, "the town the crossing is named after"])  # fmt: skip
                mention.candidates[:0] = sites[:1]
                mention.notes.append(f"the sentence speaks of crossings: the gazetteer's {sites[0].name} proposed, the town as a second mention")
                return town
        return None

    def _longest(self, sentence: str, words: list[re.Match[str]], i: int) -> tuple[int, Mention] | None:
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i].start(), words[i + n - 1].end()
            text = sentence[start:end]
            if not _JOIN.fullmatch(text) or (not _is_arabic(text) and (words[i].group(0) in _ARTICLES or words[i + n - 1].group(0).casefold() in _ARTICLES)):
                continue
            possessive = _POSSESSIVE.search(text)
            if possessive and not _is_arabic(text):
                text, end = text[: possessive.start()], start + possessive.start()
            for variant in self._variants(text):
                cands = self._allowed(variant, n)
                if cands:
                    mention = Mention(text, start, end, cands, possessive=bool(possessive))
                    if _BASED.search(text):
                        mention.notes.append(f"{text!r}: where the group is based")
                    return n, mention
        return None

    def _variants(self, text: str) -> list[str]:
        if not _is_arabic(text):  # "Syria-based militias": based in Syria (never "Iran-backed": backed by Iran)
            return [text, _BASED.sub("", text)] if _BASED.search(text) else [text]
        out = [text]
        if text[:1] in ARABIC_PREFIXES and len(text) > 3:  # noqa: PLR2004
            out.append(text[1:])
        return out

    def _allowed(self, text: str, n_words: int) -> list[Candidate]:
        tokens = text.split()
        if text.casefold() in self.lexicon.demonyms or not tokens:
            return []
        if not _is_arabic(text):
            if not any(t[:1].isupper() for t in tokens) or (tokens[0].casefold() in _ARTICLES and n_words == 1):
                return []
            if n_words == 1 and not text[:1].isupper():
                return []
        cands = self.index.candidates(text)
        key = normalize_name(text)
        if not cands:
            return []
        # Outside the gazetteer a name starts and ends with a capital ("Deir ez-Zor", not "and Iran").
        title_case = _is_arabic(text) or (tokens[0][:1].isupper() and tokens[-1][:1].isupper())
        if not title_case:
            cands = [c for c in cands if not c.matched.startswith("GeoNames")]
        if cands and cands[0].matched.startswith("GeoNames") and not self._geonames_ok(text, key):
            cands = [c for c in cands if not c.matched.startswith("GeoNames")]
        return cands

    def _geonames_ok(self, text: str, key: str) -> bool:
        """Return whether a name only GeoNames knows may be a place here."""
        if _is_arabic(text):  # not a cue word ("قصف", strike) or a common word ("مدينة", city) that happens to name a hamlet
            common = text in self.lexicon.stopwords or text in _ARABIC_PLACE_WORDS
            return len(key) >= 3 and not common and not any(p.fullmatch(text) for p in self.lexicon.types.values())  # noqa: PLR2004
        tokens = text.split()
        if text.casefold() in self.lexicon.stopwords or tokens[0].casefold() in self.lexicon.stopwords:
            return False
        if key in self.person_words or any(normalize_name(t) in self.person_words for t in tokens):
            return False
        return not (len(tokens) == 1 and text.casefold() in {w.casefold() for w in self.lower_words})

    def _roles(self, sentence: str, mentions: list[Mention]) -> None:
        previous: Mention | None = None
        for mention in mentions:
            before = sentence[previous.end if previous else 0 : mention.start]
            after = sentence[mention.end : mention.end + 6]
            in_list = bool(re.search(r"\b(?:and|or)\b|^\s*و|،", before)) or bool(re.match(r"\s*(?:,|،|and\b|or\b)", after))
            if previous is not None and _LIST_GLUE.match(before) and in_list:
                mention.role = previous.role
                mention.notes.append("role taken from the list it stands in")
            else:
                mention.role = self.role_before(before)
                if mention.role == "at" and self._to_actor_in(before):
                    mention.role = "destination"
                    mention.notes.append("destination: the place of the actor the movement goes to ('to <actor> in <place>')")
            previous = mention

    def _to_actor_in(self, before: str) -> bool:
        """Return whether the text before a place ends in "to <actor> in" ("supply lines to Hezbollah in")."""
        end = _IN_AT_END.search(before)
        if end is None:
            return False
        words = before[: end.start()].split()
        for n in range(1, min(_MAX_ACTOR_WORDS, len(words) - 1) + 1):
            if words[-n - 1].casefold() in _TO_WORDS:
                phrase = " ".join(w for w in words[-n:] if w.casefold() not in _ARTICLES)
                return normalize_name(_POSSESSIVE.sub("", phrase)) in self.actor_names
        return False

    def role_before(self, before: str) -> str:
        """Return the role (origin, via, destination, at) the words before a place give it."""
        words = [w.casefold() for w in re.findall(r"[^\W\d_]+", before)]
        while words and (words[-1] in _ARABIC_PLACE_WORDS or words[-1][1:] in _ARABIC_PLACE_WORDS):  # "من ريف دير الزور": from (the countryside of)
            words.pop()
        words = [w for w in words[-3:] if w not in _ARTICLES]
        for role, cues in self.lexicon.roles.items():
            for cue in cues:
                parts = cue.split()
                if words[-len(parts) :] == parts:
                    return role
        return "at"

    def _precision(self, sentence: str, mention: Mention) -> None:
        # the two words before the name ("near", "close to", "the outskirts of") and the one after ("countryside")
        window_before = " ".join(re.findall(r"\S+", sentence[: mention.start])[-3:])
        window_after = sentence[mention.end : mention.end + 20]
        near = self.lexicon.precision["near"].search(window_before)
        region = self.lexicon.precision["region"].match(window_after.lstrip())
        before_word = re.findall(r"[^\W\d_]+", window_before)[-1:]
        governorate = next((c for c in mention.candidates if c.matched.endswith("(its capital's name)")), None)
        if governorate is not None and before_word and before_word[0].casefold() == "the" and mention.proposal.kind == "town":
            mention.candidates.remove(governorate)
            mention.candidates.insert(0, governorate)
            mention.notes.append("'the' before a town that names a governorate: the governorate proposed")
        self._governorate_by_region_word(sentence, mention)
        if near:
            mention.precision, mention.cue = "near (town level; ACLED geo precision 2)", near.group(0)
        elif region:
            mention.precision, mention.cue = "region (ACLED geo precision 3)", region.group(0)

    def _governorate_by_region_word(self, sentence: str, mention: Mention) -> None:
        """Propose the governorate when a region word makes a capital's name mean it.

        "the Hama countryside", "Homs province", "ريف حماة" (Hama's countryside), "محافظة حمص":
        the governorate whose capital the town is comes first, the town second.
        """
        if mention.proposal.kind != "town":
            return
        after = _GOVERNORATE_AFTER.match(sentence[mention.end :])
        before = _GOVERNORATE_BEFORE.search(sentence[: mention.start]) if _is_arabic(mention.text) else None
        word = after or before
        governorate = self.index.governorate_of(mention.proposal)
        if word is None or governorate is None:
            return
        mention.candidates[:] = [governorate, *(c for c in mention.candidates if c != governorate)]
        mention.notes.append(f"{word.group(0).strip()!r} beside the name of the governorate's capital: the governorate proposed, the town second")
        if not mention.precision:
            mention.precision, mention.cue = "region (ACLED geo precision 3)", word.group(0).strip()

    def _keep(self, sentence: str, mention: Mention) -> bool:
        """Drop an actor's name (Iran, Tehran) unless a role or locative word makes it a place."""
        key = normalize_name(mention.text)
        if key not in self.actor_names:
            return True
        if mention.possessive:
            return False
        before = [w.casefold() for w in re.findall(r"[^\W\d_]+", sentence[: mention.start])][-2:]
        before = [w for w in before if w not in _ARTICLES]
        return bool(before and before[-1] in self._locative) or mention.role != "at" or "role taken from the list it stands in" in mention.notes


def _drop_qualifiers(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """Drop a place that only says where the next one lies, noting it on the place it qualifies.

    "near Deir Ez-Zor's Al-Bukamal" names one place, Al-Bukamal, in Deir Ez-Zor; so does
    "البوكمال التابعة لمحافظة دير الزور" (Al-Bukamal, which belongs to Deir ez-Zor governorate).
    """
    dropped: set[int] = set()
    for n in range(len(mentions) - 1):
        first, second = mentions[n], mentions[n + 1]
        gap = sentence[first.end : second.start]
        if first.possessive and not _is_arabic(first.text) and _POSSESSIVE_GAP.fullmatch(gap):
            whole, part = first, second
        elif _is_arabic(second.text) and (belongs := _ARABIC_BELONGS.fullmatch(gap)) and (belongs.group("word") or second.text[:1] == "ل"):
            whole, part = second, first
        else:
            continue
        dropped.add(id(whole))
        part.notes.append(f"the text places it in {whole.text} ({sentence[first.start : second.end]!r}): {whole.text} is not proposed as a place of its own")
    return [m for m in mentions if id(m) not in dropped]
