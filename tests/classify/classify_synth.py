"""Synthetic column values for the classifier tests: generated, never real people.

Every generator takes a seeded ``random.Random`` and a row count and returns strings.
National IDs carry correct check digits (computed here or with python-stdnum's helpers);
phone numbers are drawn until ``phonenumbers`` agrees they are of the wanted kind.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import phonenumbers
from stdnum.cl import rut
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.kr import rrn
from stdnum.mx import curp
from stdnum.pe import ruc

Gen = Callable[[random.Random, int], list[str]]

GIVEN = ["JUAN", "CARLOS", "MARIA", "ROSA", "LUIS", "JORGE", "ANA", "PEDRO", "LUCIA", "JOSE"]
GIVEN_PT = ["JOAO", "PAULO", "FERNANDA", "BRUNA", "THIAGO", "LETICIA"]
SURNAMES = ["QUISPE", "MAMANI", "GARCIA", "FLORES", "ROJAS", "HUAMAN", "TORRES", "VARGAS"]
SURNAMES_PT = ["SILVA", "SOUZA", "OLIVEIRA", "PEREIRA", "ALVES", "COSTA"]
SYLLABLES = ["ka", "lu", "mi", "ro", "te", "na", "si", "bo", "ye", "ra"]
KO_SURNAMES = ["김", "이", "박", "최", "정"]
KO_GIVEN = ["민준", "서연", "지훈", "하은", "도윤", "수아"]


def invented(rng: random.Random) -> str:
    """A made-up capitalised word that is on no name list."""
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).upper()


def _mix(rng: random.Random, words: list[str], unknown: float = 0.2) -> str:
    return invented(rng) if rng.random() < unknown else rng.choice(words)


# --- phones ------------------------------------------------------------------------------------


def _numbers(
    rng: random.Random, n: int, draw: Callable[[], str], region: str, mobile: bool
) -> list:
    wanted = (
        {phonenumbers.PhoneNumberType.MOBILE}
        if mobile
        else {phonenumbers.PhoneNumberType.FIXED_LINE}
    )
    out: list[str] = []
    while len(out) < n:
        raw = draw()
        number = phonenumbers.parse(raw, region)
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in wanted:
            out.append(raw)
    return out


def pe_mobile(rng: random.Random, n: int) -> list[str]:
    return _numbers(rng, n, lambda: f"9{rng.randrange(10**8):08d}", "PE", True)


def pe_mobile_e164(rng: random.Random, n: int) -> list[str]:
    return [f"+51 {v[:3]} {v[3:6]} {v[6:]}" for v in pe_mobile(rng, n)]


def es_mobile(rng: random.Random, n: int) -> list[str]:
    return _numbers(rng, n, lambda: f"6{rng.randrange(10**8):08d}", "ES", True)


def kr_mobile(rng: random.Random, n: int) -> list[str]:
    return _numbers(
        rng, n, lambda: f"010-{rng.randrange(10**4):04d}-{rng.randrange(10**4):04d}", "KR", True
    )


def br_mobile(rng: random.Random, n: int) -> list[str]:
    return _numbers(
        rng,
        n,
        lambda: (
            f"({rng.choice([11, 21, 31])}) 9{rng.randrange(10**4):04d}-{rng.randrange(10**4):04d}"
        ),
        "BR",
        True,
    )


def mx_mobile(rng: random.Random, n: int) -> list[str]:
    return [f"+52 55 {rng.randrange(10**4):04d} {rng.randrange(10**4):04d}" for _ in range(n)]


def pe_fixed(rng: random.Random, n: int) -> list[str]:
    return _numbers(
        rng, n, lambda: f"(01) {rng.randrange(2, 8)}{rng.randrange(10**6):06d}", "PE", False
    )


def es_fixed(rng: random.Random, n: int) -> list[str]:
    # with the country code: bare, "91..." is also a valid Peruvian mobile
    return _numbers(rng, n, lambda: f"+34 91{rng.randrange(10**7):07d}", "ES", False)


def pe_fixed_national(rng: random.Random, n: int) -> list[str]:
    return [v.replace("(", "").replace(")", "").replace(" ", "") for v in pe_fixed(rng, n)]


# --- national IDs --------------------------------------------------------------------------------


def pe_dni(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.randrange(10**6, 8 * 10**7):08d}" for _ in range(n)]


def pe_ruc(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = f"{rng.choice(['10', '20'])}{rng.randrange(10**8):08d}"
        out.append(body + ruc.calc_check_digit(body))
    return out


def pe_ce(rng: random.Random, n: int) -> list[str]:
    return [f"00{rng.randrange(10**7):07d}" for _ in range(n)]


def es_dni_values(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = f"{rng.randrange(10**8):08d}"
        out.append(body + es_dni.calc_check_digit(body))
    return out


def es_nie_values(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = f"{rng.choice('XYZ')}{rng.randrange(10**7):07d}"
        out.append(body + es_nie.calc_check_digit(body))
    return out


def kr_rrn(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(18000))
        gender = rng.choice("12") if born.year < 2000 else rng.choice("34")
        body = f"{born:%y%m%d}{gender}{rng.randrange(0, 96):02d}{rng.randrange(10**3):03d}"
        body = body[:12]
        out.append(f"{body[:6]}-{body[6:]}{rrn.calc_check_digit(body)}")
    return out


def _cpf_digit(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits, range(len(digits) + 1, 1, -1), strict=True))
    return str((total * 10 % 11) % 10)


def br_cpf(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = f"{rng.randrange(10**8, 10**9):09d}"
        body += _cpf_digit(body)
        body += _cpf_digit(body)
        out.append(f"{body[:3]}.{body[3:6]}.{body[6:9]}-{body[9:]}")
    return out


def cl_rut(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = str(rng.randrange(5 * 10**6, 25 * 10**6))
        digit = rut.calc_check_digit(body)
        out.append(f"{int(body):,}".replace(",", ".") + f"-{digit}")
    return out


def mx_curp(rng: random.Random, n: int) -> list[str]:
    out = []
    consonants = "BCDFGHJKLMNPQRSTVWXZ"
    for _ in range(n):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(18000))
        head = rng.choice(["GOMR", "PEMJ", "LOSA", "HEGL", "RAVC"])
        state = rng.choice(["DF", "JC", "NL", "PL", "VZ"])
        tail = "".join(rng.choice(consonants) for _ in range(3))
        clave = "0" if born.year < 2000 else "A"
        body = f"{head}{born:%y%m%d}{rng.choice('HM')}{state}{tail}{clave}"
        out.append(body + curp.calc_check_digit(body + "0"))
    return out


# --- SIM and device ------------------------------------------------------------------------------


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str(-total % 10)


def imsi(rng: random.Random, n: int) -> list[str]:
    return [f"71610{rng.randrange(10**10):010d}" for _ in range(n)]


def iccid(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = f"895110{rng.randrange(10**12):012d}"
        out.append(body + luhn_digit(body))
    return out


def imei(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = f"35{rng.randrange(10**12):012d}"
        out.append(body + luhn_digit(body))
    return out


def hex32(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.getrandbits(128):032X}" for _ in range(n)]


def md5(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.getrandbits(128):032x}" for _ in range(n)]


def sha1(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.getrandbits(160):040x}" for _ in range(n)]


def sha256(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.getrandbits(256):064x}" for _ in range(n)]


def bcrypt(rng: random.Random, n: int) -> list[str]:
    alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return ["$2b$12$" + "".join(rng.choice(alphabet) for _ in range(53)) for _ in range(n)]


# --- people and places ---------------------------------------------------------------------------


def email(rng: random.Random, n: int) -> list[str]:
    domains = ["example.com", "correo.pe", "mail.test", "exemplo.com.br"]
    return [f"{invented(rng).lower()}{rng.randrange(1000)}@{rng.choice(domains)}" for _ in range(n)]


def given_name(rng: random.Random, n: int) -> list[str]:
    return [" ".join(_mix(rng, GIVEN) for _ in range(rng.choice([1, 2]))) for _ in range(n)]


def given_name_pt(rng: random.Random, n: int) -> list[str]:
    return [_mix(rng, GIVEN_PT).title() for _ in range(n)]


def given_name_ko(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(KO_GIVEN) for _ in range(n)]


def surname(rng: random.Random, n: int) -> list[str]:
    return [" ".join(_mix(rng, SURNAMES) for _ in range(rng.choice([1, 2]))) for _ in range(n)]


def surname_pt(rng: random.Random, n: int) -> list[str]:
    return [_mix(rng, SURNAMES_PT).title() for _ in range(n)]


def surname_ko(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(KO_SURNAMES) for _ in range(n)]


def full_name(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        given = " ".join(_mix(rng, GIVEN) for _ in range(rng.choice([1, 2])))
        family = f"{_mix(rng, SURNAMES)} {_mix(rng, SURNAMES)}"
        out.append(f"{family}, {given}" if rng.random() < 0.3 else f"{given} {family}")
    return out


def full_name_pt(rng: random.Random, n: int) -> list[str]:
    return [
        f"{_mix(rng, GIVEN_PT)} {_mix(rng, SURNAMES_PT)} {_mix(rng, SURNAMES_PT)}".title()
        for _ in range(n)
    ]


def full_name_ko(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(KO_SURNAMES) + rng.choice(KO_GIVEN) for _ in range(n)]


def _dates(rng: random.Random, n: int, start: int, end: int, fmt: str) -> list[str]:
    first, last = dt.date(start, 1, 1), dt.date(end, 12, 31)
    span = (last - first).days
    return [(first + dt.timedelta(days=rng.randrange(span))).strftime(fmt) for _ in range(n)]


def birth_dmy(rng: random.Random, n: int) -> list[str]:
    return _dates(rng, n, 1940, 2006, "%d/%m/%Y")


def birth_iso(rng: random.Random, n: int) -> list[str]:
    return _dates(rng, n, 1940, 2006, "%Y-%m-%d")


def birth_compact(rng: random.Random, n: int) -> list[str]:
    return _dates(rng, n, 1940, 2006, "%Y%m%d")


def birth_excel(rng: random.Random, n: int) -> list[str]:
    return [str(rng.randrange(14611, 38718)) for _ in range(n)]


def recent_iso(rng: random.Random, n: int) -> list[str]:
    return _dates(rng, n, 2016, 2025, "%Y-%m-%d")


def recent_dmy_time(rng: random.Random, n: int) -> list[str]:
    return _dates(rng, n, 2018, 2025, "%d/%m/%Y %H:%M")


def recent_epoch(rng: random.Random, n: int) -> list[str]:
    return [str(rng.randrange(1_500_000_000, 1_750_000_000)) for _ in range(n)]


def recent_compact(rng: random.Random, n: int) -> list[str]:
    return _dates(rng, n, 2019, 2025, "%Y%m%d")


def address(rng: random.Random, n: int) -> list[str]:
    kinds = ["AV.", "JR.", "CALLE", "PSJE.", "MZ. B LT.", "Rua", "Street"]
    return [f"{rng.choice(kinds)} {invented(rng)} {rng.randrange(1, 2000)}" for _ in range(n)]


def address_no_number(rng: random.Random, n: int) -> list[str]:
    return [
        f"{rng.choice(['CALLE', 'JR.', 'Rua'])} {invented(rng)} {invented(rng)}" for _ in range(n)
    ]


def city_with_region(rng: random.Random, n: int) -> list[str]:
    return [
        rng.choice(["Miraflores, Lima", "Trujillo, La Libertad", "Ate, Lima"]) for _ in range(n)
    ]


def address_ko(rng: random.Random, n: int) -> list[str]:
    return [f"서울특별시 강남구 테헤란로 {rng.randrange(1, 500)}" for _ in range(n)]


def city(rng: random.Random, n: int) -> list[str]:
    names = ["Miraflores", "San Isidro", "Trujillo", "Chiclayo", "Arequipa", "Ate", "Comas"]
    return [rng.choice(names) for _ in range(n)]


def city_br(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["São Paulo", "Rio de Janeiro", "Recife", "Curitiba"]) for _ in range(n)]


def city_ko(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["서울", "부산", "인천", "대구"]) for _ in range(n)]


def region(rng: random.Random, n: int) -> list[str]:
    names = ["LIMA", "AREQUIPA", "LA LIBERTAD", "PIURA", "CUSCO", "JUNÍN", "LORETO", "ÁNCASH"]
    return [rng.choice(names) for _ in range(n)]


def postal_pe(rng: random.Random, n: int) -> list[str]:
    return [f"15{rng.randrange(1000):03d}" for _ in range(n)]


def postal_cep(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.randrange(10**5):05d}-{rng.randrange(10**3):03d}" for _ in range(n)]


def customer_code(rng: random.Random, n: int) -> list[str]:
    start = rng.randrange(10**6)
    return [f"CL{start + i:08d}" for i in range(n)]


def customer_uuidish(rng: random.Random, n: int) -> list[str]:
    return [f"ACC-{rng.randrange(10**6):06d}-{rng.choice('ABCDEF')}{i}" for i in range(n)]


def plan(rng: random.Random, n: int) -> list[str]:
    return [
        rng.choice(["PREPAGO", "POSTPAGO MAX 69.90", "CONTROL 39", "Ilimitado 5G"])
        for _ in range(n)
    ]


def plan_en(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["Prepaid", "Postpaid 20GB", "Unlimited Plus"]) for _ in range(n)]


def status(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["ACTIVO", "SUSPENDIDO", "BAJA", "BLOQUEADO"]) for _ in range(n)]


def status_en(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["active", "suspended", "cancelled"]) for _ in range(n)]


def status_ko(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["정상", "해지", "정지"]) for _ in range(n)]


def ipv4(rng: random.Random, n: int) -> list[str]:
    return [".".join(str(rng.randrange(1, 255)) for _ in range(4)) for _ in range(n)]


def ipv6(rng: random.Random, n: int) -> list[str]:
    return [":".join(f"{rng.getrandbits(16):x}" for _ in range(8)) for _ in range(n)]


def free_text(rng: random.Random, n: int) -> list[str]:
    words = ["cliente", "llamó", "por", "reclamo", "de", "factura", "pendiente", "revisar", "ok"]
    return [" ".join(rng.choice(words) for _ in range(rng.randrange(4, 12))) for _ in range(n)]


def amounts(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.uniform(0, 500):.2f}" for _ in range(n)]
