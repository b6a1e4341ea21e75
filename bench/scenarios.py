"""Triage every synthetic scenario of several worlds and print scenario × expected × got.

    .venv/bin/python bench/scenarios.py [--worlds 3000:11 8000:23 20000:5]

For each world (customers:seed), sources and the prior-leak corpus are registered, then every
leak scenario is triaged; the table gives the label, genuine fraction, source and snapshot
window against the ground truth in the world's manifest.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from leaktriage.synth import generate_world
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", nargs="+", default=["3000:11", "8000:23", "20000:5"])
    args = parser.parse_args()
    ok = total = 0
    print(
        f"{'world':>12s} {'scenario':28s} {'expected':11s} {'got':11s} {'gf true':>7s} "
        f"{'gf':>6s} {'source true':15s} {'source':15s} {'snapshot true':13s} window"
    )
    with tempfile.TemporaryDirectory(prefix="lt-scen-") as tmp:
        for spec in args.worlds:
            customers, seed = (int(x) for x in spec.split(":"))
            root = Path(tmp) / spec.replace(":", "-")
            manifest = generate_world(root / "world", customers=customers, seed=seed)
            ws, _ = Workspace.init(root / "ws")
            for kind, entries in (("source", manifest["sources"]), ("corpus", manifest["corpora"])):
                for e in entries:
                    as_of = date.fromisoformat(e["as_of"]) if e.get("as_of") else None
                    ws.add_file(kind, e["name"], root / "world" / e["file"], as_of=as_of)
            for s in manifest["scenarios"]:
                started = time.perf_counter()
                r = run_triage(ws, root / "world" / s["file"])
                snap = r["snapshot"]
                window = f"{snap['earliest'] or '?'}..{snap['latest'] or '?'}"
                inside = (
                    snap["earliest"] is None or snap["earliest"] <= (s["snapshot_date"] or "9")
                ) and (snap["latest"] is None or (s["snapshot_date"] or "0") <= snap["latest"])
                good = (
                    r["verdict"]["label"] == s["label"]
                    and abs(r["genuine_fraction"] - s["genuine_fraction"]) <= 0.05
                    and (
                        s["label"] in ("fabricated", "unrelated")
                        or r["attribution"]["source"] == s["source"]
                    )
                    and (
                        s["snapshot_date"] is None
                        or s["label"] in ("fabricated", "unrelated")
                        or inside
                    )
                )
                ok += good
                total += 1
                print(
                    f"{spec:>12s} {s['name']:28s} {s['label']:11s} {r['verdict']['label']:11s} "
                    f"{s['genuine_fraction']:7.2f} {r['genuine_fraction']:6.3f} "
                    f"{str(s['source']):15s} {str(r['attribution']['source']):15s} "
                    f"{str(s['snapshot_date']):13s} {window} "
                    f"({(snap['width_days'] or 0)} d) {'ok' if good else 'WRONG'} "
                    f"[{time.perf_counter() - started:.1f} s]"
                )
            ws.close()
    print(f"{ok}/{total} scenarios right")


if __name__ == "__main__":
    main()
