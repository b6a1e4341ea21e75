"""Exports of a case for CSIRTs and agencies: STIX 2.1 bundles and MISP events.

:mod:`~leaktriage.intel.facts` copies the few things a case may tell outside the operator out
of its stored results (aggregate counts, labels, dates, file digests: never an identifier of a
person); :mod:`~leaktriage.intel.stix` and :mod:`~leaktriage.intel.misp` write them in each
community's format. ``stix2`` and ``pymisp`` are imported only by those two modules.
"""

from __future__ import annotations

from typing import Any, Literal

from leaktriage.intel.facts import TLP_LEVELS, CaseFacts, facts_from, load_case_facts

__all__ = ["TLP_LEVELS", "CaseFacts", "export_document", "facts_from", "load_case_facts"]


def export_document(kind: Literal["stix", "misp"], facts: CaseFacts, **options: Any) -> Any:
    """The case as a STIX 2.1 bundle (``stix``) or a MISP event (``misp``), as JSON data;
    the library of each format is imported only when that format is asked for."""
    if kind == "stix":
        from leaktriage.intel.stix import stix_document

        return stix_document(facts, **options)
    from leaktriage.intel.misp import misp_document

    return misp_document(facts, **options)
