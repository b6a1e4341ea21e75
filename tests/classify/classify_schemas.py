"""Tables shaped like schemas nobody here wrote, filled with synthetic values.

The shapes follow public sample databases and common telecom exports: Chinook (Customer,
Employee, Invoice, InvoiceLine, PlaylistTrack), Sakila (customer, staff, address, city,
rental, payment, inventory), the MySQL ``employees`` database (employees, salaries,
dept_emp), Northwind (Customers, Employees), an HSS/USIM authentication table, the CRM of a
Peruvian operator (Spanish headers) and a Korean subscriber table (Korean headers). Column
names, value shapes, key layouts (sequential primary keys, repeated foreign keys) and row
counts mimic the originals; every value is generated here and belongs to nobody.

Each :class:`Table` lists ``(column, generator, expected type)``: the classifier's expected
answer, table-driven, for the tests and for the accuracy figures reported to the lead.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

import classify_synth as s
import phonenumbers
import pyarrow as pa

Gen = Callable[[random.Random, int], list[str | None]]
PNT = phonenumbers.PhoneNumberType


@dataclass(frozen=True)
class Table:
    """One generated table: its database, name, size, the operator's region and columns."""

    db: str
    name: str
    rows: int
    columns: tuple[tuple[str, Gen, str], ...]
    region: str = "PE"

    @property
    def id(self) -> str:
        return f"{self.db}.{self.name}"

    def arrow(self) -> pa.Table:
        """The table's values (seeded by its id: the same on every run)."""
        rng = random.Random(self.id)
        return pa.table(
            {name: pa.array(gen(rng, self.rows), pa.string()) for name, gen, _ in self.columns}
        )

    def expected(self) -> list[str]:
        return [expected for _, _, expected in self.columns]


# --- keys ---------------------------------------------------------------------------------------


def serial(start: int = 1) -> Gen:
    """A primary key: start, start+1, ... in file order."""
    return lambda rng, n: [str(start + i) for i in range(n)]


def foreign(high: int, low: int = 1) -> Gen:
    """A foreign key: random integers in low..high, repeated."""
    return lambda rng, n: [str(rng.randint(low, high)) for _ in range(n)]


def grouped(start: int, mean_run: int) -> Gen:
    """A sorted foreign key (``salaries.emp_no``, ``inventory.film_id``): runs of one value."""

    def gen(rng: random.Random, n: int) -> list[str | None]:
        out: list[str | None] = []
        key = start
        while len(out) < n:
            out.extend([str(key)] * rng.randint(1, 2 * mean_run - 1))
            key += rng.randint(1, 2)
        return out[:n]

    return gen


def choice(*options: str | None) -> Gen:
    return lambda rng, n: [rng.choice(options) for _ in range(n)]


def sparse(gen: Gen, share: float) -> Gen:
    """``gen`` with only ``share`` of the cells filled (the rest NULL)."""

    def sparse_gen(rng: random.Random, n: int) -> list[str | None]:
        values = gen(rng, n)
        return [v if rng.random() < share else None for v in values]

    return sparse_gen


def plain(gen: s.Gen) -> Gen:
    return lambda rng, n: list(gen(rng, n))


# --- dates --------------------------------------------------------------------------------------


def timestamps(start: int, end: int, fmt: str = "%Y-%m-%d %H:%M:%S") -> Gen:
    def gen(rng: random.Random, n: int) -> list[str | None]:
        first = dt.datetime(start, 1, 1)
        span = int((dt.datetime(end, 12, 31) - first).total_seconds())
        return [(first + dt.timedelta(seconds=rng.randrange(span))).strftime(fmt) for _ in range(n)]

    return gen


def births(fmt: str = "%Y-%m-%d", start: int = 1945, end: int = 2000) -> Gen:
    return timestamps(start, end, fmt)


