"""A case's latest triage result, read from the workspace (for the CLI, which has no service).

Each sample triaged with ``--case`` keeps its triage JSON in ``ws.case_sample_results``
(:mod:`leaktriage.exposure.case`); the latest one, with the case's samples and their union
(people counted once), is what a notification draft is built from. The service reads its own
copy (``CaseManager.result``), which already holds the union.
"""

from __future__ import annotations

import json
from typing import Any

from leaktriage.errors import WorkspaceError
from leaktriage.exposure import case as ex_case
from leaktriage.exposure.tiers import TierRules, load_tier_rules
from leaktriage.workspace import Workspace

__all__ = ["latest_result"]

_RESULTS = "ws.case_sample_results"


def latest_result(ws: Workspace, case: str, rules: TierRules | None = None) -> dict[str, Any]:
    """The triage JSON of the latest sample of ``case``, with ``case_samples`` across them.

    Raises :class:`~leaktriage.errors.WorkspaceError` (exit 4) when no sample of that case
    was triaged, or only before results were kept.
    """
    e = ws.engine
    if not e.table_exists(_RESULTS):
        raise WorkspaceError(f"no case {case!r} in the workspace: run triage with --case")
    summary = ex_case.case_summary(e, case, rules or load_tier_rules())
    if not summary["samples"]:
        raise WorkspaceError(f"no case {case!r} in the workspace: run triage with --case")
    row = e.fetch_one(
        f"""select result_json from {_RESULTS}
            where case_name = ? and result_json is not null
            order by triaged_at desc, sample limit 1""",
        [case],
    )
    if not row:
        raise WorkspaceError(
            f"case {case!r} was triaged before results were kept: triage a sample again"
        )
    result: dict[str, Any] = json.loads(row[0])
    result["case_samples"] = summary
    return result
