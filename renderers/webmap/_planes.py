"""The buffers frame of the compact page data (format v5): each int32 buffer as byte planes.

Deflate finds far more repeats in the bytes of one significance together (all the low bytes of a
buffer, then all its next bytes, ...) than in varints, whose byte lengths vary from value to value
and whose continuation bits mix into every byte. The frame is:

1. ``B``, the number of buffers, then per buffer a descriptor ``length * 16 + zig * 8 + width``,
   all unsigned LEB128 varints (7 bits a byte from the low end, the high bit set on every byte
   but the last);
2. per buffer in order, ``width`` (0-4) planes of ``length`` bytes each, the lowest byte first:
   byte ``b`` of value ``k`` is at ``k + b * length``. The planes give an unsigned 32-bit number
   ``u``; with ``zig`` set the value is ``(u >>> 1) ^ -(u & 1)`` (zigzag: small negative and
   positive numbers stay small), otherwise ``u`` itself (the buffer has no negative value).

``width`` is the fewest bytes that hold the buffer's largest ``u`` (0 for a buffer of zeros).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

_LENGTH_SHIFT = 4
_ZIG = 8


def uvarints(values: Sequence[int] | np.ndarray) -> bytes:
    """Return non-negative integers as unsigned LEB128 varints (7 bits a byte, low first, high bit = more)."""
    v = np.asarray(values, dtype=np.uint64)
    sizes = np.ones(len(v), dtype=np.int64)
    for bits in range(7, 64, 7):
        more = v >= np.uint64(1 << bits)
        if not more.any():
            break
        sizes += more
    starts = np.cumsum(sizes) - sizes
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    for byte in range(int(sizes.max()) if len(sizes) else 0):
        has = sizes > byte
        low = (v[has] >> np.uint64(7 * byte)) & np.uint64(0x7F)
        more_bit = (sizes[has] > byte + 1).astype(np.uint64) << np.uint64(7)
        out[starts[has] + byte] = (low | more_bit).astype(np.uint8)
    return out.tobytes()


def plane_layout(values: np.ndarray) -> tuple[int, bool, np.ndarray]:
    """Return ``(width, zig, u)`` of one int32 buffer: its byte width, whether it is zigzag-coded, and the unsigned numbers (uint32).

    Parameters
    ----------
    values : numpy.ndarray
        The buffer's values; each must fit in a signed 32-bit integer.
    """
    v = np.asarray(values, dtype=np.int64).ravel()
    zig = bool(v.size) and int(v.min()) < 0
    u = ((v << 1) ^ (v >> 63)) if zig else v
    top = int(u.max()) if u.size else 0
    width = (top.bit_length() + 7) // 8
    return width, zig, u.astype("<u4")


def planes(u: np.ndarray, width: int) -> bytes:
    """Return the ``width`` lowest byte planes of unsigned 32-bit numbers ``u``, the lowest plane first."""
    if not width or not u.size:
        return b""
    grid = np.ascontiguousarray(u, dtype="<u4").view(np.uint8).reshape(-1, 4)
    return grid[:, :width].T.tobytes()


def buffers_frame(arrays: Sequence[np.ndarray]) -> Iterator[bytes]:
    """Yield the buffers frame of ``arrays`` in pieces: its uint32 byte length, the descriptors, then each buffer's planes.

    Parameters
    ----------
    arrays : sequence of numpy.ndarray
        The document's int32 buffers, in the order their ``[offset, length]`` references count them.
    """
    layouts = [plane_layout(a) for a in arrays]
    descriptors = [len(arrays)] + [(int(u.size) << _LENGTH_SHIFT) | (_ZIG if zig else 0) | width for width, zig, u in layouts]
    head = uvarints(descriptors)
    size = len(head) + sum(int(u.size) * width for width, _zig, u in layouts)
    yield size.to_bytes(4, "little")
    yield head
    for width, _zig, u in layouts:
        piece = planes(u, width)
        if piece:
            yield piece
