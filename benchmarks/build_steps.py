"""Time the steps of one web-map build of the benchmark data (issue 14 §6 (a): the build column).

Loads the pickled layers ``benchmarks/webmap_scale.py`` left in its ``data/`` folder, joins the
generated places to the gazetteer as the benchmark does (``benchmarks.distinct.with_places``),
then runs ``render_webmap`` once with each step wrapped in a timer and prints the time per step
(nested steps are inside their callers' times), the build's wall and CPU time (this process's:
less moved than the wall time by other processes on a loaded machine) and the load.
``--profile FILE`` also writes a cProfile of the build. ``SOURCE_DATE_EPOCH`` is fixed, so two checkouts' pages can be compared.

    .venv/bin/python benchmarks/build_steps.py /tmp/lead_full/data/distinct-100000-20000-seed0.pickle
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STEPS = {
    "renderers.webmap.build": ["page_rest", "claim_places", "basemap_payload", "controls_payload", "export_payload", "encode", "build_webmap", "_page_parts"],
    "renderers.webmap._compact": [
        "encode_layer", "_property_columns", "_records_table", "_columns_table", "_record_codes", "_joined_lists",
        "_table_columns", "_templated", "_template_keys", "_match_templates",
        "_numbered", "_date_column", "_column", "_factorize", "json_pieces", "_json_list_frame",
        "_link", "_derived_columns", "_derived_sources", "_Derive.sampled", "_Derive.predicted", "_Derive.cells", "_keys",
    ],
    "renderers.webmap._planes": ["buffers_frame"],
    "renderers.webmap._controls": ["feature_refs", "places_payload", "filters_payload"],
    "renderers.webmap._export": ["export_columns", "export_cells", "csv_columns"],  # csv_columns as _export imported it
    "renderers.webmap._payload": ["EvidenceTable.add"],
    "renderers.csv_export": ["csv_columns"],
}  # fmt: skip


def _timed(times: dict[str, float], name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def timed(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - any step
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            times[name] = times.get(name, 0.0) + time.perf_counter() - start

    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pickle", type=Path, help="layers pickled by webmap_scale.py (its DIR/data/*.pickle)")
    parser.add_argument("--profile", type=Path, help="also write a cProfile of the build here")
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = "1796601600"
    import importlib  # noqa: PLC0415

    from benchmarks.distinct import with_places  # noqa: PLC0415
    from dataset.load import load_dataset  # noqa: PLC0415
    from renderers.webmap import _compact  # noqa: PLC0415
    from renderers.webmap.build import render_webmap  # noqa: PLC0415

    ds = load_dataset(ROOT / "data")
    with args.pickle.open("rb") as f:
        layers = pickle.load(f)
    ds = with_places(ds, layers)
    times: dict[str, float] = {}
    for module_name, names in STEPS.items():
        module = importlib.import_module(module_name)
        for name in names:
            owner_name, _, attr = name.rpartition(".")
            owner = getattr(module, owner_name) if owner_name else module  # "Class.method": the method of a class of the module
            if hasattr(owner, attr):
                setattr(owner, attr, _timed(times, name, getattr(owner, attr)))
    for name in ("gzip_chunks", "base64_chunks"):
        method = getattr(_compact.CompactPayload, name)

        def pieces(self: Any, _method: Any = method, _name: str = name) -> Any:  # noqa: ANN401
            it = _method(self)
            while True:
                start = time.perf_counter()
                try:
                    piece = next(it)
                except StopIteration:
                    return
                finally:
                    times[_name] = times.get(_name, 0.0) + time.perf_counter() - start
                yield piece

        setattr(_compact.CompactPayload, name, pieces)
    out = Path(tempfile.mkdtemp(prefix="build-steps-"))
    profile = cProfile.Profile() if args.profile else None
    load = os.getloadavg()
    start, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    page = render_webmap(layers, ds, out)[0]
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    digest = hashlib.sha256(page.read_bytes()).hexdigest()[:16]
    print(
        f"render_webmap {total:.2f} s, CPU {cpu:.2f} s (load {load[0]:.2f} before, {os.getloadavg()[0]:.2f} after); "
        f"page {page.stat().st_size:,} bytes, sha256 {digest}"
    )
    for name, seconds in times.items():
        print(f"  {name:24s} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
