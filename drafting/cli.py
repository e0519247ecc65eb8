"""Command line of ``build_map.py draft`` and ``build_map.py accept``."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import logging
import re
from pathlib import Path
from typing import Any

from dataset import DataError, Dataset, load_dataset
from dataset.load import DEFAULT_DATA_DIR, ROOT
from drafting.accept import accept_drafts
from drafting.draft import Drafter, DraftOptions
from drafting.draft_file import read_draft, write_draft
from drafting.errors import DraftError
from drafting.lexicon import load_lexicon
from drafting.text import read_report

log = logging.getLogger("militia_map")
DRAFTS_DIR = ROOT / "drafts"
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"invalid date {text!r}: give the report's date as YYYY-MM-DD"
        raise argparse.ArgumentTypeError(msg) from None


def add_draft_arguments(subparsers: Any, *, parents: list[argparse.ArgumentParser] | None = None) -> None:  # noqa: ANN401 - argparse's private _SubParsersAction
    """Register the ``draft`` and ``accept`` subcommands.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.
    parents
        Parsers whose options (``--data-dir``, ``-v`` ...) the subcommands share.
    """
    draft = subparsers.add_parser("draft", parents=parents or [], help="draft claims from a report's text into drafts/ID.yaml, for review")
    draft.add_argument("report", type=Path, help="the report's plain-text copy (UTF-8)")
    draft.add_argument("--source", required=True, metavar="ID", help="the report's source id in data/sources.yaml (or a new one, with --new-source)")
    draft.add_argument("--new-source", action="store_true", help="the source id is new: draft its sources.yaml record too")
    draft.add_argument("--date", type=_day, default=None, metavar="YYYY-MM-DD", help="the report's date (for 'on Friday', 'overnight', 'yesterday')")
    draft.add_argument("--lang", choices=("en", "ar"), default=None, help="the report's language (default: guessed from the script)")
    draft.add_argument("--out", type=Path, default=None, metavar="FILE", help="where to write the draft (default: drafts/ID.yaml)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing draft (and the review done in it)")
    accept = subparsers.add_parser("accept", parents=parents or [], help="move the drafts marked 'accept: true' into data/, validated")
    accept.add_argument("draft", type=Path, help="the draft file (drafts/ID.yaml)")


def _load(data_dir: Path, sources_dir: Path | None) -> Dataset | None:
    try:
        return load_dataset(data_dir, sources_dir=sources_dir)
    except DataError as exc:
        log.error("data/ has %d problem(s); fix them first (python build_map.py check):", len(exc.problems))
        for problem in exc.problems:
            log.error("  %s", problem)
        return None


def _check_source(ds: Dataset, source_id: str, *, new: bool) -> None:
    if not _SOURCE_ID.match(source_id):
        msg = f"--source {source_id!r}: a source id is lower-case letters, digits and hyphens (like 'euaa-2025')."
        raise DraftError(msg)
    if new and source_id in ds.sources:
        msg = f"--source {source_id!r} is already in data/sources.yaml; drop --new-source to draft more claims for it."
        raise DraftError(msg)
    if not new and source_id not in ds.sources:
        close = difflib.get_close_matches(source_id, list(ds.sources), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else f" Known: {', '.join(sorted(ds.sources))}."
        msg = f"--source {source_id!r}: unknown source id in data/sources.yaml.{hint} For a new report add --new-source."
        raise DraftError(msg)


def _guess_lang(text: str) -> str:
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ar" if arabic > latin else "en"


def _out_path(args: argparse.Namespace) -> Path:
    out: Path = args.out or DRAFTS_DIR / f"{args.source}.yaml"
    if out.exists() and not args.force:
        msg = f"{out} exists and may hold your review; accept it first, give --out, or --force to overwrite."
        raise DraftError(msg)
    return out


def run_draft(args: argparse.Namespace) -> int:
    """Run ``draft``; return the exit code (0 ok, 1 bad input or data)."""
    try:
        text = read_report(args.report)
        data_dir: Path = getattr(args, "data_dir", DEFAULT_DATA_DIR)
        ds = _load(data_dir, getattr(args, "sources_dir", None))
        if ds is None:
            return 1
        _check_source(ds, args.source, new=args.new_source)
        out = _out_path(args)
        known = ds.sources.get(args.source)
        date = args.date or (dt.date.fromisoformat(known.date) if known and re.fullmatch(r"\d{4}-\d\d-\d\d", known.date) else None)
        opts = DraftOptions(args.source, args.report.resolve(), date, args.lang or _guess_lang(text), args.new_source)
        doc = Drafter(ds, load_lexicon(data_dir / "cues.yaml")).draft(text, opts)
        write_draft(doc, out)
    except DraftError as exc:
        log.error("%s", exc)
        return 1
    except OSError as exc:
        log.error("Cannot write the draft: %s", exc)
        return 1
    placed = sum(1 for r in doc["drafts"] if "places" in r["claim"])
    log.info(
        "Wrote %s: %d draft claims (%d placed), %d cited works. Review it, mark 'accept: true', then: python build_map.py accept %s",
        out,
        len(doc["drafts"]),
        placed,
        len(doc["cited_works"]),
        out,
    )
    if date is None:
        log.info("No report date (--date): weekdays, 'overnight' and 'yesterday' were left undated.")
    return 0


def run_accept(args: argparse.Namespace) -> int:
    """Run ``accept``; return the exit code (0 all moved, 1 some or all kept back)."""
    data_dir: Path = getattr(args, "data_dir", DEFAULT_DATA_DIR)
    sources_dir = getattr(args, "sources_dir", None)
    try:
        doc = read_draft(args.draft)
        if _load(data_dir, sources_dir) is None:
            return 1
        report = doc.get("report") or {}
        result = accept_drafts(doc, data_dir, sources_dir=sources_dir, report=Path(report["path"]) if report.get("path") else None)
        write_draft(doc, args.draft)
    except DraftError as exc:
        log.error("%s", exc)
        return 1
    except OSError as exc:
        log.error("Cannot write: %s", exc)
        return 1
    for path in result.changed:
        log.info("Updated %s", path)
    log.info("Moved %d claim(s) into data/ (%d source(s), %d place(s) added).", len(result.moved), len(result.sources_added), len(result.places_added))
    for message in result.general:
        log.error("  %s", message)
    for cid, messages in result.failed.items():
        log.error("Kept in the draft: %s", cid)
        for message in messages:
            log.error("  %s", message)
    if not result.moved and not result.failed and not result.sources_added:
        log.info("Nothing marked 'accept: true' in %s.", args.draft)
    return 1 if result.failed or result.general else 0
