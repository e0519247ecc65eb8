"""Drafting a short Arabic report end to end: places, dates, actors, hedges, footnotes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from drafting.draft import Drafter, DraftOptions

REPORT = """انسحاب الميليشيات

انسحب مقاتلو حزب الله من القصير إلى لبنان في أوائل كانون الأول/ديسمبر 2024.[1] وربما انسحبت فصائل الحشد الشعبي من البوكمال إلى العراق يوم الجمعة.
قال مسؤول إن القوات ستغادر خلال عشرة أيام.

[1] رويترز، انسحاب حزب الله، 8 ديسمبر 2024
"""


def test_arabic_report(drafter: Drafter) -> None:
    doc = drafter.draft(REPORT, DraftOptions("ar-report", Path("ar.txt"), dt.date(2024, 12, 10), "ar", new_source=True))
    by_start = {r["claim"]["evidence"][0]["quote"].split()[0]: r for r in doc["drafts"]}
    first, second, third = (by_start[w]["claim"] for w in ("انسحب", "وربما", "قال"))
    assert "[1]" not in " ".join(by_start)  # the footnote list is not drafted
    assert first["type"] == "withdrawal"
    assert first["actors"] == ["Hezbollah"]
    assert first["places"] == {"origin": "qusayr", "destination": "lebanon"}
    assert (first["time"]["start"], first["time"]["end"], first["time"]["precision"]) == ("2024-12-01", "2024-12-10", "approximate")
    assert first["status"] == "reported"
    assert first["evidence"][0]["locator"] == {"paragraph": 2, "footnote": 1}
    assert second["actors"] == ["PMF"]
    assert second["places"] == {"origin": "al-bukamal", "destination": "iraq"}
    assert second["status"] == "claimed"  # ربما
    assert second["time"]["start"] == "2024-12-06"  # the Friday before 10 December 2024
    assert third["time"]["precision"] == "unknown"
    assert third["status"] == "claimed"  # قال مسؤول, an official said
    assert "خلال عشرة أيام" in by_start["قال"]["review"]["durations"][0]
    (work,) = doc["cited_works"]
    assert work["date"] == "2024-12-08"
    assert work["cited_in"] == [{"document": "ar-report", "footnotes": [1]}]
