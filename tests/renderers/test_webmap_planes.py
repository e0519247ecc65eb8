"""The buffers frame of the compact page data (v5, ``renderers/webmap/_planes.py``): byte planes, pinned byte for byte by hand."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from renderers.webmap._planes import buffers_frame
from tests.webmap_data import _planes

DECODER = Path(__file__).resolve().parents[2] / "renderers" / "webmap" / "static" / "decode.js"

# Buffers and their frame worked out by hand from the format (descriptor = length * 16 + zig * 8 + width):
BUFFERS = [
    [1, -1, 300],  # a negative value: zigzag 2, 1, 600 (0x0258): width 2, descriptor 3*16 + 8 + 2 = 58
    [5, 0],  # none negative: 5, 0 as they are, width 1, descriptor 2*16 + 1 = 33
    [],  # descriptor 0
    [0] * 10,  # zeros: width 0, no bytes; descriptor 160 = varint 0xA0 0x01
    [2**31 - 1],  # width 4, not zigzag: descriptor 16 + 4 = 20, bytes ff ff ff 7f
    [-(2**31)],  # zigzag 2**32 - 1: descriptor 16 + 8 + 4 = 28, bytes ff ff ff ff
]
BODY = bytes(
    [
        *[6, 58, 33, 0, 0xA0, 0x01, 20, 28],  # the number of buffers, then the descriptors
        *[2, 1, 88, 0, 0, 2],  # the low bytes of 2, 1, 600, then their high bytes
        *[5, 0],
        *[0xFF, 0xFF, 0xFF, 0x7F],
        *[0xFF, 0xFF, 0xFF, 0xFF],
    ]
)
VALUES = [v for buffer in BUFFERS for v in buffer]


def test_the_frame_is_byte_planes_as_worked_out_by_hand() -> None:
    frame = b"".join(buffers_frame([np.array(b, dtype=np.int64) for b in BUFFERS]))
    assert frame == len(BODY).to_bytes(4, "little") + BODY


def test_the_test_decoder_reads_the_hand_made_frame() -> None:
    assert list(_planes(BODY, len(VALUES))) == VALUES


def _node(script: str, stdin: str = "") -> str:
    """Return what ``node -e script`` writes (the page's decoder is ``DECODER``); skip where node is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JS decoder cannot be run")
    return subprocess.run([node, "-e", script], input=stdin, capture_output=True, text=True, check=True, timeout=60).stdout


def test_the_page_decoder_reads_the_hand_made_frame() -> None:
    script = (
        f"const d = require({json.dumps(str(DECODER))});"
        f"const bytes = new Uint8Array({json.dumps(list(BODY))});"
        f"const p = d.planes(bytes, 0, bytes.length, {len(VALUES)});"
        "const first = Array.from(p.more(3).subarray(0, 3));"  # the first buffer alone, then all
        f"process.stdout.write(JSON.stringify([first, Array.from(p.more({len(VALUES)}))]));"
    )
    first, values = json.loads(_node(script))
    assert first == VALUES[:3]
    assert values == VALUES


def test_the_page_decoder_refuses_a_cut_off_frame() -> None:
    script = (
        f"const d = require({json.dumps(str(DECODER))});"
        f"const bytes = new Uint8Array({json.dumps(list(BODY[:-1]))});"
        f"try {{ d.planes(bytes, 0, bytes.length, {len(VALUES)}).more({len(VALUES)}); process.stdout.write('read'); }}"
        "catch (e) { process.stdout.write('refused'); }"
    )
    assert _node(script) == "refused"


def test_a_random_document_round_trips_through_both_decoders() -> None:
    rng = np.random.default_rng(5)
    buffers = [rng.integers(-(2**e), 2**e, size=int(rng.integers(0, 300))) for e in (3, 7, 8, 15, 16, 23, 24, 30, 31)]
    buffers += [np.abs(b) for b in buffers]
    frame = b"".join(buffers_frame(buffers))
    want = [int(v) for b in buffers for v in b]
    assert list(_planes(frame[4:], len(want))) == want
    if shutil.which("node") is None:
        return  # the Python decoder alone was checked
    script = (
        f"const d = require({json.dumps(str(DECODER))});"
        "let s = ''; process.stdin.on('data', c => s += c);"
        "process.stdin.on('end', () => { const b = new Uint8Array(JSON.parse(s));"
        f" const p = d.planes(b, 0, b.length, {len(want)}); process.stdout.write(JSON.stringify(Array.from(p.more({len(want)})))); }});"
    )
    assert json.loads(_node(script, json.dumps(list(frame[4:])))) == want
