"""Issue 12's hard cases of SIM keys and of dating (``leaks/``, ``truth/``):

* ``sim_keys_only``: the SK Telecom pattern, an HSS dump of IMSI, Ki and OPc only, Korean
  headers (``가입자식별번호(IMSI)``, ``인증키(Ki)``, ``OPc``): no phone number, no name, nothing
  to cross-check. Every SIM is a customer's line and must be replaced.
* ``sim_keys_iccid``: the same with the SIM's ICCID, which the HSS also holds.
* ``decommissioned_copy``: the archive of the legacy billing system (registered as of
  ``LEGACY_AS_OF``), taken when it was shut down: every account it held was closed in it by
  then (migrated to the new billing; the customers stay with the operator), and the copy
  records each closure (``FECHA_BAJA``). No customer churned since, so only the copy's own
  closures and the source's as-of date can date it.

SIM samples are lines still in service on the operator's as-of date (the HSS holds those only),
so every leaked SIM is one the references can reach. Truth is written as the other scenarios
write it (:func:`leaktriage.synth._scenarios._write_truth`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from leaktriage.synth import _fmt, _writers
from leaktriage.synth._operator import LEGACY_AS_OF
from leaktriage.synth._population import AS_OF
from leaktriage.synth._records import from_customers, render
from leaktriage.synth._scenarios import Spec, World, _active, _emit, _entry, _sample, _write_truth

__all__ = ["SIM_SCENARIOS", "write_hard_sim"]

#: Names of the scenarios this module writes, in manifest order.
SIM_SCENARIOS = ("sim_keys_only", "sim_keys_iccid", "decommissioned_copy")

#: Snapshot days of the two SIM dumps.
SIM_DAY = "2025-04-11"
ICCID_DAY = "2025-02-20"
#: How long before its shutdown the legacy system began closing accounts (migration).
MIGRATION_DAYS = 120


def _sims_in_service(w: World, day: str) -> np.ndarray:
    """Customers whose SIM in service on ``day`` is still the line's on the as-of date."""
    ok = _active(w, day)
    ok = ok[w.cust.active_at(_fmt.days(AS_OF))[ok]]
    return ok[w.cust.provisioned[ok] <= _fmt.days(day)]


def write_hard_sim(w: World) -> list[dict[str, Any]]:
    """Write the three scenarios into ``w.out``; return their manifest entries."""
    leaks = w.out / "leaks"
    leaks.mkdir(parents=True, exist_ok=True)
    n = w.sample_size
    out: list[dict[str, Any]] = []

    rec = from_customers(w.pop, w.cust, _sample(w, _sims_in_service(w, SIM_DAY), n, sort=False))
    spec: Spec = [
        ("가입자식별번호(IMSI)", "imsi", ""),
        ("인증키(Ki)", "ki", ""),
        ("OPc", "opc", ""),
    ]
    table, _ = _emit(w, "sim_keys_only", rec, spec, SIM_DAY)
    _writers.write_csv(leaks / "sim_keys_only.csv", table)
    out.append(
        _entry("sim_keys_only", "sim_keys_only.csv", "csv", "genuine", rec, spec, source="hss",
               snapshot=SIM_DAY, encoding="utf-8", delimiter=",", header=True,
               notes="IMSI, Ki and OPc only, Korean headers: the SK Telecom pattern. No phone "
               "number: the customers are reached through the HSS rows' MSISDNs.")
    )  # fmt: skip

    rec = from_customers(w.pop, w.cust, _sample(w, _sims_in_service(w, ICCID_DAY), n))
    spec = [
        ("가입자식별번호(IMSI)", "imsi", ""),
        ("ICCID", "iccid", ""),
        ("인증키(Ki)", "ki", "lower"),
        ("OPc", "opc", "lower"),
    ]
    table, _ = _emit(w, "sim_keys_iccid", rec, spec, ICCID_DAY)
    _writers.write_csv(leaks / "sim_keys_iccid.csv", table, delimiter="\t")
    out.append(
        _entry("sim_keys_iccid", "sim_keys_iccid.csv", "csv", "genuine", rec, spec,
               source="hss", snapshot=ICCID_DAY, encoding="utf-8", delimiter="\t", header=True,
               notes="IMSI, ICCID, Ki and OPc (lower-case hex), tab-separated, Korean headers.")
    )  # fmt: skip

    out.append(_decommissioned(w, n))
    return out


def _decommissioned(w: World, n: int) -> dict[str, Any]:
    """The legacy billing archive with the closure of every account it held."""
    legacy_day, as_of = _fmt.days(LEGACY_AS_OF), _fmt.days(AS_OF)
    # customers of the legacy era who never left the operator (no churn dates them), opened
    # before the migration began: a system being shut down takes no new customers
    stayed = np.flatnonzero(
        w.cust.active_at(legacy_day)
        & w.cust.active_at(as_of)
        & (w.cust.activation < legacy_day - MIGRATION_DAYS)
    )
    rec = from_customers(w.pop, w.cust, _sample(w, stayed, n))
    spec: Spec = [
        ("CLIENTE", "full_name", "reversed"),
        ("NRO_DOC", "dni", "int"),
        ("TELEFONO", "msisdn", "dashed"),
        ("FECHA_ALTA", "activation", "compact"),
        ("PLAN", "plan", ""),
    ]
    table, truth = render(rec, w.pop, w.cust, spec, legacy_day, accents=False)
    # each account closed in the legacy system during the migration, by its shutdown
    opened = w.cust.activation[rec.cust]
    first = np.maximum(opened + 1, legacy_day - MIGRATION_DAYS)
    closed = first + (w.rng.random(len(rec)) * (legacy_day + 1 - first)).astype(np.int32)
    table = table.append_column("FECHA_BAJA", _fmt.date_str(closed, "compact"))
    truth["FECHA_BAJA"] = np.ones(len(rec), dtype=bool)
    _write_truth(w, "decommissioned_copy", rec, truth)
    _writers.write_csv(
        w.out / "leaks" / "decommissioned_copy.csv", table, delimiter=";", encoding="cp1252"
    )
    entry = _entry(
        "decommissioned_copy", "decommissioned_copy.csv", "csv", "genuine", rec, spec,
        source="legacy_billing", snapshot=LEGACY_AS_OF, encoding="cp1252", delimiter=";",
        header=True, last_closure=_fmt.iso(int(closed.max())) if len(closed) else None,
        notes="Archive of the decommissioned legacy billing, taken at its shutdown: every "
        "account closed in it (FECHA_BAJA, all on or before the as-of date); the customers "
        "stayed with the operator, so no churn bounds the copy from above.",
    )  # fmt: skip
    entry["columns"]["FECHA_BAJA"] = "date"
    return entry
