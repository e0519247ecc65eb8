"""Compact page data: the place search's spellings ("c"), lookup keys ("k") and marks (the "r" source) derived in the page.

The keys are made in the page by controls.js's ``normalizeName`` (driven by ``_controls.name_rules``);
the encoder derives them only for names of characters where that provably equals
``geo.names.normalize_name``, and keeps the stored keys of every other place.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.distinct import distinct_layers, with_places
from dataset.model import Dataset
from geo.gazetteer import Gazetteer
from geo.names import normalize_name
from geo.place import Place
from layers import Layer
from renderers.webmap import _compact
from renderers.webmap._controls import name_rules
from renderers.webmap.build import compact_payload, page_data
from tests.renderers.test_webmap_compact import HOSTILE, _decode_in_node, _document, _node
from tests.webmap_data import decode_block

CONTROLS = Path(__file__).resolve().parents[2] / "renderers" / "webmap" / "static" / "controls.js"

# Odd spellings: combining marks, Arabic with hamza, madda, ta marbuta and alef maksura variants,
# harakat and tatweel, dashes, NBSP, bidi marks, articles, ligatures, case folds, markup, control
# characters Python's \s splits at and JavaScript's does not, characters outside the BMP.
ODD = [
    "Al-Bukamal",
    "Albu Kamal",
    "البوكمال",
    "أبو كمال",
    "إدلب",
    "آمرلي",
    "مدينة",
    "مدينه",
    "مستشفى",
    "مستشفي",
    "دَيْر الزُّور",
    "حلـــب",
    "Deir ez\u2011Zor",
    "Deir\u2014ez\u2013Zor",
    "Tall\u00a0Abyad",
    "\u200fالرقة\u200e",
    "\u202bحمص\u202c",
    "Qu\u0301nayt\u0323ira",
    "Quneitra\u0308\u0308",
    "Ḥamāh",
    "Ma\u02bfarrat al-Nu\u02bfman",
    "the Hague",
    "El",
    "İdlib",
    "STRASSE",
    "Straße",
    "\ufb01nal",
    "ΣΟΦΟΣ",
    "<script>alert(1)</script>",
    "</script><!--",
    "a\x1cb",
    "a\x1fb\x1e",
    "\U0001f600 Homs",
    "\U00010400x",
    "\uff21\uff4c\uff45\uff50\uff50\uff4f",
    "ﻻذقية",
    "-- ' . , ( )",
    "",
    *HOSTILE,
]


def _odd_places(base: Gazetteer, count: int) -> Gazetteer:
    """Return the gazetteer with ``count`` more places named, aliased and spelled with the odd spellings."""
    places = list(base)
    for i in range(count):
        name = f"{ODD[i % len(ODD)]} {i}" if i % 3 else ODD[i % len(ODD)] or f"place {i}"
        arabic = (ODD[(i * 7) % len(ODD)],) if i % 5 == 0 else ()
        aliases = (ODD[(i * 11) % len(ODD)],) if i % 4 == 0 else ()
        places.append(Place(f"odd-{i:04d}", name, "town", 36.0 + i * 1e-3, 34.0 + i * 1e-3, 5.0, "test", aliases=aliases, arabic_names=arabic))
    return Gazetteer(places)


def _keys_in_node(names: list[str]) -> list[str]:
    script = (
        f"const c = require({json.dumps(str(CONTROLS))});"
        f"const key = c.nameKeyer({json.dumps(name_rules())});"
        "let s = ''; process.stdin.on('data', d => s += d);"
        "process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(s).map(key))));"
    )
    done = subprocess.run([_node(), "-e", script], input=json.dumps(names), capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_every_character_keys_derive_from_agrees_in_python_and_the_page() -> None:
    """Each character the encoder derives keys over, alone, doubled, in words and after an article, keys the same in controls.js and geo.names."""
    safe = sorted(_compact._KEY_SAFE)
    names = [f"{pre}{ch}{post}" for ch in safe for pre, post in (("", ""), ("", ""), ("Al-", "x"), ("ال", "ب"), ("a", "\u0301b"))]
    names += ["".join(safe[i : i + 7]) for i in range(0, len(safe), 3)]
    got = _keys_in_node(names)
    mismatches = [(n, k, normalize_name(n)) for n, k in zip(names, got, strict=True) if k != normalize_name(n)]
    assert mismatches == []
    # sorted by UTF-16 code units (JavaScript) is sorted by code point (Python) over these characters
    assert all(ord(ch) < 0xD800 for ch in safe)


def test_odd_spellings_outside_the_safe_characters_are_seen_to_differ() -> None:
    """The test above can fail: a character outside the safe set that keys otherwise in the page exists (so the set matters)."""
    names = ["a\x1cb", "a\x1fb"]
    assert [normalize_name(n) for n in names] != _keys_in_node(names)
    assert not any(_compact._KEY_SAFE.issuperset(n) for n in names)


def test_place_search_keys_equal_pythons_for_odd_spellings(layers: list[Layer], dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every place's keys, spellings and marks decode, in the page's decoder and the tests', to exactly what page_data has (Python's keys)."""
    monkeypatch.setattr(_compact, "_PLACES_TABLE_MIN_ROWS", 16)
    ds = dataclasses.replace(dataset, gazetteer=_odd_places(dataset.gazetteer, 3 * len(ODD) + 300))
    want = page_data(layers, ds, built="x")["controls"]["places"]
    text = compact_payload(layers, ds, built="x").text()
    header, _strings = _document(text)
    columns = {c[0]: c for c in header["places"]["p"]}
    assert columns["keys"][1] == "k"
    assert columns["names"][1] == "c"
    assert columns["keys"][3]["else"] is not None  # places with odd characters keep their keys
    unsafe = [p for p in want if not all(_compact._KEY_SAFE.issuperset(n) for n in p["names"])]
    assert len(unsafe) > 50
    for got in (decode_block(text), _decode_in_node(text)):
        places = got["controls"]["places"]
        assert len(places) == len(want)
        bad = [(w["id"], g["keys"], w["keys"]) for g, w in zip(places, want, strict=True) if g["keys"] != w["keys"] or g["names"] != w["names"]]
        assert bad == []
        assert places == want


