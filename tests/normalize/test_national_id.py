"""National IDs: table cases, python-stdnum as the oracle, and the pure-Python twins.

Intentional differences from python-stdnum (applied in ``id_expected``):

* ``br.cpf``: all-equal digits (``111.111.111-11``) are invalid; their checksum holds, stdnum
  accepts them, the Receita Federal does not issue them.
* ``kr.rrn``: births from 2020-10-01 on carry random digits instead of a checksum, so we accept
  format + birth date; stdnum applies the checksum and rejects ~90 % of them.
* Zero padding: ``es.dni``, ``kr.rrn``, ``br.cpf`` (and ``pe.dni``, ``pe.ce``) lose leading
  zeros in numeric columns; we restore them and validate the padded value (stdnum rejects the
  short text as a length error).
* ``pe.ce`` has no stdnum module and no public check digit: format only (9 digits).
"""

from __future__ import annotations

import random

import pytest
from _normalize_oracles import check_ids, id_cases, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaktriage.normalize import detect_scheme, normalize_exprs
from leaktriage.normalize._id_python import canonical_id, id_is_valid
from leaktriage.vocab import ID_SCHEMES

CASES = [
    pytest.param("pe.dni", "12345678", "12345678", True, id="pe-dni"),
    pytest.param("pe.dni", "1234567", "01234567", True, id="pe-dni-zero-stripped"),
    pytest.param("pe.dni", "1234567.0", "01234567", True, id="pe-dni-excel"),
    pytest.param("pe.dni", "12345678-1", "12345678", True, id="pe-dni-cui-digit"),
    pytest.param("pe.dni", "12345678e", "12345678", True, id="pe-dni-cui-letter"),
    pytest.param("pe.dni", "12345678-9", "12345678", False, id="pe-dni-cui-wrong"),
    pytest.param("pe.dni", "123", None, False, id="pe-dni-short"),
    pytest.param("pe.ruc", "20100047218", "20100047218", True, id="pe-ruc"),
    pytest.param("pe.ruc", "20100047219", "20100047219", False, id="pe-ruc-bad-check"),
    pytest.param("pe.ruc", "30100047218", "30100047218", False, id="pe-ruc-bad-prefix"),
    pytest.param("pe.ce", "001234567", "001234567", True, id="pe-ce"),
    pytest.param("pe.ce", "1234567", "001234567", True, id="pe-ce-padded"),
    pytest.param("es.dni", "12345678-Z", "12345678Z", True, id="es-dni"),
    pytest.param("es.dni", "1234567l", "01234567L", True, id="es-dni-padded-lower"),
    pytest.param("es.dni", "12345678A", "12345678A", False, id="es-dni-bad-letter"),
    pytest.param("es.nie", "X-1234567-L", "X1234567L", True, id="es-nie"),
    pytest.param("es.nie", "Y1234567L", "Y1234567L", False, id="es-nie-bad"),
    pytest.param("kr.rrn", "971013-9019902", "9710139019902", True, id="kr-rrn"),
    pytest.param("kr.rrn", "971013-9019903", "9710139019903", False, id="kr-rrn-bad-check"),
    pytest.param("kr.rrn", "971313-9019902", "9713139019902", False, id="kr-rrn-bad-date"),
    pytest.param("kr.rrn", "211231-3123456", "2112313123456", True, id="kr-rrn-post-2020"),
    pytest.param("br.cpf", "390.533.447-05", "39053344705", True, id="br-cpf"),
    pytest.param("br.cpf", "390.533.447-06", "39053344706", False, id="br-cpf-bad"),
    pytest.param("br.cpf", "111.111.111-11", "11111111111", False, id="br-cpf-all-same"),
    pytest.param("cl.rut", "12.345.678-5", "123456785", True, id="cl-rut"),
    pytest.param("cl.rut", "CL 7.654.321-6", "76543216", True, id="cl-rut-prefix"),
    pytest.param("cl.rut", "012.345.678-5", "123456785", True, id="cl-rut-leading-zero"),
    pytest.param("cl.rut", "12.345.678-K", "12345678K", False, id="cl-rut-bad"),
    pytest.param("mx.curp", "BOXW310820HNERXN09", "BOXW310820HNERXN09", True, id="mx-curp"),
    pytest.param("mx.curp", "boxw-310820-hnerxn-08", "BOXW310820HNERXN08", False, id="mx-curp-bad"),
    pytest.param("mx.curp", "BOXW310820HXXRXN09", "BOXW310820HXXRXN09", False, id="mx-curp-state"),
]


@pytest.mark.parametrize(("scheme", "text", "value", "valid"), CASES)
def test_cases(engine, scheme, text, value, valid):
    [row] = run(engine, normalize_exprs("c", "national_id", scheme=scheme), [text])
    assert row == {"value": value, "valid": valid}
    assert (canonical_id(text, scheme), id_is_valid(text, scheme)) == (value, valid)


@pytest.mark.parametrize("scheme", ID_SCHEMES)
def test_blank_is_null(engine, scheme):
    rows = run(engine, normalize_exprs("c", "national_id", scheme=scheme), [None, "", "  "])
    assert rows == [{"value": None, "valid": None}] * 3


def test_no_scheme_compacts(engine):
    [row] = run(engine, normalize_exprs("c", "national_id"), ["ab-12.3"])
    assert row == {"value": "AB123", "valid": None}


@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(seed=st.integers(0, 2**32 - 1))
@pytest.mark.parametrize("scheme", ID_SCHEMES)
def test_agrees_with_stdnum(engine, scheme, seed):
    checked, bad = check_ids(engine, scheme, id_cases(scheme, random.Random(seed), 1000))
    assert checked == 1000
    assert bad == []


@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(texts=st.lists(st.text(alphabet="0123456789XYZKHM -.", max_size=20), min_size=300))
@pytest.mark.parametrize("scheme", ID_SCHEMES)
def test_sql_equals_python_twin_on_junk(engine, scheme, texts):
    rows = run(engine, normalize_exprs("c", "national_id", scheme=scheme), texts)
    for text, row in zip(texts, rows, strict=True):
        assert row == {"value": canonical_id(text, scheme), "valid": id_is_valid(text, scheme)}, (
            text
        )


@pytest.mark.parametrize(
    ("values", "region", "scheme"),
    [
        pytest.param(["12345678", "87654321", "00123456"], "PE", "pe.dni", id="pe-dni"),
        pytest.param(["20100047218", "20131312955"], "PE", "pe.ruc", id="pe-ruc"),
        pytest.param(["390.533.447-05", "111.444.777-35"], "BR", "br.cpf", id="br-cpf"),
        pytest.param(["12.345.678-5", "7.654.321-6"], "CL", "cl.rut", id="cl-rut"),
        pytest.param(["12345678Z", "X1234567L"], "ES", "es.dni", id="es-mixed"),
        pytest.param(["BOXW310820HNERXN09"], "MX", "mx.curp", id="mx-curp"),
        pytest.param(["971013-9019902"], "KR", "kr.rrn", id="kr-rrn"),
    ],
)
def test_detect_scheme(values, region, scheme):
    found, share = detect_scheme(values, region)
    assert found == scheme
    assert share > 0.4


def test_detect_scheme_nothing():
    assert detect_scheme(["", "hello"], "PE") == (None, 0.0)
    assert detect_scheme([], "PE") == (None, 0.0)
