"""Issue 12's hard case of recycled numbers (``leaks/``, ``truth/``):

* ``former_customers_reassigned``: an old copy of the CRM (DNI, names, birth date, mobile),
  taken on ``SNAPSHOT_DAY``, of customers who have all left the operator since (churned after
  the copy, before the world's as-of date). A good share of their numbers were reassigned to
  new customers after the quarantine (:func:`leaktriage.synth._operator.reassign_numbers`):
  the CRM holds the former holder's row, closed, and the current holder's, active; the HSS
  and billing hold the current holder only. The exposed persons are the former holders; the
  lines' current holders are not.

The manifest entry adds ``lines_reassigned``: how many of the leak's customers' numbers
belong to another customer now (the expected ``exposure.lines_reassigned``). Truth is written
as the other scenarios write it (:func:`leaktriage.synth._scenarios._write_truth`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from leaktriage.synth import _fmt, _writers
from leaktriage.synth._operator import Customers
from leaktriage.synth._population import AS_OF
from leaktriage.synth._records import from_customers
from leaktriage.synth._scenarios import Spec, World, _emit, _entry, _sample

__all__ = ["LINE_SCENARIOS", "later_holder", "write_hard_lines"]

#: Names of the scenarios this module writes, in manifest order.
LINE_SCENARIOS = ("former_customers_reassigned",)

#: The day the old copy was taken.
SNAPSHOT_DAY = "2020-06-30"


def later_holder(cust: Customers) -> np.ndarray:
    """For each customer, the customer who holds their number after them (-1 if none)."""
    order = np.lexsort((cust.activation, cust.msisdn))
    numbers = cust.msisdn[order]
    same = numbers[:-1] == numbers[1:]
    out = np.full(cust.size, -1, dtype=np.int64)
    out[order[:-1][same]] = order[1:][same]
    return out


def write_hard_lines(w: World) -> list[dict[str, Any]]:
    """Write the scenario into ``w.out``; return its manifest entry."""
    leaks = w.out / "leaks"
    leaks.mkdir(parents=True, exist_ok=True)
    day, as_of = _fmt.days(SNAPSHOT_DAY), _fmt.days(AS_OF)
    # customers on the copy's day who have all churned since (and by the as-of date)
    gone = (w.cust.churn != _fmt.NO_DATE) & (w.cust.churn > day) & (w.cust.churn <= as_of)
    former = np.flatnonzero(w.cust.active_at(day) & gone)
    rec = from_customers(w.pop, w.cust, _sample(w, former, w.sample_size))
    spec: Spec = [
        ("DOC_IDENTIDAD", "dni", ""),
        ("NOMBRES", "given", ""),
        ("APELLIDOS", "surnames", ""),
        ("FECHA_NAC", "birth", "dmy"),
        ("NRO_CELULAR", "msisdn", "plain"),
    ]
    table, _ = _emit(w, "former_customers_reassigned", rec, spec, SNAPSHOT_DAY)
    _writers.write_csv(leaks / "former_customers_reassigned.csv", table, delimiter="|")
    moved = int((later_holder(w.cust)[rec.cust] >= 0).sum())
    return [
        _entry(
            "former_customers_reassigned",
            "former_customers_reassigned.csv",
            "csv",
            "genuine",
            rec,
            spec,
            source="crm",
            snapshot=SNAPSHOT_DAY,
            encoding="utf-8",
            delimiter="|",
            header=True,
            lines_reassigned=moved,
            notes="An old CRM copy of customers who have all left since; many of their numbers "
            "were reassigned to new customers after the quarantine. The exposed persons are "
            "the former holders (notified by e-mail or letter); the lines' current holders "
            "are not exposed and their lines are not raised.",
        )  # fmt: skip
    ]
