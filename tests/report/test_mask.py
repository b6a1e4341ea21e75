"""Masks for values shown in reports: what each column type keeps, and that nothing else leaks."""

from __future__ import annotations

import pytest

from leaktriage.report.mask import REDACTED, mask_value

CASES = [
    # names: initials only
    pytest.param("Juana Quispe Rojas", "full_name", "J*** Q*** R***", id="full-name"),
    pytest.param("juana", "given_name", "J***", id="given-name-lowercase"),
    pytest.param("QUISPE  ROJAS", "surname", "Q*** R***", id="surname-double-space"),
    pytest.param("Ñahui, María-José", "full_name", "Ñ*** M***", id="name-comma-accents"),
    pytest.param("123 456", "full_name", "***", id="name-without-letters"),
    # identifiers: a fixed run of stars, then the last four
    pytest.param("987654821", "msisdn", "*****4821", id="msisdn"),
    pytest.param("+51 987 654 821", "phone", "*****4821", id="phone-formatted"),
    pytest.param("45871234", "national_id", "*****1234", id="dni"),
    pytest.param("123.456.789-09", "national_id", "*****8909", id="cpf-punctuated"),
    pytest.param("716061234567890", "imsi", "*****7890", id="imsi"),
    pytest.param("8951101234567890123", "iccid", "*****0123", id="iccid"),
    pytest.param("356938035643809", "imei", "*****3809", id="imei"),
    pytest.param("A123456789", "customer_id", "*****6789", id="customer-id"),
    pytest.param("1234567", "national_id", "*****", id="short-id-shows-nothing"),
    # emails
    pytest.param("juana.q@gmail.com", "email", "j***@g***.com", id="email"),
    pytest.param("J.Quispe@Movistar.COM.PE", "email", "j***@m***.pe", id="email-subdomain-case"),
    pytest.param("not-an-email", "email", "***", id="email-without-at"),
    pytest.param("a@localhost", "email", "a***@***", id="email-without-tld"),
    # dates: year only
    pytest.param("17/04/1985", "birth_date", "1985-**-**", id="date-dmy"),
    pytest.param("1985-04-17", "birth_date", "1985-**-**", id="date-iso"),
    pytest.param("19850417", "birth_date", "1985-**-**", id="date-compact"),
    pytest.param("2024-11-02 10:31:00", "date", "2024-**-**", id="timestamp"),
    pytest.param("17/04/85", "birth_date", "'85-**-**", id="date-two-digit-year"),
    pytest.param("April 17th", "birth_date", "****-**-**", id="date-unparsed"),
    # addresses: street type only
    pytest.param("Av. Javier Prado Este 123", "address", "Av. ***", id="address-av"),
    pytest.param("Calle Los Pinos 45 Dpto 3", "address", "Calle ***", id="address-calle"),
    pytest.param("Jr. Huallaga 310", "address", "Jr. ***", id="address-jr"),
    pytest.param("Rua Augusta 1500", "address", "Rua ***", id="address-rua"),
    pytest.param("Los Pinos 45", "address", "***", id="address-no-street-type"),
    # secrets: never anything
    pytest.param("465B5CE8B199B49FAA5F0A2EE238A6BC", "ki", REDACTED, id="ki"),
    pytest.param("CD63CB71954A9F4E48A5994E37A02BAF", "opc", REDACTED, id="opc"),
    pytest.param("$2b$12$abcdefghijklmnopqrstuv", "password_hash", REDACTED, id="password-hash"),
    # everything else
    pytest.param("Miraflores", "city", "***", id="city"),
    pytest.param("10.0.0.7", "ip_address", "***", id="ip"),
    pytest.param("secret", "other", "***", id="other"),
    pytest.param("secret", "no_such_type", "***", id="unknown-type"),
    pytest.param("secret", "", "***", id="empty-type"),
    # blanks
    pytest.param(None, "msisdn", "", id="none"),
    pytest.param("   ", "full_name", "", id="blank"),
]


@pytest.mark.parametrize(("value", "ctype", "expected"), CASES)
def test_mask_value(value: str | None, ctype: str, expected: str) -> None:
    assert mask_value(value, ctype) == expected


@pytest.mark.parametrize(("value", "ctype", "expected"), CASES)
def test_masks_are_idempotent(value: str | None, ctype: str, expected: str) -> None:
    """Masking a masked value changes nothing, so outputs can always mask again."""
    assert mask_value(expected, ctype) == expected


@pytest.mark.parametrize(
    ("value", "ctype", "forbidden"),
    [
        pytest.param("987654821", "msisdn", ["98765", "987"], id="msisdn"),
        pytest.param("45871234", "national_id", ["4587", "58712"], id="dni"),
        pytest.param("juana.quispe@gmail.com", "email", ["juana", "quispe", "gmail"], id="email"),
        pytest.param("Juana Quispe", "full_name", ["uana", "uispe"], id="name"),
        pytest.param("17/04/1985", "birth_date", ["17", "04"], id="dob"),
        pytest.param(
            "Av. Javier Prado Este 123", "address", ["Javier", "Prado", "123"], id="address"
        ),
    ],
)
def test_mask_never_contains_the_identifying_part(
    value: str, ctype: str, forbidden: list[str]
) -> None:
    masked = mask_value(value, ctype).lower()
    for part in forbidden:
        assert part.lower() not in masked


def test_identifier_length_is_hidden() -> None:
    assert len(mask_value("12345678", "national_id")) == len(
        mask_value("8951101234567890123", "iccid")
    )


def test_non_string_values_are_masked() -> None:
    assert mask_value(987654821, "msisdn") == "*****4821"
    assert mask_value(19850417, "birth_date") == "1985-**-**"
