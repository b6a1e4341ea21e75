"""Regulator notification drafts of a case over HTTP::

    GET /api/v1/cases/{name}/notifications/{jurisdiction}.docx   (cases:read)
    GET /api/v1/cases/{name}/notifications/{jurisdiction}.html   (cases:read)

Scope ``cases:read``, not ``exposure:read``: a draft holds aggregate counts, labels, dates,
the names of the operator's systems and the operator's settings (:mod:`leaktriage.notify`),
strictly less than the triage result ``cases:read`` already returns; the DPO who files it
holds a viewer role. ``exposure:read`` guards the notification list, which names customers.
Each draft is audited as an export (``case.notify_draft``, outcome ``<jurisdiction>.<format>``)
with the count of customers it reports. The controller and contact point come from
``$LEAKTRIAGE_CONTROLLER`` and ``$LEAKTRIAGE_DPO_CONTACT`` of the service (placeholders
otherwise).

Thin routes over :mod:`leaktriage.notify`; installed by :func:`~leaktriage.api.app.create_app`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from leaktriage.api.app import _AUTH_ERRORS, _result_or_409, need
from leaktriage.api.security import Principal
from leaktriage.api.service import Service

__all__ = ["DRAFT_CSP", "install_notify"]

CasesRead = Annotated[Principal, need("cases:read")]
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: A draft is a document with its own inline style and nothing else: no script, no request.
DRAFT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_AUTH_ERRORS,
    404: {"description": "No such case, or no draft for that jurisdiction"},
    409: {"description": "No result yet"},
}


def install_notify(app: FastAPI, service: Service) -> None:
    """Add the two draft routes to ``app``."""
    audit = service.audit

    def _draft(name: str, jurisdiction: str, fmt: str, who: Principal) -> Response:
        from leaktriage.notify.draft import NotifySettings, build_draft
        from leaktriage.notify.facts import CaseFacts
        from leaktriage.notify.render import FORMATS, render_docx, render_html
        from leaktriage.notify.rules import load_draft_rules

        result = _result_or_409(service, name)
        if jurisdiction not in load_draft_rules().drafts:
            raise StarletteHTTPException(404, "no draft for that jurisdiction")
        facts = CaseFacts.from_result(result, name)
        draft = build_draft(facts, jurisdiction, settings=NotifySettings.from_env())
        body = render_docx(draft) if fmt == "docx" else render_html(draft).encode("utf-8")
        audit.record(
            who.name,
            who.kind,
            "case.notify_draft",
            case=name,
            records=facts.customers,
            outcome=f"{jurisdiction}.{fmt}",
        )
        filename = f"{name}-notification-{jurisdiction}.{fmt}"
        return Response(
            body,
            media_type=FORMATS[fmt],
            headers={
                "content-disposition": f'attachment; filename="{filename}"',
                "content-security-policy": DRAFT_CSP,
            },
        )

    @app.get(
        "/api/v1/cases/{name}/notifications/{jurisdiction}.docx",
        responses={
            **_RESPONSES,
            200: {"content": {_DOCX: {}}, "description": "The draft (DOCX)"},
        },
        response_class=Response,
        tags=["cases"],
    )
    def notification_docx(name: str, jurisdiction: str, who: CasesRead) -> Response:
        """The notification draft of a case for one authority (DOCX, in the authority's
        language; aggregate counts only). Scope ``cases:read``; audited."""
        return _draft(name, jurisdiction, "docx", who)

    @app.get(
        "/api/v1/cases/{name}/notifications/{jurisdiction}.html",
        responses={
            **_RESPONSES,
            200: {"content": {"text/html": {}}, "description": "The draft (HTML)"},
        },
        response_class=Response,
        tags=["cases"],
    )
    def notification_html(name: str, jurisdiction: str, who: CasesRead) -> Response:
        """The notification draft of a case for one authority (self-contained HTML, in the
        authority's language; aggregate counts only). Scope ``cases:read``; audited."""
        return _draft(name, jurisdiction, "html", who)
