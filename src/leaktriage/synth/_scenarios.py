"""Leak scenarios (``leaks/``), the prior-leak corpus (``corpora/``) and row-level truth
(``truth/<scenario>.parquet``). Each scenario renames, reorders and reformats its columns
differently from the sources, as real leaks do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leaktriage.synth import _fmt, _writers
from leaktriage.synth._names import SURNAMES
from leaktriage.synth._operator import LEGACY_AS_OF, Customers
from leaktriage.synth._population import AS_OF, Population
from leaktriage.synth._records import Records, fabricate, from_customers, from_persons, render

Spec = list[tuple[str, str, str]]  # (leak column, field, style)

#: Type of each field in the vocabulary of ``leaktriage.vocab.COLUMN_TYPES``.
FIELD_TYPES: dict[str, str] = {
    "given": "given_name",
    "paterno": "surname",
    "materno": "surname",
    "surnames": "surname",
    "full_name": "full_name",
    "dni": "national_id",
    "birth": "birth_date",
    "email": "email",
    "address": "address",
    "district": "city",
    "region": "region",
    "msisdn": "msisdn",
    "customer_id": "customer_id",
    "plan": "plan",
    "status": "status",
    "activation": "date",
    "provisioned": "date",
    "imsi": "imsi",
    "iccid": "iccid",
    "ki": "ki",
    "opc": "opc",
    "imei": "imei",
}

CORPUS_DAY = "2023-01-15"


@dataclass
class World:
    rng: np.random.Generator
    pop: Population
    cust: Customers
    out: Path
    sample_size: int


def _entry(
    name: str,
    file: str,
    fmt: str,
    label: str,
    rec: Records,
    spec: Spec,
    *,
    compression: str | None = None,
    source: str | None = None,
    snapshot: str | None = None,
    recycled_from: str | None = None,
    headerless: bool = False,
    notes: str = "",
    **extra: Any,
) -> dict[str, Any]:
    if headerless:
        columns = {f"col_{i + 1}": FIELD_TYPES[f] for i, (_, f, _) in enumerate(spec)}
    else:
        columns = {col: FIELD_TYPES[f] for col, f, _ in spec}
    entry: dict[str, Any] = {
        "name": name,
        "file": f"leaks/{file}",
        "format": fmt,
        "compression": compression,
        "label": label,
        "source": source,
        "snapshot_date": snapshot,
        "genuine_fraction": round(float(rec.genuine.mean()), 6) if len(rec) else 0.0,
        "recycled_from": recycled_from,
        "rows": len(rec),
        "columns": columns,
        "national_id_scheme": "pe.dni",
        "notes": notes,
    }
    entry.update(extra)
    return entry


def _write_truth(w: World, name: str, rec: Records, truth: dict[str, np.ndarray]) -> None:
    n = len(rec)
    names = list(truth)
    matrix = np.column_stack([truth[c] for c in names]) if names else np.zeros((n, 0), bool)
    _, cols = np.nonzero(matrix)
    offsets = np.concatenate([[0], np.cumsum(matrix.sum(axis=1))]).astype(np.int32)
    flat = pa.array(np.asarray(names, dtype=object)[cols] if len(cols) else [], pa.string())
    customer_of = np.full(w.pop.size, -1, dtype=np.int64)
    customer_of[w.cust.person] = np.arange(w.cust.size)
    linked_c = np.where(rec.person >= 0, customer_of[np.maximum(rec.person, 0)], -1)
    table = pa.table(
        {
            "row_index": pa.array(np.arange(n, dtype=np.int64)),
            "customer_id": _fmt.with_nulls(
                w.cust.customer_id(np.maximum(linked_c, 0)), linked_c < 0
            ),
            "person_id": pa.array(rec.person, mask=rec.person < 0),
            "is_genuine": pa.array(rec.genuine),
            "fields_true": pa.ListArray.from_arrays(pa.array(offsets), flat),
        }
    )
    (w.out / "truth").mkdir(parents=True, exist_ok=True)
    _writers.write_parquet(w.out / "truth" / f"{name}.parquet", table)


def _sample(w: World, candidates: np.ndarray, k: int, sort: bool = True) -> np.ndarray:
    k = min(k, len(candidates))
    picked = w.rng.choice(candidates, size=k, replace=False)
    return np.sort(picked) if sort else picked


def _active(w: World, day: str) -> np.ndarray:
    return np.flatnonzero(w.cust.active_at(_fmt.days(day)))


def _apostrophe_row(w: World, picked: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Make sure a legacy sample holds a name with an apostrophe (for escaping in dumps)."""
    apos = np.array(["'" in s for s in SURNAMES])
    has = apos[w.pop.paterno[w.cust.person]] | apos[w.pop.materno[w.cust.person]]
    if has[picked].any():
        return picked
    extra = candidates[has[candidates]]
    if len(extra) and len(picked):
        picked = picked.copy()
        picked[0] = extra[0]
    return np.sort(np.unique(picked))


