"""Move accepted drafts into ``data/``: stage a copy, validate it, keep what passes, then replace."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dataset import DataError, load_dataset
from dataset.load import find_sources_dir
from dataset.problems import Problem
from drafting.draft_file import write_text_atomic

_MAX_ROUNDS = 20
_SOURCE_FIELDS = ("id", "title", "author", "publisher", "date", "kind", "url", "text", "text_sha256", "acquired", "acquired_basis", "pages", "note", "cited_in")


@dataclass
class AcceptResult:
    """What ``accept`` did: records moved, records kept back with their problems, files changed."""

    moved: list[str] = field(default_factory=list)
    failed: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    places_added: list[str] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)


def _append_records(text: str, key: str, records: list[dict[str, Any]]) -> str:
    """Append records to a YAML file whose last top-level key is the list ``key``."""
    if not records:
        return text
    body = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=120)
    indented = "".join(f"  {line}\n" if line else "\n" for line in body.splitlines())
    if not text.strip():
        text = f"{key}:\n"
    gap = "\n" if text.rstrip().endswith(f"{key}:") else "\n\n"
    return text.rstrip("\n") + gap + indented


def _source_record(block: dict[str, Any]) -> dict[str, Any]:
    rec = {k: block[k] for k in _SOURCE_FIELDS if k in block and block[k] not in (None, "")}
    rec.pop("same_title_as", None)
    if block.get("as_written"):
        note = f"Footnote as written: {block['as_written']}"
        rec["note"] = f"{rec['note']} {note}" if rec.get("note") else note
    return rec


@dataclass
class _Plan:
    claims: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    places: list[dict[str, Any]]


def _plan(doc: dict[str, Any], existing_sources: set[str], existing_places: set[str]) -> _Plan:
    accepted = [r for r in doc["drafts"] if isinstance(r, dict) and r.get("accept") is True and isinstance(r.get("claim"), dict)]
    sources = []
    src = doc["source"]
    if src.get("accept") is True and not src.get("in_sources_yaml") and src.get("id") not in existing_sources:
        sources.append(_source_record(src))
    sources += [
        _source_record(w) for w in doc.get("cited_works") or [] if isinstance(w, dict) and w.get("accept") is True and w.get("id") not in existing_sources
    ]
    places: dict[str, dict[str, Any]] = {}
    for rec in accepted:
        used = _place_refs(rec["claim"])
        for entry in (rec.get("review") or {}).get("add_to_gazetteer") or []:
            if isinstance(entry, dict) and entry.get("id") in used and entry["id"] not in existing_places:
                places[str(entry["id"])] = {k: v for k, v in entry.items() if v is not None}
    return _Plan([r["claim"] for r in accepted], sources, list(places.values()))


def _place_refs(claim: dict[str, Any]) -> set[str]:
    places = claim.get("places") or {}
    if not isinstance(places, dict):
        return set()
    refs = [*(places.get("at") or []), *(places.get("via") or []), places.get("origin"), places.get("destination")]
    return {str(r) for r in refs if r}


def _stage(data_dir: Path, stage: Path, document: str, plan: _Plan) -> None:
    shutil.copytree(data_dir, stage, dirs_exist_ok=True)
    claims_path = stage / "claims" / f"{document}.yaml"
    claims_path.parent.mkdir(exist_ok=True)
    for path, key, records in (
        (stage / "gazetteer.yaml", "places", plan.places),
        (stage / "sources.yaml", "sources", plan.sources),
        (claims_path, "claims", plan.claims),
    ):
        if not records and not path.exists():
            continue
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(_append_records(old, key, records), encoding="utf-8")


def _sources_folder(tmp: Path, sources_dir: Path | None, report: Path | None) -> Path | None:
    seeds = find_sources_dir(sources_dir)
    if report is None or not report.is_file():
        return seeds
    folder = tmp / "texts"
    folder.mkdir()
    if seeds is not None:
        for item in seeds.iterdir():
            (folder / item.name).symlink_to(item.resolve())
    if not (folder / report.name).exists():
        (folder / report.name).symlink_to(report.resolve())
    return folder


def _blame(problems: list[Problem], document: str, plan: _Plan) -> tuple[dict[str, list[str]], list[str]]:
    """Split problems into those of accepted claims (by id) and the rest."""
    claim_ids = {str(c.get("id")) for c in plan.claims}
    place_users = {str(p["id"]): [str(c.get("id")) for c in plan.claims if p["id"] in _place_refs(c)] for p in plan.places}
    source_users = {str(s["id"]): [str(c.get("id")) for c in plan.claims] for s in plan.sources}
    per: dict[str, list[str]] = {}
    general = []
    for p in problems:
        if p.file == f"claims/{document}.yaml" and p.record in claim_ids:
            per.setdefault(p.record, []).append(str(p))
        elif p.file == "gazetteer.yaml" and p.record in place_users and place_users[p.record]:
            for cid in place_users[p.record]:
                per.setdefault(cid, []).append(str(p))
        elif p.file == "sources.yaml" and p.record in source_users:
            general.append(str(p))
        else:
            general.append(str(p))
    return per, general


def accept_drafts(doc: dict[str, Any], data_dir: Path, *, sources_dir: Path | None = None, report: Path | None = None) -> AcceptResult:
    """Validate the accepted records of a draft on a copy of ``data_dir``, then move those that pass.

    ``data_dir`` is changed only when the staged copy validates; a record with problems stays
    in the draft (``doc`` is updated in place: moved records and sources are taken out, failed
    ones get ``problems``).
    """
    document = str(doc["source"].get("id"))
    result = AcceptResult()
    existing = load_dataset(data_dir, sources_dir=sources_dir)
    plan = _plan(doc, set(existing.sources), {p.id for p in existing.gazetteer})
    with tempfile.TemporaryDirectory(prefix="militia-accept-") as tmp:
        texts = _sources_folder(Path(tmp), sources_dir, report)
        for n in range(_MAX_ROUNDS):
            stage = Path(tmp) / f"data-{n}"
            _stage(data_dir, stage, document, plan)
            try:
                load_dataset(stage, sources_dir=texts)
            except DataError as exc:
                per, general = _blame(exc.problems, document, plan)
                if general or not per:
                    result.general = general or [str(p) for p in exc.problems]
                    for claim in plan.claims:
                        result.failed.setdefault(str(claim.get("id")), []).extend(per.get(str(claim.get("id")), []))
                    _mark(doc, result)
                    return result
                for cid, messages in per.items():
                    result.failed[cid] = messages
                plan = _Plan(
                    [c for c in plan.claims if str(c.get("id")) not in per],
                    plan.sources,
                    [p for p in plan.places if any(p["id"] in _place_refs(c) for c in plan.claims if str(c.get("id")) not in per)],
                )
                continue
            if plan.claims or plan.sources:
                for rel in ("gazetteer.yaml", "sources.yaml", f"claims/{document}.yaml"):
                    new, old = stage / rel, data_dir / rel
                    if not new.exists():
                        continue
                    if not old.exists() or new.read_text(encoding="utf-8") != old.read_text(encoding="utf-8"):
                        old.parent.mkdir(parents=True, exist_ok=True)
                        write_text_atomic(old, new.read_text(encoding="utf-8"))
                        result.changed.append(old)
            result.moved = [str(c.get("id")) for c in plan.claims]
            result.sources_added = [str(s["id"]) for s in plan.sources]
            result.places_added = [str(p["id"]) for p in plan.places]
            break
    _mark(doc, result)
    return result


def _mark(doc: dict[str, Any], result: AcceptResult) -> None:
    moved = set(result.moved)
    doc["drafts"] = [r for r in doc["drafts"] if not (isinstance(r, dict) and isinstance(r.get("claim"), dict) and str(r["claim"].get("id")) in moved)]
    for rec in doc["drafts"]:
        if not isinstance(rec, dict) or not isinstance(rec.get("claim"), dict):
            continue
        cid = str(rec["claim"].get("id"))
        if cid in result.failed:
            rec["problems"] = result.failed[cid] or result.general
        else:
            rec.pop("problems", None)
    added = set(result.sources_added)
    doc["cited_works"] = [w for w in doc.get("cited_works") or [] if not (isinstance(w, dict) and w.get("id") in added)]
    if doc["source"].get("id") in added:
        doc["source"] = {"id": doc["source"]["id"], "in_sources_yaml": True, "title": doc["source"].get("title", "")}