def to_dates(rng: random.Random, n: int) -> list[str | None]:
    """``dept_emp.to_date``: most rows still current (``9999-01-01``)."""
    ends = timestamps(1990, 2002, "%Y-%m-%d")(rng, n)
    return ["9999-01-01" if rng.random() < 0.7 else end for end in ends]


# --- phones -------------------------------------------------------------------------------------

_NANP_AREAS = {"US": ["206", "212", "312", "415", "617", "702"], "CA": ["403", "514", "604", "780"]}


def _number(rng: random.Random, region: str, kind: int) -> phonenumbers.PhoneNumber:
    """A random valid number of ``region`` and ``kind`` (drawn until ``phonenumbers`` agrees)."""
    if region in _NANP_AREAS:
        while True:
            area = rng.choice(_NANP_AREAS[region])
            text = f"{area}{rng.randint(200, 999)}{rng.randrange(10**4):04d}"
            number = phonenumbers.parse(text, region)
            if phonenumbers.is_valid_number(number):
                return number
    example = phonenumbers.example_number_for_type(region, kind)
    nsn = phonenumbers.national_significant_number(example)
    kinds = {kind, PNT.FIXED_LINE_OR_MOBILE}
    for _ in range(10_000):
        text = nsn[:2] + "".join(str(rng.randrange(10)) for _ in range(len(nsn) - 2))
        number = phonenumbers.parse(text, region)
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in kinds:
            return number
    return example


def _chinook_style(number: phonenumbers.PhoneNumber) -> str:
    """``+1 (403) 262-3443`` for North America, ``+55 11 3033-5446`` style elsewhere."""
    if number.country_code == 1:
        nsn = phonenumbers.national_significant_number(number)
        return f"+1 ({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Chinook's customers come from 24 countries, a third of them from the US and Canada.
_CHINOOK_COUNTRIES = ["US"] * 13 + ["CA"] * 8 + ["FR"] * 5 + ["BR"] * 5 + ["DE"] * 4
_CHINOOK_COUNTRIES += ["GB"] * 3 + ["CZ", "CZ", "PT", "PT", "IN", "IN", "AR", "AU", "AT"]
_CHINOOK_COUNTRIES += ["BE", "CL", "DK", "FI", "HU", "IE", "IT", "NL", "NO", "PL", "ES", "SE"]


def world_phones(countries: list[str], mobile: float, style: Callable[..., str]) -> Gen:
    def gen(rng: random.Random, n: int) -> list[str | None]:
        out: list[str | None] = []
        for _ in range(n):
            region = rng.choice(countries)
            kind = PNT.MOBILE if rng.random() < mobile else PNT.FIXED_LINE
            out.append(style(_number(rng, region, kind)))
        return out

    return gen


