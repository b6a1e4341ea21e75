"""Classification on schemas nobody here wrote: every column of every table of
:mod:`classify_schemas` (Chinook, Sakila, MySQL employees, Northwind, an HSS, a Peruvian CRM,
a Korean subscriber table) gets its expected type, for the seeded values and for others."""

from __future__ import annotations

import datetime as dt
import random

import classify_schemas as cs
import pyarrow as pa
import pytest

from leaktriage.classify import classify_columns

TODAY = dt.date(2026, 11, 25)


def _wrong(table: cs.Table, arrow: pa.Table) -> dict[str, tuple[str, str]]:
    guesses = classify_columns(arrow, region=table.region, today=TODAY, table=table.name)
    return {
        g.name: (g.type, expected)
        for g, expected in zip(guesses, table.expected(), strict=True)
        if g.type != expected
    }


@pytest.mark.parametrize("table", [pytest.param(t, id=t.id) for t in cs.TABLES])
def test_schema(table: cs.Table) -> None:
    assert _wrong(table, table.arrow()) == {}  # {column: (got, expected)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_schemas_other_draws(seed: int) -> None:
    """The expectations hold for other draws of the same shapes, not for one lucky sample."""
    wrong = {}
    for table in cs.TABLES:
        rng = random.Random(f"{table.id}-{seed}")
        arrow = pa.table(
            {name: pa.array(gen(rng, table.rows), pa.string()) for name, gen, _ in table.columns}
        )
        wrong.update({f"{table.id}.{k}": v for k, v in _wrong(table, arrow).items()})
    assert wrong == {}


def test_join_tables_hold_no_personal_column() -> None:
    """What the lead's table chooser counts: a join table is two keys, nothing personal."""
    for table in cs.TABLES:
        if table.name in ("PlaylistTrack", "InvoiceLine", "inventory", "dept_emp"):
            guesses = classify_columns(table.arrow(), table=table.name, today=TODAY)
            assert {g.type for g in guesses} <= {"other", "date"}, table.id


def accuracy() -> tuple[int, int]:
    """``(columns right, columns)`` over the generated schemas: the figure reported."""
    right = total = 0
    for table in cs.TABLES:
        total += len(table.columns)
        right += len(table.columns) - len(_wrong(table, table.arrow()))
    return right, total
