"""Triage every synthetic scenario of several worlds and print scenario × expected × got.

    .venv/bin/python bench/scenarios.py [--worlds 20000:11 200000:11]

For each world (customers:seed), the sources and prior-leak corpora are registered, then every
leak scenario is triaged; the table gives the label, genuine fraction, source, snapshot window,
exposure by tier and (for a divested unit) custody against the ground truth in the world's
manifest. The divested unit's leaks are triaged in a workspace of their own (CRM, HSS and the
unit's archive), as the tests do. A scenario is ``ok`` when the label is right, the genuine
fraction within 0.05, the source right (for labels that have one), the window contains the
true snapshot date, the tiers equal the truth, and custody names the true holder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from leaktriage.synth import generate_world
from leaktriage.synth.truth import truth_exposure
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace

NO_SOURCE = ("fabricated", "unrelated", "inconclusive")


def _register(ws: Workspace, root: Path, entries: list[tuple[str, dict[str, Any]]]) -> None:
    for kind, e in entries:
        ws.add_file(
            kind,
            e["name"],
            root / e["file"],
            as_of=date.fromisoformat(e["as_of"]) if e.get("as_of") else None,
            divested_on=date.fromisoformat(e["divested_on"]) if e.get("divested_on") else None,
            buyer=e.get("buyer"),
        )


def _judge(root: Path, ws: Workspace, spec: str, s: dict[str, Any]) -> bool:
    started = time.perf_counter()
    r = run_triage(ws, root / s["file"])
    snap = r["snapshot"]
    truth_day = s.get("snapshot_date")
    window = f"{snap['earliest'] or '?'}..{snap['latest'] or '?'}"
    inside = (snap["earliest"] is None or snap["earliest"] <= (truth_day or "9")) and (
        snap["latest"] is None or (truth_day or "0") <= snap["latest"]
    )
    _, tiers_true = truth_exposure(root, s)
    tiers_ok = r["exposure"]["by_tier"] == tiers_true
    custody_true = (s.get("custody") or {}).get("holder")
    custody_got = (r.get("custody") or {}).get("holder")
    good = (
        r["verdict"]["label"] == s["label"]
        and abs(r["genuine_fraction"] - s["genuine_fraction"]) <= 0.05
        and (s["label"] in NO_SOURCE or r["attribution"]["source"] == s["source"])
        and (truth_day is None or s["label"] in NO_SOURCE or inside)
        and tiers_ok
        and custody_got == custody_true
    )
    tiers = ",".join(f"{k}:{v}" for k, v in sorted(r["exposure"]["by_tier"].items())) or "-"
    print(
        f"{spec:>13s} {s['name']:28s} {s['label']:11s} {r['verdict']['label']:11s} "
        f"{s['genuine_fraction']:7.2f} {r['genuine_fraction']:6.3f} "
        f"{str(s['source']):15s} {str(r['attribution']['source']):15s} "
        f"{str(truth_day):11s} {window:23s} {'=' if tiers_ok else '≠'} {tiers:32s} "
        f"{str(custody_true or '-'):6s} {str(custody_got or '-'):6s} "
        f"{'ok' if good else 'WRONG'} [{time.perf_counter() - started:.1f} s]"
    )
    return good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", nargs="+", default=["20000:11", "200000:11"])
    args = parser.parse_args()
    ok = total = 0
    print(
        f"{'world':>13s} {'scenario':28s} {'expected':11s} {'got':11s} {'gf true':>7s} "
        f"{'gf':>6s} {'source true':15s} {'source':15s} {'snap true':11s} {'window':23s} "
        f"{'tiers (vs truth)':34s} {'cust.':6s} {'got':6s}"
    )
    with tempfile.TemporaryDirectory(prefix="lt-scen-") as tmp:
        for spec in args.worlds:
            customers, seed = (int(x) for x in spec.split(":"))
            base = Path(tmp) / spec.replace(":", "-")
            root = base / "world"
            manifest = generate_world(root, customers=customers, seed=seed)
            with Workspace.init(base / "ws")[0] as ws:
                _register(
                    ws,
                    root,
                    [("source", e) for e in manifest["sources"]]
                    + [("corpus", e) for e in manifest["corpora"]],
                )
                for s in manifest["scenarios"]:
                    ok += _judge(root, ws, spec, s)
                    total += 1
            custody = manifest.get("custody")
            if custody:
                with Workspace.init(base / "ws-custody")[0] as ws:
                    live = [e for e in manifest["sources"] if e["name"] in ("crm", "hss")]
                    _register(ws, root, [("source", e) for e in [*live, custody["source"]]])
                    for s in custody["scenarios"]:
                        ok += _judge(root, ws, spec, s)
                        total += 1
    print(f"{ok}/{total} scenarios right")


if __name__ == "__main__":
    main()
