"""Dates: per-column format detection and SQL parsing (checked against the Python twin)."""

from __future__ import annotations

import datetime as dt

import pytest
from _normalize_oracles import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaktriage.normalize import DATE_FORMATS, detect_date_format, normalize_exprs
from leaktriage.normalize.dates import _parse_py

D = dt.date(1990, 2, 1)


@pytest.mark.parametrize(
    ("fmt", "text", "value"),
    [
        pytest.param("dd/mm/yyyy", "01/02/1990", D, id="dmy"),
        pytest.param("dd/mm/yyyy", "1/2/1990", D, id="dmy-short"),
        pytest.param("d/m/yyyy", "1/2/1990", D, id="d-m"),
        pytest.param("dd/mm/yyyy", "31/02/1990", None, id="no-such-day"),
        pytest.param("yyyy-mm-dd", "1990-02-01", D, id="iso"),
        pytest.param("yyyymmdd", "19900201", D, id="compact"),
        pytest.param("yyyymmdd", "1990021", None, id="compact-7-digits"),
        pytest.param("dd-mm-yyyy", "01-02-1990", D, id="dashes"),
        pytest.param("yyyy-mm-dd hh:mm:ss", "1990-02-01 23:59:59", D, id="timestamp"),
        pytest.param("yyyy-mm-dd hh:mm:ss", "1990-02-01T10:00:00.123", D, id="timestamp-t"),
        pytest.param("excel", "32905", D, id="excel"),
        pytest.param("excel", "32905.5", D, id="excel-fraction"),
        pytest.param("epoch", "633830400", D, id="epoch"),
        pytest.param("epoch", "633830400000", None, id="epoch-12-digits"),
        pytest.param("mm/dd/yyyy", "02/01/1990", D, id="mdy"),
        pytest.param("dd/mm/yyyy", "01/02/1890", None, id="before-1900"),
        pytest.param("dd/mm/yyyy", "01/02/2190", None, id="after-2100"),
        pytest.param("dd/mm/yyyy", "", None, id="blank"),
        pytest.param(None, "1990-02-01", D, id="default-iso"),
        pytest.param(None, "01/02/1990", D, id="default-dmy"),
        pytest.param(None, "junk", None, id="default-junk"),
    ],
)
def test_parse(engine, fmt, text, value):
    [row] = run(engine, normalize_exprs("c", "birth_date", date_format=fmt), [text])
    assert row["value"] == value


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        pytest.param(["01/02/1990", "13/02/1990", "x"], "dd/mm/yyyy", id="dmy"),
        pytest.param(["02/13/1990", "01/02/1990"], "mm/dd/yyyy", id="mdy-when-forced"),
        pytest.param(["01/02/1990", "03/04/1990"], "dd/mm/yyyy", id="ambiguous-day-first"),
        pytest.param(["19900201", "20001231"], "yyyymmdd", id="compact-not-epoch"),
        pytest.param(["32905", "40000"], "excel", id="excel"),
        pytest.param(["633830400", "1000000000"], "epoch", id="epoch"),
        pytest.param(["1990-02-01 10:00:00"], "yyyy-mm-dd hh:mm:ss", id="timestamp"),
        pytest.param(["1990-02-01"], "yyyy-mm-dd", id="iso"),
        pytest.param(["hello", ""], None, id="nothing"),
    ],
)
def test_detect(values, fmt):
    assert detect_date_format(values) == fmt


def test_unknown_format():
    with pytest.raises(ValueError, match="date format"):
        normalize_exprs("c", "date", date_format="%d%m")


_date_texts = st.one_of(
    st.dates(dt.date(1850, 1, 1), dt.date(2150, 12, 31)).map(
        lambda d: f"{d.day}/{d.month}/{d.year}"
    ),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    st.dates().map(lambda d: d.isoformat()),
    st.integers(-10, 80000).map(str),
    st.integers(-(10**11), 10**13).map(str),
    st.text(alphabet="0123456789/-. :T", max_size=20),
)


@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(texts=st.lists(_date_texts, min_size=400))
@pytest.mark.parametrize("fmt", list(DATE_FORMATS))
def test_sql_equals_python(engine, fmt, texts):
    rows = run(engine, normalize_exprs("c", "date", date_format=fmt), texts)
    for text, row in zip(texts, rows, strict=True):
        assert row["value"] == _parse_py(text, fmt), text
