"""Problems found in overlay files: one message per problem, naming file, row and column."""

from __future__ import annotations

from dataclasses import dataclass

ECHO_MAX = 80  # characters of a bad value echoed in a message


def echo(value: str) -> str:
    """Return ``value`` quoted for a message, cut to :data:`ECHO_MAX` characters (the file is untrusted)."""
    text = value if len(value) <= ECHO_MAX else value[: ECHO_MAX - 1] + "\u2026"
    return repr(text)


@dataclass(frozen=True)
class OverlayProblem:
    """One problem in one cell (or row, or the whole file) of an overlay file.

    Parameters
    ----------
    file
        The file's name as given (or its path relative to the data folder).
    row
        Record number in the file (1 = the header row), or 0 for the whole file.
    column
        The column name, or ``""`` for the whole row or file.
    message
        What is wrong.
    hint
        How to fix it.
    kind
        What ``column`` names: a CSV ``column``, or a ``setting`` of ``overlays.yaml``.
    """

    file: str
    row: int
    column: str
    message: str
    hint: str = ""
    kind: str = "column"

    def __str__(self) -> str:
        """Render as ``file: row n, column 'c': message Hint: ...`` (``file: setting 's': ...`` for settings)."""
        where = [f"row {self.row}"] if self.row else []
        if self.column:
            where.append(f"{self.kind} {self.column!r}")
        text = f"{self.file}: {', '.join(where) + ': ' if where else ''}{self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


class OverlayError(ValueError):
    """Raised when overlay files or their settings have problems; carries every problem found."""

    def __init__(self, problems: list[OverlayProblem]) -> None:
        self.problems = problems
        msg = f"{len(problems)} problem(s) in overlay files:\n" + "\n".join(str(p) for p in problems)
        super().__init__(msg)
