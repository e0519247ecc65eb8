"""Replace folium's random element ids by a counter, so two builds give the same HTML."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from branca.element import Element, Figure


def _walk(element: Element) -> Iterator[Element]:
    yield element
    if isinstance(element, Figure):
        for part in (element.header, element.html, element.script):
            yield from _walk(part)
    for child in list(element._children.values()):  # noqa: SLF001 - branca keeps children here
        yield from _walk(child)


def set_deterministic_ids(root: Element, *, prefix: str = "mm") -> int:
    """Give every element under ``root`` the id ``<prefix><n>`` in tree order; return how many.

    Children are re-keyed under their new names, keeping their order, so later look-ups
    by name keep working.

    Parameters
    ----------
    root
        Usually the map's :class:`branca.element.Figure`.
    prefix
        Start of every id (letters only, so names stay valid JavaScript identifiers).
    """
    elements = list(_walk(root))
    old_names = {id(element): element.get_name() for element in elements}
    for n, element in enumerate(elements):
        element._id = f"{prefix}{n}"  # noqa: SLF001 - the attribute folium reads for names
    for element in elements:
        children = element._children  # noqa: SLF001 - branca keeps children here
        element._children = OrderedDict(  # noqa: SLF001
            (child.get_name() if key == old_names.get(id(child)) else key, child) for key, child in children.items()
        )
    return len(elements)
