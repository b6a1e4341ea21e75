"""Synthetic world for demos, tests and benchmarks: a Peruvian operator (MCC-MNC 716-06), a
population, the operator's reference files, a known prior leak, leak scenarios of every label
with row-level truth, and hostile files.

``generate_world`` is deterministic: the same arguments give the same bytes. Layout of
``out_dir``::

    world.json                  manifest (seed, operator, sources, corpora, scenarios, hostile)
    sources/*.csv               crm, billing, hss, legacy_billing
    corpora/forum_2023.csv      a leak the operator already knows
    corpora/shop_2024.csv       another known leak (an online shop's), for combolists
    leaks/*                     scenarios (csv, jsonl, json, sql, xlsx, parquet, zip, tar.gz)
    truth/<scenario>.parquet    row_index, customer_id, person_id, is_genuine, fields_true
    custody/*                   a divested unit's archive, a leak of it and one of the buyer's
    hostile/*                   junk, bombs, empty, header-only, huge field, wide, broken quoting

All people and identifiers are random draws; names come from frequency tables of common
Peruvian names, never from a list of real persons.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from leaktriage.synth._custody import write_custody
from leaktriage.synth._hard_lines import write_hard_lines
from leaktriage.synth._hard_ops import write_hard_ops
from leaktriage.synth._hard_sim import write_hard_sim
from leaktriage.synth._hostile import write_hostile
from leaktriage.synth._operator import (
    OPERATOR,
    generate_customers,
    reassign_numbers,
    write_sources,
)
from leaktriage.synth._population import generate_population
from leaktriage.synth._scenarios import World, write_corpus, write_scenarios

__all__ = ["generate_world"]

log = logging.getLogger(__name__)

#: Persons per customer: the rest of the population are other operators' customers or no one's.
PERSONS_PER_CUSTOMER = 1.4


def generate_world(
    out_dir: Path,
    customers: int = 100_000,
    seed: int = 7,
    progress: Callable[[str, float], None] | None = None,
) -> dict[str, Any]:
    """Generate a world of ``customers`` customers into ``out_dir``; return the manifest (also
    written to ``out_dir/world.json``). ``progress(stage, fraction)`` is called between stages."""
    if customers < 100:
        raise ValueError("customers must be at least 100")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    def step(stage: str, fraction: float) -> None:
        log.debug("synth: %s", stage)
        if progress is not None:
            progress(stage, fraction)

    step("population", 0.0)
    pop = generate_population(rng, round(PERSONS_PER_CUSTOMER * customers))
    step("customers", 0.25)
    cust = generate_customers(rng, pop, customers)
    # churned customers' numbers given to later customers, from a stream of its own
    reassign_numbers(np.random.default_rng([seed, 12, 5]), cust)
    step("sources", 0.4)
    sources = write_sources(rng, out_dir / "sources", pop, cust)
    step("corpora", 0.6)
    world = World(rng, pop, cust, out_dir, max(300, round(0.05 * customers)))
    corpus_entry, corpus = write_corpus(world)
    step("scenarios", 0.65)
    scenarios = write_scenarios(world, corpus)
    # issue 12's hard cases draw from a generator of their own: the scenarios above keep their bytes
    hard = replace(world, rng=np.random.default_rng([seed, 12]))
    hard_corpora, hard_scenarios = write_hard_ops(hard, corpus)
    scenarios += hard_scenarios
    # SIM keys without phone numbers, a decommissioned system's copy: a generator of their own
    scenarios += write_hard_sim(replace(world, rng=np.random.default_rng([seed, 121])))
    # former customers whose numbers were reassigned since: a generator of its own
    scenarios += write_hard_lines(replace(world, rng=np.random.default_rng([seed, 12, 6])))
    # a divested unit's archive and two leaks of it (registered only where custody is tested)
    custody = write_custody(
        np.random.default_rng([seed, 12, 3]),
        out_dir,
        pop,
        cust.person,
        max(300, customers // 10),
        numbers_taken=cust.msisdn,
    )
    step("hostile", 0.95)
    hostile = write_hostile(out_dir / "hostile", seed)
    manifest: dict[str, Any] = {
        "seed": seed,
        "customers": customers,
        "persons": pop.size,
        "generated_by": "leaktriage.synth",
        "operator": OPERATOR,
        "sources": sources,
        "corpora": [corpus_entry, *hard_corpora],
        "scenarios": scenarios,
        "hostile": hostile,
        "custody": custody,
    }
    (out_dir / "world.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    step("done", 1.0)
    return manifest