def _national(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def sakila_phones(rng: random.Random, n: int) -> list[str | None]:
    """Sakila's ``address.phone``: bare digit strings of 9 to 12 digits."""
    return [str(rng.randrange(10**8, 10**12)) for _ in range(n)]


def pe_fixed_trunk(rng: random.Random, n: int) -> list[str | None]:
    """Lima landlines as CRMs write them: ``014567890``."""
    return [v.replace(" ", "") for v in s.pe_fixed_national(rng, n)]


def pe_mobile_51(rng: random.Random, n: int) -> list[str | None]:
    """HSS MSISDNs: country code and number, no plus (``51987654321``)."""
    return [f"51{v}" for v in s.pe_mobile(rng, n)]


# --- people, places, misc -----------------------------------------------------------------------

_EN_GIVEN = ["Mary", "Patricia", "Linda", "Barbara", "John", "Robert", "Michael", "William"]
_EN_GIVEN += ["Luis", "Maria", "Juan", "Ana", "Carlos", "Rosa", "Jorge", "Lucia"]
_EN_SURNAMES = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson"]
_EN_SURNAMES += ["Garcia", "Rodriguez", "Martinez", "Lopez", "Gonzalez", "Perez", "Torres"]


def en_given(rng: random.Random, n: int) -> list[str | None]:
    return [
        rng.choice(_EN_GIVEN) if rng.random() < 0.8 else s.invented(rng).title() for _ in range(n)
    ]


def en_surname(rng: random.Random, n: int) -> list[str | None]:
    return [
        rng.choice(_EN_SURNAMES) if rng.random() < 0.8 else s.invented(rng).title()
        for _ in range(n)
    ]


def upper(gen: Gen) -> Gen:
    return lambda rng, n: [v.upper() if v else v for v in gen(rng, n)]


def en_full(rng: random.Random, n: int) -> list[str | None]:
    given, family = en_given(rng, n), en_surname(rng, n)
    return [f"{g} {f}" for g, f in zip(given, family, strict=True)]


def en_address(rng: random.Random, n: int) -> list[str | None]:
    streets = ["Main Street", "Hanoi Way", "Elm Avenue", "Pender Street", "Oak Road", "Park Lane"]
    return [f"{rng.randint(1, 1999)} {rng.choice(streets)}" for _ in range(n)]


def world_cities(rng: random.Random, n: int) -> list[str | None]:
    names = ["Lima", "Arequipa", "Madrid", "Sao Paulo", "Santiago", "Seoul", "Busan", "Monterrey"]
    return [rng.choice(names) for _ in range(n)]


def world_regions(rng: random.Random, n: int) -> list[str | None]:
    return [rng.choice(["LIMA", "AREQUIPA", "CUSCO", "PIURA", "LA LIBERTAD"]) for _ in range(n)]


def states(rng: random.Random, n: int) -> list[str | None]:
    return [rng.choice(["SP", "RJ", "QC", "AB", "BC", "CA", "WA", "NY", None]) for _ in range(n)]


def countries(rng: random.Random, n: int) -> list[str | None]:
    names = ["Brazil", "Germany", "Canada", "USA", "France", "Peru", "Chile", "Spain"]
    return [rng.choice(names) for _ in range(n)]


def world_postal(rng: random.Random, n: int) -> list[str | None]:
    shapes = [
        lambda: f"{rng.randrange(10**5):05d}",
        lambda: f"{rng.randrange(10**5):05d}-{rng.randrange(10**3):03d}",
        lambda: f"T{rng.randint(1, 9)}P {rng.randint(1, 9)}T{rng.randint(1, 9)}",
    ]
    return [rng.choice(shapes)() for _ in range(n)]


def emails(domain: str) -> Gen:
    return lambda rng, n: [f"{s.invented(rng).lower()}{i}@{domain}" for i in range(n)]


def money(low: float, high: float) -> Gen:
    return lambda rng, n: [f"{rng.uniform(low, high):.2f}" for _ in range(n)]


def salaries(rng: random.Random, n: int) -> list[str | None]:
    return [str(rng.randint(40000, 158000)) for _ in range(n)]


def companies(rng: random.Random, n: int) -> list[str | None]:
    names = ["Telus", "Google Inc.", "Apple Inc.", "Rogers Canada", "Riotur", "JetBrains s.r.o."]
    return [rng.choice(names) for _ in range(n)]


def company_names(rng: random.Random, n: int) -> list[str | None]:
    kinds = ["Comercial", "Distribuidora", "Importadora", "Inversiones", "Servicios"]
    return [f"{rng.choice(kinds)} {s.invented(rng).title()} S.A.C." for _ in range(n)]


def titles(rng: random.Random, n: int) -> list[str | None]:
    return [
        rng.choice(["Sales Manager", "Sales Support Agent", "IT Staff", "General Manager"])
        for _ in range(n)
    ]


def letters(size: int) -> Gen:
    """Northwind's ``CustomerID``: five capital letters (``ALFKI``), unique."""

    def gen(rng: random.Random, n: int) -> list[str | None]:
        seen: set[str] = set()
        while len(seen) < n:
            seen.add("".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(size)))
        return sorted(seen)

    return gen


