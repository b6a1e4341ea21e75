"""Phone normalizer: table cases, then phonenumbers as the oracle on generated numbers.

Intentional differences from phonenumbers (excluded from the generated comparison, pinned by
table cases here):

* ``00`` is always the international prefix; libphonenumber wants Korea's ``001``/``002``,
  Brazil's and Colombia's carrier-selecting ``00 xx`` and reads Chile's ``1810...`` national
  numbers as international dialling. Leaks write ``00`` + country code.
* Mexico's retired mobile ``1`` (``+52 1 55 ...``) and trunk prefixes ``01``/``044``/``045`` are
  dropped when ten digits remain: leaks from before 2019 are full of them, libphonenumber 8.12+
  calls them invalid.
* Numbers only possible locally (a Lima number without its area code) get no value: E.164 needs
  the full number.
* Letters are never keypad digits and junk around digits is ignored (libphonenumber extracts the
  first plausible number from free text).
"""

from __future__ import annotations

import random

import pytest
from _normalize_oracles import check_phones, phone_cases, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaktriage.normalize import normalize_exprs

CASES = [
    pytest.param("+51 987 654 321", "PE", "+51987654321", True, "PE", id="pe-plus-spaced"),
    pytest.param("0051987654321", "PE", "+51987654321", True, "PE", id="pe-00"),
    pytest.param("(+51) 987-654-321", "PE", "+51987654321", True, "PE", id="pe-parens"),
    pytest.param("51987654321", "PE", "+51987654321", True, "PE", id="pe-bare-cc"),
    pytest.param("987654321", "PE", "+51987654321", True, "PE", id="pe-national"),
    pytest.param("987 654 321", "PE", "+51987654321", True, "PE", id="pe-national-spaced"),
    pytest.param("987-654-321", "PE", "+51987654321", True, "PE", id="pe-national-dashed"),
    pytest.param("9.87654321E8", "PE", "+51987654321", True, "PE", id="pe-excel-sci"),
    pytest.param("987654321.0", "PE", "+51987654321", True, "PE", id="pe-excel-dot0"),
    pytest.param(" 987654321 ", "PE", "+51987654321", True, "PE", id="pe-padded"),
    pytest.param("01 234 5678", "PE", "+5112345678", False, "PE", id="pe-lima-fixed-not-mobile"),
    pytest.param("+34 612 34 56 78", "PE", "+34612345678", True, "ES", id="es-plus"),
    pytest.param("612345678", "ES", "+34612345678", True, "ES", id="es-national"),
    pytest.param("010-1234-5678", "KR", "+821012345678", True, "KR", id="kr-national-trunk"),
    pytest.param("+82 10-1234-5678", "PE", "+821012345678", True, "KR", id="kr-plus"),
    pytest.param("(11) 91234-5678", "BR", "+5511912345678", True, "BR", id="br-national"),
    pytest.param("0 15 11 91234-5678", "BR", "+5511912345678", True, "BR", id="br-carrier"),
    pytest.param("+52 1 55 1234 5678", "PE", "+525512345678", True, "MX", id="mx-retired-1"),
    pytest.param("044 55 1234 5678", "MX", "+525512345678", True, "MX", id="mx-retired-044"),
    pytest.param("+56 9 6123 4567", "PE", "+56961234567", True, "CL", id="cl-plus"),
    pytest.param("00821012345678", "KR", "+821012345678", True, "KR", id="kr-00-intentional"),
    pytest.param("+1 212 555 0100", "PE", "+12125550100", None, None, id="unknown-country"),
    pytest.param("12", "PE", None, False, None, id="too-short"),
    pytest.param("", "PE", None, None, None, id="empty"),
    pytest.param("   ", "PE", None, None, None, id="blank"),
    pytest.param("n/a", "PE", None, False, None, id="junk"),
    pytest.param(None, "PE", None, None, None, id="null"),
]


@pytest.mark.parametrize(("text", "region", "value", "valid", "country"), CASES)
def test_msisdn_cases(engine, text, region, value, valid, country):
    [row] = run(engine, normalize_exprs("c", "msisdn", region=region), [text])
    assert row == {"value": value, "valid": valid, "country": country}


def test_phone_accepts_fixed_lines(engine):
    rows = run(engine, normalize_exprs("c", "phone", region="PE"), ["01 234 5678", "987654321"])
    assert [r["valid"] for r in rows] == [True, True]


def test_unknown_region_is_rejected():
    with pytest.raises(ValueError, match="region"):
        normalize_exprs("c", "phone", region="XX")


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
@given(seed=st.integers(0, 2**32 - 1), ctype=st.sampled_from(["msisdn", "phone"]))
def test_agrees_with_phonenumbers(engine, seed, ctype):
    cases = phone_cases(random.Random(seed), 1500)
    checked, bad = check_phones(engine, cases, ctype)
    assert checked > 1000
    assert bad == []
