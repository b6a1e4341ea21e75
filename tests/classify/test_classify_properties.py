"""Property tests: any column names (unicode, empty, huge, repeated), any values and any table
name never make ``classify_columns`` raise, and the same input gives the same output."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaktriage.classify import ColumnGuess, classify_columns
from leaktriage.vocab import COLUMN_TYPES

TODAY = dt.date(2026, 11, 25)

_names = st.one_of(
    st.text(max_size=40),
    st.just(""),
    st.text(alphabet="가입자번호고객휴대폰IMSI_id.()", max_size=20),
    st.sampled_from(["id", "customer_id", "emp_no", "phone", "celular", "col_1", "a.b.id"]),
    st.text(min_size=2000, max_size=10_000, alphabet="ab_.Id9"),
)
_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=0, max_value=10**16).map(str),
    st.sampled_from(["", "NULL", "987654321", "+1 (403) 262-3443", "CL00012345", "1", "2"]),
    st.text(alphabet="0123456789+-() ", max_size=18),
)


@st.composite
def _tables(draw: st.DrawFn) -> pa.Table:
    width = draw(st.integers(min_value=0, max_value=6))
    rows = draw(st.integers(min_value=0, max_value=40))
    names = [draw(_names) for _ in range(width)]
    if width and draw(st.booleans()):
        names.append(names[0])  # a repeated header
    columns = []
    for _ in names:
        if draw(st.booleans()):
            start = draw(st.integers(min_value=0, max_value=10**8))
            columns.append(pa.array([str(start + i) for i in range(rows)], pa.string()))
        else:
            cells = draw(st.lists(_values, min_size=rows, max_size=rows))
            columns.append(pa.array(cells, pa.string()))
    return pa.Table.from_arrays(columns, names=names)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    table=_tables(),
    table_name=st.one_of(st.none(), st.text(max_size=60), st.sampled_from(["Customer", "가입자"])),
    region=st.sampled_from(["PE", "KR", "ES", "US", "ZZ"]),
)
def test_never_raises_and_is_deterministic(
    table: pa.Table, table_name: str | None, region: str
) -> None:
    first = classify_columns(table, region=region, today=TODAY, table=table_name)
    second = classify_columns(table, region=region, today=TODAY, table=table_name)
    assert first == second
    assert [g.name for g in first] == table.column_names
    for guess in first:
        assert isinstance(guess, ColumnGuess)
        assert guess.type in COLUMN_TYPES
        assert 0.0 <= guess.confidence <= 1.0
        out = guess.to_json()
        assert {"name", "type", "confidence"} <= set(out)
