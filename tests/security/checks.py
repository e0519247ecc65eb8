"""What the security tests read outputs with: the page's data block, XML-forbidden characters, every string in JSON."""

from __future__ import annotations

import re

from tests.webmap_data import DATA_BLOCK
from tests.webmap_data import page_data as decode_page

__all__ = ["DATA_BLOCK", "XML_FORBIDDEN", "decode_page", "strings"]
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return []
