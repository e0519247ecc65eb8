"""Command line: validate ``data/`` and build every output into ``dist/``.

Usage::

    python build_map.py              # validate, then build everything into dist/
    python build_map.py check        # only validate data/
    python build_map.py --out DIR    # build into DIR
    python build_map.py draft REPORT.txt --source ID   # draft claims for review (drafts/ID.yaml)
    python build_map.py accept drafts/ID.yaml          # move the accepted drafts into data/

Exit codes: 0 ok, 1 data problems (or a failed build), 2 usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dataset import DataError, Dataset, load_dataset
from dataset.load import DEFAULT_DATA_DIR, find_sources_dir
from dataset.problems import cut
from overlays import OverlaySet, add_overlay_arguments, overlay_or_report

log = logging.getLogger("militia_map")
DEFAULT_OUT = Path(__file__).resolve().parent / "dist"


def _add_common(parser: argparse.ArgumentParser, *, for_help: bool = False) -> None:
    """Add the options every command takes (``for_help``: declared on the main parser only to list them)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if for_help else value

    parser.add_argument("--data-dir", type=Path, default=default(DEFAULT_DATA_DIR), help="folder of curated records (default: data/)")
    help_sources = "folder with the source texts for the verbatim-quote check (default: ../shared/seeds when present)"
    parser.add_argument("--sources-dir", type=Path, default=default(None), help=help_sources)
    parser.add_argument("-v", "--verbose", action="count", default=default(0), help="more output (repeat for debug)")
    parser.add_argument("-q", "--quiet", action="count", default=default(0), help="less output: only problems")


def _parser(*, snapshot_options: bool = True) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """Return the main parser and each command's parser.

    Every option is declared once, on the parser of each command that takes it, with its
    default there. :func:`command_first` moves the command to the front of the line before
    parsing, so an option means the same before or after it (no default of a subparser can
    overwrite a value given earlier on the line).

    Parameters
    ----------
    snapshot_options
        Declare the ``snapshot`` command's options. Their module imports every renderer
        (matplotlib, geopandas, folium: seconds), so a line without the word ``snapshot``,
        which cannot ask for that command, goes without them and ``check`` stays fast.
    """
    parser = argparse.ArgumentParser(
        prog="build_map.py",
        description="Validate the sourced militia dataset and build the web map, GeoPackage/QGIS project, snapshots and GeoJSON layers.",
        epilog="Options may stand before or after the command; without a command, 'build' runs.",
    )
    _add_common(parser, for_help=True)
    add_overlay_arguments(parser)
    parser.add_argument("--out", type=Path, default=argparse.SUPPRESS, help="output folder (default: dist/); replaced only when the build succeeds")
    sub = parser.add_subparsers(dest="command", metavar="{build,check,snapshot,draft,accept}")
    build = sub.add_parser("build", help="validate and build everything (the default)")
    _add_common(build)
    add_overlay_arguments(build)
    build.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: dist/); replaced only when the build succeeds")
    check = sub.add_parser("check", help="only validate data/ and report every problem")
    _add_common(check)
    add_overlay_arguments(check)
    snapshot = sub.add_parser("snapshot", help="draw one custom view (--bbox, --as-of, --title, --format) or a dated series (--series)")
    _add_common(snapshot)
    add_overlay_arguments(snapshot)
    if snapshot_options:  # snapshot options (renderers/snapshots/cli.py): one custom static map
        from renderers.snapshots.cli import add_snapshot_arguments  # noqa: PLC0415

        add_snapshot_arguments(snapshot)
    from drafting.cli import add_draft_arguments  # noqa: PLC0415 - draft and accept (issue 13)

    add_draft_arguments(sub)
    draft, accept = sub.choices["draft"], sub.choices["accept"]
    _add_common(draft)
    _add_common(accept)
    return parser, {"build": build, "check": check, "snapshot": snapshot, "draft": draft, "accept": accept}


