"""7z extraction into the ingest's spool, with the limits enforced on every write.

py7zr decompresses a 7z archive solid block by solid block and hands each member's bytes to a
writer that we give it (:class:`WriterFactory`), so members never touch the disk in clear:
they go to the :class:`~._spool.Spool` (memory, or sealed chunks). Every write advances one
budget source of the ingest, so a bomb whose declared sizes lie is stopped while it expands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

from py7zr.io import Py7zIO, WriterFactory

from leaktriage.errors import InputError

from ._spool import Spooled, SpoolWriter

if TYPE_CHECKING:
    from ._archive import Workdir

__all__ = ["extract_7z"]


class _Budgeted:
    """Totals of one extraction, reported to the ingest's budget as one source."""

    def __init__(self, work: Workdir, display: str) -> None:
        self._work = work
        self._display = display
        self._source = work.budget.new_source()
        self.out = 0
        self.error: InputError | None = None

    def add(self, n: int) -> None:
        self.out += n
        try:
            self._work.budget.advance(self._source, self.out, self._display)
        except InputError as error:
            # py7zr may wrap what a writer raises (worker threads): keep it to raise again.
            self.error = error
            raise


class _SpoolingWriter(Py7zIO):
    def __init__(self, writer: SpoolWriter, budget: _Budgeted) -> None:
        self._writer = writer
        self._budget = budget
        self.spooled: Spooled | None = None

    def write(self, s: bytes | bytearray) -> int:
        self._budget.add(len(s))
        return self._writer.write(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._writer.size

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self._writer.size

    def close(self) -> None:
        if self.spooled is None:
            self.spooled = self._writer.finish()

    def abort(self) -> None:
        self._writer.abort()


class _Factory(WriterFactory):
    def __init__(self, work: Workdir, budget: _Budgeted) -> None:
        self._work = work
        self._budget = budget
        self.writers: dict[str, _SpoolingWriter] = {}

    def create(self, filename: str) -> Py7zIO:
        writer = _SpoolingWriter(self._work.spool.writer(), self._budget)
        self.writers[filename] = writer
        return writer

    def finish(self) -> dict[str, Spooled]:
        out: dict[str, Spooled] = {}
        for name, writer in self.writers.items():
            writer.close()
            assert writer.spooled is not None
            out[name] = writer.spooled
        return out

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.abort()


def extract_7z(
    open_archive: Callable[[], BinaryIO], wanted: list[str], work: Workdir, display: str
) -> dict[str, Spooled]:
    """Extract ``wanted`` members into the spool; returns member name → spooled copy."""
    import py7zr

    budget = _Budgeted(work, display)
    factory = _Factory(work, budget)
    try:
        with open_archive() as fp, py7zr.SevenZipFile(fp, mode="r") as archive:
            archive.extract(targets=wanted, factory=factory)
    except InputError:
        factory.abort()
        raise
    except Exception:  # py7zr wraps worker errors in its own types
        factory.abort()
        if budget.error is not None:
            raise budget.error from None
        raise InputError("damaged 7z archive", path=display) from None
    if budget.error is not None:
        factory.abort()
        raise budget.error
    wanted_set = set(wanted)
    return {name: s for name, s in factory.finish().items() if name in wanted_set}
