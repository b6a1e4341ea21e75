"""Leak rows before formatting, their rendering into columns, and their row-level truth.

A ``Records`` holds canonical values (table indexes, numbers) for each leaked row and the person
and customer the row is *linked* to: the one it was copied from, or for an invented row the
real person whose identifier it happens to carry. Truth compares each rendered column's
canonical value with the linked person's, so chance collisions are reported honestly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leaktriage.synth import _fmt
from leaktriage.synth import _names as T
from leaktriage.synth._operator import Customers, lookup, msisdn_e164, string_lookup
from leaktriage.synth._population import (
    DISTRICT_REGION,
    DISTRICTS,
    GIVEN,
    N_FEMALE,
    REGION_NAMES,
    Population,
    name_strings,
)


@dataclass
class Records:
    """Canonical leaked rows; customer-level arrays are -1 where a row has no customer."""

    person: np.ndarray  #: linked person, -1 if none
    cust: np.ndarray  #: customer the customer-level fields come from, -1 if none
    genuine: np.ndarray
    given1: np.ndarray
    given2: np.ndarray
    paterno: np.ndarray
    materno: np.ndarray
    accent: np.ndarray
    birth: np.ndarray
    dni: np.ndarray
    email: pa.Array
    email_person: np.ndarray  #: person owning this email, -1 if none
    addr_person: np.ndarray  #: person whose address this is, -1 if invented
    district: np.ndarray
    msisdn: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    def take(self, idx: np.ndarray) -> Records:
        values: dict[str, Any] = {}
        for f in fields(self):
            col = getattr(self, f.name)
            values[f.name] = col.take(pa.array(idx)) if isinstance(col, pa.Array) else col[idx]
        return Records(**values)

    @staticmethod
    def concat(parts: list[Records]) -> Records:
        values: dict[str, Any] = {}
        for f in fields(Records):
            cols = [getattr(p, f.name) for p in parts]
            values[f.name] = (
                pa.concat_arrays(cols) if isinstance(cols[0], pa.Array) else np.concatenate(cols)
            )
        return Records(**values)


def from_customers(pop: Population, cust: Customers, idx: np.ndarray) -> Records:
    """Genuine rows of customers ``idx``."""
    idx = np.asarray(idx, dtype=np.int64)
    p = cust.person[idx]
    return Records(
        person=p,
        cust=idx,
        genuine=np.ones(len(idx), dtype=bool),
        given1=pop.given1[p],
        given2=pop.given2[p],
        paterno=pop.paterno[p],
        materno=pop.materno[p],
        accent=pop.accent[p],
        birth=pop.birth[p],
        dni=pop.dni[p],
        email=pop.email.take(pa.array(p)),
        email_person=p,
        addr_person=p,
        district=pop.district[p],
        msisdn=cust.msisdn[idx],
    )


def from_persons(pop: Population, p: np.ndarray) -> Records:
    """Real persons who are not customers, with their other-operator phone."""
    rec = from_customers(pop, _no_customers(pop, p), np.arange(len(p)))
    rec.cust = np.full(len(p), -1, dtype=np.int64)
    rec.genuine = np.zeros(len(p), dtype=bool)
    rec.msisdn = pop.other_phone[p]
    return rec


def _no_customers(pop: Population, p: np.ndarray) -> Customers:
    n = len(p)
    empty = pa.nulls(n, pa.string())
    zeros = np.zeros(n, dtype=np.int64)
    return Customers(
        person=np.asarray(p, dtype=np.int64),
        number=zeros,
        msisdn=zeros,
        plan=zeros,
        activation=zeros,
        churn=zeros,
        suspended=zeros.astype(bool),
        imsi=zeros,
        iccid=empty,
        ki=empty,
        opc=empty,
        imei=empty,
        provisioned=zeros,
    )


def fabricate(
    rng: np.random.Generator,
    pop: Population,
    cust: Customers,
    n: int,
    reuse_share: float,
) -> Records:
    """Invented rows. A ``reuse_share`` of them carry a real customer's DNI or MSISDN re-paired
    with invented names and birth dates; the rest have random DNIs, mobiles and emails, some of
    which collide with real ones by chance (and are linked to that person in the truth)."""
    sex = rng.random(n) < 0.5
    nf, nm = N_FEMALE, len(GIVEN) - N_FEMALE
    g1 = np.where(sex, rng.integers(nf, nf + nm, n), rng.integers(0, nf, n))
    g2 = np.where(
        rng.random(n) < 0.4, np.where(sex, rng.integers(nf, nf + nm, n), rng.integers(0, nf, n)), -1
    )
    g2 = np.where(g2 == g1, -1, g2)
    ws = T.zipf_weights(len(T.SURNAMES), 0.6, 3.0)
    pat = rng.choice(len(T.SURNAMES), n, p=ws)
    mat = rng.choice(len(T.SURNAMES), n, p=ws)
    as_of = _fmt.days("2025-06-30")
    birth = (as_of - rng.integers(18 * 365, 85 * 365, n)).astype(np.int32)
    dni = rng.integers(1_000_000, 80_000_000, n)
    msisdn = 900_000_000 + rng.integers(0, 100_000_000, n)
    reuse = rng.random(n) < reuse_share
    which = rng.random(n) < 0.5
    donor = rng.integers(0, cust.size, n)
    dni = np.where(reuse & which, pop.dni[cust.person[donor]], dni)
    msisdn = np.where(reuse & ~which, cust.msisdn[donor], msisdn)
    given_tok = tuple(g.lower().replace("ñ", "n").replace(" ", "") for g in GIVEN)
    sur_tok = tuple(
        s.lower().replace("ñ", "n").replace(" ", "").replace("'", "") for s in T.SURNAMES
    )
    email = _fmt.join(
        [
            _fmt.table_take(given_tok, g1),
            _fmt.table_take(("", ".", "_"), rng.integers(0, 3, n)),
            _fmt.table_take(sur_tok, pat),
            _fmt.to_str(rng.integers(1, 10_000, n)),
            "@",
            _fmt.table_take(T.EMAIL_DOMAINS, rng.integers(0, len(T.EMAIL_DOMAINS), n)),
        ]
    )
    dni_order = np.argsort(pop.dni)
    by_dni = lookup(pop.dni[dni_order], dni_order, dni)
    ms_order = np.argsort(cust.msisdn)
    by_msisdn = lookup(cust.msisdn[ms_order], ms_order, msisdn)
    by_email = string_lookup(email, pop.email)
    person = np.where(
        by_dni >= 0,
        by_dni,
        np.where(by_msisdn >= 0, cust.person[np.maximum(by_msisdn, 0)], by_email),
    )
    return Records(
        person=person.astype(np.int64),
        cust=np.full(n, -1, dtype=np.int64),
        genuine=np.zeros(n, dtype=bool),
        given1=g1.astype(np.int64),
        given2=g2.astype(np.int64),
        paterno=pat.astype(np.int64),
        materno=mat.astype(np.int64),
        accent=np.zeros(n, dtype=bool),
        birth=birth,
        dni=dni.astype(np.int64),
        email=email,
        email_person=by_email,
        addr_person=np.full(n, -1, dtype=np.int64),
        district=rng.integers(0, int(pop.district.max()) + 1, n),
        msisdn=msisdn.astype(np.int64),
    )


def _names_of(rec: Records, accents: bool) -> tuple[pa.Array, pa.Array, pa.Array]:
    acc = rec.accent if accents else np.zeros(len(rec), dtype=bool)
    return (
        name_strings([rec.given1, rec.given2], GIVEN, acc),
        name_strings([rec.paterno], T.SURNAMES, acc),
        name_strings([rec.materno], T.SURNAMES, acc),
    )


def render(
    rec: Records,
    pop: Population,
    cust: Customers,
    spec: list[tuple[str, str, str]],
    day: int,
    accents: bool = True,
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Columns named and styled by ``spec`` (leak name, field, style), and for each column
    whether its value matches the linked person/customer."""
    n = len(rec)
    given, pat, mat = _names_of(rec, accents)
    c = np.maximum(rec.cust, 0)
    has_c = rec.cust >= 0
    ap = np.maximum(rec.addr_person, 0)
    linked = rec.person >= 0
    lp = np.maximum(rec.person, 0)
    lc = _customer_of(pop, cust)[lp]
    lc = np.where(linked, lc, -1)
    same_c = has_c & (rec.cust == lc)
    name_ok = linked & (rec.given1 == pop.given1[lp]) & (rec.given2 == pop.given2[lp])
    pat_ok = linked & (rec.paterno == pop.paterno[lp])
    mat_ok = linked & (rec.materno == pop.materno[lp])
    cols: dict[str, pa.Array] = {}
    truth: dict[str, np.ndarray] = {}
    for name, field, style in spec:
        arr: pa.Array
        ok: np.ndarray
        if field == "given":
            arr, ok = given, name_ok
        elif field == "paterno":
            arr, ok = pat, pat_ok
        elif field == "materno":
            arr, ok = mat, mat_ok
        elif field == "surnames":
            arr, ok = _fmt.join([pat, mat], " "), pat_ok & mat_ok
        elif field == "full_name":
            if style == "reversed":  # "PATERNO MATERNO, NOMBRES"
                arr = _fmt.join([_fmt.join([pat, mat], " "), given], ", ")
            else:
                arr = _fmt.join([given, pat, mat], " ")
            ok = name_ok & pat_ok & mat_ok
        elif field == "dni":
            arr = _fmt.to_str(rec.dni) if style == "int" else _fmt.number(rec.dni, 8)
            ok = linked & (rec.dni == pop.dni[lp])
        elif field == "birth":
            arr = _date(rec.birth, style)
            ok = linked & (rec.birth == pop.birth[lp])
        elif field == "email":
            arr, ok = rec.email, linked & (rec.email_person == rec.person)
        elif field == "address":
            arr = _fmt.with_nulls(pop.address(ap), rec.addr_person < 0)
            if (rec.addr_person < 0).any():
                arr = _invented_addresses(arr, rec)
            ok = linked & (rec.addr_person == rec.person)
        elif field == "district":
            arr = _fmt.table_take(DISTRICTS, rec.district)
            ok = linked & (rec.district == pop.district[lp])
        elif field == "region":
            arr = _fmt.table_take(REGION_NAMES, DISTRICT_REGION[rec.district])
            ok = linked & (DISTRICT_REGION[rec.district] == pop.region[lp])
        elif field == "msisdn":
            arr = _phone(rec.msisdn, style)
            ok = (lc >= 0) & (rec.msisdn == cust.msisdn[np.maximum(lc, 0)])
        else:
            arr, ok = _customer_field(cust, c, field, style, day), same_c
            arr = _fmt.with_nulls(arr, ~has_c)
        cols[name] = arr
        truth[name] = np.asarray(ok, dtype=bool)
    assert all(len(a) == n for a in cols.values())
    return pa.table(cols), truth


