"""A point layer's positions as Morton (Z-order) code steps (compact page data v5, a layer's ``"c": {"z": [LOW, HIGH]}``).

The features of a layer are stored in Morton order of their first position (``_compact.morton``
of ``x + 180 * SCALE`` and ``y + 90 * SCALE``, x in the even bits). For a layer of points alone,
the sorted codes themselves are the positions: each point is stored as the step from the
previous point's code (the first from 0), never negative, split into two buffers: ``LOW`` the
low 24 bits of each step, ``HIGH`` the bits above them. The decoder sums the steps (exact in a
double: the codes stay below 2**53) and takes x from the even bits, y from the odd ones. A
step of a few metres is a few low bits; two far points are one step, where x and y deltas
would be two large numbers.
"""

from __future__ import annotations

import numpy as np

LOW_BITS = 24


def code_steps(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(LOW, HIGH)`` of the Morton codes of points in their stored order: each code's step from the previous one.

    Raises
    ------
    ValueError
        When the codes are not in order (a step would be negative).
    """
    codes = np.asarray(codes, dtype=np.uint64)
    if len(codes) > 1 and (codes[1:] < codes[:-1]).any():
        msg = "The points are not in Morton order."
        raise ValueError(msg)
    steps = np.diff(codes, prepend=np.uint64(0))
    low = (steps & np.uint64((1 << LOW_BITS) - 1)).astype(np.int64)
    high = (steps >> np.uint64(LOW_BITS)).astype(np.int64)
    return low, high
