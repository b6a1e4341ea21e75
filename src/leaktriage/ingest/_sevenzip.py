"""7z extraction into the private work directory, with limits enforced on every write."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from py7zr.io import Py7zIO, WriterFactory

from leaktriage.errors import InputError

from ._limits import check_limits
from ._model import IngestOptions

if TYPE_CHECKING:
    from ._archive import Workdir

__all__ = ["extract_7z"]


class _LimitedWriter(Py7zIO):
    def __init__(self, target: Path, budget: _Budget) -> None:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._budget = budget
        self._size = 0

    def write(self, s: bytes | bytearray) -> int:
        self._budget.add(len(s))
        self._size += len(s)
        return self._file.write(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._size

    def flush(self) -> None:
        self._file.flush()

    def size(self) -> int:
        return self._size

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


class _Budget:
    def __init__(self, options: IngestOptions, work: Workdir, display: str, packed: int) -> None:
        self._options = options
        self._work = work
        self._display = display
        self._packed = packed
        self.out = 0
        self.error: InputError | None = None

    def add(self, n: int) -> None:
        self.out += n
        try:
            self._work.account(n)
            check_limits(
                self.out,
                lambda: self._packed,
                self._display,
                self._options.max_input_bytes,
                self._options.max_ratio,
            )
        except InputError as error:
            self.error = error
            raise


class _Factory(WriterFactory):
    def __init__(self, wanted: set[str], work: Workdir, budget: _Budget) -> None:
        self._wanted = wanted
        self._work = work
        self._budget = budget
        self.files: dict[str, Path] = {}
        self.writers: list[_LimitedWriter] = []

    def create(self, filename: str) -> Py7zIO:
        target = self._work.new_file()
        self.files[filename] = target
        writer = _LimitedWriter(target, self._budget)
        self.writers.append(writer)
        return writer

    def close_all(self) -> None:
        for writer in self.writers:
            writer.close()


def extract_7z(
    path: Path, wanted: list[str], options: IngestOptions, work: Workdir, display: str
) -> dict[str, Path]:
    """Extract ``wanted`` members; returns member name → private file."""
    import py7zr

    budget = _Budget(options, work, display, path.stat().st_size)
    factory = _Factory(set(wanted), work, budget)
    try:
        with py7zr.SevenZipFile(path, mode="r") as archive:
            archive.extract(targets=wanted, factory=factory)
    except InputError:
        raise
    except Exception:  # py7zr wraps worker errors in its own types
        if budget.error is not None:
            raise budget.error from None
        raise InputError("damaged 7z archive", path=display) from None
    finally:
        factory.close_all()
    if budget.error is not None:
        raise budget.error
    return {name: p for name, p in factory.files.items() if name in set(wanted)}
