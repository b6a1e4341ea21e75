"""The operator (MCC-MNC 716-06): customers, their lines and SIMs, and its reference files.

Sources written to ``sources/``: ``crm.csv``, ``billing.csv``, ``hss.csv`` (as of ``AS_OF``) and
``legacy_billing.csv`` (the archive of a decommissioned system, as of ``LEGACY_AS_OF``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leaktriage.synth import _fmt, _writers
from leaktriage.synth import _names as T
from leaktriage.synth._population import AS_OF, Population, mobile_numbers

LEGACY_AS_OF = "2019-12-31"
OPERATOR: dict[str, Any] = {
    "name": "Movistar-like (synthetic)",
    "country": "PE",
    "mcc": "716",
    "mnc": "06",
    "msisdn_prefixes": [str(p) for p in T.OWN_PREFIXES],
    "other_operator_prefixes": [str(p) for p in T.OTHER_PREFIXES],
    "national_id_scheme": "pe.dni",
    "as_of": AS_OF,
}
STATUSES = ("ACTIVO", "SUSPENDIDO", "BAJA")


@dataclass
class Customers:
    """Customers as parallel arrays; index ``c`` is customer ``c``, ordered by activation."""

    person: np.ndarray  #: person index
    number: np.ndarray  #: numeric part of customer_id
    msisdn: np.ndarray  #: 9-digit national number
    plan: np.ndarray
    activation: np.ndarray  #: day number
    churn: np.ndarray  #: day number or NO_DATE
    suspended: np.ndarray
    imsi: np.ndarray  #: int64, 15 digits
    iccid: pa.Array
    ki: pa.Array
    opc: pa.Array
    imei: pa.Array
    provisioned: np.ndarray  #: day number

    @property
    def size(self) -> int:
        return len(self.person)

    def active_at(self, day: int) -> np.ndarray:
        """Customers whose lifecycle covers ``day``."""
        return np.asarray(
            (self.activation <= day) & ((self.churn == _fmt.NO_DATE) | (self.churn > day))
        )

    def customer_id(self, idx: np.ndarray) -> pa.Array:
        return _fmt.number(self.number[idx], 9, "C")

    def status_at(self, idx: np.ndarray, day: int) -> pa.Array:
        churned = (self.churn[idx] != _fmt.NO_DATE) & (self.churn[idx] <= day)
        code = np.where(churned, 2, np.where(self.suspended[idx], 1, 0))
        return _fmt.table_take(STATUSES, code)


def generate_customers(rng: np.random.Generator, pop: Population, n: int) -> Customers:
    """``n`` customers drawn from the population, with lines, SIMs and lifecycles."""
    start, as_of = _fmt.days("2008-01-01"), _fmt.days(AS_OF)
    person = rng.choice(pop.size, size=n, replace=False)
    activation = (start + (as_of - start) * rng.beta(1.5, 1.0, n)).astype(np.int32)
    order = np.argsort(activation, kind="stable")
    person, activation = person[order], activation[order]
    churned = rng.random(n) < 0.25
    churn_day = activation + 1 + (rng.random(n) * (as_of - activation)).astype(np.int32)
    churn = np.where(churned, np.minimum(churn_day, as_of), _fmt.NO_DATE).astype(np.int32)
    pw = np.asarray(T.PLAN_WEIGHTS)
    iccid_payload = np.hstack(
        [
            _fmt.digits(np.full(n, 895106), 6),
            _fmt.digits(rng.permutation(_fmt.sorted_unique(rng, n, 0, 10**12)), 12),
        ]
    )
    tac = np.asarray(T.TAC_PREFIXES, dtype=np.int64)[rng.integers(0, len(T.TAC_PREFIXES), n)]
    imei_payload = np.hstack([_fmt.digits(tac, 8), _fmt.digits(rng.integers(0, 10**6, n), 6)])
    swapped = rng.random(n) < 0.2
    provisioned = np.where(
        swapped,
        activation + (rng.random(n) * (as_of - activation)).astype(np.int32),
        activation,
    ).astype(np.int32)
    customers = Customers(
        person=person.astype(np.int64),
        number=_fmt.sorted_unique(rng, n, 100_000_000, 1_000_000_000),
        msisdn=mobile_numbers(rng, n, T.OWN_PREFIXES),
        plan=rng.choice(len(T.PLANS), n, p=pw / pw.sum()),
        activation=activation,
        churn=churn,
        suspended=(rng.random(n) < 0.04) & ~churned,
        imsi=71606 * 10**10 + rng.permutation(_fmt.sorted_unique(rng, n, 0, 10**10)),
        iccid=_fmt.fixed([_fmt.with_luhn(iccid_payload)], n),
        ki=_fmt.hex_keys(rng, n),
        opc=_fmt.hex_keys(rng, n),
        imei=_fmt.fixed([_fmt.with_luhn(imei_payload)], n),
        provisioned=provisioned,
    )
    # Some non-customers hold lines at other operators (the "unrelated" scenario draws them).
    others = np.setdiff1d(np.arange(pop.size), customers.person)
    holders = others[rng.random(len(others)) < 0.8]
    pop.other_phone[holders] = mobile_numbers(rng, len(holders), T.OTHER_PREFIXES)
    return customers


#: Days a churned number rests before the operator gives it to a new customer.
QUARANTINE_DAYS = 90
#: Share of churned numbers (with a later activation past the quarantine) given to a new
#: customer who still holds it on ``AS_OF``.
REASSIGNED_SHARE = 0.6


def reassign_numbers(rng: np.random.Generator, cust: Customers) -> int:
    """Give churned customers' numbers to customers activated after the quarantine.

    Numbers are reassigned: a line one customer left is, some months later, a new customer's.
    Each chosen former holder's number replaces the msisdn of one customer activated at least
    :data:`QUARANTINE_DAYS` after the churn and active on ``AS_OF``, so the CRM holds two rows
    of that number (the former holder with ``fecha_baja``, the current one active) and the
    HSS and billing, which hold active lines only, the current holder. ``rng`` is a stream of
    its own: every other draw of the world stays the same, only the recipients' msisdn values
    change. Returns how many numbers were reassigned.
    """
    churned = np.flatnonzero(cust.churn != _fmt.NO_DATE)
    live = np.flatnonzero(cust.churn == _fmt.NO_DATE)  # ordered by activation, as customers are
    chosen = rng.random(len(churned)) < REASSIGNED_SHARE
    pick = rng.random(len(churned))
    first = np.searchsorted(cust.activation[live], cust.churn[churned] + QUARANTINE_DAYS)
    ok = chosen & (first < len(live))
    donors = churned[ok]
    lo = first[ok]
    recipients = live[lo + (pick[ok] * (len(live) - lo)).astype(np.int64)]
    # one number per recipient: the first donor (in churn order) that drew it keeps it
    order = np.argsort(cust.churn[donors], kind="stable")
    _, keep = np.unique(recipients[order], return_index=True)
    donors, recipients = donors[order][keep], recipients[order][keep]
    cust.msisdn[recipients] = cust.msisdn[donors]
    return len(donors)


def msisdn_e164(numbers: np.ndarray) -> pa.Array:
    """+51 9XX XXX XXX."""
    d = _fmt.digits(numbers, 9)
    return _fmt.fixed(["+51 ", d[:, :3], " ", d[:, 3:6], " ", d[:, 6:]], len(numbers))


def msisdn_dashed(numbers: np.ndarray) -> pa.Array:
    """9XX-XXX-XXX."""
    d = _fmt.digits(numbers, 9)
    return _fmt.fixed([d[:, :3], "-", d[:, 3:6], "-", d[:, 6:]], len(numbers))


def crm_table(pop: Population, cust: Customers, idx: np.ndarray, day: int) -> pa.Table:
    """CRM rows of customers ``idx`` as they stood on ``day`` (source column names)."""
    p = cust.person[idx]
    acc = pop.accent[p]
    churn = np.where(cust.churn[idx] <= day, cust.churn[idx], _fmt.NO_DATE)
    return pa.table(
        {
            "customer_id": cust.customer_id(idx),
            "nombres": pop.given_names(p, acc),
            "apellido_paterno": pop.surname("paterno", p, acc),
            "apellido_materno": pop.surname("materno", p, acc),
            "dni": pop.dni_str(p),
            "fecha_nacimiento": _fmt.date_str(pop.birth[p], "dmy"),
            "celular": _fmt.number(cust.msisdn[idx], 9),
            "email": pop.email.take(pa.array(p)),
            "direccion": pop.address(p),
            "distrito": pop.district_name(p),
            "departamento": pop.region_name(p),
            "plan": _fmt.table_take(T.PLANS, cust.plan[idx]),
            "estado": cust.status_at(idx, day),
            "fecha_activacion": _fmt.date_str(cust.activation[idx], "dmy"),
            "fecha_baja": _fmt.date_str(churn, "dmy"),
        }
    )


CRM_TYPES = {
    "customer_id": "customer_id",
    "nombres": "given_name",
    "apellido_paterno": "surname",
    "apellido_materno": "surname",
    "dni": "national_id",
    "fecha_nacimiento": "birth_date",
    "celular": "msisdn",
    "email": "email",
    "direccion": "address",
    "distrito": "city",
    "departamento": "region",
    "plan": "plan",
    "estado": "status",
    "fecha_activacion": "date",
    "fecha_baja": "date",
}


def billing_table(
    rng: np.random.Generator, pop: Population, cust: Customers, idx: np.ndarray, day: int
) -> pa.Table:
    p = cust.person[idx]
    n = len(idx)
    full = _fmt.join([pop.given_names(p), pop.surnames(p)], " ")
    price = np.asarray(T.PLAN_PRICES)[cust.plan[idx]]
    amount = np.round(np.where(price > 0, price, rng.uniform(5, 40, n)) * 1.18, 2)
    last = day - rng.integers(0, 28, n)
    return pa.table(
        {
            "customer_id": cust.customer_id(idx),
            "nombre_completo": full,
            "documento": pop.dni_str(p),
            "msisdn": msisdn_e164(cust.msisdn[idx]),
            "direccion_facturacion": pop.address(p),
            "plan": _fmt.table_take(T.PLANS, cust.plan[idx]),
            "fecha_ultima_factura": _fmt.date_str(last, "iso"),
            "monto": pa.array(amount, pa.float64()),
        }
    )


BILLING_TYPES = {
    "customer_id": "customer_id",
    "nombre_completo": "full_name",
    "documento": "national_id",
    "msisdn": "msisdn",
    "direccion_facturacion": "address",
    "plan": "plan",
    "fecha_ultima_factura": "date",
    "monto": "other",
}


def hss_table(cust: Customers, idx: np.ndarray) -> pa.Table:
    return pa.table(
        {
            "imsi": _fmt.number(cust.imsi[idx], 15),
            "msisdn": _fmt.number(51 * 10**9 + cust.msisdn[idx], 11),
            "iccid": cust.iccid.take(pa.array(idx)),
            "ki": cust.ki.take(pa.array(idx)),
            "opc": cust.opc.take(pa.array(idx)),
            "imei": cust.imei.take(pa.array(idx)),
            "provisioned_at": _fmt.date_str(cust.provisioned[idx], "iso"),
        }
    )


HSS_TYPES = {
    "imsi": "imsi",
    "msisdn": "msisdn",
    "iccid": "iccid",
    "ki": "ki",
    "opc": "opc",
    "imei": "imei",
    "provisioned_at": "date",
}


def legacy_table(pop: Population, cust: Customers, idx: np.ndarray) -> pa.Table:
    """The decommissioned billing system: "APELLIDOS, NOMBRES", dashed phones, DNI as a number
    (leading zeros lost), dates as yyyymmdd."""
    p = cust.person[idx]
    return pa.table(
        {
            "cliente": _fmt.join([pop.surnames(p), pop.given_names(p)], ", "),
            "dni": _fmt.to_str(pop.dni[p]),
            "telefono": msisdn_dashed(cust.msisdn[idx]),
            "fecha_alta": _fmt.date_str(cust.activation[idx], "compact"),
            "plan": _fmt.table_take(T.PLANS, cust.plan[idx]),
            "distrito": pop.district_name(p),
        }
    )


LEGACY_TYPES = {
    "cliente": "full_name",
    "dni": "national_id",
    "telefono": "msisdn",
    "fecha_alta": "date",
    "plan": "plan",
    "distrito": "city",
}


def write_sources(
    rng: np.random.Generator, out: Path, pop: Population, cust: Customers
) -> list[dict[str, Any]]:
    """Write the four reference files; return their manifest entries."""
    out.mkdir(parents=True, exist_ok=True)
    as_of, legacy_day = _fmt.days(AS_OF), _fmt.days(LEGACY_AS_OF)
    every = np.arange(cust.size)
    active = np.flatnonzero(cust.active_at(as_of))
    legacy = np.flatnonzero(cust.active_at(legacy_day))
    entries: list[dict[str, Any]] = []

    def emit(
        name: str, kind: str, day: str, table: pa.Table, types: dict[str, str], note: str
    ) -> None:
        _writers.write_csv(out / f"{name}.csv", table)
        entries.append(
            {
                "name": name,
                "file": f"sources/{name}.csv",
                "kind": kind,
                "format": "csv",
                "encoding": "utf-8",
                "delimiter": ",",
                "as_of": day,
                "rows": table.num_rows,
                "columns": types,
                "national_id_scheme": "pe.dni",
                "notes": note,
            }
        )

    emit(
        "crm",
        "crm",
        AS_OF,
        crm_table(pop, cust, every, as_of),
        CRM_TYPES,
        "Every customer account (estado ACTIVO/SUSPENDIDO, or BAJA with fecha_baja): lifecycle "
        "dates for snapshot dating. Names spelled with accents for some customers.",
    )
    emit(
        "billing",
        "billing",
        AS_OF,
        billing_table(rng, pop, cust, active, as_of),
        BILLING_TYPES,
        "Customers active on the as_of date; names without accents.",
    )
    emit("hss", "hss", AS_OF, hss_table(cust, active), HSS_TYPES, "Lines active on as_of.")
    emit(
        "legacy_billing",
        "legacy_billing",
        LEGACY_AS_OF,
        legacy_table(pop, cust, legacy),
        LEGACY_TYPES,
        "Archive of a decommissioned system: customers active on as_of, incl. ones churned "
        "since; DNI stored as a number (leading zeros lost).",
    )
    return entries


def lookup(sorted_keys: np.ndarray, order: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of each value in the unsorted array whose sort is ``sorted_keys`` (-1 if absent)."""
    pos = np.searchsorted(sorted_keys, values)
    pos = np.minimum(pos, len(sorted_keys) - 1)
    found = sorted_keys[pos] == values
    return np.where(found, order[pos], -1)


def string_lookup(values: pa.Array, reference: pa.Array) -> np.ndarray:
    """Index of each value in ``reference`` (-1 if absent)."""
    found = pc.index_in(values, value_set=reference)
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
