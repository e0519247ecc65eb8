"""Text that XML 1.0 can carry: the one cleaner every XML writer (QGIS project, QML, metadata, SVG text) uses.

XML 1.0 allows tab, newline, carriage return and the characters from U+0020 up, except the
surrogates and U+FFFE/U+FFFF. ElementTree writes anything else (NUL, BEL, ESC …) raw, and the
file is then not well-formed; validation rejects such text in ``data/``, and the writers defend
themselves as well: each forbidden character becomes U+FFFD (the replacement character), so a
reader sees that something was there.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

REPLACEMENT = "\ufffd"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What XML allows but no font draws: DEL and the C1 controls (for text that is drawn, as in the snapshots).
_FORBIDDEN_OR_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str, *, drawn: bool = False) -> str:
    """Return ``text`` with every character XML 1.0 forbids replaced by U+FFFD.

    Parameters
    ----------
    text
        Any text from the data (a title, a disclaimer, a place name …).
    drawn
        Also replace DEL and the C1 controls (U+007F to U+009F), which XML allows but no font
        draws: for text that is drawn (snapshot labels, titles, footers).
    """
    return (_FORBIDDEN_OR_CONTROL if drawn else _FORBIDDEN).sub(REPLACEMENT, text)


def clean_tree(root: ET.Element) -> ET.Element:
    """Make every text, tail, attribute name and value under ``root`` XML-safe, in place; return ``root``."""
    for node in root.iter():
        if node.text:
            node.text = xml_safe(node.text)
        if node.tail:
            node.tail = xml_safe(node.tail)
        if node.attrib:
            node.attrib = {xml_safe(k): xml_safe(v) for k, v in node.attrib.items()}
    return root


def xml_document(root: ET.Element, doctype: str = "") -> str:
    """Return ``root`` as an indented XML document (with ``doctype`` first when given), made XML-safe.

    Parameters
    ----------
    root
        The document element; cleaned and indented in place.
    doctype
        A ``<!DOCTYPE …>`` line, or ``""`` for none.
    """
    clean_tree(root)
    ET.indent(root, space=" ")
    head = doctype + "\n" if doctype else ""
    return head + ET.tostring(root, encoding="unicode") + "\n"
