"""Phone or MSISDN by the operator's numbering plan, the same for columns written alike."""

from __future__ import annotations

import datetime as dt
import random

import classify_schemas as cs
import classify_synth as s
import pyarrow as pa
import pytest

from leaktriage.classify import classify_columns
from leaktriage.classify._phones import plan_class

TODAY = dt.date(2026, 11, 25)
_NANP = cs.world_phones(["US", "CA"], 0.0, cs._chinook_style)  # "+1 (403) 262-3443"


def _types(columns: dict[str, cs.Gen], *, region: str = "PE", rows: int = 300) -> list[str]:
    rng = random.Random(",".join(columns))
    arrow = pa.table({name: pa.array(gen(rng, rows), pa.string()) for name, gen in columns.items()})
    return [g.type for g in classify_columns(arrow, region=region, today=TODAY)]


def test_customer_and_employee_phones_written_alike_agree() -> None:
    """Chinook: the customers' ``Phone`` (24 countries) and the employees' (all Calgary) are
    written alike; today's code made the first ``phone`` and the second ``msisdn``."""
    customers = next(t for t in cs.CHINOOK if t.name == "Customer")
    employees = next(t for t in cs.CHINOOK if t.name == "Employee")
    found = set()
    for table in (customers, employees):
        guesses = classify_columns(table.arrow(), today=TODAY, table=table.name)
        found |= {(g.name, g.type) for g in guesses if g.name in ("Phone", "Fax")}
    assert found == {("Phone", "phone"), ("Fax", "phone")}


@pytest.mark.parametrize(
    ("header", "gen", "expected"),
    [
        pytest.param("phone", s.pe_mobile, "msisdn", id="phone-of-mobiles"),
        pytest.param("telefono", s.pe_mobile, "msisdn", id="telefono-of-mobiles"),
        pytest.param("telefono_fijo", s.pe_fixed, "phone", id="telefono-fijo"),
        pytest.param("celular", s.pe_fixed, "phone", id="celular-of-landlines"),
        pytest.param("col_1", cs.pe_mobile_51, "msisdn", id="hss-51-prefix"),
        pytest.param("phone", _NANP, "phone", id="phone-nanp"),
        pytest.param("col_1", _NANP, "phone", id="headerless-nanp"),
        pytest.param("celular", _NANP, "msisdn", id="celular-nanp"),
        pytest.param("movil", _NANP, "msisdn", id="movil-nanp"),
        pytest.param("mobile", _NANP, "msisdn", id="mobile-nanp"),
        pytest.param("msisdn", _NANP, "msisdn", id="msisdn-nanp"),
        pytest.param("휴대폰", _NANP, "msisdn", id="ko-mobile-nanp"),
    ],
)
def test_plan_then_header(header: str, gen: cs.Gen, expected: str) -> None:
    """Mobile or fixed numbers decide; numbers a plan cannot tell leave it to the header."""
    assert _types({header: gen}) == [expected]


def test_region_is_the_operators_plan() -> None:
    """``91…`` is a mobile in Peru and a Madrid landline in Spain."""
    madrid = {"telefono": lambda r, n: [f"91{r.randrange(10**7):07d}" for _ in range(n)]}
    assert _types(madrid, region="PE") == ["msisdn"]
    assert _types(madrid, region="ES") == ["phone"]


def _share(mobile_every: int) -> cs.Gen:
    """Peruvian numbers, 9 digits, with a landline every ``mobile_every`` rows."""

    def gen(rng: random.Random, n: int) -> list[str | None]:
        mobiles, fixed = s.pe_mobile(rng, n), cs.pe_fixed_trunk(rng, n)
        return [fixed[i] if i % mobile_every == 0 else mobiles[i] for i in range(n)]

    return gen


def test_columns_written_alike_get_one_type() -> None:
    """A 75 %-mobile and a 95 %-mobile column of the same shape: one population, one type
    (today's code split them across its threshold)."""
    types = _types({"telefono": _share(4), "telefono_contacto": _share(20)})
    assert types[0] == types[1] == "msisdn"


def test_different_populations_are_not_pooled() -> None:
    """Mobiles and landlines of one shape (``9XXXXXXXX`` and ``01XXXXXXX``) stay apart."""
    assert _types({"telefono": s.pe_mobile, "telefono_2": cs.pe_fixed_trunk}) == [
        "msisdn",
        "phone",
    ]


def test_phone_reason_in_json() -> None:
    rng = random.Random(1)
    arrow = pa.table({"celular": pa.array(s.pe_mobile(rng, 100))})
    out = classify_columns(arrow, today=TODAY)[0].to_json()
    assert out["reason"] == "numbering plan (PE): mobile numbers"


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ({"mobile": 0.9, "fixed": 0.1, "either": 0.0}, "mobile"),
        ({"mobile": 0.1, "fixed": 0.9, "either": 0.0}, "fixed"),
        ({"mobile": 0.0, "fixed": 0.3, "either": 0.7}, "either"),
        ({"mobile": 0.5, "fixed": 0.5, "either": 0.0}, "mixed"),
    ],
)
def test_plan_class(shares: dict[str, float], expected: str) -> None:
    assert plan_class(shares) == expected
