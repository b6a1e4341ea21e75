"""IMSI, ICCID, IMEI and SIM secrets; python-stdnum (imsi, luhn, imei) as the oracle.

Documented differences: none on the generated values. The IMSI MNC split follows the MNC length
rules of :mod:`leaktriage.normalize._imsi_meta` (from stdnum's table); for MCCs whose networks
mix 2- and 3-digit MNCs outside the listed exceptions, stdnum's prefix lookup may differ.
"""

from __future__ import annotations

import random

import pytest
from _normalize_oracles import check_iccid, check_imei, check_imsi, imsi_cases, luhn_cases, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaktriage.normalize import normalize_exprs

IMSI = [
    pytest.param("716061234567890", ("716", "06", "Movistar", True), id="pe-movistar"),
    pytest.param("716 10 1234567890", ("716", "10", "Claro", True), id="pe-claro-spaced"),
    pytest.param("716171234567890", ("716", "17", "Entel", True), id="pe-entel"),
    pytest.param("716151234567890", ("716", "15", "Bitel", True), id="pe-bitel"),
    pytest.param("450051234567890", ("450", "05", "SK Telecom", True), id="kr-skt"),
    pytest.param("450081234567890", ("450", "08", "KT", True), id="kr-kt"),
    pytest.param("450061234567890", ("450", "06", "LG U+", True), id="kr-lgu"),
    pytest.param("214071234567890", ("214", "07", "Movistar", True), id="es-movistar"),
    pytest.param("214041234567890", ("214", "04", "Yoigo", True), id="es-yoigo"),
    pytest.param("214700123456789", ("214", "700", None, True), id="es-3-digit-mnc"),
    pytest.param("724311234567890", ("724", "31", "Oi", True), id="br-oi"),
    pytest.param("334020123456789", ("334", "020", "Telcel", True), id="mx-3-digit"),
    pytest.param("310260123456789", ("310", "260", None, True), id="us-3-digit"),
    pytest.param("7.16061234567891E14", ("716", "06", "Movistar", True), id="excel"),
    pytest.param("123991234567890", ("123", "99", None, False), id="unknown-mcc"),
    pytest.param("71606123", (None, None, None, False), id="short"),
]


@pytest.mark.parametrize(("text", "expected"), IMSI)
def test_imsi_cases(engine, text, expected):
    [row] = run(engine, normalize_exprs("c", "imsi"), [text])
    assert (row["mcc"], row["mnc"], row["operator"], row["valid"]) == expected


@pytest.mark.parametrize(
    ("text", "value", "valid"),
    [
        pytest.param("89510600000000000014", "89510600000000000014", True, id="iccid-20"),
        pytest.param("8951 0600 0000 0000 0014", "89510600000000000014", True, id="spaced"),
        pytest.param("8951060000000000001F", "8951060000000000001", False, id="f-filler"),
        pytest.param("89510600000000000015", "89510600000000000015", False, id="bad-luhn"),
        pytest.param("12345678901234567890", None, False, id="not-89"),
        pytest.param("", None, None, id="blank"),
    ],
)
def test_iccid_cases(engine, text, value, valid):
    [row] = run(engine, normalize_exprs("c", "iccid"), [text])
    assert row == {"value": value, "valid": valid}


@pytest.mark.parametrize(
    ("text", "value", "valid"),
    [
        pytest.param("490154203237518", "490154203237518", True, id="imei-15"),
        pytest.param("49-015420-323751-8", "490154203237518", True, id="dashed"),
        pytest.param("49015420323751", "490154203237518", True, id="imei-14"),
        pytest.param("4901542032375181", "490154203237518", True, id="imeisv-16"),
        pytest.param("490154203237519", "490154203237519", False, id="bad-luhn"),
        pytest.param("4901542", None, False, id="short"),
        pytest.param(None, None, None, id="null"),
    ],
)
def test_imei_cases(engine, text, value, valid):
    [row] = run(engine, normalize_exprs("c", "imei"), [text])
    assert row == {"value": value, "valid": valid}


@pytest.mark.parametrize("ctype", ["ki", "opc"])
@pytest.mark.parametrize(
    ("text", "present", "valid"),
    [
        pytest.param("000102030405060708090A0B0C0D0E0F", True, True, id="hex"),
        pytest.param("0x000102030405060708090a0b0c0d0e0f", True, True, id="0x"),
        pytest.param("00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F", True, True, id="colons"),
        pytest.param("00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F", True, True, id="spaces"),
        pytest.param("000102030405060708090A0B0C0D0E", True, False, id="120-bit"),
        pytest.param("zz0102030405060708090A0B0C0D0E0F", True, False, id="not-hex"),
        pytest.param("NULL", False, None, id="null-marker"),
        pytest.param("", False, None, id="blank"),
        pytest.param(None, False, None, id="null"),
    ],
)
def test_secrets_have_no_value(engine, ctype, text, present, valid):
    exprs = normalize_exprs("c", ctype)
    assert "value" not in exprs
    [row] = run(engine, exprs, [text])
    assert row == {"present": present, "valid": valid}


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(seed=st.integers(0, 2**32 - 1))
def test_agrees_with_stdnum(engine, seed):
    rng = random.Random(seed)
    for checked, bad in (
        check_imsi(engine, imsi_cases(rng, 1500)),
        check_iccid(engine, luhn_cases(rng, 1500, (19, 20, 18, 21), "89")),
        check_imei(engine, luhn_cases(rng, 1500, (14, 15, 15, 16, 13))),
    ):
        assert checked == 1500
        assert bad == []
