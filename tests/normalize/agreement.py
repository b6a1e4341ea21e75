"""Print the agreement of the SQL normalizers with their oracles on generated values.

Run: ``.venv/bin/python tests/normalize/agreement.py [N]`` (N values per type, default 20000).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _normalize_oracles import (  # noqa: E402
    check_iccid,
    check_ids,
    check_imei,
    check_imsi,
    check_phones,
    id_cases,
    imsi_cases,
    luhn_cases,
    phone_cases,
)

from leaktriage.engines import create_engine  # noqa: E402
from leaktriage.vocab import ID_SCHEMES  # noqa: E402

ORACLES = {
    "phone": "phonenumbers",
    "msisdn": "phonenumbers",
    "imsi": "stdnum.imsi",
    "iccid": "stdnum.luhn",
    "imei": "stdnum.imei",
}


def main(n: int) -> int:
    rng = random.Random(20261125)
    engine = create_engine("duckdb")
    rows = []
    started = time.perf_counter()
    for ctype in ("msisdn", "phone"):
        rows.append((ctype, ORACLES[ctype], *check_phones(engine, phone_cases(rng, n), ctype)))
    for scheme in ID_SCHEMES:
        oracle = (
            "format rule" if scheme == "pe.ce" else f"stdnum.{scheme.replace('pe.dni', 'pe.cui')}"
        )
        rows.append(
            (f"national_id/{scheme}", oracle, *check_ids(engine, scheme, id_cases(scheme, rng, n)))
        )
    rows.append(("imsi", ORACLES["imsi"], *check_imsi(engine, imsi_cases(rng, n))))
    rows.append(
        (
            "iccid",
            ORACLES["iccid"],
            *check_iccid(engine, luhn_cases(rng, n, (19, 20, 18, 21), "89")),
        )
    )
    rows.append(
        ("imei", ORACLES["imei"], *check_imei(engine, luhn_cases(rng, n, (14, 15, 15, 16, 13))))
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'type':<{width}}  {'oracle':<14} {'checked':>8} {'disagree':>8}")  # noqa: T201
    failures = 0
    for name, oracle, checked, bad in rows:
        failures += len(bad)
        print(f"{name:<{width}}  {oracle:<14} {checked:>8} {len(bad):>8}")  # noqa: T201
        for example in bad[:3]:
            print(f"    e.g. {example}")  # noqa: T201
    print(f"({time.perf_counter() - started:.1f} s)")  # noqa: T201
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000))
