"""The one error tree of leaktriage.

::

    LeakTriageError
     ├── InputError        a file that cannot be read as asked (path, line, column)
     │    └── InputRejected   a file refused by a limit (decompression bomb, size, empty)
     ├── WorkspaceError    a missing, locked or wrongly keyed workspace
     └── EngineError       the engine failed running a statement

Messages never carry a value read from a leak or a reference file: only paths, line and column
numbers, column names and counts. The CLI maps the tree to exit codes in one place
(:data:`EXIT_CODES`); the API will map it to HTTP statuses in one place.
"""

from __future__ import annotations

__all__ = [
    "EXIT_CODES",
    "EngineError",
    "InputError",
    "InputRejected",
    "LeakTriageError",
    "WorkspaceError",
    "exit_code_for",
]


class LeakTriageError(Exception):
    """Base of every error leaktriage raises on purpose."""


class InputError(LeakTriageError):
    """A file that cannot be read as asked.

    ``line`` is 1-based in the (decompressed) text where the format has lines; ``column`` is a
    1-based field position or a column name.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.reason = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class InputRejected(InputError):
    """An input refused by a limit (size, compression ratio, emptiness); nothing was written."""


class WorkspaceError(LeakTriageError):
    """The workspace is missing, unreadable, or opened with a wrong or missing key."""


class EngineError(LeakTriageError):
    """A statement failed in the engine. The message names the step, never a data value."""


EXIT_CODES: dict[type[LeakTriageError], int] = {
    InputRejected: 3,
    InputError: 3,
    WorkspaceError: 4,
    EngineError: 1,
    LeakTriageError: 1,
}


def exit_code_for(error: LeakTriageError) -> int:
    """The CLI exit code of an error: the entry of its nearest class in :data:`EXIT_CODES`."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1