def test_generated_places_derive_names_keys_and_marks(layers: list[Layer], dataset: Dataset) -> None:
    """The benchmark's generated places: spellings from name + id, keys from the spellings, marks from the linked feature; no stored copy."""
    gen = distinct_layers(600, 150, seed=3, base=layers)
    ds = with_places(dataset, gen)
    want: list[dict[str, Any]] = page_data(gen, ds, built="x")["controls"]["places"]
    text = compact_payload(gen, ds, built="x").text()
    header, strings = _document(text)
    columns = {c[0]: c for c in header["places"]["p"]}
    assert columns["names"][1] == "c"
    assert columns["keys"][1] == "k"
    assert columns["features"][1] == "f"
    assert ["r", 0, "v"] in columns["features"][3]["from"]
    generated = [p for p in want if p["id"].startswith("syn-")]
    assert len(generated) > 600
    # neither a generated place's id-spelling nor its keys are stored as text: only its number is
    stored = set(strings)
    assert not any(p["id"] in stored for p in generated)
    assert not any(k in stored for p in generated for k in p["keys"])
    for got in (decode_block(text), _decode_in_node(text)):
        assert got["controls"]["places"] == want


def test_download_rows_and_places_are_decoded_on_first_read(layers: list[Layer], dataset: Dataset) -> None:
    """decode.js leaves the download's rows and the places undecoded until read (not before the first frame), then keeps them; the values equal page_data."""
    gen = distinct_layers(300, 60, seed=4, base=layers)
    ds = with_places(dataset, gen)
    want = page_data(gen, ds, built="x")
    text = compact_payload(gen, ds, built="x").text()
    decoder = Path(__file__).resolve().parents[2] / "renderers" / "webmap" / "static" / "decode.js"
    script = (
        f"const d = require({json.dumps(str(decoder))});"
        "let s = ''; process.stdin.on('data', c => s += c);"
        "process.stdin.on('end', () => d.unpack(s.trim()).then(x => {"
        "  const kind = (o, k) => { const p = Object.getOwnPropertyDescriptor(o, k); return p.get ? 'getter' : 'value'; };"
        "  const before = [kind(x, 'export'), kind(x.controls, 'places'), kind(x, 'layers')];"
        "  const places = x.controls.places, rows = x.export.rows;"
        "  const after = [kind(x, 'export'), kind(x.controls, 'places'), x.controls.places === places, x.export.rows === rows];"
        "  x.controls.places = []; const written = x.controls.places.length;"
        "  process.stdout.write(JSON.stringify({before, after, written, places, rows}));"
        "}));"
    )
    done = subprocess.run([_node(), "-e", script], input=text, capture_output=True, text=True, check=True, timeout=120)
    got = json.loads(done.stdout)
    assert got["before"] == ["getter", "getter", "value"]
    assert got["after"] == ["value", "value", True, True]
    assert got["written"] == 0
    assert got["places"] == want["controls"]["places"]
    assert got["rows"] == want["export"]["rows"]


def test_movement_rows_event_ids_are_templates_of_the_derived_feature_id(layers: list[Layer], dataset: Dataset) -> None:
    """A movement's download rows are ``id#stop``: the derived column's own values are templates of the row's feature_id, not stored texts."""
    gen = distinct_layers(600, 150, seed=6, base=layers)
    ds = with_places(dataset, gen)
    want = page_data(gen, ds, built="x")["export"]
    column = want["columns"].index("event_id_cnty")
    stops = [row[column] for row in want["rows"] if "#" in row[column]]
    assert len(stops) >= 300
    text = compact_payload(gen, ds, built="x").text()
    header, strings = _document(text)
    event = next(c for c in header["export_rows"]["p"] if c[0] == "event_id_cnty")
    assert event[1] == "f"
    assert event[3]["else"][0] == "t"
    assert not set(stops) & set(strings)  # no "id#stop" text is stored
    for got in (decode_block(text), _decode_in_node(text)):
        assert got["export"] == want
