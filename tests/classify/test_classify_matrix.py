"""The classifier's test matrix: every column type by header in each language and by values
alone, misleading headers, digit-only look-alikes and every national ID scheme.

``MATRIX`` is also what ``accuracy_by_type`` summarises (the per-type accuracy reported to the
lead); each row is one single-column table of synthetic values.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import classify_synth as s
import pyarrow as pa
import pytest

from leaktriage.classify import classify_columns
from leaktriage.vocab import COLUMN_TYPES, ID_SCHEMES

ROWS = 300
TODAY = dt.date(2026, 11, 25)

# (id, header, generator, expected type, expected scheme)
Case = tuple[str, str, s.Gen, str, str | None]

BY_HEADER: list[Case] = [
    # msisdn
    ("es", "celular", s.pe_mobile, "msisdn", None),
    ("es-e164", "Nro_Linea", s.pe_mobile_e164, "msisdn", None),
    ("en", "mobileNumber", s.es_mobile, "msisdn", None),
    ("pt", "celular", s.br_mobile, "msisdn", None),
    ("ko", "휴대폰번호", s.kr_mobile, "msisdn", None),
    ("mx", "movil", s.mx_mobile, "msisdn", None),
    # phone
    ("es", "telefono_fijo", s.pe_fixed, "phone", None),
    ("en", "phone", s.es_fixed, "phone", None),
    ("pt", "telefone", s.pe_fixed_national, "phone", None),
    ("ko", "전화번호", s.es_fixed, "phone", None),
    # national_id
    ("es", "DNI", s.pe_dni, "national_id", "pe.dni"),
    ("es-doc", "nro_doc", s.pe_dni, "national_id", "pe.dni"),
    ("en", "national_id", s.es_dni_values, "national_id", "es.dni"),
    ("pt", "cpf", s.br_cpf, "national_id", "br.cpf"),
    ("ko", "주민등록번호", s.kr_rrn, "national_id", "kr.rrn"),
    # email
    ("es", "correo_electronico", s.email, "email", None),
    ("en", "e-mail", s.email, "email", None),
    ("pt", "email", s.email, "email", None),
    ("ko", "이메일", s.email, "email", None),
    # full_name
    ("es", "nombre_completo", s.full_name, "full_name", None),
    ("es-razon", "razon_social", s.full_name, "full_name", None),
    ("en", "FullName", s.full_name, "full_name", None),
    ("pt", "nome_completo", s.full_name_pt, "full_name", None),
    ("ko", "성명", s.full_name_ko, "full_name", None),
    # given_name
    ("es", "nombres", s.given_name, "given_name", None),
    ("en", "first_name", s.given_name, "given_name", None),
    ("pt", "primeiro_nome", s.given_name_pt, "given_name", None),
    ("ko", "이름", s.given_name_ko, "given_name", None),
    # surname
    ("es", "ap_paterno", s.surname, "surname", None),
    ("es-2", "apellidos", s.surname, "surname", None),
    ("en", "lastName", s.surname, "surname", None),
    ("pt", "sobrenome", s.surname_pt, "surname", None),
    ("ko", "성", s.surname_ko, "surname", None),
    # birth_date
    ("es", "fecha_nac", s.birth_dmy, "birth_date", None),
    ("es-excel", "F_NACIMIENTO", s.birth_excel, "birth_date", None),
    ("en", "dob", s.birth_iso, "birth_date", None),
    ("pt", "data_nascimento", s.birth_dmy, "birth_date", None),
    ("ko", "생년월일", s.birth_compact, "birth_date", None),
    # date
    ("es", "fecha_alta", s.recent_iso, "date", None),
    ("en", "created_at", s.recent_dmy_time, "date", None),
    ("en-epoch", "provisioned_ts", s.recent_epoch, "date", None),
    ("pt", "data_ativacao", s.recent_iso, "date", None),
    ("ko", "가입일", s.recent_compact, "date", None),
    # address
    ("es", "direccion", s.address, "address", None),
    ("en", "address", s.address, "address", None),
    ("pt", "endereco", s.address, "address", None),
    ("ko", "주소", s.address_ko, "address", None),
    # city
    ("es", "distrito", s.city, "city", None),
    ("en", "city", s.city, "city", None),
    ("pt", "cidade", s.city_br, "city", None),
    ("ko", "도시", s.city_ko, "city", None),
    # region
    ("es", "departamento", s.region, "region", None),
    ("es-estado", "estado", s.region, "region", None),
    ("en", "region", s.region, "region", None),
    ("pt", "estado", s.region, "region", None),
    ("ko", "지역", s.region, "region", None),
    # postal_code
    ("es", "codigo_postal", s.postal_pe, "postal_code", None),
    ("en", "zip", s.postal_pe, "postal_code", None),
    ("pt", "cep", s.postal_cep, "postal_code", None),
    ("ko", "우편번호", s.postal_pe, "postal_code", None),
    # SIM and device
    ("en", "IMSI", s.imsi, "imsi", None),
    ("es", "imsi_abonado", s.imsi, "imsi", None),
    ("en", "ICCID", s.iccid, "iccid", None),
    ("es", "nro_sim", s.iccid, "iccid", None),
    ("en", "imei", s.imei, "imei", None),
    ("es", "IMEI_equipo", s.imei, "imei", None),
    ("en", "Ki", s.hex32, "ki", None),
    ("en-k", "K", s.hex32, "ki", None),
    ("en", "OPc", s.hex32, "opc", None),
    ("en-op_c", "op_c", s.hex32, "opc", None),
    # customer_id
    ("es", "cod_cliente", s.customer_code, "customer_id", None),
    ("en", "customer_id", s.customer_uuidish, "customer_id", None),
    ("pt", "id_cliente", s.customer_code, "customer_id", None),
    ("ko", "고객번호", s.customer_code, "customer_id", None),
    # plan
    ("es", "plan_tarifario", s.plan, "plan", None),
    ("en", "tariff", s.plan_en, "plan", None),
    ("pt", "plano", s.plan, "plan", None),
    ("ko", "요금제", s.plan, "plan", None),
    # status
    ("es", "estado", s.status, "status", None),
    ("en", "status", s.status_en, "status", None),
    ("pt", "situacao", s.status, "status", None),
    ("ko", "상태", s.status_ko, "status", None),
    # ip_address
    ("es", "direccion_ip", s.ipv4, "ip_address", None),
    ("en", "last_login_ip", s.ipv6, "ip_address", None),
    ("pt", "endereco_ip", s.ipv4, "ip_address", None),
    ("ko", "접속IP", s.ipv4, "ip_address", None),
    # password_hash
    ("es", "contraseña", s.bcrypt, "password_hash", None),
    ("en", "password", s.md5, "password_hash", None),
    ("en-hash", "pwd_hash", s.sha256, "password_hash", None),
    ("pt", "senha", s.sha1, "password_hash", None),
    ("ko", "비밀번호", s.bcrypt, "password_hash", None),
    # other
    ("es", "observaciones", s.free_text, "other", None),
    ("en", "notes", s.amounts, "other", None),
]

BY_VALUES: list[Case] = [
    ("pe", "col_1", s.pe_mobile, "msisdn", None),
    ("pe-e164", "col_1", s.pe_mobile_e164, "msisdn", None),
    ("es", "col_1", s.es_mobile, "msisdn", None),
    ("kr", "col_1", s.kr_mobile, "msisdn", None),
    ("br", "col_1", s.br_mobile, "msisdn", None),
    ("pe", "col_2", s.pe_fixed, "phone", None),
    ("pe-national", "col_2", s.pe_fixed_national, "phone", None),
    ("es", "col_2", s.es_fixed, "phone", None),
    ("pe.dni", "col_3", s.pe_dni, "national_id", "pe.dni"),
    ("pe.ruc", "col_3", s.pe_ruc, "national_id", "pe.ruc"),
    ("es.dni", "col_3", s.es_dni_values, "national_id", "es.dni"),
    ("es.nie", "col_3", s.es_nie_values, "national_id", "es.nie"),
    ("kr.rrn", "col_3", s.kr_rrn, "national_id", "kr.rrn"),
    ("br.cpf", "col_3", s.br_cpf, "national_id", "br.cpf"),
    ("cl.rut", "col_3", s.cl_rut, "national_id", "cl.rut"),
    ("mx.curp", "col_3", s.mx_curp, "national_id", "mx.curp"),
    ("", "col_4", s.email, "email", None),
    ("es", "col_5", s.full_name, "full_name", None),
    ("pt", "col_5", s.full_name_pt, "full_name", None),
    ("ko", "col_5", s.full_name_ko, "full_name", None),
    ("es", "col_6", s.given_name, "given_name", None),
    ("pt", "col_6", s.given_name_pt, "given_name", None),
    ("es", "col_7", s.surname, "surname", None),
    ("pt", "col_7", s.surname_pt, "surname", None),
    ("dmy", "col_8", s.birth_dmy, "birth_date", None),
    ("iso", "col_8", s.birth_iso, "birth_date", None),
    ("compact", "col_8", s.birth_compact, "birth_date", None),
    ("iso", "col_9", s.recent_iso, "date", None),
    ("dmy-time", "col_9", s.recent_dmy_time, "date", None),
    ("compact", "col_9", s.recent_compact, "date", None),
    ("", "col_10", s.address, "address", None),
    ("no-number", "col_10", s.address_no_number, "address", None),
    ("", "col_11", s.city, "city", None),
    ("br", "col_11", s.city_br, "city", None),
    ("with-region", "col_11", s.city_with_region, "city", None),
    ("", "col_12", s.region, "region", None),
    ("cep", "col_13", s.postal_cep, "postal_code", None),
    ("pe", "col_13", s.postal_pe, "postal_code", None),
    ("", "col_14", s.imsi, "imsi", None),
    ("", "col_15", s.iccid, "iccid", None),
    ("", "col_16", s.imei, "imei", None),
    ("lone", "col_17", s.hex32, "ki", None),
    ("code", "col_18", s.customer_code, "customer_id", None),
    ("acc", "col_18", s.customer_uuidish, "customer_id", None),
    ("es", "col_19", s.plan, "plan", None),
    ("en", "col_19", s.plan_en, "plan", None),
    ("es", "col_20", s.status, "status", None),
    ("en", "col_20", s.status_en, "status", None),
    ("ko", "col_20", s.status_ko, "status", None),
    ("v4", "col_21", s.ipv4, "ip_address", None),
    ("v6", "col_21", s.ipv6, "ip_address", None),
    ("bcrypt", "col_22", s.bcrypt, "password_hash", None),
    ("sha1", "col_22", s.sha1, "password_hash", None),
    ("sha256", "col_22", s.sha256, "password_hash", None),
    ("text", "col_23", s.free_text, "other", None),
    ("amounts", "col_23", s.amounts, "other", None),
]

MISLEADING: list[Case] = [
    ("telefono-emails", "telefono", s.email, "email", None),
    ("dni-mobiles", "dni", s.pe_mobile, "msisdn", None),
    ("email-names", "email", s.full_name, "full_name", None),
    ("nombre-emails", "nombre", s.email, "email", None),
    ("apellido-dnis", "apellido", s.pe_dni, "national_id", "pe.dni"),
    ("fecha-ips", "fecha", s.ipv4, "ip_address", None),
    ("celular-fixed", "celular", s.pe_fixed, "phone", None),
    ("telefono-mobiles", "telefono", s.pe_mobile, "msisdn", None),
    ("nombre-fullnames", "nombre", s.full_name, "full_name", None),
    ("cliente-codes", "cliente", s.customer_code, "customer_id", None),
    ("fecha-births", "fecha", s.birth_dmy, "birth_date", None),
    ("dni-es-values", "dni", s.es_dni_values, "national_id", "es.dni"),
    ("documento-cpf", "documento", s.br_cpf, "national_id", "br.cpf"),
    ("numero-dni", "numero", s.pe_dni, "national_id", "pe.dni"),
    ("imei-header-imsi-values", "imei", s.imsi, "imsi", None),
    ("password-bcrypt-ki-header", "ki", s.bcrypt, "password_hash", None),
]

DIGITS_ONLY: list[Case] = [
    ("9-digits-start-9", "col_1", s.pe_mobile, "msisdn", None),
    ("8-digits", "col_1", s.pe_dni, "national_id", "pe.dni"),
    ("11-digits-ruc", "col_1", s.pe_ruc, "national_id", "pe.ruc"),
    (
        "11-digits-cpf",
        "col_1",
        lambda r, n: [v.replace(".", "").replace("-", "") for v in s.br_cpf(r, n)],
        "national_id",
        "br.cpf",
    ),
    (
        "13-digits-rrn",
        "col_1",
        lambda r, n: [v.replace("-", "") for v in s.kr_rrn(r, n)],
        "national_id",
        "kr.rrn",
    ),
    ("fixed-with-trunk", "col_1", s.pe_fixed_national, "phone", None),
    (
        "kr-mobile-plain",
        "col_1",
        lambda r, n: [v.replace("-", "") for v in s.kr_mobile(r, n)],
        "msisdn",
        None,
    ),
    ("ce-by-header", "carnet_extranjeria", s.pe_ce, "national_id", "pe.ce"),
    ("15-digits-imsi", "col_1", s.imsi, "imsi", None),
    ("15-digits-imei", "col_1", s.imei, "imei", None),
    ("19-digits-iccid", "col_1", s.iccid, "iccid", None),
]

DOTTED: list[Case] = [
    ("imsi", "subscriber.imsi", s.imsi, "imsi", None),
    ("phone", "customer.contact.phone", s.pe_fixed, "phone", None),
    ("mobile", "sub.msisdn", s.pe_mobile, "msisdn", None),
    ("first", "customer.name.first", s.given_name, "given_name", None),
    ("doc", "titular.documento.numero", s.pe_dni, "national_id", "pe.dni"),
    ("birth", "person.birthDate", s.birth_iso, "birth_date", None),
    ("ki", "sim.auth.ki", s.hex32, "ki", None),
]


def _params(prefix: str, cases: list[Case]) -> list[object]:
    return [
        pytest.param(header, gen, type_, scheme, id=f"{prefix}-{type_}-{tag}".rstrip("-"))
        for tag, header, gen, type_, scheme in cases
    ]


MATRIX = (
    _params("header", BY_HEADER)
    + _params("values", BY_VALUES)
    + _params("misleading", MISLEADING)
    + _params("digits", DIGITS_ONLY)
    + _params("dotted", DOTTED)
)


def classify_one(header: str, gen: s.Gen, seed: int = 7) -> tuple[str, str | None, float]:
    rng = random.Random(f"{header}-{seed}")
    table = pa.table({header: pa.array(gen(rng, ROWS), pa.string())})
    guess = classify_columns(table, today=TODAY)[0]
    return guess.type, guess.scheme, guess.confidence


@pytest.mark.parametrize(("header", "gen", "expected", "scheme"), MATRIX)
def test_matrix(header: str, gen: s.Gen, expected: str, scheme: str | None) -> None:
    type_, got_scheme, confidence = classify_one(header, gen)
    assert (type_, got_scheme) == (expected, scheme)
    if expected == "other":
        assert confidence <= 0.5
    else:
        assert confidence >= 0.45


def test_matrix_covers_every_type_by_header_and_by_values() -> None:
    assert {case[3] for case in BY_HEADER} == set(COLUMN_TYPES)
    # an OPc column alone is a Ki by values: OPc by values is test_ki_then_opc_by_column_order
    assert {case[3] for case in BY_VALUES} == set(COLUMN_TYPES) - {"opc"}
    langs = Counter(case[0].split("-")[0] for case in BY_HEADER)
    assert {"es", "en", "pt", "ko"} <= set(langs)
    schemes = {case[4] for case in BY_VALUES + DIGITS_ONLY if case[4]}
    assert schemes == set(ID_SCHEMES)


def accuracy_by_type() -> dict[str, tuple[int, int]]:
    """``{type: (correct, cases)}`` over the matrix: the figures reported to the lead."""
    tally: dict[str, list[int]] = {}
    for param in MATRIX:
        header, gen, expected, scheme = param.values  # type: ignore[attr-defined]
        type_, got_scheme, _ = classify_one(header, gen)
        counts = tally.setdefault(expected, [0, 0])
        counts[0] += (type_, got_scheme) == (expected, scheme)
        counts[1] += 1
    return {t: (c[0], c[1]) for t, c in sorted(tally.items())}
