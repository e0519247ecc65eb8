"""Problems found in ``data/``: one message per problem, naming file, record and field."""

from __future__ import annotations

from dataclasses import dataclass, field

SHOWN_CHARS = 80
MAX_MESSAGE_CHARS = 600


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    r"""Return ``repr(value)`` cut to ``limit`` characters, saying how long the value was.

    A message echoes the bad value so the user can find it; a 5 MB value must not be echoed
    in full. ``repr`` also makes control and invisible characters visible (``'\x07'``).

    Examples
    --------
    >>> shown("a" * 100, limit=10)
    "'aaaaaaaa… (100 characters)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    count = len(value) if isinstance(value, str | list | tuple | dict) else len(text)
    unit = "items" if isinstance(value, list | tuple | dict) else "characters"
    return f"{text[: limit - 1]}… ({count} {unit})"


def cut(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, saying how long it was (no quoting, unlike :func:`shown`)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text)} characters)"


@dataclass(frozen=True)
class Problem:
    """One problem with one field of one record.

    Parameters
    ----------
    file
        Path of the data file, relative to the data folder.
    record
        Id of the record (or ``#n`` when it has no usable id).
    field
        Dotted path of the field inside the record.
    message
        What is wrong.
    hint
        How to fix it.
    """

    file: str
    record: str
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        """Render as ``file: record 'id', field 'f': message (hint)``."""
        text = f"{self.file}: record {shown(self.record)}, field {shown(self.field)}: {cut(self.message)}"
        if self.hint:
            text += f" Hint: {cut(self.hint)}"
        return text


class DataError(ValueError):
    """Raised when ``data/`` has problems; carries every problem found."""

    def __init__(self, problems: list[Problem], notes: list[str] | None = None) -> None:
        self.problems = problems
        self.notes = notes or []
        msg = f"{len(problems)} problem(s) in data:\n" + "\n".join(str(p) for p in problems)
        super().__init__(msg)


@dataclass
class ProblemLog:
    """Collects problems so that all are reported at once."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # files that gave nothing to check (each with its problem)

    def add(self, file: str, record: str, field_: str, message: str, hint: str = "") -> None:
        """Record one problem."""
        self.problems.append(Problem(file, record, field_, message, hint))

    def add_unreadable(self, file: str, field_: str, message: str, hint: str = "") -> None:
        """Record that ``file`` as a whole cannot be used (what follows from it would only be knock-on problems)."""
        self.unreadable.add(file)
        self.add(file, "(file)", field_, message, hint)

    def raise_if_any(self) -> None:
        """Raise :class:`DataError` when any problem was recorded."""
        if self.problems:
            raise DataError(self.problems, self.notes)
