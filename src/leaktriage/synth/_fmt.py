"""Vectorized formatting of generated values into Arrow string arrays.

Fixed-width values (digit strings, dates, hex keys) are built as one ``uint8`` matrix of ASCII
codes and handed to Arrow as a buffer, which formats a million values in milliseconds; variable
width values are joined with Arrow compute kernels. No per-row Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Sentinel for a missing date in ``int32`` day numbers (days since 1970-01-01).
NO_DATE = np.int32(np.iinfo(np.int32).min)


def days(iso: str) -> int:
    """Day number of an ISO date."""
    return int(np.datetime64(iso, "D").astype(np.int64))


def iso(day: int) -> str:
    """ISO date of a day number."""
    return str(np.datetime64(int(day), "D"))


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digit matrix ``(n, width)`` of non-negative integers, zero-padded."""
    values = np.asarray(values, dtype=np.uint64)
    powers = np.uint64(10) ** np.arange(width - 1, -1, -1, dtype=np.uint64)
    return ((values[:, None] // powers[None, :]) % np.uint64(10) + np.uint64(48)).astype(np.uint8)


def fixed(parts: Sequence[np.ndarray | str], n: int) -> pa.StringArray:
    """Concatenate digit matrices and ASCII literals column-wise into fixed-width strings."""
    blocks = []
    for part in parts:
        if isinstance(part, str):
            lit = np.frombuffer(part.encode("ascii"), dtype=np.uint8)
            blocks.append(np.broadcast_to(lit, (n, lit.size)))
        else:
            blocks.append(part)
    matrix = np.ascontiguousarray(np.hstack(blocks), dtype=np.uint8) if blocks else None
    width = 0 if matrix is None else matrix.shape[1]
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)[: n + 1]
    data = b"" if matrix is None else matrix.tobytes()
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


def number(values: np.ndarray, width: int, prefix: str = "") -> pa.StringArray:
    """Zero-padded decimal strings with an optional ASCII prefix."""
    n = len(values)
    return fixed([prefix, digits(values, width)] if prefix else [digits(values, width)], n)


def with_nulls(arr: pa.Array, missing: np.ndarray) -> pa.Array:
    """``arr`` with nulls where ``missing`` is true."""
    if not missing.any():
        return arr
    return pc.if_else(pa.array(missing), pa.scalar(None, arr.type), arr)


def ymd(day_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers."""
    dt = np.asarray(day_numbers, dtype=np.int64).astype("datetime64[D]")
    years = dt.astype("datetime64[Y]")
    months = dt.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (dt - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def date_str(day_numbers: np.ndarray, style: str) -> pa.Array:
    """Format day numbers: ``iso`` 2025-03-14, ``dmy`` 14/03/2025, ``compact`` 20250314,
    ``dmy-`` 14-03-2025, ``mdy`` 03/14/2025. ``NO_DATE`` becomes null."""
    day_numbers = np.asarray(day_numbers, dtype=np.int32)
    missing = day_numbers == NO_DATE
    safe = np.where(missing, 0, day_numbers)
    y, m, d = ymd(safe)
    n = len(safe)
    yy, mm, dd = digits(y, 4), digits(m, 2), digits(d, 2)
    layouts: dict[str, list[np.ndarray | str]] = {
        "iso": [yy, "-", mm, "-", dd],
        "dmy": [dd, "/", mm, "/", yy],
        "dmy-": [dd, "-", mm, "-", yy],
        "mdy": [mm, "/", dd, "/", yy],
        "compact": [yy, mm, dd],
    }
    return with_nulls(fixed(layouts[style], n), missing)


def hex_keys(rng: np.random.Generator, n: int, nbytes: int = 16) -> pa.StringArray:
    """``n`` random keys of ``nbytes`` bytes as upper-case hex strings."""
    raw = rng.integers(0, 256, size=n * nbytes, dtype=np.uint8).tobytes()
    text = raw.hex().upper().encode("ascii")
    width = 2 * nbytes
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(text))


def luhn_check_digit(payload: np.ndarray) -> np.ndarray:
    """Luhn check digit for each row of an ASCII digit matrix (check digit not included)."""
    d = payload.astype(np.int64) - 48
    # Double every second digit counting from the right of the payload (rightmost doubled).
    doubled = np.zeros(d.shape[1], dtype=bool)
    doubled[::-1][0::2] = True
    dd = np.where(doubled[None, :], d * 2, d)
    dd = np.where(dd > 9, dd - 9, dd)
    total = dd.sum(axis=1)
    return np.asarray((10 - total % 10) % 10, dtype=np.int64)


def with_luhn(payload: np.ndarray) -> np.ndarray:
    """Digit matrix with its Luhn check digit appended."""
    check = (luhn_check_digit(payload) + 48).astype(np.uint8)
    return np.hstack([payload, check[:, None]])


def table_take(table: Sequence[str], index: np.ndarray) -> pa.Array:
    """Strings of ``table`` at ``index``; negative indexes are null."""
    index = np.asarray(index, dtype=np.int64)
    return pa.array(list(table), pa.string()).take(pa.array(index, mask=index < 0))


def join(parts: Sequence[pa.Array | str], sep: str = "") -> pa.Array:
    """Element-wise join; null parts are skipped, literal strings broadcast."""
    return pc.binary_join_element_wise(*parts, sep, null_handling="skip")


def to_str(values: np.ndarray) -> pa.Array:
    """Decimal strings of integers without padding."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def sorted_unique(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` distinct integers in ``[low, high)``, ascending, spread evenly with random gaps."""
    span = high - low
    if n > span:
        raise ValueError("range too small")
    mean_gap = span / max(n, 1)
    gaps = rng.integers(1, max(2, int(1.8 * mean_gap)), size=n, dtype=np.int64)
    values = np.cumsum(gaps) - 1
    if n and values[-1] >= span:  # rare overshoot: fall back to an exact sample
        values = np.sort(rng.choice(span, size=n, replace=False).astype(np.int64))
    return np.asarray(values + low, dtype=np.int64)


def assemble(
    selector: np.ndarray, builders: Sequence[Callable[[np.ndarray], pa.Array]]
) -> pa.Array:
    """Row ``i`` is ``builders[selector[i]]`` applied to ``i``: each builder runs only on its
    rows (cheaper than building every variant for all rows and picking with ``if_else``)."""
    selector = np.asarray(selector, dtype=np.int64)
    order = np.argsort(selector, kind="stable")
    bounds = np.searchsorted(selector[order], np.arange(len(builders) + 1))
    pieces = [
        builders[k](order[bounds[k] : bounds[k + 1]]).cast(pa.string())
        for k in range(len(builders))
    ]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(pieces).take(pa.array(inverse))
