"""Put hostile text into copies of the real layers and dataset, for calling the writers directly."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from dataset import Dataset
from layers import Layer

# Columns that tie records together or pick styles: kept, so the writers still find what they look up.
KEEP = {"geometry", "id", "claim_id", "claim_ids", "evidence", "type", "status", "actor_group", "direction", "route", "date_start", "date_end",
        "place_id", "place_ids", "place_kind", "parent_layer", "url", "source_file"}  # fmt: skip


def _strings(value: Any, texts: list[str], n: int) -> Any:
    if isinstance(value, str):
        return texts[n % len(texts)]
    if isinstance(value, list):
        return [_strings(v, texts, n + i) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: (v if k in {"source_id", "url", "footnote"} else _strings(v, texts, n + i)) for i, (k, v) in enumerate(value.items())}
    return value


def poison_layer(layer: Layer, texts: list[str], offset: int = 0) -> Layer:
    """Return ``layer`` with ``texts`` in every free-text column, the evidence strings, its title and description."""
    gdf = layer.gdf.copy()
    for j, col in enumerate(gdf.columns):
        if col in KEEP or not all(isinstance(v, str) for v in gdf[col]):
            continue
        if col == "actors":  # a JSON list of actor names
            gdf[col] = [json.dumps([texts[(offset + i) % len(texts)], texts[(offset + i + 1) % len(texts)]]) for i in range(len(gdf))]
        else:
            gdf[col] = [texts[(offset + i + j) % len(texts)] for i in range(len(gdf))]
    gdf["evidence"] = [json.dumps(_strings(json.loads(v), texts, offset + i)) for i, v in enumerate(gdf["evidence"])]
    style = dataclasses.replace(layer.style, title=layer.style.title + " " + texts[offset % len(texts)], description=texts[(offset + 1) % len(texts)])
    return Layer(gdf, style)


def poison_dataset(ds: Dataset, texts: list[str]) -> Dataset:
    """Return ``ds`` with ``texts`` in the dataset's title, abstract, disclaimer, licence, method and every source's texts."""
    info = dataclasses.replace(
        ds.info, title=texts[0], abstract=texts[1 % len(texts)], disclaimer=" ".join(texts), licence=texts[2 % len(texts)], method=texts[3 % len(texts)]
    )
    sources = {
        sid: dataclasses.replace(src, title=texts[i % len(texts)], author=texts[(i + 1) % len(texts)], publisher=texts[(i + 2) % len(texts)])
        for i, (sid, src) in enumerate(ds.sources.items())
    }
    return dataclasses.replace(ds, info=info, sources=sources)
