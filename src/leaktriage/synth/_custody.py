"""A divested unit: the seller's archive of it, and two leaks of its customers.

Telefónica had sold its Peruvian unit two months before the 2025 claim, and the question was
whose copy leaked: the archive the seller kept, or the buyer's live system. Here the unit is a
business of its own, sold on :data:`SALE_DATE` to :data:`BUYER`. Its customers are persons who
are not customers of the main operator, with account codes of their own (``S…``):

* ``custody/unit_archive.csv``: the seller's archive of the unit as of the sale (every account,
  closures before the sale included); registered with ``--as-of`` and ``--divested-on`` the
  sale date and ``--buyer``;
* ``custody/unit_leak_seller.csv``: a sample of that archive: nothing newer than the sale;
* ``custody/unit_leak_buyer.csv``: the buyer's system :data:`BUYER_DAYS` days after the sale:
  the unit's accounts still open (a share moved to a plan the buyer introduced) and customers
  the buyer activated after the sale, whom the seller never had.

Ground truth for each leak is ``truth/<scenario>.parquet`` (``row_index``, ``customer_id`` the
unit's account code, ``person_id``, ``is_genuine``: held by the archive) and the manifest entry
(``custody: {holder, as_of}``). These files are not part of the main scenarios: a workspace sees
them only when the archive is registered (see ``tests/triage/test_custody.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from leaktriage.synth import _fmt, _writers
from leaktriage.synth import _names as T
from leaktriage.synth._population import AS_OF, Population, mobile_numbers

__all__ = ["BUYER", "BUYER_DAYS", "SALE_DATE", "write_custody"]

#: The day the unit was sold (two months before the world's as-of date, as in the seed).
SALE_DATE = "2025-04-30"
#: Who bought it.
BUYER = "Integra Sur (synthetic buyer)"
#: Days after the sale at which the buyer's system was copied.
BUYER_DAYS = 55
#: Plans the buyer introduced after the sale (the seller's archive never names them).
BUYER_PLANS = ("INTEGRA LIBRE 49", "INTEGRA FAMILIA 89")
#: Share of the unit's open accounts the buyer moved to one of its plans.
MOVED_TO_BUYER_PLAN = 0.3
#: Share of the buyer-era leak that is customers the buyer activated after the sale.
NEW_AFTER_SALE = 0.1

ARCHIVE_TYPES = {
    "codigo_abonado": "customer_id",
    "nombres": "given_name",
    "apellido_paterno": "surname",
    "apellido_materno": "surname",
    "dni": "national_id",
    "fecha_nacimiento": "birth_date",
    "celular": "msisdn",
    "plan": "plan",
    "estado": "status",
    "fecha_alta": "date",
    "fecha_baja": "date",
}


def _table(
    pop: Population,
    person: np.ndarray,
    code: np.ndarray,
    msisdn: np.ndarray,
    plan: pa.Array,
    activation: np.ndarray,
    churn: np.ndarray,
    day: int,
) -> pa.Table:
    """Rows of the unit's accounts as a system held them on ``day``."""
    closed = (churn != _fmt.NO_DATE) & (churn <= day)
    return pa.table(
        {
            "codigo_abonado": _fmt.number(code, 8, "S"),
            "nombres": pop.given_names(person),
            "apellido_paterno": pop.surname("paterno", person),
            "apellido_materno": pop.surname("materno", person),
            "dni": pop.dni_str(person),
            "fecha_nacimiento": _fmt.date_str(pop.birth[person], "dmy"),
            "celular": _fmt.number(msisdn, 9),
            "plan": plan,
            "estado": _fmt.table_take(("ACTIVO", "BAJA"), closed.astype(np.int64)),
            "fecha_alta": _fmt.date_str(activation, "dmy"),
            "fecha_baja": _fmt.date_str(np.where(closed, churn, _fmt.NO_DATE), "dmy"),
        }
    )


def _truth(out: Path, name: str, codes: pa.Array, person: np.ndarray, genuine: np.ndarray) -> None:
    fields = [c for c, t in ARCHIVE_TYPES.items() if t not in ("plan", "status", "date")]
    n = len(person)
    table = pa.table(
        {
            "row_index": pa.array(np.arange(n, dtype=np.int64)),
            "customer_id": codes,
            "person_id": pa.array(person.astype(np.int64)),
            "is_genuine": pa.array(genuine),
            "fields_true": pa.array([fields if g else [] for g in genuine], pa.list_(pa.string())),
        }
    )
    (out / "truth").mkdir(parents=True, exist_ok=True)
    _writers.write_parquet(out / "truth" / f"{name}.parquet", table)


