"""Value helpers: date formats, the Luhn check, even sampling."""

from __future__ import annotations

import datetime as dt

import pytest

from leaktriage.classify._dates import parse_date
from leaktriage.classify._values import luhn_ok, sample_values


@pytest.mark.parametrize(
    ("value", "numeric", "expected"),
    [
        pytest.param("1985-03-12", False, dt.date(1985, 3, 12), id="iso"),
        pytest.param("2020-01-02T10:00:00Z", False, dt.date(2020, 1, 2), id="iso-time"),
        pytest.param("31/12/1999", False, dt.date(1999, 12, 31), id="dmy"),
        pytest.param("12/31/1999", False, dt.date(1999, 12, 31), id="mdy-when-unambiguous"),
        pytest.param("05/07/85", False, dt.date(1985, 7, 5), id="two-digit-year"),
        pytest.param("19850312", False, dt.date(1985, 3, 12), id="compact"),
        pytest.param("12-ene-1985", False, dt.date(1985, 1, 12), id="es-month"),
        pytest.param("3 de enero de 1990", False, dt.date(1990, 1, 3), id="es-long"),
        pytest.param("1 janeiro 1999", False, dt.date(1999, 1, 1), id="pt-month"),
        pytest.param("12 Sept 2001", False, dt.date(2001, 9, 12), id="en-month"),
        pytest.param("44000", True, dt.date(2020, 6, 18), id="excel-serial"),
        pytest.param("44000", False, None, id="serial-needs-header"),
        pytest.param("1600000000", True, dt.date(2020, 9, 13), id="epoch-s"),
        pytest.param("1600000000000", True, dt.date(2020, 9, 13), id="epoch-ms"),
        pytest.param("31/02/1999", False, None, id="no-such-day"),
        pytest.param("12345678", False, None, id="dni-is-not-a-date"),
    ],
)
def test_parse_date(value: str, numeric: bool, expected: dt.date | None) -> None:
    assert parse_date(value, numeric=numeric) == expected


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        pytest.param("490154203237518", True, id="imei-example"),
        pytest.param("490154203237519", False, id="imei-bad"),
        pytest.param("8944500102198304826", True, id="iccid-example"),
    ],
)
def test_luhn(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


def test_sample_values_spans_the_column() -> None:
    values = [str(i) for i in range(10_000)]
    picked = sample_values(values, 100)
    assert len(picked) == 100 and picked[0] == "0" and int(picked[-1]) > 9_800
