"""A leak no identifier settles: names, birth dates and addresses of customers (corrupted as
breach copies are) and of invented people, so that triage rests on probabilistic linkage."""

from __future__ import annotations

import csv
import random
from pathlib import Path

#: Customers copied into the leak, and invented people added to them.
COPIED = 300
INVENTED = 100
HEADER = ["nombre", "ape_pat", "ape_mat", "f_nac", "domicilio"]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + "X" + word[i + 1 :]


def write_names_only_leak(crm: Path, out: Path, seed: int = 11) -> int:
    """Write the leak from the world's CRM export; return how many rows are copies."""
    rng = random.Random(seed)
    with crm.open(newline="", encoding="utf-8") as fh:
        customers = [r for r in csv.DictReader(fh) if r["nombres"] and r["fecha_nacimiento"]]
    copied = rng.sample(customers, COPIED)
    rows = []
    for c in copied:
        given, pat, mat = c["nombres"], c["apellido_paterno"], c["apellido_materno"]
        if " " in given and rng.random() < 0.4:
            given = given.split(" ")[0]  # "JUAN CARLOS" leaks as "JUAN"
        if rng.random() < 0.15:
            pat = _typo(rng, pat)
        if rng.random() < 0.15:
            pat, mat = mat, pat
        dob = c["fecha_nacimiento"] if rng.random() > 0.1 else ""
        address = c["direccion"] if rng.random() > 0.3 else ""
        rows.append([given, pat, mat, dob, address])
    # invented people: real-looking names recombined, birth dates of nobody in particular
    for _ in range(INVENTED):
        a, b, d = rng.sample(customers, 3)
        rows.append([a["nombres"], b["apellido_paterno"], d["apellido_materno"],
                     f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 2004)}",
                     ""])  # fmt: skip
    rng.shuffle(rows)
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return COPIED
