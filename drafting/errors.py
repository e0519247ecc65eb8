"""The one exception of the drafting tools: a problem with the user's input, told in one line."""

from __future__ import annotations


class DraftError(ValueError):
    """Raised for bad input to ``draft`` or ``accept`` (missing file, bad encoding, unknown source).

    The message names the file (and record) and says how to fix it; the command line prints it
    without a traceback.
    """
