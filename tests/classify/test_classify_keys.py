"""Keys: surrogate keys are ``other``; ``customer_id`` is the customer key alone, decided per
table, with the reason in the column's JSON."""

from __future__ import annotations

import datetime as dt
import random

import classify_schemas as cs
import classify_synth as s
import pyarrow as pa
import pytest

from leaktriage.classify import classify_columns
from leaktriage.classify._keys import (
    is_customer_table,
    is_placeholder,
    is_sequence,
    key_header,
)

TODAY = dt.date(2026, 11, 25)


def _guess(header: str, gen: cs.Gen, *, table: str | None = None, rows: int = 300):  # type: ignore[no-untyped-def]
    rng = random.Random(header)
    arrow = pa.table({header: pa.array(gen(rng, rows), pa.string())})
    return classify_columns(arrow, region="PE", today=TODAY, table=table)[0]


# --- surrogate keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "gen", "table"),
    [
        pytest.param("emp_no", cs.serial(10001), "employees", id="emp_no-was-postal_code"),
        pytest.param("emp_no", cs.grouped(10001, 9), "salaries", id="emp_no-repeated"),
        pytest.param("address_id", cs.foreign(603), "customer", id="address_id-was-address"),
        pytest.param("city_id", cs.foreign(600), "address", id="city_id-was-city"),
        pytest.param("staff_id", cs.choice("1", "2"), "rental", id="staff_id-was-customer_id"),
        pytest.param("inventory_id", cs.foreign(4581), "rental", id="inventory_id"),
        pytest.param("support_rep_id", cs.foreign(5, 3), "Customer", id="support_rep_id"),
        pytest.param("SupportRepId", cs.foreign(5, 3), "Customer", id="SupportRepId"),
        pytest.param("film_id", cs.grouped(1, 5), "inventory", id="film_id"),
        pytest.param("rental_id", cs.foreign(16049, 10000), "payment", id="rental_id-5-digits"),
        pytest.param("PlaylistId", cs.grouped(1, 60), "PlaylistTrack", id="PlaylistId"),
        pytest.param("TrackId", cs.foreign(3503), "PlaylistTrack", id="TrackId"),
        pytest.param("InvoiceLineId", cs.serial(), "InvoiceLine", id="InvoiceLineId-was-msisdn"),
        pytest.param("id_linea", cs.foreign(5000), "facturas", id="id_linea-was-msisdn"),
        pytest.param("id_plan", cs.foreign(12), "clientes", id="id_plan-was-plan"),
        pytest.param("nro_factura", lambda r, n: [f"F001-{i:08d}" for i in range(n)], None,
                     id="invoice-codes-were-customer_id"),
        pytest.param("sqn", cs.hex_text(12), "usim_auth", id="sqn-hex-was-customer_id"),
        pytest.param("id", cs.serial(), "rental", id="id-of-another-table"),
        pytest.param("id", cs.serial(), None, id="id-row-numbers-no-table"),
        pytest.param("telefono", cs.serial(), None, id="row-numbers-under-a-phone-header"),
    ],
)  # fmt: skip
def test_surrogate_keys_are_other(header: str, gen: cs.Gen, table: str | None) -> None:
    guess = _guess(header, gen, table=table)
    assert (guess.type, guess.confidence <= 0.5) == ("other", True)
    assert guess.reason is not None
    assert guess.to_json()["reason"] == guess.reason


@pytest.mark.parametrize(
    ("header", "gen", "expected"),
    [
        pytest.param("phone_no", s.pe_mobile, "msisdn", id="phone_no"),
        pytest.param("mobile_no", s.pe_mobile, "msisdn", id="mobile_no"),
        pytest.param("nro_documento", s.pe_dni, "national_id", id="nro_documento"),
        pytest.param("national_id", s.es_dni_values, "national_id", id="national_id"),
        pytest.param("device_id", s.imei, "imei", id="device_id-imeis"),
        pytest.param("cod_postal", s.postal_pe, "postal_code", id="cod_postal"),
        pytest.param("nro_sim", s.iccid, "iccid", id="nro_sim"),
        pytest.param("msisdn_key", s.pe_mobile, "msisdn", id="msisdn-as-key"),
        pytest.param("sub_id", s.pe_mobile, "msisdn", id="subscriber-keyed-by-msisdn"),
    ],
)
def test_key_headers_whose_values_are_personal_stay_personal(
    header: str, gen: cs.Gen, expected: str
) -> None:
    assert _guess(header, gen).type == expected


def test_sequential_identifiers_are_not_row_numbers() -> None:
    """A provisioning batch: consecutive IMSIs and MSISDNs are identifiers, not a sequence."""
    assert _guess("col_1", cs.sequential_imsi).type == "imsi"
    assert _guess("msisdn", lambda r, n: [str(987000001 + i) for i in range(n)]).type == "msisdn"


# --- the customer key ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["CustomerId", "customer_id", "cod_cliente", "id_cliente", "nro_cuenta", "account_no",
     "고객번호", "abonado_id", "cust_no", "customer.id", "subscriber_id"],
)  # fmt: skip
@pytest.mark.parametrize("table", ["rental", None])
def test_header_names_the_customer_key(header: str, table: str | None) -> None:
    guess = _guess(header, cs.foreign(599), table=table)
    assert guess.type == "customer_id"
    assert guess.reason == "header names the customer key"
    assert guess.confidence >= 0.8


