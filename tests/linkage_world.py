"""A small synthetic linkage world: reference persons with skewed Peruvian names and a leak of
corrupted copies of some of them plus outsiders, loaded into any engine (DuckDB, Spark)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from leaktriage.engines import Engine
from leaktriage.match.linkage import LINK_PAIRS

GIVEN = (
    "JUAN", "JOSE", "LUIS", "CARLOS", "JORGE", "MIGUEL", "CESAR", "VICTOR", "MARIA", "ROSA",
    "ANA", "CARMEN", "JUANA", "ELIZABETH", "LUZ", "ROSARIO", "PATRICIA", "NANCY", "SONIA",
    "RAUL", "OSCAR", "HECTOR", "RUBEN", "ANDRES", "LUCIA", "SOFIA", "TERESA", "JULIA",
)  # fmt: skip
SURNAMES = (
    "QUISPE", "FLORES", "SANCHEZ", "RODRIGUEZ", "GARCIA", "MAMANI", "HUAMAN", "ROJAS", "DIAZ",
    "CHAVEZ", "TORRES", "VASQUEZ", "RAMIREZ", "MENDOZA", "CASTILLO", "ESPINOZA", "LOPEZ",
    "GONZALES", "PEREZ", "RAMOS", "GUTIERREZ", "CRUZ", "VARGAS", "CONDORI", "TICONA",
    "HUAMANI", "VILCA", "HUANCA", "PALOMINO", "CHOQUEHUANCA", "YUPANQUI", "ZEVALLOS",
)  # fmt: skip
ACCENTED = {"SANCHEZ": "SÁNCHEZ", "RODRIGUEZ": "RODRÍGUEZ", "HUAMAN": "HUAMÁN", "JOSE": "JOSÉ"}
STREETS = ("AV. LOS OLIVOS", "JR. GRAU", "CALLE AREQUIPA", "AV. JAVIER PRADO", "JR. JUNIN")

SPLIT_NAMES = [
    {"type": "given_name", "canonical": "given_name"},
    {"type": "surname", "canonical": "paterno"},
    {"type": "surname", "canonical": "materno"},
    {"type": "birth_date", "canonical": "birth_date"},
    {"type": "address", "canonical": "address"},
    {"type": "msisdn", "canonical": "msisdn_tok"},
]
FULL_NAME = [
    {"type": "full_name", "canonical": "full_name"},
    {"type": "birth_date", "canonical": "birth_date"},
    {"type": "address", "canonical": "address"},
    {"type": "msisdn", "canonical": "msisdn_tok"},
]


def zipf(n: int) -> np.ndarray:
    w = 1.0 / (np.arange(n) + 2.0)
    return np.asarray(w / w.sum())


def typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    return word[:i] + "XQZ"[int(rng.integers(3))] + word[i + 1 :]


def people(rng: np.random.Generator, n: int, first_row: int = 0) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        given = str(rng.choice(GIVEN, p=zipf(len(GIVEN))))
        if rng.random() < 0.5:
            given += " " + str(rng.choice(GIVEN))
        out.append(
            {
                "_row": first_row + i,
                "given_name": given,
                "paterno": str(rng.choice(SURNAMES, p=zipf(len(SURNAMES)))),
                "materno": str(rng.choice(SURNAMES, p=zipf(len(SURNAMES)))),
                "days": int(rng.integers(-7000, 12000)),
                "address": f"{rng.choice(STREETS)} {int(rng.integers(1, 3000))}",
                "msisdn_tok": rng.bytes(16).hex(),
            }
        )
    return out


def corrupt(rng: np.random.Generator, p: dict[str, Any], row: int) -> dict[str, Any]:
    """A breach copy: truncated given names, accents, typos, swapped surnames, missing fields;
    the phone token is absent or stale, as for rows exact matching did not settle."""
    q = dict(p, _row=row)
    if " " in q["given_name"] and rng.random() < 0.4:
        q["given_name"] = q["given_name"].split(" ")[0]
    for key in ("given_name", "paterno", "materno"):
        if rng.random() < 0.3:
            q[key] = " ".join(ACCENTED.get(w, w) for w in q[key].split(" "))
        if rng.random() < 0.12:
            q[key] = typo(rng, q[key])
    if rng.random() < 0.15:
        q["paterno"], q["materno"] = q["materno"], q["paterno"]
    if rng.random() < 0.15:
        q["days"] = None
    if rng.random() < 0.3:
        q["address"] = None
    q["msisdn_tok"] = rng.bytes(16).hex() if rng.random() < 0.3 else None
    return q


def load(engine: Engine, name: str, people: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(
        people,
        schema=pa.schema(
            [
                ("_row", pa.int64()),
                ("given_name", pa.string()),
                ("paterno", pa.string()),
                ("materno", pa.string()),
                ("days", pa.int64()),
                ("address", pa.string()),
                ("msisdn_tok", pa.string()),
            ]
        ),
    )
    engine.load_arrow(name, pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    engine.execute(
        f"""create or replace table {name} as select * exclude (days),
            date '1970-01-01' + days::INT as birth_date,
            -- the columns a normalized full name gives
            concat_ws(' ', given_name, paterno, materno) as full_name,
            given_name as full_name__given, paterno as full_name__surname1,
            materno as full_name__surname2
            from {name}"""
    )


def build_world(engine: Engine, ref_name: str = "ref", leak_name: str = "leak") -> dict[str, Any]:
    """300 reference persons; a leak of 135 corrupted copies of them and 15 outsiders."""
    rng = np.random.default_rng(5)
    ref = people(rng, 300)
    insiders = rng.choice(300, 135, replace=False)
    leak = [corrupt(rng, ref[int(t)], i) for i, t in enumerate(insiders)]
    leak += [corrupt(rng, p, 135 + i) for i, p in enumerate(people(rng, 15))]
    load(engine, ref_name, ref)
    load(engine, leak_name, leak)
    return {"ref": ref, "leak": leak, "truth": {i: int(t) for i, t in enumerate(insiders)}}


def f1(engine: Engine, truth: dict[int, int]) -> float:
    found = dict(engine.fetch_rows(f"select leak_row, t_row from {LINK_PAIRS}"))
    hits = sum(1 for leak_row, t_row in found.items() if truth.get(leak_row) == t_row)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    return 2 * precision * recall / (precision + recall) if hits else 0.0
