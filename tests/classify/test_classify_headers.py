"""Header words alone: folding, splitting, longest phrase wins, dotted JSON paths."""

from __future__ import annotations

import pytest

from leaktriage.classify._headers import header_hint, header_words


@pytest.mark.parametrize(
    ("name", "words"),
    [
        pytest.param("FechaNacimiento", ["fecha", "nacimiento"], id="camel"),
        pytest.param("Fecha De Nacimiento", ["fecha", "nacimiento"], id="stop-words"),
        pytest.param("NRO_DOC-IDENTIDAD", ["nro", "doc", "identidad"], id="separators"),
        pytest.param("Dirección", ["direccion"], id="accents"),
        pytest.param("contraseña", ["contrasena"], id="enye"),
        pytest.param("telefono2", ["telefono", "2"], id="digit-suffix"),
        pytest.param("접속IP", ["접속", "ip"], id="hangul-latin"),
        pytest.param("생년월일", ["생년월일"], id="hangul-kept"),
        pytest.param("IMSINumber", ["imsi", "number"], id="acronym-then-word"),
    ],
)
def test_header_words(name: str, words: list[str]) -> None:
    assert header_words(name) == words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("NRO_DOCUMENTO", ("national_id", None, None), id="nro-documento"),
        pytest.param("numero_documento", ("national_id", None, None), id="longest-wins"),
        pytest.param("TIPO_DOCUMENTO", ("other", None, None), id="tipo-documento"),
        pytest.param("doc_type", ("other", None, None), id="doc-type"),
        pytest.param("ESTADO_CIVIL", ("other", None, None), id="estado-civil"),
        pytest.param("email_address", ("email", None, None), id="email-address"),
        pytest.param("address_line_1", ("address", None, None), id="address-line"),
        pytest.param("NUM_CELULAR", ("msisdn", None, None), id="num-celular"),
        pytest.param("numero_de_linea", ("msisdn", None, None), id="numero-de-linea"),
        pytest.param("TELEFONO_CONTACTO", ("phone", None, None), id="telefono-contacto"),
        pytest.param("fNacimiento", ("birth_date", None, "birth"), id="f-nacimiento"),
        pytest.param("FEC_ALTA", ("date", None, "activation"), id="fec-alta"),
        pytest.param("f_baja", ("date", None, "churn"), id="f-baja"),
        pytest.param("가입일자", ("date", None, "activation"), id="ko-activation"),
        pytest.param("ApPaterno", ("surname", None, None), id="ap-paterno"),
        pytest.param("RAZON_SOCIAL", ("full_name", None, None), id="razon-social"),
        pytest.param("IdCliente", ("customer_id", None, None), id="id-cliente"),
        pytest.param("CLIENTE", ("full_name", None, None), id="cliente"),
        pytest.param("dni", ("national_id", "pe.dni", None), id="dni"),
        pytest.param("RUC", ("national_id", "pe.ruc", None), id="ruc"),
        pytest.param("carnet_extranjeria", ("national_id", "pe.ce", None), id="ce"),
        pytest.param("NIE", ("national_id", "es.nie", None), id="nie"),
        pytest.param("rut", ("national_id", "cl.rut", None), id="rut"),
        pytest.param("CURP", ("national_id", "mx.curp", None), id="curp"),
        pytest.param("주민번호", ("national_id", "kr.rrn", None), id="ko-rrn"),
        pytest.param("op_c", ("opc", None, None), id="op-c"),
        pytest.param("K_i", ("ki", None, None), id="k-i"),
        pytest.param("user_password", ("password_hash", None, None), id="password"),
        pytest.param("IP주소", ("ip_address", None, None), id="ko-ip"),
        pytest.param("이메일주소", ("email", None, None), id="ko-email-address"),
        pytest.param("휴대전화번호", ("msisdn", None, None), id="ko-mobile"),
        pytest.param("sub.profile.msisdn", ("msisdn", None, None), id="dotted-last"),
        pytest.param("customer.name.first", ("given_name", None, None), id="dotted-two-parts"),
        pytest.param(
            "titular.documento.numero", ("national_id", None, None), id="dotted-weak-last"
        ),
        pytest.param("col_3", None, id="headerless"),
        pytest.param("campo", None, id="unknown"),
    ],
)
def test_header_hint(name: str, expected: tuple[str, str | None, str | None] | None) -> None:
    hint = header_hint(name)
    got = None if hint is None else (hint.type, hint.scheme, hint.role)
    assert got == expected