def command_first(argv: Sequence[str], commands: dict[str, argparse.ArgumentParser]) -> list[str]:
    """Return ``argv`` with its command moved to the front (``build`` added when it names none).

    The command is the first word that is neither an option nor an option's value, so
    ``--data-dir check check`` checks the folder named ``check``. A line asking for help
    without a command is left as it is, for the main parser's help.

    Examples
    --------
    >>> cmds = _parser()[1]
    >>> command_first(["--data-dir", "other", "-v", "check", "-q"], cmds)
    ['check', '--data-dir', 'other', '-v', '-q']
    >>> command_first(["--out", "x"], cmds)
    ['build', '--out', 'x']
    """
    long_opts, valued = _option_table(commands)
    args = list(argv)
    n = 0
    while n < len(args):
        word = args[n]
        if not word.startswith("-") or word in {"-", "--"}:
            if word in commands:
                return [word, *args[:n], *args[n + 1 :]]
            return args  # a word that is no command: the main parser reports it
        if word.startswith("--"):
            name = word.split("=", 1)[0]
            matches = [o for o in long_opts if o == name] or [o for o in long_opts if o.startswith(name)]
            n += 2 if "=" not in word and len(matches) == 1 and matches[0] in valued else 1
            continue
        n += 1
        for k, char in enumerate(word[1:], start=2):  # a cluster of short flags such as -vv
            if f"-{char}" in valued:
                n += 1 if k == len(word) else 0
                break
    if "-h" in args[:n] or "--help" in args[:n]:
        return args
    return ["build", *args]


def _option_table(commands: dict[str, argparse.ArgumentParser]) -> tuple[set[str], set[str]]:
    """Return every long option of the commands, and every option (long or short) that takes a value."""
    long_opts: set[str] = set()
    valued: set[str] = set()
    for parser in commands.values():
        for action in parser._actions:  # noqa: SLF001 - argparse offers no public list of a parser's options
            long_opts.update(o for o in action.option_strings if o.startswith("--"))
            if action.nargs != 0:
                valued.update(action.option_strings)
    return long_opts, valued


def configure_logging(verbose: int, quiet: int) -> None:
    """Send progress to stderr; ``-v`` adds detail, ``-q`` keeps only problems."""
    level = max(logging.DEBUG, min(logging.ERROR, logging.INFO - 10 * (verbose - quiet)))
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    if verbose <= 0:  # third-party loggers (fontTools' font subsetting, matplotlib, pyogrio) only speak up with -v
        for handler in logging.getLogger().handlers:
            handler.addFilter(_own_or_warning)


def _own_or_warning(record: logging.LogRecord) -> bool:
    """Pass the project's records, and others' warnings and errors."""
    return record.name == log.name or record.name.startswith(log.name + ".") or record.levelno >= logging.WARNING


def load_or_report(data_dir: Path, sources_dir: Path | None) -> Dataset | None:
    """Load the dataset; on problems print one line each and return ``None``."""
    try:
        ds = load_dataset(data_dir, sources_dir=sources_dir)
    except DataError as exc:
        log.error("Found %d problem(s) in %s:", len(exc.problems), data_dir)
        for problem in exc.problems:
            log.error("  %s", problem)
        for note in exc.notes:
            log.info("%s", note)
        return None
    except Exception as exc:  # last resort: bad input must never end in a traceback
        what = f"{type(exc).__name__}: {cut(str(exc), 300)}"
        log.error("Internal error while reading %s: %s. This is a bug in build_map.py: please report it (-v shows the traceback).", data_dir, what)
        log.debug("Traceback:", exc_info=True)
        return None
    for note in ds.notes:
        log.info("%s", note)
    return ds


