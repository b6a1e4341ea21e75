"""The CSIRT exports of a case over HTTP: a STIX 2.1 bundle and a MISP event (JSON)::

    GET /api/v1/cases/{name}/export/stix   ?tlp=amber&actor=…&claim_url=…   (cases:read)
    GET /api/v1/cases/{name}/export/misp   ?tlp=amber&actor=…&claim_url=…   (cases:read)

Scope ``cases:read``, not ``exposure:read``: an export holds aggregate counts, labels, dates and
the samples' file digests (:mod:`leaktriage.intel.facts`), strictly less than the triage result
that ``cases:read`` already returns (which also carries masked example records). The people who
file with CSIRTs and agencies (the DPO, the incident lead) hold viewer roles; ``exposure:read``
guards the per-customer notification list, which names customers. Each export is audited
(``case.export_stix``, ``case.export_misp``) with the count of customers it reports.

Thin routes over :mod:`leaktriage.intel`; installed by :func:`~leaktriage.api.app.create_app`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse

from leaktriage.api.app import _AUTH_ERRORS, _result_or_409, need
from leaktriage.api.security import Principal
from leaktriage.api.service import Service

__all__ = ["install_exports"]


class TlpLevel(StrEnum):
    """TLP 2.0 levels of an export."""

    clear = "clear"
    green = "green"
    amber = "amber"
    amber_strict = "amber+strict"
    red = "red"


CasesRead = Annotated[Principal, need("cases:read")]
Tlp = Annotated[TlpLevel, Query(description="TLP 2.0 marking of the export")]
Actor = Annotated[
    str | None, Query(max_length=200, description="Threat actor or group named in the claim")
]
ClaimUrl = Annotated[str | None, Query(max_length=2000, description="Where the claim was posted")]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_AUTH_ERRORS,
    404: {"description": "No such case"},
    409: {"description": "No result yet"},
}


def install_exports(app: FastAPI, service: Service) -> None:
    """Add the two export routes to ``app``."""
    audit = service.audit

    def _export(
        kind: Literal["stix", "misp"], name: str, who: Principal, options: dict[str, Any]
    ) -> JSONResponse:
        from leaktriage.intel import export_document, load_case_facts

        latest = _result_or_409(service, name)
        facts = load_case_facts(service.db().engine, name, fallback_result=latest)
        doc = export_document(kind, facts, **options)
        audit.record(
            who.name, who.kind, f"case.export_{kind}", case=name, records=facts.exposed_customers
        )
        return JSONResponse(
            doc,
            headers={"content-disposition": f'attachment; filename="{name}-{kind}.json"'},
        )

    @app.get(
        "/api/v1/cases/{name}/export/stix",
        responses={**_RESPONSES, 200: {"description": "A STIX 2.1 bundle"}},
        tags=["cases"],
    )
    def export_stix(
        name: str,
        who: CasesRead,
        tlp: Tlp = TlpLevel.amber,
        actor: Actor = None,
        claim_url: ClaimUrl = None,
    ) -> JSONResponse:
        """The case as a STIX 2.1 bundle (Incident Core Extension, impacts, defender tasks,
        threat actor, the claim as a report, sample file hashes, TLP 2.0 marking): counts and
        hashes only, no identifier of any person. Scope ``cases:read``; audited."""
        return _export(
            "stix", name, who, {"tlp": tlp.value, "actor": actor, "claim_url": claim_url}
        )

    @app.get(
        "/api/v1/cases/{name}/export/misp",
        responses={**_RESPONSES, 200: {"description": 'A MISP event, {"Event": {...}}'}},
        tags=["cases"],
    )
    def export_misp(
        name: str,
        who: CasesRead,
        tlp: Tlp = TlpLevel.amber,
        actor: Actor = None,
        claim_url: ClaimUrl = None,
    ) -> JSONResponse:
        """The case as a MISP event (incident, report and file objects, counters, TLP and
        threat-actor tags): counts and hashes only. Scope ``cases:read``; audited."""
        return _export(
            "misp", name, who, {"tlp": tlp.value, "actor": actor, "claim_url": claim_url}
        )
