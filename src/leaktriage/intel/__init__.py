"""Exports of a case for CSIRTs and agencies: STIX 2.1 bundles and MISP events.

:mod:`~leaktriage.intel.facts` copies the few things a case may tell outside the operator out
of its stored results (aggregate counts, labels, dates, file digests: never an identifier of a
person); :mod:`~leaktriage.intel.stix` and :mod:`~leaktriage.intel.misp` write them in each
community's format. ``stix2`` and ``pymisp`` are imported only by those two modules.
"""

from __future__ import annotations

from leaktriage.intel.facts import TLP_LEVELS, CaseFacts, facts_from, load_case_facts

__all__ = ["TLP_LEVELS", "CaseFacts", "facts_from", "load_case_facts"]
