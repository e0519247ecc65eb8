"""Load ``data/`` into a validated :class:`Dataset`, reporting every problem at once."""

from __future__ import annotations

from pathlib import Path

from dataset._claims import ClaimParser
from dataset._records import load_info, load_places, load_sources, load_vocabulary
from dataset._timeline import load_timeline
from dataset.digest import data_digest
from dataset.lifespan import span_of
from dataset.model import Claim, Dataset, Source
from dataset.problems import DataError, ProblemLog, shown
from dataset.quotes import check_quotes, read_source_texts
from geo.gazetteer import Gazetteer

# Files every claim refers to: when one cannot be read, checking claims would only give knock-on problems.
BASE_FILES = ("vocabulary.yaml", "sources.yaml", "gazetteer.yaml")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"
DEFAULT_SOURCES_DIR = ROOT.parent / "shared" / "seeds"


def find_sources_dir(sources_dir: Path | None) -> Path | None:
    """Return the folder of source texts: the one given, else ``../shared/seeds`` if present."""
    if sources_dir is not None:
        return sources_dir
    return DEFAULT_SOURCES_DIR if DEFAULT_SOURCES_DIR.is_dir() else None


def load_dataset(data_dir: Path = DEFAULT_DATA_DIR, *, sources_dir: Path | None = None) -> Dataset:
    """Read and validate every file in ``data_dir``.

    Parameters
    ----------
    data_dir
        The folder with ``dataset.yaml``, ``vocabulary.yaml``, ``sources.yaml``,
        ``gazetteer.yaml`` and ``claims/*.yaml``.
    sources_dir
        Folder with the source texts for the verbatim-quote check; by default
        ``../shared/seeds`` beside the repository when it exists.

    Returns
    -------
    Dataset
        The validated dataset; ``notes`` says what was not checked.

    Raises
    ------
    DataError
        With every problem found, each naming file, record and field.
    """
    log = ProblemLog()
    if not data_dir.is_dir():
        log.add("(command line)", "--data-dir", "--data-dir", f"{shown(str(data_dir))} is not a folder.", "Give the folder holding dataset.yaml and claims/.")
        log.raise_if_any()
    if sources_dir is not None and not sources_dir.is_dir():
        log.add("(command line)", "--sources-dir", "--sources-dir", f"{sources_dir} is not a folder.", "Give the folder holding the source .txt files.")
    info = load_info(data_dir, log)
    actors, types = load_vocabulary(data_dir, log)
    sources = load_sources(data_dir, log)
    gazetteer = Gazetteer(load_places(data_dir, log))
    unread = sorted(log.unreadable.intersection(BASE_FILES))
    if unread:
        log.notes.append(f"claims/ and timeline.yaml were not checked, as every claim refers to {' and '.join(unread)}: fix the problems above first.")
        log.raise_if_any()
    parser = ClaimParser(log, actors=actors, types=types, sources=sources, gazetteer=gazetteer)
    claims = parser.parse_folder(data_dir / "claims", data_dir)
    _check_footnotes(claims, sources, log)
    timeline = load_timeline(data_dir, claims, log, claims_complete=not parser.unread, span=lambda c: span_of(c, types, sources))
    texts = read_source_texts(sources, find_sources_dir(sources_dir), log)
    checked = check_quotes(claims, sources, texts, log)
    missing = sorted({ev.source for c in claims for ev in c.evidence if sources.get(ev.source) and sources[ev.source].text and ev.source not in texts})
    if missing:
        log.notes.append(f"Verbatim-quote check skipped for {', '.join(missing)}: source text not found (give --sources-dir).")
    log.notes.append(f"Checked {checked} quotes against their source texts.")
    if info is None and not log.problems:  # load_info logs a problem whenever it returns None; never build without it
        log.add("dataset.yaml", "(file)", "(file)", "could not be read.", "See data/README.md.")
    log.raise_if_any()
    if info is None:  # unreachable: raise_if_any raised; this narrows the type
        raise DataError(log.problems)
    return Dataset(info, sources, actors, types, gazetteer, claims, notes=log.notes, timeline=timeline, data_sha256=data_digest(data_dir))


def _check_footnotes(claims: list[Claim], sources: dict[str, Source], log: ProblemLog) -> None:
    cited = {(c.document, fn) for s in sources.values() for c in s.cited_in for fn in c.footnotes}
    for claim in claims:
        for n, ev in enumerate(claim.evidence, start=1):
            fn = ev.locator.footnote
            if fn is not None and ev.source in sources and (ev.source, fn) not in cited:
                log.add(
                    claim.file,
                    claim.id,
                    f"evidence[{n}].locator.footnote",
                    f"no work in sources.yaml is cited in {ev.source!r} at footnote {fn}.",
                    "Add the cited work to sources.yaml with cited_in, or fix the number.",
                )
