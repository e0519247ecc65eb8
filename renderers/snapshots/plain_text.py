"""Every text a snapshot draws is plain text: no maths (``$…$``), no LaTeX, no character XML forbids.

matplotlib reads ``$…$`` as a mathtext formula by default, so a source author ``${a} ${b}``
would abort the build; with ``text.usetex`` it would even run LaTeX on the data. The snapshot's
rc turns both off, and :func:`plain_texts` makes sure of it on every text of the finished figure
and replaces characters XML 1.0 forbids (the SVG is XML) through the writers' shared cleaner.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

from dataset.model import Dataset
from layers import Layer
from renderers._xml import xml_safe

T = TypeVar("T")
# U+FEFF inside text is the old zero-width no-break space; matplotlib 3.11's PDF writer fails on it
# (IndexError in its glyph tracker), so it is drawn as U+2060 WORD JOINER, its modern equivalent.
_DRAWN_AS = str.maketrans({0xFEFF: 0x2060})


def drawable(text: str) -> str:
    """Return ``text`` as the snapshots draw it: no character XML forbids, no control, no U+FEFF."""
    return xml_safe(text, drawn=True).translate(_DRAWN_AS)


TEXT_RC: dict[RcKeyType, object] = {"text.parse_math": False, "text.usetex": False}


def plain_texts(fig: Figure) -> int:
    """Turn maths parsing and LaTeX off for every text in ``fig`` and clean its characters; return how many texts.

    Parameters
    ----------
    fig
        A composed snapshot figure (titles, labels, legend, scale bar, footer, annotations).
    """
    texts = fig.findobj(Text)
    for text in texts:
        assert isinstance(text, Text)  # noqa: S101 - findobj(Text) returns only Text
        text.set_parse_math(False)
        text.set_usetex(False)
        raw = text.get_text()
        clean = drawable(raw)
        if clean != raw:
            text.set_text(clean)
    return len(texts)


def _clean_record(record: T) -> T:
    """Return a dataclass record with every text field made drawable (the same object when nothing changes)."""
    changes = {}
    for item in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, item.name)
        if isinstance(value, str) and drawable(value) != value:
            changes[item.name] = drawable(value)
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]


def plain_dataset(ds: Dataset) -> Dataset:
    """Return ``ds`` with the texts a snapshot draws (dataset info, sources) made drawable."""
    sources = {sid: _clean_record(src) for sid, src in ds.sources.items()}
    return dataclasses.replace(ds, info=_clean_record(ds.info), sources=sources)


def _drawable(value: object) -> object:
    return drawable(value) if isinstance(value, str) else value


def plain_layers(layers: list[Layer]) -> list[Layer]:
    """Return ``layers`` with every text column made drawable (a layer without such characters is returned as it is)."""
    out = []
    for layer in layers:
        gdf = layer.gdf
        columns = [c for c in gdf.columns if c != gdf.geometry.name and gdf[c].dtype != bool and str(gdf[c].dtype) in {"str", "object", "string"}]
        dirty = [c for c in columns if drawable(joined := "".join(v for v in gdf[c] if isinstance(v, str))) != joined]
        if dirty:
            gdf = gdf.copy()
            for column in dirty:
                gdf[column] = gdf[column].map(_drawable)
        out.append(Layer(gdf, layer.style) if dirty else layer)
    return out
