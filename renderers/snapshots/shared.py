"""What several figures of one build compute alike, computed once: in the parent, before the snapshot workers fork.

The two pages of the December 2024 series draw the same four panels: the same features per
date, the same change table, the same notes; every figure draws the same layers and dataset
made plain (:mod:`renderers.snapshots.plain_text`). Within :func:`sharing`, :func:`once`
keeps each such result for the block, keyed by what computed it and by the identity of its
arguments, so :func:`renderers.snapshots.write_snapshots` can compute them in the parent and
both forked workers read them (copy-on-write) instead of each computing them again. Outside
the block, :func:`once` just calls the function: a figure drawn on its own is computed as before.

The results are shared, not copied: the drawing code reads the layers and tables it is given and
never writes into them (the build's outputs are compared byte for byte, serial against parallel).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

R = TypeVar("R")
_MEMO: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] | None = None


@contextmanager
def sharing() -> Iterator[None]:
    """Within the block, :func:`once` keeps what it computes; leaving the block drops it all."""
    global _MEMO  # noqa: PLW0603 - one memo per process, inherited by the forked workers
    outer, _MEMO = _MEMO, {} if _MEMO is None else _MEMO
    try:
        yield
    finally:
        if outer is None:
            _MEMO = None


def once(func: Callable[..., R], *args: Any) -> R:  # noqa: ANN401 - any arguments
    """Return ``func(*args)``; within :func:`sharing`, computed once per function and argument objects (by identity).

    Arguments are told apart by identity (``is``), never by value: the same layers list, the
    same dataset, the same frozen view. The memo holds the arguments, so no other object can
    take their ids while it lasts.
    """
    if _MEMO is None:
        return func(*args)
    key = (func.__module__, func.__qualname__, *map(id, args))
    found = _MEMO.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], args, strict=True)):
        return found[1]  # type: ignore[no-any-return]
    result = func(*args)
    _MEMO[key] = (args, result)
    return result


def active() -> bool:
    """Return whether :func:`once` keeps its results (inside :func:`sharing`)."""
    return _MEMO is not None