def build(ds: Dataset, out: Path, overlay: OverlaySet | None = None) -> None:
    """Build every renderer's output into a staging folder, then swap it into ``out``.

    A failure leaves ``out`` as it was.
    """
    from layers import build_layers  # noqa: PLC0415 - keep `check` fast
    from renderers import RENDERERS, _reuse  # noqa: PLC0415
    from renderers.csv_export import computed_once  # noqa: PLC0415

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    # A fresh staging folder per run, so two builds never write into each other's.
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; dist/ is meant to be shared
    try:
        started = time.perf_counter()
        layers = _timed("Building layers", lambda: build_layers(ds, overlay))
        previous, entries = _reuse.read_manifest(out), {}
        base = _reuse.inputs_key(layers, ds)
        with computed_once():  # militia_map.csv's rows are made once, for the CSV and the web map's download
            for n, (name, render) in enumerate(RENDERERS, start=1):
                key = hashlib.sha256(f"{base}\0{name}".encode()).hexdigest()
                paths = _reuse.reuse(previous, out, name, key, staging)
                if paths is not None:
                    log.info("[%d/%d] %s: unchanged, reused from %s", n, len(RENDERERS), name, out.name)
                else:
                    paths = _timed(f"[{n}/{len(RENDERERS)}] {name}", lambda render=render: render(layers, ds, staging))
                entries[name] = {"key": key, "files": [p.relative_to(staging).as_posix() for p in paths]}
                for path in paths:
                    log.debug("  wrote %s", path.relative_to(staging))
        _reuse.write_manifest(staging, entries)
        _swap(staging, out)
        log.info("Built %s in %.1f s.", out, time.perf_counter() - started)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _timed(step: str, func):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
    """Run one build step and print one line for it when it is done (``-v`` also says when it starts)."""
    log.debug("%s …", step)
    started = time.perf_counter()
    result = func()
    log.info("%s: %.1f s", step, time.perf_counter() - started)
    return result


def _swap(staging: Path, out: Path) -> None:
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _run_snapshot(ds: Dataset, snapshot: tuple[Any, tuple[str, ...]], out: Path, overlay: OverlaySet | None = None) -> int:
    """Draw one snapshot view (``(view, formats)``); return the exit code."""
    from renderers.snapshots.cli import run_snapshot  # noqa: PLC0415

    view, formats = snapshot
    try:
        for path in run_snapshot(ds, view, formats, out, overlay):
            log.info("Wrote %s", path)
    except (OSError, RuntimeError, ValueError) as exc:
        log.error("Snapshot failed: %s", exc)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one return per command
    """Run the command line; return the exit code."""
    words = sys.argv[1:] if argv is None else list(argv)
    parser, commands = _parser(snapshot_options="snapshot" in words)
    try:
        args = parser.parse_args(command_first(words, commands))
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    configure_logging(args.verbose, args.quiet)
    if args.command in ("draft", "accept"):  # drafting/cli.py: claims from a new report
        from drafting.cli import run_accept, run_draft  # noqa: PLC0415

        return run_draft(args) if args.command == "draft" else run_accept(args)
    snapshot = None
    if args.command == "snapshot":  # check the view's options before loading data: bad ones are usage errors
        from renderers.snapshots.cli import snapshot_view  # noqa: PLC0415

        try:
            snapshot = snapshot_view(args)
        except ValueError as exc:
            parser.print_usage(sys.stderr)
            print(f"{parser.prog} snapshot: error: {exc}", file=sys.stderr)  # noqa: T201
            return 2
    if args.sources_dir is None and find_sources_dir(None) is None:
        log.warning("Source texts not found (../shared/seeds); the verbatim-quote check will be skipped. Give --sources-dir.")
    ds = load_or_report(args.data_dir, args.sources_dir)
    if ds is None:
        return 1
    log.info("Data OK: %d claims, %d sources, %d places.", len(ds.claims), len(ds.sources), len(ds.gazetteer))
    ok, overlay = overlay_or_report(args.data_dir, getattr(args, "overlay", None))
    if not ok or args.command == "check":
        return 0 if ok else 1
    if snapshot is not None:
        return _run_snapshot(ds, snapshot, args.out, overlay)
    return _run_build(ds, args.out, overlay)


def _run_build(ds: Dataset, out: Path, overlay: OverlaySet | None = None) -> int:
    """Build everything into ``out`` (a failed build leaves it as it was); return the exit code."""
    try:
        build(ds, out, overlay)
    except (OSError, RuntimeError, ValueError) as exc:
        log.error("Build failed, %s left unchanged: %s", out, cut(str(exc)))
        return 1
    except Exception as exc:  # last resort: one line, not a traceback
        what = f"{type(exc).__name__}: {cut(str(exc))}"
        log.error("Build failed, %s left unchanged: internal error %s (-v shows the traceback).", out, what)
        log.debug("Traceback:", exc_info=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