def hex_text(size: int) -> Gen:
    return lambda rng, n: [f"{rng.getrandbits(size * 4):0{size}X}" for _ in range(n)]


def kr_imsi(rng: random.Random, n: int) -> list[str | None]:
    return [f"45005{rng.randrange(10**10):010d}" for _ in range(n)]


def kr_iccid(rng: random.Random, n: int) -> list[str | None]:
    out: list[str | None] = []
    for _ in range(n):
        body = f"898205{rng.randrange(10**12):012d}"
        out.append(body + s.luhn_digit(body))
    return out


def sequential_imsi(rng: random.Random, n: int) -> list[str | None]:
    """HSS tables are provisioned in blocks: consecutive IMSIs."""
    start = 716_100_000_000_000 + rng.randrange(10**6)
    return [str(start + i) for i in range(n)]


def ubigeo(rng: random.Random, n: int) -> list[str | None]:
    return [
        f"{rng.choice(['15', '04', '13'])}{rng.randint(1, 10):02d}{rng.randint(1, 40):02d}"
        for _ in range(n)
    ]


def tipo_doc(rng: random.Random, n: int) -> list[str | None]:
    return [rng.choice(["DNI", "DNI", "DNI", "CE"]) for _ in range(n)]


def status_es(rng: random.Random, n: int) -> list[str | None]:
    return [rng.choice(["ACTIVO", "SUSPENDIDO", "BAJA"]) for _ in range(n)]


def plan_es(rng: random.Random, n: int) -> list[str | None]:
    return list(s.plan(rng, n))


# --- the schemas --------------------------------------------------------------------------------

_CHINOOK_PHONES = world_phones(_CHINOOK_COUNTRIES, 0.1, _chinook_style)
_CALGARY_PHONES = world_phones(["CA"], 0.0, _chinook_style)

CHINOOK = [
    Table(
        "chinook",
        "Customer",
        59,
        (
            ("CustomerId", serial(), "customer_id"),
            ("FirstName", en_given, "given_name"),
            ("LastName", en_surname, "surname"),
            ("Company", sparse(companies, 0.2), "other"),
            ("Address", en_address, "address"),
            ("City", world_cities, "city"),
            ("State", states, "region"),
            ("Country", countries, "other"),
            ("PostalCode", world_postal, "postal_code"),
            ("Phone", _CHINOOK_PHONES, "phone"),
            ("Fax", sparse(_CHINOOK_PHONES, 0.4), "phone"),
            ("Email", emails("example.com"), "email"),
            ("SupportRepId", foreign(5, 3), "other"),
        ),
    ),
    Table(
        "chinook",
        "Employee",
        8,
        (
            ("EmployeeId", serial(), "other"),
            ("LastName", en_surname, "surname"),
            ("FirstName", en_given, "given_name"),
            ("Title", titles, "other"),
            ("ReportsTo", choice(None, "1", "2", "2", "6"), "other"),
            ("BirthDate", births("%Y-%m-%d 00:00:00", 1947, 1973), "birth_date"),
            ("HireDate", timestamps(2002, 2004, "%Y-%m-%d 00:00:00"), "date"),
            ("Address", en_address, "address"),
            ("City", choice("Calgary", "Edmonton", "Lethbridge"), "city"),
            ("State", choice("AB"), "region"),
            ("Country", choice("Canada"), "other"),
            ("PostalCode", world_postal, "postal_code"),
            ("Phone", _CALGARY_PHONES, "phone"),
            ("Fax", _CALGARY_PHONES, "phone"),
            ("Email", emails("chinookcorp.example"), "email"),
        ),
    ),
    Table(
        "chinook",
        "Invoice",
        200,
        (
            ("InvoiceId", serial(), "other"),
            ("CustomerId", foreign(59), "customer_id"),
            ("InvoiceDate", timestamps(2021, 2025, "%Y-%m-%d 00:00:00"), "date"),
            ("BillingAddress", en_address, "address"),
            ("BillingCity", world_cities, "city"),
            ("BillingState", states, "region"),
            ("BillingCountry", countries, "other"),
            ("BillingPostalCode", world_postal, "postal_code"),
            ("Total", money(0.99, 25.86), "other"),
        ),
    ),
    Table(
        "chinook",
        "InvoiceLine",
        200,
        (
            ("InvoiceLineId", serial(), "other"),
            ("InvoiceId", grouped(1, 5), "other"),
            ("TrackId", foreign(3503), "other"),
            ("UnitPrice", choice("0.99", "1.99"), "other"),
            ("Quantity", choice("1"), "other"),
        ),
    ),
    Table(
        "chinook",
        "PlaylistTrack",
        200,
        (
            ("PlaylistId", grouped(1, 60), "other"),
            ("TrackId", foreign(3503), "other"),
        ),
    ),
]