def write_custody(
    rng: np.random.Generator,
    out: Path,
    pop: Population,
    customers_person: np.ndarray,
    size: int,
    numbers_taken: np.ndarray | None = None,
) -> dict[str, Any]:
    """Write the unit's archive and its two leaks under ``out/custody``; return the manifest
    entry ``{source, scenarios}``. ``customers_person``: persons who are the main operator's
    customers (the unit's customers are drawn from the others); ``numbers_taken``: the main
    operator's lines, which the unit's never are."""
    sale, as_of = _fmt.days(SALE_DATE), _fmt.days(AS_OF)
    buyer_day = sale + BUYER_DAYS
    free = np.setdiff1d(np.arange(pop.size), customers_person)
    n_unit = min(size, len(free) // 2)
    picked = rng.choice(free, size=n_unit + n_unit // 4, replace=False)
    unit, newcomers = picked[:n_unit], picked[n_unit:]
    start = _fmt.days("2010-01-01")
    activation = np.sort((start + (sale - 1 - start) * rng.random(n_unit)).astype(np.int32))
    closed = rng.random(n_unit) < 0.2
    churn = np.where(
        closed,
        activation + 1 + (rng.random(n_unit) * (sale - 1 - activation)).astype(np.int32),
        _fmt.NO_DATE,
    ).astype(np.int32)
    code = _fmt.sorted_unique(rng, n_unit + len(newcomers), 10_000_000, 100_000_000)
    code = rng.permutation(code)
    # the unit's lines went with it: none is a line the seller's own customers hold
    wanted = n_unit + len(newcomers)
    msisdn = mobile_numbers(rng, 2 * wanted, T.OWN_PREFIXES)
    if numbers_taken is not None:
        msisdn = msisdn[~np.isin(msisdn, numbers_taken)]
    msisdn = msisdn[:wanted]
    pw = np.asarray(T.PLAN_WEIGHTS)
    plan_idx = rng.choice(len(T.PLANS), n_unit, p=pw / pw.sum())
    plans = _fmt.table_take(T.PLANS, plan_idx)

    folder = out / "custody"
    folder.mkdir(parents=True, exist_ok=True)
    archive = _table(pop, unit, code[:n_unit], msisdn[:n_unit], plans, activation, churn, sale)
    _writers.write_csv(folder / "unit_archive.csv", archive)

    # The seller's copy: a sample of the archive, exactly as it stood at the sale.
    k = max(100, n_unit // 3)
    rows = np.sort(rng.choice(n_unit, size=min(k, n_unit), replace=False))
    seller = archive.take(pa.array(rows))
    _writers.write_csv(folder / "unit_leak_seller.csv", seller)
    _truth(
        out, "custody_seller", seller.column("codigo_abonado"), unit[rows], np.ones(len(rows), bool)
    )

    # The buyer's system: open accounts (some on the buyer's plans) and its own new customers.
    open_rows = np.flatnonzero(churn == _fmt.NO_DATE)
    kept = np.sort(rng.choice(open_rows, size=min(k, len(open_rows)), replace=False))
    n_new = max(10, round(len(kept) * NEW_AFTER_SALE / (1 - NEW_AFTER_SALE)))
    n_new = min(n_new, len(newcomers))
    moved = rng.random(len(kept)) < MOVED_TO_BUYER_PLAN
    kept_plans = np.where(
        moved,
        np.asarray(BUYER_PLANS, dtype=object)[rng.integers(0, len(BUYER_PLANS), len(kept))],
        np.asarray(T.PLANS, dtype=object)[plan_idx[kept]],
    )
    old = _table(
        pop, unit[kept], code[kept], msisdn[kept], pa.array(kept_plans.tolist(), pa.string()),
        activation[kept], churn[kept], buyer_day,
    )  # fmt: skip
    new_act = np.sort(sale + 1 + (rng.random(n_new) * (BUYER_DAYS - 1)).astype(np.int32))
    new_plans = np.asarray(BUYER_PLANS + T.PLANS[:2], dtype=object)[rng.integers(0, 4, n_new)]
    new = _table(
        pop, newcomers[:n_new], code[n_unit : n_unit + n_new], msisdn[n_unit : n_unit + n_new],
        pa.array(new_plans.tolist(), pa.string()), new_act,
        np.full(n_new, _fmt.NO_DATE, np.int32), buyer_day,
    )  # fmt: skip
    buyer = pa.concat_tables([old, new])
    order = rng.permutation(buyer.num_rows)
    buyer = buyer.take(pa.array(order))
    persons = np.concatenate([unit[kept], newcomers[:n_new]])[order]
    genuine = (np.arange(len(kept) + n_new) < len(kept))[order]
    _writers.write_csv(folder / "unit_leak_buyer.csv", buyer)
    _truth(out, "custody_buyer", buyer.column("codigo_abonado"), persons, genuine)

    assert buyer_day <= as_of
    source = {
        "name": "unit_archive",
        "file": "custody/unit_archive.csv",
        "kind": "archive",
        "format": "csv",
        "as_of": SALE_DATE,
        "divested_on": SALE_DATE,
        "buyer": BUYER,
        "rows": archive.num_rows,
        "columns": ARCHIVE_TYPES,
        "notes": "The seller's archive of a unit sold on the as-of date.",
    }
    scenarios = [
        {
            "name": "custody_seller",
            "file": "custody/unit_leak_seller.csv",
            "label": "genuine",
            "source": "unit_archive",
            "genuine_fraction": 1.0,
            "rows": seller.num_rows,
            "columns": ARCHIVE_TYPES,
            "custody": {"holder": "seller", "as_of": SALE_DATE},
            "snapshot_date": SALE_DATE,
            "notes": "A sample of the seller's archive: nothing newer than the sale.",
        },
        {
            "name": "custody_buyer",
            "file": "custody/unit_leak_buyer.csv",
            "label": "genuine",
            "source": "unit_archive",
            "genuine_fraction": round(float(genuine.mean()), 6),
            "rows": buyer.num_rows,
            "columns": ARCHIVE_TYPES,
            "custody": {"holder": "buyer", "as_of": _fmt.iso(buyer_day)},
            "snapshot_date": _fmt.iso(buyer_day),
            "customers_activated_after_sale": int(n_new),
            "moved_to_buyer_plans": int(moved.sum()),
            "notes": "The buyer's system after the sale: new customers, plans the buyer "
            "introduced.",
        },
    ]
    return {"source": source, "scenarios": scenarios}
