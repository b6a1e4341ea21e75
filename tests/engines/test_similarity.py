"""The Jaro-Winkler UDF body scores exactly as DuckDB's jaro_winkler_similarity."""

from __future__ import annotations

import random

import pytest

from leaktriage.engines import Engine
from leaktriage.engines._similarity import jaro_winkler


def _pairs(n: int, seed: int) -> list[tuple[str | None, str | None]]:
    rng = random.Random(seed)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ÑÁÉ"
    pairs: list[tuple[str | None, str | None]] = []
    for _ in range(n):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        b = list(a)
        for _ in range(rng.randint(0, 3)):
            if b:
                b[rng.randrange(len(b))] = rng.choice(alphabet)
        pairs.append((a, "".join(b)))
    pairs += [("", ""), ("A", ""), (None, "A"), ("A", None), (None, None)]
    pairs += [("JUAN CARLOS", "JUAN"), ("QUISPE MAMANI", "MAMANI QUISPE"), ("MARTHA", "MARHTA")]
    return pairs


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_duckdb(engine: Engine, seed: int) -> None:
    pairs = _pairs(3000, seed)
    engine.execute("create table p (i int, a varchar, b varchar)")
    for i, (a, b) in enumerate(pairs):
        engine.execute("insert into p values (?, ?, ?)", [i, a, b])
    duck = [
        r[0] for r in engine.fetch_rows("select jaro_winkler_similarity(a, b) from p order by i")
    ]
    ours = jaro_winkler([p[0] for p in pairs], [p[1] for p in pairs])
    assert ours == duck


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError):
        jaro_winkler(["A"], [])
