"""Header evidence: what a column's name says about its type, in Spanish, English, Portuguese
and Korean.

A header is folded (lowercase, accents stripped) and split into words on ``_ . - space``,
camelCase and letter/digit boundaries. Each rule is a phrase of one or more words; the longest
phrase found in the header wins, so ``numero_documento`` is a national ID although ``numero``
alone is a phone. For a flattened JSON path (``sub.contact.phone``) the last part is tried
first, then the last two parts, then the whole path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ._lexicon import fold

__all__ = ["HeaderHint", "date_role", "header_hint", "header_words"]

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(
    r"[^0-9a-z\uac00-\ud7a3]+|(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])"
    r"|(?<=[a-z0-9])(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])(?=[a-z0-9])"
)
_STOP: Final[frozenset[str]] = frozenset(
    {"de", "del", "la", "el", "los", "las", "da", "do", "dos", "das", "of", "the", "y", "e"}
)


@dataclass(frozen=True)
class HeaderHint:
    """A header's verdict: the type its words name, how sure the words are, and any scheme
    or date role they imply."""

    type: str
    score: float
    scheme: str | None = None
    role: str | None = None
    #: words that name a type loosely (``numero``, ``estado``): values may overrule freely.
    weak: bool = False


def header_words(name: str) -> list[str]:
    """Folded words of one header part, stop words removed (``fechaNac`` → ``fecha nac``)."""
    spaced = _CAMEL.sub(" ", name)
    words = [w for w in _SPLIT.split(fold(spaced)) if w]
    return [w for w in words if w not in _STOP] or words


# (phrase, type, score, scheme, weak). Phrases are folded words separated by spaces.
_Rule = tuple[str, str, float, str | None, bool]
_RULES: Final[list[_Rule]] = [
    # mobile lines
    *((p, "msisdn", 0.95, None, False) for p in ("msisdn", "mdn", "celular", "movil", "mobile")),
    *((p, "msisdn", 0.9, None, False) for p in ("cel", "cell", "cellphone", "linea", "line")),
    *((p, "msisdn", 0.9, None, False) for p in ("nro linea", "numero linea", "telefono movil")),
    *((p, "msisdn", 0.9, None, False) for p in ("numero celular", "mobile number", "handphone")),
    *((p, "msisdn", 0.95, None, False) for p in ("휴대폰", "휴대전화", "핸드폰", "휴대폰번호")),
    # any phone
    *((p, "phone", 0.85, None, False) for p in ("telefono", "phone", "telephone", "telefone")),
    *((p, "phone", 0.8, None, False) for p in ("tel", "fono", "tlf", "telf", "fijo", "landline")),
    ("phone number", "phone", 0.9, None, False),
    ("전화번호", "phone", 0.9, None, False),
    ("전화", "phone", 0.85, None, False),
    ("numero", "phone", 0.55, None, True),
    ("number", "phone", 0.5, None, True),
    # national IDs
    *((p, "national_id", 0.9, None, False) for p in ("documento", "doc", "nro doc", "num doc")),
    *(
        (p, "national_id", 0.9, None, False)
        for p in ("doc identidad", "numero documento", "documento identidad", "identificacion")
    ),
    *((p, "national_id", 0.9, None, False) for p in ("national id", "id number", "ssn", "cedula")),
    *((p, "national_id", 0.8, None, False) for p in ("nif", "cc", "identidade", "rg")),
    ("dni", "national_id", 0.95, "pe.dni", False),
    ("ruc", "national_id", 0.95, "pe.ruc", False),
    ("carnet extranjeria", "national_id", 0.95, "pe.ce", False),
    ("ce", "national_id", 0.7, "pe.ce", False),
    ("nie", "national_id", 0.95, "es.nie", False),
    ("cpf", "national_id", 0.95, "br.cpf", False),
    ("rut", "national_id", 0.95, "cl.rut", False),
    ("run", "national_id", 0.85, "cl.rut", False),
    ("curp", "national_id", 0.95, "mx.curp", False),
    ("rrn", "national_id", 0.95, "kr.rrn", False),
    ("주민등록번호", "national_id", 0.95, "kr.rrn", False),
    ("주민번호", "national_id", 0.95, "kr.rrn", False),
    # names
    ("nombres", "given_name", 0.85, None, False),
    *((p, "given_name", 0.8, None, True) for p in ("nombre", "nome", "name")),
    *((p, "given_name", 0.9, None, False) for p in ("first name", "given name", "given", "first")),
    *((p, "given_name", 0.9, None, False) for p in ("forename", "primeiro nome", "이름")),
    *((p, "surname", 0.9, None, False) for p in ("apellido", "apellidos", "surname", "sobrenome")),
    *((p, "surname", 0.9, None, False) for p in ("ap paterno", "ap materno", "last name", "last")),
    *((p, "surname", 0.9, None, False) for p in ("apellido paterno", "apellido materno", "성")),
    *((p, "surname", 0.9, None, False) for p in ("family name", "apepat", "apemat", "apaterno")),
    *((p, "full_name", 0.9, None, False) for p in ("nombre completo", "full name", "fullname")),
    *((p, "full_name", 0.9, None, False) for p in ("razon social", "titular", "nome completo")),
    *((p, "full_name", 0.85, None, True) for p in ("cliente", "client", "holder")),
    ("성명", "full_name", 0.9, None, False),
    *((p, "full_name", 0.85, None, False) for p in ("apellidos nombres", "nombres apellidos")),
    *((p, "full_name", 0.85, None, False) for p in ("display name", "customer name", "고객명")),
    # a business customer's name is its razón social; a contact's is a person's full name
    *((p, "full_name", 0.85, None, False) for p in ("company name", "contact name")),
    # dates (roles come from date_role)
    *((p, "birth_date", 0.95, None, False) for p in ("fecha nac", "f nacimiento", "fec nac")),
    *((p, "birth_date", 0.95, None, False) for p in ("fecha nacimiento", "nacimiento", "fnac")),
    *((p, "birth_date", 0.95, None, False) for p in ("dob", "birth", "birthday", "birthdate")),
    *((p, "birth_date", 0.95, None, False) for p in ("nascimento", "data nascimento", "생년월일")),
    *((p, "birth_date", 0.9, None, False) for p in ("date birth", "born", "생일", "f nac")),
    *((p, "date", 0.85, None, False) for p in ("fecha", "date", "fec", "dt", "datetime")),
    *((p, "date", 0.85, None, False) for p in ("timestamp", "ts", "created", "updated")),
    *((p, "date", 0.85, None, False) for p in ("created at", "updated at", "provisioned")),
    *((p, "date", 0.85, None, False) for p in ("fecha alta", "fecha baja", "activacion")),
    *((p, "date", 0.85, None, False) for p in ("activation", "churn", "날짜", "일자", "가입일")),
    *((p, "date", 0.85, None, False) for p in ("해지일", "개통일", "data ativacao", "since")),
    ("data", "date", 0.55, None, True),
    ("alta", "date", 0.6, None, True),
    ("baja", "date", 0.6, None, True),
    # addresses and places
    *((p, "address", 0.9, None, False) for p in ("direccion", "domicilio", "address", "주소")),
    *((p, "address", 0.9, None, False) for p in ("endereco", "street", "calle", "logradouro")),
    *((p, "address", 0.8, None, False) for p in ("dir", "addr", "residencia", "morada")),
    *((p, "city", 0.9, None, False) for p in ("distrito", "ciudad", "city", "provincia")),
    *((p, "city", 0.9, None, False) for p in ("municipio", "cidade", "localidad", "town")),
    *((p, "city", 0.85, None, False) for p in ("comuna", "poblacion", "시", "도시", "시군구")),
    *((p, "region", 0.9, None, False) for p in ("departamento", "region", "state", "uf")),
    *((p, "region", 0.85, None, False) for p in ("comunidad", "county", "시도", "지역")),
    ("district", "region", 0.8, None, False),  # English exports: state or prefecture
    *((p, "postal_code", 0.95, None, False) for p in ("codigo postal", "cod postal", "cp")),
    *((p, "postal_code", 0.95, None, False) for p in ("zip", "zipcode", "postal", "postcode")),
    *((p, "postal_code", 0.95, None, False) for p in ("cep", "ubigeo", "우편번호")),
    # contact
    *((p, "email", 0.95, None, False) for p in ("email", "correo", "mail", "이메일", "메일")),
    ("correo electronico", "email", 0.95, None, False),
    # SIM and device
    *((p, "imsi", 0.95, None, False) for p in ("imsi",)),
    *((p, "iccid", 0.95, None, False) for p in ("iccid", "icc", "sim serial", "nro sim")),
    ("sim", "iccid", 0.6, None, True),
    *((p, "imei", 0.95, None, False) for p in ("imei", "imeisv", "device id")),
    *((p, "ki", 0.95, None, False) for p in ("ki", "k", "auth key", "subscriber key")),
    *((p, "opc", 0.95, None, False) for p in ("opc", "op c")),
    ("op", "opc", 0.7, None, True),  # also "operation" in some exports: values may overrule
    # accounts
    *((p, "customer_id", 0.9, None, False) for p in ("cliente id", "cod cliente", "id cliente")),
    *((p, "customer_id", 0.9, None, False) for p in ("codigo cliente", "nro cliente", "client id")),
    *((p, "customer_id", 0.9, None, False) for p in ("customer id", "numero cliente")),
    *((p, "customer_id", 0.85, None, False) for p in ("user id", "userid", "고객번호")),
    *((p, "customer_id", 0.85, None, False) for p in ("가입자번호", "가입번호", "계약번호")),
    *((p, "customer_id", 0.85, None, False) for p in ("subscriber id", "account id")),
    # the customer or contract as a whole: a sure word beside them names what the column
    # holds of it ("account_status", "customer_since", "fecha_contrato")
    *((p, "customer_id", 0.85, None, True) for p in ("customer", "account", "cuenta", "conta")),
    *((p, "customer_id", 0.8, None, True) for p in ("usuario", "contrato", "contract")),
    ("id", "customer_id", 0.5, None, True),
    ("codigo", "customer_id", 0.5, None, True),
    # products and states
    *((p, "plan", 0.9, None, False) for p in ("plan", "tarifa", "producto", "product", "요금제")),
    *((p, "plan", 0.85, None, False) for p in ("tariff", "paquete", "package", "plano", "oferta")),
    *((p, "status", 0.9, None, False) for p in ("status", "situacion", "상태", "situacao")),
    *((p, "status", 0.7, None, True) for p in ("estado", "state code", "estatus")),
    # look-alikes that are none of the above
    *((p, "other", 0.85, None, False) for p in ("tipo documento", "tipo doc", "doc type")),
    *((p, "other", 0.85, None, False) for p in ("document type", "tipo telefono", "phone type")),
    *((p, "other", 0.85, None, False) for p in ("tipo linea", "line type", "tipo cliente")),
    *((p, "other", 0.85, None, False) for p in ("customer type", "estado civil", "sexo")),
    *((p, "other", 0.85, None, False) for p in ("genero", "gender", "sex", "marital status")),
    *((p, "other", 0.85, None, False) for p in ("saldo", "monto", "amount", "balance", "edad")),
    *((p, "other", 0.85, None, False) for p in ("observaciones", "observacion", "comentario")),
    *((p, "other", 0.85, None, False) for p in ("notes", "nota", "latitud", "longitud", "age")),
    *((p, "other", 0.85, None, False) for p in ("latitude", "longitude", "lat", "lon", "lng")),
    *((p, "other", 0.85, None, False) for p in ("salary", "salario", "sueldo", "importe")),
    *((p, "other", 0.85, None, False) for p in ("price", "precio", "quantity", "cantidad")),
    *((p, "email", 0.95, None, False) for p in ("email address", "direccion correo")),
    *((p, "email", 0.95, None, False) for p in ("direccion electronica", "endereco email")),
    *((p, "date", 0.85, None, False) for p in ("fec alta", "fec baja", "f alta", "f baja")),
    # network
    *((p, "ip_address", 0.95, None, False) for p in ("ip", "ip address", "ipv4", "ipv6")),
    *((p, "ip_address", 0.9, None, False) for p in ("direccion ip", "last ip", "client ip")),
    *((p, "ip_address", 0.9, None, False) for p in ("endereco ip", "address ip", "ip 주소")),
    # secrets
    *((p, "password_hash", 0.95, None, False) for p in ("password", "pwd", "passwd", "pass")),
    *((p, "password_hash", 0.95, None, False) for p in ("contrasena", "clave", "senha", "hash")),
    *((p, "password_hash", 0.9, None, False) for p in ("password hash", "비밀번호", "pin")),
]

# One hint per phrase (the surest when a phrase is listed twice).
_INDEX: Final[dict[tuple[str, ...], HeaderHint]] = {}
for _phrase, _type, _score, _scheme, _weak in _RULES:
    _key = tuple(_phrase.split())
    if _key not in _INDEX or _INDEX[_key].score < _score:
        _INDEX[_key] = HeaderHint(_type, _score, _scheme, None, _weak)
_MAX_WORDS: Final[int] = max(len(k) for k in _INDEX)
_JOINED: Final[dict[str, tuple[str, ...]]] = {"".join(k): k for k in _INDEX if len(k) > 1}

_ROLES: Final[dict[str, str]] = {
    **dict.fromkeys(
        "nac nacimiento birth birthday birthdate dob nascimento fnac born 생년월일 생일".split(),
        "birth",
    ),
    **dict.fromkeys(
        "alta activacion activation activated created creacion registro signup since "
        "ativacao alta 가입일 개통일 inicio start".split(),
        "activation",
    ),
    **dict.fromkeys(
        "baja churn churned cancelacion cancel cancelled termination desactivacion "
        "deactivation cancelamento retiro 해지일 end fin cese closed closure close "
        "desconexion disconnection disconnected deactivated terminated inativacao "
        "desativacao encerramento rescisao 탈퇴일 해지".split(),
        "churn",
    ),
    **dict.fromkeys(
        "provisioned provision provisioning aprovisionamiento provisionamiento".split(),
        "provisioning",
    ),
    **dict.fromkeys(
        "snapshot extraccion extract export corte dump updated actualizacion".split(),
        "snapshot",
    ),
    **dict.fromkeys(
        "factura facturacion billing bill invoice pago payment vencimiento ciclo fatura "
        "cobranca".split(),
        "billing",
    ),
}


def _is_hangul(text: str) -> bool:
    return len(text) > 1 and all("\uac00" <= ch <= "\ud7a3" for ch in text)


def _match(words: list[str]) -> tuple[int, HeaderHint] | None:
    """Best rule inside ``words``: the longest phrase, then the surest."""
    best: tuple[int, HeaderHint] | None = None

    def consider(length: int, hint: HeaderHint) -> None:
        # a sure phrase beats a loose word, then the longer phrase, then the surer
        nonlocal best
        if best is None or (not hint.weak, length, hint.score) > (
            not best[1].weak,
            best[0],
            best[1].score,
        ):
            best = (length, hint)

    for size in range(min(_MAX_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            run = tuple(words[start : start + size])
            hint = _INDEX.get(run)
            if hint is not None:
                consider(len(" ".join(run)), hint)
    # glued words: "fechanac", "nrodoc", "firstname", "apellidopaterno"
    for size in range(1, min(3, len(words)) + 1):
        for start in range(len(words) - size + 1):
            glued = "".join(words[start : start + size])
            key = _JOINED.get(glued)
            if key is not None:
                consider(len(" ".join(key)), _INDEX[key])
    # the same words in another order: "name first", "nac fecha"
    present = set(words)
    for key, hint in _INDEX.items():
        if len(key) > 1 and present.issuperset(key):
            consider(len(" ".join(key)) - 1, hint)
    # Hangul headers are not split into words: look for Korean phrases inside them
    for word in words:
        if any("\uac00" <= ch <= "\ud7a3" for ch in word):
            for key, hint in _INDEX.items():
                if len(key) == 1 and _is_hangul(key[0]) and key[0] in word and key[0] != word:
                    consider(len(key[0]), hint)
    return best


_ROLE_WORDS_LONGEST_FIRST: Final[tuple[str, ...]] = tuple(sorted(_ROLES, key=len, reverse=True))


def date_role(name: str) -> str | None:
    """The lifecycle role a date column's header names, or ``None``."""
    for part in reversed(name.split(".")):
        words = header_words(part)
        glued = "".join(words)
        for word in words:
            if word in _ROLES:
                return _ROLES[word]
        # glued words (``fechabaja``): the longest role word found wins, so that
        # ``desativacao`` is a closure although it holds ``ativacao``
        for word in _ROLE_WORDS_LONGEST_FIRST:
            if (len(word) > 3 or not word.isascii()) and word in glued:
                return _ROLES[word]
    return None


def header_hint(name: str) -> HeaderHint | None:
    """What ``name`` says about its column, or ``None`` when it says nothing we know.

    Headerless files come with ``col_1``..``col_n``, which match nothing.
    """
    parts = [p for p in name.split(".") if p]
    if not parts:
        return None
    tries = [parts[-1:], parts[-2:], parts] if len(parts) > 1 else [parts]
    chosen: HeaderHint | None = None
    for depth, run in enumerate(tries):
        found = _match([w for part in run for w in header_words(part)])
        if found is None:
            continue
        hint = found[1]
        if depth:
            hint = HeaderHint(hint.type, hint.score * 0.9, hint.scheme, None, hint.weak)
        if chosen is None or (chosen.weak and not hint.weak):
            chosen = hint
        if not chosen.weak:
            break  # a loose word in the last part ("numero") defers to a sure one above it
    if chosen is None:
        return None
    role = "birth" if chosen.type == "birth_date" else None
    if chosen.type == "date":
        role = date_role(name)
    return HeaderHint(chosen.type, chosen.score, chosen.scheme, role, chosen.weak)
