"""String similarity that Spark SQL lacks, as pure vectorized functions (no engine imported).

Spark has no Jaro-Winkler function; the Spark engine registers :func:`jaro_winkler` as a
vectorized (pandas) UDF under DuckDB's name ``jaro_winkler_similarity``, so that stage SQL is
the same on both engines. DuckDB compares the UTF-8 *bytes* of the two strings and scores two
empty strings 0; so does this function, which makes the scores identical, not merely close
(``tests/engines/test_similarity.py`` checks it against DuckDB).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["jaro_winkler", "jaro_winkler_series"]


def jaro_winkler(left: Sequence[str | None], right: Sequence[str | None]) -> list[float | None]:
    """Jaro-Winkler similarity (prefix weight 0.1) of each pair, ``None`` where either is null."""
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    n = len(left)
    if len(right) != n:
        raise ValueError("jaro_winkler: the two sequences differ in length")
    present = [
        i
        for i in range(n)
        if isinstance(left[i], str) and isinstance(right[i], str) and (left[i] or right[i])
    ]
    out: list[float | None] = [
        0.0 if isinstance(a, str) and isinstance(b, str) else None
        for a, b in zip(left, right, strict=True)
    ]
    if present:
        scores = process.cpdist(
            [str(left[i]).encode("utf-8") for i in present],
            [str(right[i]).encode("utf-8") for i in present],
            scorer=JaroWinkler.normalized_similarity,
            dtype=np.float64,
            workers=1,
        )
        for i, score in zip(present, scores, strict=True):
            out[i] = float(score)
    return out


def jaro_winkler_series(left: Any, right: Any) -> Any:
    """:func:`jaro_winkler` over two pandas Series, as a pandas Series of float64 (the body of
    the Spark UDF; it imports nothing of leaktriage, so Spark ships it to workers by value)."""
    import pandas as pd

    scores = jaro_winkler(
        [v if isinstance(v, str) else None for v in left],
        [v if isinstance(v, str) else None for v in right],
    )
    return pd.Series(scores, dtype="float64")
