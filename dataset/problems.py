"""Problems found in ``data/``: one message per problem, naming file, record and field."""

from __future__ import annotations

from dataclasses import dataclass, field


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
        text = f"{self.file}: record {self.record!r}, field {self.field!r}: {self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


class DataError(ValueError):
    """Raised when ``data/`` has problems; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        msg = f"{len(problems)} problem(s) in data:\n" + "\n".join(str(p) for p in problems)
        super().__init__(msg)


@dataclass
class ProblemLog:
    """Collects problems so that all are reported at once."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, file: str, record: str, field_: str, message: str, hint: str = "") -> None:
        """Record one problem."""
        self.problems.append(Problem(file, record, field_, message, hint))

    def raise_if_any(self) -> None:
        """Raise :class:`DataError` when any problem was recorded."""
        if self.problems:
            raise DataError(self.problems)