SAKILA = [
    Table(
        "sakila",
        "customer",
        200,
        (
            ("customer_id", serial(), "customer_id"),
            ("store_id", choice("1", "2"), "other"),
            ("first_name", upper(en_given), "given_name"),
            ("last_name", upper(en_surname), "surname"),
            ("email", emails("sakilacustomer.example"), "email"),
            ("address_id", serial(5), "other"),
            ("active", choice("1", "1", "1", "0"), "other"),
            ("create_date", timestamps(2006, 2006), "date"),
            ("last_update", timestamps(2006, 2006), "date"),
        ),
    ),
    Table(
        "sakila",
        "staff",
        2,
        (
            ("staff_id", serial(), "other"),
            ("first_name", choice("Mike", "Jon"), "given_name"),
            ("last_name", choice("Hillyer", "Stephens"), "surname"),
            ("address_id", serial(3), "other"),
            ("picture", choice(None), "other"),
            ("email", emails("sakilastaff.example"), "email"),
            ("store_id", serial(), "other"),
            ("active", choice("1"), "other"),
            ("password", plain(s.sha1), "password_hash"),
            ("last_update", timestamps(2006, 2006), "date"),
        ),
    ),
    Table(
        "sakila",
        "address",
        200,
        (
            ("address_id", serial(), "other"),
            ("address", en_address, "address"),
            ("address2", choice(None, ""), "address"),
            ("district", world_regions, "region"),
            ("city_id", foreign(600), "other"),
            ("postal_code", plain(s.postal_pe), "postal_code"),
            ("phone", sakila_phones, "phone"),
            ("last_update", timestamps(2006, 2006), "date"),
        ),
    ),
    Table(
        "sakila",
        "city",
        200,
        (
            ("city_id", serial(), "other"),
            ("city", world_cities, "city"),
            ("country_id", foreign(109), "other"),
            ("last_update", timestamps(2006, 2006), "date"),
        ),
    ),
    Table(
        "sakila",
        "rental",
        200,
        (
            ("rental_id", serial(), "other"),
            ("rental_date", timestamps(2005, 2005), "date"),
            ("inventory_id", foreign(4581), "other"),
            ("customer_id", foreign(599), "customer_id"),
            ("return_date", timestamps(2005, 2005), "date"),
            ("staff_id", choice("1", "2"), "other"),
            ("last_update", timestamps(2006, 2006), "date"),
        ),
    ),
    Table(
        "sakila",
        "payment",
        200,
        (
            ("payment_id", serial(), "other"),
            ("customer_id", grouped(1, 25), "customer_id"),
            ("staff_id", choice("1", "2"), "other"),
            ("rental_id", foreign(16049, 10000), "other"),
            ("amount", money(0.99, 11.99), "other"),
            ("payment_date", timestamps(2005, 2005), "date"),
            ("last_update", timestamps(2006, 2006), "date"),
        ),
    ),
    Table(
        "sakila",
        "inventory",
        200,
        (
            ("inventory_id", serial(), "other"),
            ("film_id", grouped(1, 5), "other"),
            ("store_id", choice("1", "2"), "other"),
            ("last_update", timestamps(2006, 2006), "date"),
        ),
    ),
]

