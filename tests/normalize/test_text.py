"""Names, places, addresses and emails."""

from __future__ import annotations

import pytest
from _normalize_oracles import run

from leaktriage.normalize import normalize_exprs

FULL_NAMES = [
    pytest.param(
        "Juan Carlos Pérez De La Cruz", ("JUAN CARLOS", "PEREZ", "DE LA CRUZ"), id="particles"
    ),
    pytest.param(
        "PÉREZ DE LA CRUZ, Juan Carlos", ("JUAN CARLOS", "PEREZ", "DE LA CRUZ"), id="comma"
    ),
    pytest.param("María José Del Río Núñez", ("MARIA JOSE", "DEL RIO", "NUNEZ"), id="del"),
    pytest.param("José Ortega y Gasset", ("JOSE", "ORTEGA", "Y GASSET"), id="y"),
    pytest.param("Ana Peña", ("ANA", "PENA", None), id="two-words"),
    pytest.param("Ana", ("ANA", None, None), id="one-word"),
    pytest.param("  QUISPE  MAMANI,  ROSA  ", ("ROSA", "QUISPE", "MAMANI"), id="comma-spaces"),
    pytest.param("Seán O'Brien Gómez", ("SEAN", "OBRIEN", "GOMEZ"), id="apostrophe"),
    pytest.param("김민준", ("김민준", None, None), id="hangul-kept"),
    pytest.param("", (None, None, None), id="blank"),
    pytest.param(None, (None, None, None), id="null"),
]


@pytest.mark.parametrize(("text", "parts"), FULL_NAMES)
def test_full_name_split(engine, text, parts):
    [row] = run(engine, normalize_exprs("c", "full_name"), [text])
    assert (row["given"], row["surname1"], row["surname2"]) == parts


def test_full_name_value_is_order_independent(engine):
    rows = run(
        engine,
        normalize_exprs("c", "full_name"),
        ["Juan Carlos Pérez De La Cruz", "PÉREZ DE LA CRUZ, Juan Carlos"],
    )
    assert rows[0]["value"] == rows[1]["value"] == "JUAN CARLOS PEREZ DE LA CRUZ"


@pytest.mark.parametrize(
    ("ctype", "text", "value"),
    [
        pytest.param("given_name", " josé  maría ", "JOSE MARIA", id="given"),
        pytest.param("surname", "Muñoz-Ávila", "MUNOZ AVILA", id="surname-hyphen"),
        pytest.param("city", "São Paulo", "SAO PAULO", id="city"),
        pytest.param("region", "Áncash", "ANCASH", id="region"),
        pytest.param(
            "address", "Av. Arequipa #123, Dpto. 4", "AV AREQUIPA #123 DPTO 4", id="address"
        ),
        pytest.param("city", " -- ", None, id="punctuation-only"),
        pytest.param("postal_code", " 15 074 ", "15074", id="postal"),
        pytest.param("customer_id", "ab-123.0", "AB-123.0", id="customer-id-kept"),
        pytest.param("customer_id", "123456.0", "123456", id="customer-id-excel"),
        pytest.param("plan", " prepago   plus ", "PREPAGO PLUS", id="plan"),
        pytest.param("status", "", None, id="status-blank"),
    ],
)
def test_text_values(engine, ctype, text, value):
    [row] = run(engine, normalize_exprs("c", ctype), [text])
    assert row["value"] == value


@pytest.mark.parametrize(
    ("text", "value", "valid", "domain"),
    [
        pytest.param(
            " Juan.Perez+x@Gmail.COM ", "juan.perez+x@gmail.com", True, "gmail.com", id="ok"
        ),
        pytest.param("mailto:a@b.pe", "a@b.pe", True, "b.pe", id="mailto"),
        pytest.param("a@b", "a@b", False, "b", id="no-tld"),
        pytest.param("a..b@x.com", "a..b@x.com", False, "x.com", id="double-dot"),
        pytest.param("a@@b.com", None, False, None, id="two-at"),
        pytest.param("nobody", None, False, None, id="no-at"),
        pytest.param("", None, None, None, id="blank"),
    ],
)
def test_email(engine, text, value, valid, domain):
    [row] = run(engine, normalize_exprs("c", "email"), [text])
    assert row == {"value": value, "valid": valid, "domain": domain}


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        pytest.param("192.168.0.1", True, id="v4"),
        pytest.param("256.1.1.1", False, id="v4-range"),
        pytest.param("2001:db8::1", True, id="v6"),
        pytest.param("::ffff:10.0.0.1", True, id="v4-mapped"),
        pytest.param("2001:db8:::1", False, id="v6-bad"),
        pytest.param("", None, id="blank"),
    ],
)
def test_ip(engine, text, valid):
    [row] = run(engine, normalize_exprs("c", "ip_address"), [text])
    assert row["valid"] is valid


def test_opaque_keeps_case(engine):
    rows = run(engine, normalize_exprs("c", "password_hash"), ["  $2b$12$AbC ", ""])
    assert rows == [{"value": "$2b$12$AbC", "present": True}, {"value": None, "present": False}]