@pytest.mark.parametrize(
    "header", ["staff_id", "support_rep_id", "employee_id", "store_id", "EmployeeId", "dept_no"]
)
@pytest.mark.parametrize("table", ["Customer", "rental", None])
def test_other_keys_are_not_the_customer_key(header: str, table: str | None) -> None:
    assert _guess(header, cs.foreign(40), table=table).type == "other"


@pytest.mark.parametrize(
    "table", ["customer", "Customers", "clientes", "tbl_clientes_2024", "abonados", "가입자",
              "subscribers", "crm.cliente"],
)  # fmt: skip
def test_own_key_of_a_customer_table(table: str) -> None:
    guess = _guess("id", cs.serial(), table=table)
    assert (guess.type, guess.reason) == ("customer_id", "the customer table's own key")


def test_one_own_key_per_table() -> None:
    rng = random.Random(5)
    arrow = pa.table({"id": pa.array(cs.serial()(rng, 50)), "pk": pa.array(cs.foreign(9)(rng, 50))})
    guesses = classify_columns(arrow, table="customers", today=TODAY)
    assert [g.type for g in guesses] == ["customer_id", "other"]


def test_own_key_without_a_table_name() -> None:
    """A single CSV: its ``id`` is the customer key unless it is the row number."""
    accounts = _guess("id", cs.foreign(10**7, 10**6))
    assert (accounts.type, accounts.reason is not None) == ("customer_id", True)
    assert _guess("id", cs.serial()).type == "other"


def test_codes_need_a_header_that_names_the_customer() -> None:
    assert _guess("col_4", s.customer_code).type == "customer_id"  # headerless: values alone
    assert _guess("cliente", s.customer_code).type == "customer_id"
    assert _guess("ticket", s.customer_code).type == "other"


@pytest.mark.parametrize(
    ("header", "gen", "expected"),
    [
        pytest.param("account_status", s.status_en, "status", id="account_status"),
        pytest.param("customer_since", s.recent_iso, "date", id="customer_since"),
        pytest.param("fecha_contrato", s.recent_iso, "date", id="fecha_contrato"),
        pytest.param("account_balance", s.amounts, "other", id="account_balance"),
    ],
)
def test_customer_words_beside_a_sure_word(header: str, gen: cs.Gen, expected: str) -> None:
    assert _guess(header, gen).type == expected


def test_reason_extends_the_json_contract() -> None:
    guess = _guess("customer_id", cs.foreign(599), table="rental")
    out = guess.to_json()
    assert list(out) == ["name", "type", "confidence", "reason"]
    assert out["reason"] == "header names the customer key"


def test_reasons_never_hold_values() -> None:
    for table in cs.TABLES:
        arrow = table.arrow()
        values = {v for col in arrow.columns for v in col.to_pylist() if v and len(v) > 3}
        for guess in classify_columns(arrow, region=table.region, table=table.name):
            assert not any(v in (guess.reason or "") for v in values), (table.id, guess.name)


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("address_id", ("id", ("address",)), id="suffix"),
        pytest.param("CustomerId", ("id", ("customer",)), id="camel"),
        pytest.param("emp_no", ("no", ("emp",)), id="no"),
        pytest.param("id_cliente", ("id", ("cliente",)), id="prefix"),
        pytest.param("nro_factura", ("nro", ("factura",)), id="nro"),
        pytest.param("customer.id", ("id", ("customer",)), id="dotted"),
        pytest.param("id", ("id", ()), id="bare"),
        pytest.param("고객번호", ("번호", ("고객",)), id="korean"),
        pytest.param("nro", None, id="marker-alone"),
        pytest.param("identidad", None, id="not-a-word"),
        pytest.param("idioma", None, id="id-inside-a-word"),
        pytest.param("", None, id="empty"),
    ],
)
def test_key_header(name: str, expected: tuple[str, tuple[str, ...]] | None) -> None:
    key = key_header(name)
    assert (None if key is None else (key.marker, key.rest)) == expected


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("Customer", True),
        ("dbo.Customers", True),
        ("clientes_activos", True),
        ("가입자정보", True),
        ("customer_address", False),
        ("pedidos_cliente", False),
        ("rental", False),
        ("", False),
        (None, False),
    ],
)
def test_is_customer_table(table: str | None, expected: bool) -> None:
    assert is_customer_table(table) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([str(i) for i in range(1, 50)], True, id="1..N"),
        pytest.param([str(10001 + i // 7) for i in range(300)], True, id="runs"),
        pytest.param([str(i) for i in range(1, 50, 3)], False, id="sparse"),
        pytest.param([str(i) for i in range(50, 0, -1)], False, id="decreasing"),
        pytest.param(["1", "2", "3", "4"], False, id="too-few"),
        pytest.param([f"{i:05d}" for i in range(1, 50)], False, id="leading-zeros"),
        pytest.param([str(716100000000000 + i) for i in range(50)], False, id="imsi-block"),
        pytest.param(["1", "1", "1", "1", "1", "2"], False, id="two-values"),
    ],
)
def test_is_sequence(values: list[str], expected: bool) -> None:
    assert is_sequence(values) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("col_3", True), ("Unnamed: 2", True), ("field7", True), ("", True), ("12", True),
     ("ticket", False), ("colonia", False)],
)  # fmt: skip
def test_is_placeholder(name: str, expected: bool) -> None:
    assert is_placeholder(name) is expected