EMPLOYEES = [
    Table(
        "employees",
        "employees",
        300,
        (
            ("emp_no", serial(10001), "other"),
            ("birth_date", births("%Y-%m-%d", 1952, 1965), "birth_date"),
            ("first_name", en_given, "given_name"),
            ("last_name", en_surname, "surname"),
            ("gender", choice("M", "F"), "other"),
            ("hire_date", births("%Y-%m-%d", 1985, 2000), "date"),
        ),
    ),
    Table(
        "employees",
        "salaries",
        300,
        (
            ("emp_no", grouped(10001, 9), "other"),
            ("salary", salaries, "other"),
            ("from_date", births("%Y-%m-%d", 1986, 2001), "date"),
            ("to_date", to_dates, "date"),
        ),
    ),
    Table(
        "employees",
        "dept_emp",
        300,
        (
            ("emp_no", serial(10001), "other"),
            ("dept_no", choice(*(f"d00{i}" for i in range(1, 10))), "other"),
            ("from_date", births("%Y-%m-%d", 1986, 2001), "date"),
            ("to_date", to_dates, "date"),
        ),
    ),
]

_NORTHWIND_COUNTRIES = ["DE", "MX", "GB", "SE", "FR", "ES", "CA", "AR", "CH", "BR", "AT", "IT"]
_NORTHWIND_PHONES = world_phones(_NORTHWIND_COUNTRIES, 0.05, _national)

NORTHWIND = [
    Table(
        "northwind",
        "Customers",
        91,
        (
            ("CustomerID", letters(5), "customer_id"),
            ("CompanyName", company_names, "full_name"),
            ("ContactName", en_full, "full_name"),
            ("ContactTitle", titles, "other"),
            ("Address", en_address, "address"),
            ("City", world_cities, "city"),
            ("Region", sparse(states, 0.4), "region"),
            ("PostalCode", world_postal, "postal_code"),
            ("Country", countries, "other"),
            ("Phone", _NORTHWIND_PHONES, "phone"),
            ("Fax", sparse(_NORTHWIND_PHONES, 0.7), "phone"),
        ),
    ),
    Table(
        "northwind",
        "Employees",
        9,
        (
            ("EmployeeID", serial(), "other"),
            ("LastName", en_surname, "surname"),
            ("FirstName", en_given, "given_name"),
            ("Title", titles, "other"),
            ("TitleOfCourtesy", choice("Ms.", "Dr.", "Mr.", "Mrs."), "other"),
            ("BirthDate", births("%Y-%m-%d 00:00:00", 1937, 1966), "birth_date"),
            ("HireDate", timestamps(1992, 1994, "%Y-%m-%d 00:00:00"), "date"),
            ("Address", en_address, "address"),
            ("City", choice("Seattle", "Tacoma", "Kirkland", "London"), "city"),
            ("Region", choice("WA", None), "region"),
            ("PostalCode", world_postal, "postal_code"),
            ("Country", choice("USA", "UK"), "other"),
            ("HomePhone", world_phones(["US", "GB"], 0.0, _national), "phone"),
            ("Extension", lambda rng, n: [str(rng.randint(100, 9999)) for _ in range(n)], "other"),
            ("Notes", plain(s.free_text), "other"),
            ("ReportsTo", choice("2", "5", None), "other"),
        ),
    ),
]

HSS = [
    Table(
        "hss",
        "usim_auth",
        300,
        (
            ("id", serial(), "other"),
            ("imsi", sequential_imsi, "imsi"),
            ("msisdn", pe_mobile_51, "msisdn"),
            ("ki", plain(s.hex32), "ki"),
            ("opc", plain(s.hex32), "opc"),
            ("iccid", plain(s.iccid), "iccid"),
            ("sqn", hex_text(12), "other"),
            ("amf", choice("8000"), "other"),
            ("provisioned_at", timestamps(2019, 2025), "date"),
        ),
    )
]

