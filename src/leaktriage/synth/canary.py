"""Canary people: plausible, synthetic customers to plant in one copy of the data.

Drawn from the same frequency tables as the synthetic world (so they look like everyone else),
with DNIs that follow the birth year as real ones do, mobile numbers in the operator's own
prefixes, and unique e-mail addresses. The caller removes candidates that collide with real
customers before planting them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from leaktriage.synth._names import (
    EMAIL_DOMAINS,
    FEMALE_NAMES,
    MALE_NAMES,
    OWN_PREFIXES,
    STREET_TYPES,
    STREETS,
    SURNAMES,
    zipf_weights,
)

__all__ = ["canary_people"]


def canary_people(n: int, rng: np.random.Generator) -> pa.Table:
    """``n`` candidate canaries as a table of strings (Spanish CRM-style headers)."""
    female = rng.random(n) < 0.5
    male_pick = rng.choice(len(MALE_NAMES), n, p=zipf_weights(len(MALE_NAMES)))
    female_pick = rng.choice(len(FEMALE_NAMES), n, p=zipf_weights(len(FEMALE_NAMES)))
    given = np.where(female, np.array(FEMALE_NAMES)[female_pick], np.array(MALE_NAMES)[male_pick])
    sw = zipf_weights(len(SURNAMES))
    sur1 = np.array(SURNAMES)[rng.choice(len(SURNAMES), n, p=sw)]
    sur2 = np.array(SURNAMES)[rng.choice(len(SURNAMES), n, p=sw)]
    year = rng.integers(1955, 2003, n)
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    # DNIs were issued roughly in birth order: the number grows with the birth year.
    dni = np.clip((year - 1940) * 1_250_000 + rng.integers(0, 1_250_000, n), 1_000_000, 79_999_999)
    prefix = np.array(OWN_PREFIXES)[rng.integers(0, len(OWN_PREFIXES), n)]
    msisdn = prefix * 1_000_000 + rng.integers(0, 1_000_000, n)
    tag = rng.integers(100, 99_999, n)
    domains = np.array(EMAIL_DOMAINS)[rng.integers(0, len(EMAIL_DOMAINS), n)]
    street = np.array(STREETS)[rng.integers(0, len(STREETS), n)]
    stype = np.array(STREET_TYPES)[rng.integers(0, len(STREET_TYPES), n)]
    number = rng.integers(100, 2999, n)
    return pa.table(
        {
            "nombres": given.tolist(),
            "apellido_paterno": sur1.tolist(),
            "apellido_materno": sur2.tolist(),
            "dni": [f"{d:08d}" for d in dni],
            "fecha_nacimiento": [
                f"{d:02d}/{m:02d}/{y}" for d, m, y in zip(day, month, year, strict=True)
            ],
            "celular": [str(m) for m in msisdn],
            "email": [
                f"{g.lower()}.{s.lower()}{t}@{d}"
                for g, s, t, d in zip(given, sur1, tag, domains, strict=True)
            ],
            "direccion": [f"{t} {s} {k}" for t, s, k in zip(stype, street, number, strict=True)],
        }
    )