def _emit(
    w: World, name: str, rec: Records, spec: Spec, day: str, accents: bool = True
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    table, truth = render(rec, w.pop, w.cust, spec, _fmt.days(day), accents)
    _write_truth(w, name, rec, truth)
    return table, truth


def write_corpus(w: World) -> tuple[dict[str, Any], Records]:
    """``corpora/forum_2023.csv``: legacy-era customers still active on 2023-01-15."""
    both = np.flatnonzero(
        w.cust.active_at(_fmt.days(LEGACY_AS_OF)) & w.cust.active_at(_fmt.days(CORPUS_DAY))
    )
    k = max(300, round(0.03 * w.cust.size))
    rec = from_customers(w.pop, w.cust, _sample(w, both, k))
    spec: Spec = [
        ("nombre", "full_name", "plain"),
        ("dni", "dni", "plain"),
        ("telefono", "msisdn", "plain"),
        ("correo", "email", ""),
        ("ciudad", "district", ""),
        ("fecha_nacimiento", "birth", "dmy"),
    ]
    table, _ = render(rec, w.pop, w.cust, spec, _fmt.days(CORPUS_DAY), accents=False)
    (w.out / "corpora").mkdir(parents=True, exist_ok=True)
    _writers.write_csv(w.out / "corpora" / "forum_2023.csv", table)
    entry = {
        "name": "forum_2023",
        "file": "corpora/forum_2023.csv",
        "format": "csv",
        "as_of": CORPUS_DAY,
        "rows": table.num_rows,
        "columns": {c: FIELD_TYPES[f] for c, f, _ in spec},
        "source": "crm",
        "national_id_scheme": "pe.dni",
        "notes": "A leak already known to the operator: customers of the legacy era.",
    }
    return entry, rec


def write_scenarios(w: World, corpus: Records) -> list[dict[str, Any]]:
    leaks = w.out / "leaks"
    leaks.mkdir(parents=True, exist_ok=True)
    n = w.sample_size
    out: list[dict[str, Any]] = []

    # 1. CRM snapshot sample, ';' cp1252, dates dd/mm/yyyy.
    day = "2025-03-14"
    rec = from_customers(w.pop, w.cust, _sample(w, _active(w, day), n))
    spec: Spec = [
        ("NRO_DOCUMENTO", "dni", ""),
        ("APELLIDOS", "surnames", ""),
        ("NOMBRES", "given", ""),
        ("FEC_NAC", "birth", "dmy"),
        ("TELEFONO_MOVIL", "msisdn", "plain"),
        ("CORREO", "email", ""),
        ("DIRECCION_DOMICILIO", "address", ""),
        ("DISTRITO", "district", ""),
        ("DEPARTAMENTO", "region", ""),
        ("PLAN_TARIFARIO", "plan", ""),
        ("ESTADO", "status", ""),
        ("FEC_ACTIVACION", "activation", "dmy"),
        ("COD_CLIENTE", "customer_id", ""),
    ]
    table, _ = _emit(w, "genuine_crm", rec, spec, day)
    _writers.write_csv(leaks / "genuine_crm.csv", table, delimiter=";", encoding="cp1252")
    out.append(
        _entry("genuine_crm", "genuine_crm.csv", "csv", "genuine", rec, spec, source="crm",
               snapshot=day, encoding="cp1252", delimiter=";", header=True,
               notes="CRM export of customers active on the snapshot date.")
    )  # fmt: skip

    # 2. HSS snapshot with Ki/OPc, JSON Lines with nested objects.
    day = "2025-05-02"
    ok = _active(w, day)
    ok = ok[w.cust.provisioned[ok] <= _fmt.days(day)]  # the SIM in service that day
    rec = from_customers(w.pop, w.cust, _sample(w, ok, n, sort=False))
    spec = [
        ("sub.imsi", "imsi", ""),
        ("sub.msisdn", "msisdn", "e164"),
        ("sim.iccid", "iccid", ""),
        ("sim.ki", "ki", "lower"),
        ("sim.opc", "opc", "lower"),
        ("dev.imei", "imei", ""),
        ("provisioned", "provisioned", "iso"),
    ]
    table, _ = _emit(w, "genuine_hss", rec, spec, day)
    _writers.write_jsonl_nested(leaks / "genuine_hss.jsonl", table)
    out.append(
        _entry("genuine_hss", "genuine_hss.jsonl", "jsonl", "genuine", rec, spec, source="hss",
               snapshot=day, encoding="utf-8",
               notes="Nested objects; column names are flattened paths 'object.key'. "
               "Ki/OPc in lower-case hex (the source has upper case).")
    )  # fmt: skip

    # 3. Legacy billing sample as a MySQL dump.
    legacy = _active(w, LEGACY_AS_OF)
    picked = _apostrophe_row(w, _sample(w, legacy, n), legacy)
    rec = from_customers(w.pop, w.cust, picked)
    spec = [
        ("ape_nom", "full_name", "reversed"),
        ("num_doc", "dni", "int"),
        ("nro_linea", "msisdn", "plain"),
        ("f_alta", "activation", "compact"),
        ("plan_tarifa", "plan", ""),
        ("distrito", "district", ""),
    ]
    table, _ = _emit(w, "genuine_legacy", rec, spec, LEGACY_AS_OF, accents=False)
    _writers.write_mysql_dump(leaks / "genuine_legacy.sql", table, "abonados")
    out.append(
        _entry("genuine_legacy", "genuine_legacy.sql", "sql", "genuine", rec, spec,
               source="legacy_billing", snapshot=LEGACY_AS_OF, dialect="mysql", table="abonados",
               notes="mysqldump with multi-row INSERTs; apostrophes escaped as \\'.")
    )  # fmt: skip

    # 4. The forum corpus re-published: JSON array, ~90% of its rows, renamed and reformatted.
    keep = np.sort(w.rng.choice(len(corpus), size=round(0.9 * len(corpus)), replace=False))
    rec = corpus.take(w.rng.permutation(keep))
    spec = [
        ("phone_number", "msisdn", "paren"),
        ("name", "full_name", "plain"),
        ("document", "dni", ""),
        ("city", "district", ""),
        ("mail", "email", ""),
        ("dob", "birth", "iso"),
    ]
    table, _ = _emit(w, "recycled_forum", rec, spec, CORPUS_DAY, accents=False)
    # Re-publishers prettify: names in title case (same names, so the truth is unchanged).
    table = table.set_column(1, "name", pc.utf8_title(table.column("name")))
    _writers.write_json_array(leaks / "recycled_forum.json", table)
    out.append(
        _entry("recycled_forum", "recycled_forum.json", "json", "recycled", rec, spec,
               source="crm", snapshot=CORPUS_DAY, recycled_from="forum_2023",
               notes="Real customers, but every row already in the known corpus forum_2023; "
               "names re-cased to title case.")
    )  # fmt: skip

    # 5. Fabricated: invented rows, some re-pairing real identifiers.
    rec = fabricate(w.rng, w.pop, w.cust, n, reuse_share=0.2)
    spec = [
        ("dni", "dni", ""),
        ("nombres", "given", ""),
        ("apellidos", "surnames", ""),
        ("fecha_nacimiento", "birth", "dmy-"),
        ("celular", "msisdn", "plain"),
        ("email", "email", ""),
        ("direccion", "address", ""),
        ("distrito", "district", ""),
    ]
    table, _ = _emit(w, "fabricated", rec, spec, AS_OF)
    _writers.write_csv(leaks / "fabricated.csv", table)
    out.append(
        _entry("fabricated", "fabricated.csv", "csv", "fabricated", rec, spec,
               encoding="utf-8", delimiter=",", header=True,
               notes="Invented names/DNIs/mobiles/emails; 20% carry a real customer's DNI or "
               "MSISDN with wrong names and birth dates. Truth links chance collisions.")
    )  # fmt: skip

    # 6. Mixed: a CRM snapshot padded with fabricated rows, XLSX, Portuguese headers.
    day = "2024-11-30"
    total = int(np.clip(round(1.5 * n), 300, 20_000))
    real = round(0.35 * total)
    parts = [
        from_customers(w.pop, w.cust, _sample(w, _active(w, day), real)),
        fabricate(w.rng, w.pop, w.cust, total - real, reuse_share=0.1),
    ]
    merged = Records.concat(parts)
    rec = merged.take(w.rng.permutation(len(merged)))
    spec = [
        ("nome", "given", ""),
        ("sobrenomes", "surnames", ""),
        ("documento", "dni", ""),
        ("telefone", "msisdn", "e164_spaced"),
        ("email", "email", ""),
        ("data_nascimento", "birth", "iso"),
        ("endereco", "address", ""),
        ("cidade", "district", ""),
        ("estado", "region", ""),
    ]
    table, _ = _emit(w, "mixed", rec, spec, day)
    _writers.write_xlsx(leaks / "mixed.xlsx", table, "clientes")
    out.append(
        _entry("mixed", "mixed.xlsx", "xlsx", "mixed", rec, spec, source="crm", snapshot=day,
               sheet="clientes", notes="'estado' is the region (Portuguese), not a status.")
    )  # fmt: skip

    # 7. Unrelated: real persons who are not customers, other operators' phones; pg_dump COPY.
    others = np.flatnonzero(w.pop.other_phone > 0)
    rec = from_persons(w.pop, _sample(w, others, n, sort=False))
    spec = [
        ("first_name", "given", ""),
        ("last_name", "surnames", ""),
        ("national_id", "dni", ""),
        ("mobile", "msisdn", "e164"),
        ("email", "email", ""),
        ("birth_date", "birth", "iso"),
        ("city", "district", ""),
    ]
    table, _ = _emit(w, "unrelated", rec, spec, AS_OF)
    _writers.write_pg_dump(leaks / "unrelated.sql", table, "clientes_export")
    out.append(
        _entry("unrelated", "unrelated.sql", "sql", "unrelated", rec, spec, dialect="postgresql",
               table="clientes_export",
               notes="Real persons of the population, customers of other operators.")
    )  # fmt: skip

    out += _archived(w, leaks, n)
    return out


def _archived(w: World, leaks: Path, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    # 8. One CRM snapshot split in two CSV parts inside a zip.
    day = "2024-09-30"
    rec = from_customers(w.pop, w.cust, _sample(w, _active(w, day), n))
    spec: Spec = [
        ("id_cliente", "customer_id", ""),
        ("nombre", "given", ""),
        ("ap_paterno", "paterno", ""),
        ("ap_materno", "materno", ""),
        ("documento_identidad", "dni", ""),
        ("nacimiento", "birth", "dmy"),
        ("movil", "msisdn", "e164"),
        ("mail", "email", ""),
        ("direccion", "address", ""),
        ("distrito", "district", ""),
        ("plan", "plan", ""),
        ("estado", "status", ""),
    ]
    table, _ = _emit(w, "genuine_crm_zip", rec, spec, day)
    half = table.num_rows // 2
    members = [
        ("export_crm_part1.csv", _writers.csv_bytes(table.slice(0, half))),
        ("export_crm_part2.csv", _writers.csv_bytes(table.slice(half))),
    ]
    _writers.write_zip(leaks / "genuine_crm_zip.zip", members)
    out.append(
        _entry("genuine_crm_zip", "genuine_crm_zip.zip", "csv", "genuine", rec, spec,
               compression="zip", source="crm", snapshot=day,
               members=[m for m, _ in members], member_rows=[half, table.num_rows - half],
               notes="Two parts with the same header; truth row_index runs over part1 then part2.")
    )  # fmt: skip

    # 9a. Billing sample, pipe-delimited, no header.
    rec = from_customers(w.pop, w.cust, _sample(w, _active(w, AS_OF), n, sort=False))
    spec = [
        ("col_1", "customer_id", ""),
        ("col_2", "full_name", "plain"),
        ("col_3", "dni", ""),
        ("col_4", "msisdn", "cc"),
        ("col_5", "address", ""),
        ("col_6", "plan", ""),
    ]
    table, _ = _emit(w, "genuine_billing_headerless", rec, spec, AS_OF, accents=False)
    _writers.write_csv(
        leaks / "genuine_billing_headerless.csv", table, delimiter="|", header=False,
        quoting="none",
    )  # fmt: skip
    out.append(
        _entry("genuine_billing_headerless", "genuine_billing_headerless.csv", "csv", "genuine",
               rec, spec, source="billing", snapshot=AS_OF, headerless=True, delimiter="|",
               header=False, encoding="utf-8", notes="No header row.")
    )  # fmt: skip

    # 9b. CRM sample as Parquet with typed dates.
    rec = from_customers(w.pop, w.cust, _sample(w, _active(w, AS_OF), n))
    spec = [
        ("subscriber_id", "customer_id", ""),
        ("msisdn", "msisdn", "e164"),
        ("document_number", "dni", ""),
        ("first_names", "given", ""),
        ("last_names", "surnames", ""),
        ("date_of_birth", "birth", "date32"),
        ("email", "email", ""),
        ("activation_date", "activation", "date32"),
    ]
    table, _ = _emit(w, "genuine_crm_parquet", rec, spec, AS_OF)
    _writers.write_parquet(leaks / "genuine_crm_parquet.parquet", table)
    out.append(
        _entry("genuine_crm_parquet", "genuine_crm_parquet.parquet", "parquet", "genuine", rec,
               spec, source="crm", snapshot=AS_OF, notes="Dates as Parquet DATE.")
    )  # fmt: skip

    # 9c. Billing snapshot as a tab-separated file inside a tar.gz.
    day = "2025-01-31"
    rec = from_customers(w.pop, w.cust, _sample(w, _active(w, day), n))
    spec = [
        ("cuenta", "customer_id", ""),
        ("titular", "full_name", "plain"),
        ("doc", "dni", ""),
        ("linea", "msisdn", "e164_spaced"),
        ("direccion", "address", ""),
        ("plan", "plan", ""),
    ]
    table, _ = _emit(w, "genuine_billing_targz", rec, spec, day, accents=False)
    member = "billing_2025-01-31.tsv"
    _writers.write_targz(
        leaks / "genuine_billing_targz.tar.gz", [(member, _writers.csv_bytes(table, "\t"))]
    )
    out.append(
        _entry("genuine_billing_targz", "genuine_billing_targz.tar.gz", "csv", "genuine", rec,
               spec, compression="tar.gz", source="billing", snapshot=day, members=[member],
               delimiter="\t", notes="Billing snapshot of customers active on the date.")
    )  # fmt: skip
    return out