def _invented_addresses(arr: pa.Array, rec: Records) -> pa.Array:
    """Fill invented rows' addresses from a generator seeded by the rows themselves."""
    n = len(rec)
    rng = np.random.default_rng(int(rec.dni.sum() % (2**32)))
    invented = _fmt.join(
        [
            _fmt.table_take(T.STREET_TYPES, rng.integers(0, len(T.STREET_TYPES), n)),
            _fmt.table_take(T.STREETS, rng.integers(0, len(T.STREETS), n)),
            _fmt.to_str(rng.integers(1, 3000, n)),
        ],
        " ",
    )
    return pc.coalesce(arr, invented)


def _customer_of(pop: Population, cust: Customers) -> np.ndarray:
    """Customer index of each person, -1 for non-customers."""
    out = np.full(pop.size, -1, dtype=np.int64)
    out[cust.person] = np.arange(cust.size)
    return out


def _date(values: np.ndarray, style: str) -> pa.Array:
    if style == "date32":
        return pa.array(np.asarray(values, dtype=np.int32), pa.date32())
    return _fmt.date_str(values, style)


def _phone(numbers: np.ndarray, style: str) -> pa.Array:
    n = len(numbers)
    missing = numbers <= 0
    safe = np.where(missing, 0, numbers)
    d = _fmt.digits(safe, 9)
    if style == "e164_spaced":
        arr = msisdn_e164(safe)
    elif style == "e164":
        arr = _fmt.fixed(["+51", d], n)
    elif style == "cc":
        arr = _fmt.fixed(["51", d], n)
    elif style == "dashed":
        arr = _fmt.fixed([d[:, :3], "-", d[:, 3:6], "-", d[:, 6:]], n)
    elif style == "paren":
        arr = _fmt.fixed(["(+51) ", d[:, :3], " ", d[:, 3:]], n)
    else:
        arr = _fmt.fixed([d], n)
    return _fmt.with_nulls(arr, missing)


def _customer_field(cust: Customers, c: np.ndarray, field: str, style: str, day: int) -> pa.Array:
    take = pa.array(c)
    if field == "customer_id":
        return cust.customer_id(c)
    if field == "plan":
        return _fmt.table_take(T.PLANS, cust.plan[c])
    if field == "status":
        return cust.status_at(c, day)
    if field == "activation":
        return _date(cust.activation[c], style)
    if field == "provisioned":
        return _date(cust.provisioned[c], style)
    if field == "imsi":
        return _fmt.number(cust.imsi[c], 15)
    if field in ("iccid", "ki", "opc", "imei"):
        arr: pa.Array = getattr(cust, field).take(take)
        return pc.utf8_lower(arr) if style == "lower" else arr
    raise ValueError(f"unknown field {field}")
