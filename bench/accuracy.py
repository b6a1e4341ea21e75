"""Column-type accuracy per type over every labelled file of several synthetic worlds.

    .venv/bin/python bench/accuracy.py [--seeds 1 2 3] [--customers 3000]

Each world's manifest labels every column of every source, corpus and leak scenario; each file
goes through ingest and classify as ``source add`` and ``triage`` run them.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from leaktriage.classify import classify_columns
from leaktriage.ingest import open_input
from leaktriage.synth import generate_world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--customers", type=int, default=3000)
    args = parser.parse_args()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    files = 0
    with tempfile.TemporaryDirectory(prefix="lt-acc-") as tmp:
        for seed in args.seeds:
            root = Path(tmp) / str(seed)
            manifest = generate_world(root, customers=args.customers, seed=seed)
            for entry in [*manifest["sources"], *manifest["corpora"], *manifest["scenarios"]]:
                files += 1
                with open_input(root / entry["file"]) as reader:
                    guesses = {g.name: g.type for g in classify_columns(reader.sample())}
                for name, expected in entry["columns"].items():
                    total[expected] += 1
                    got = guesses.get(name, "missing")
                    if got == expected:
                        right[expected] += 1
                    else:
                        confusions[(expected, got)] += 1
    print(f"{files} files, {sum(total.values())} labelled columns, seeds {args.seeds}")
    print(f"{'type':14s} {'columns':>8s} {'right':>6s} {'accuracy':>9s}")
    for t in sorted(total):
        print(f"{t:14s} {total[t]:8d} {right[t]:6d} {right[t] / total[t]:9.1%}")
    print(f"{'all':14s} {sum(total.values()):8d} {sum(right.values()):6d} "
          f"{sum(right.values()) / sum(total.values()):9.1%}")  # fmt: skip
    for (exp, got), n in confusions.most_common():
        print(f"confused: {exp} -> {got} ({n})")


if __name__ == "__main__":
    main()