PE_CRM = [
    Table(
        "pe_crm",
        "clientes",
        300,
        (
            ("id_cliente", serial(), "customer_id"),
            ("tipo_documento", tipo_doc, "other"),
            ("nro_documento", plain(s.pe_dni), "national_id"),
            ("nombres", plain(s.given_name), "given_name"),
            ("apellido_paterno", plain(s.surname), "surname"),
            ("apellido_materno", plain(s.surname), "surname"),
            ("fecha_nacimiento", plain(s.birth_dmy), "birth_date"),
            ("celular", plain(s.pe_mobile), "msisdn"),
            ("telefono_fijo", pe_fixed_trunk, "phone"),
            ("correo", plain(s.email), "email"),
            ("direccion", plain(s.address), "address"),
            ("distrito", plain(s.city), "city"),
            ("departamento", plain(s.region), "region"),
            ("ubigeo", ubigeo, "postal_code"),
            ("id_plan", foreign(12), "other"),
            ("plan", plan_es, "plan"),
            ("estado", status_es, "status"),
            ("fecha_alta", plain(s.recent_iso), "date"),
            ("id_vendedor", foreign(40), "other"),
        ),
    ),
    Table(
        "pe_crm",
        "lineas",
        300,
        (
            ("id_linea", serial(), "other"),
            ("id_cliente", foreign(300), "customer_id"),
            ("nro_linea", plain(s.pe_mobile), "msisdn"),
            ("iccid", plain(s.iccid), "iccid"),
            ("imsi", plain(s.imsi), "imsi"),
            ("id_plan", foreign(12), "other"),
            ("fecha_activacion", plain(s.recent_iso), "date"),
            ("estado", status_es, "status"),
        ),
    ),
    Table(
        "pe_crm",
        "vendedores",
        40,
        (
            ("id_vendedor", serial(), "other"),
            ("nombres", plain(s.given_name), "given_name"),
            ("apellidos", plain(s.surname), "surname"),
            ("telefono", plain(s.pe_mobile), "msisdn"),
            ("correo", plain(s.email), "email"),
            ("id_tienda", foreign(8), "other"),
        ),
    ),
    Table(
        "pe_crm",
        "facturas",
        300,
        (
            ("nro_factura", lambda rng, n: [f"F001-{i + 1:08d}" for i in range(n)], "other"),
            ("nro_cuenta", foreign(300), "customer_id"),
            ("fecha_emision", plain(s.recent_iso), "date"),
            ("monto", money(19.9, 299.9), "other"),
        ),
    ),
]

KR_SUBSCRIBERS = [
    Table(
        "kr",
        "가입자",
        300,
        (
            ("가입자번호", serial(100001), "customer_id"),
            ("가입자식별번호(IMSI)", kr_imsi, "imsi"),
            ("인증키(Ki)", plain(s.hex32), "ki"),
            ("OPc", plain(s.hex32), "opc"),
            ("USIM일련번호(ICCID)", kr_iccid, "iccid"),
            ("휴대폰번호", plain(s.kr_mobile), "msisdn"),
            ("주민등록번호", plain(s.kr_rrn), "national_id"),
            ("이름", plain(s.full_name_ko), "full_name"),
            ("주소", plain(s.address_ko), "address"),
            ("가입일", plain(s.recent_iso), "date"),
            ("요금제", choice("5G 프리미어", "LTE 베이직", "5G 스탠다드"), "plan"),
            ("상태", plain(s.status_ko), "status"),
        ),
        region="KR",
    )
]

TABLES: list[Table] = [
    *CHINOOK,
    *SAKILA,
    *EMPLOYEES,
    *NORTHWIND,
    *HSS,
    *PE_CRM,
    *KR_SUBSCRIBERS,
]
