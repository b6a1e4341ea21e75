"""The leaktriage service: FastAPI over a :class:`~leaktriage.api.service.Service`.

Routes (OpenAPI at ``/openapi.json``)::

    POST /api/v1/risk/sim-change          {msisdn, request, channel} -> {decision, risk, reasons}
    POST /api/v1/events/sim-change        {msisdn, occurred_at?}     -> 202 {status: "accepted"}
    POST /sim-swap/v2/check               {phoneNumber, maxAge?}     -> {swapped}        (CAMARA)
    POST /sim-swap/v2/retrieve-date       {phoneNumber}              -> {latestSimChange} (CAMARA)
    GET  /api/v1/cases                    POST /api/v1/cases {name, claimed_records?, ...}
    GET  /api/v1/cases/{name}             status and live progress
    POST /api/v1/cases/{name}/sample      upload (raw body or multipart), queues the triage
    GET  /api/v1/cases/{name}/result      the triage JSON (DESIGN.md contract)
    GET  /api/v1/cases/{name}/exposure    counts by tier and field
    GET  /api/v1/cases/{name}/report      the HTML report
    GET  /api/v1/cases/{name}/notification-list   CSV (exposure:read)
    GET  /api/v1/cases/{name}/export/stix|misp    STIX 2.1 bundle, MISP event (counts only)
    GET  /api/v1/cases/{name}/notifications/{jurisdiction}.docx|.html   regulator draft
    GET  /api/v1/alerts                   SIM changes on exposed lines
    GET  /api/v1/audit                    the audit trail (admins)
    GET  /api/v1/me, /healthz             plus the web UI (:mod:`leaktriage.api.web`)

Machines authenticate with ``Authorization: Bearer <API key>`` and need the route's scope;
people use the web UI's session cookie (roles map to scopes, see
:data:`~leaktriage.api.security.ROLE_SCOPES`), with a CSRF token on every state change.

The two ``/sim-swap/v2`` routes follow the CAMARA SIM Swap API v2 (``maxAge`` in hours,
1..2400, default 240; errors as ``{status, code, message}``: 400 INVALID_ARGUMENT,
400 OUT_OF_RANGE, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND,
422 MISSING_IDENTIFIER). leaktriage does not know the operator's full subscriber base, so it
never answers 404 IDENTIFIER_NOT_FOUND: a line with no recorded change is ``swapped: false`` /
``latestSimChange: null``.

Privacy: request bodies are never echoed. Validation errors keep the location, message and
type of each error and drop pydantic's ``input`` and ``ctx``, which would repeat the number.
Errors are mapped to HTTP statuses in one place (:func:`_install_error_handlers`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from python_multipart.exceptions import MultipartParseError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from leaktriage.api.cases import CaseInfo, UploadTooLarge
from leaktriage.api.risk import Channel, DecisionName, InvalidMsisdn
from leaktriage.api.risk import Request as RequestKind
from leaktriage.api.security import ANONYMOUS, SESSION_COOKIE, Principal
from leaktriage.api.service import Service
from leaktriage.api.upload import receive_upload
from leaktriage.errors import InputError, LeakTriageError

__all__ = [
    "CAMARA_PREFIX",
    "Forbidden",
    "Unauthenticated",
    "check_csrf",
    "create_app",
    "csrf_ok",
    "current_principal",
]

CAMARA_PREFIX = "/sim-swap/v2"
_MSISDN_MAX = 32
_E164 = r"^\+[1-9][0-9]{4,14}$"


# -- models ---------------------------------------------------------------------------------------
class RiskRequest(BaseModel):
    """A SIM-change request to judge."""

    msisdn: str = Field(min_length=1, max_length=_MSISDN_MAX, description="Any usual format")
    request: RequestKind
    channel: Channel


class RiskResponse(BaseModel):
    """The decision: allow, step_up (verify out of band first) or deny."""

    decision: DecisionName
    risk: float = Field(ge=0, le=1)
    reasons: list[str]


class SimChangeEvent(BaseModel):
    """A SIM change that happened on a line (from provisioning)."""

    msisdn: str = Field(min_length=1, max_length=_MSISDN_MAX)
    occurred_at: datetime | None = Field(default=None, description="Default: now")


class Accepted(BaseModel):
    """The event was recorded."""

    status: str = "accepted"


class CheckSimSwap(BaseModel):
    """CAMARA CreateCheckSimSwap."""

    phoneNumber: str | None = Field(default=None, pattern=_E164)  # noqa: N815 (CAMARA name)
    maxAge: int = Field(default=240, ge=1, le=2400, description="Hours")  # noqa: N815


class RetrieveSimSwapDate(BaseModel):
    """CAMARA CreateSimSwapDate."""

    phoneNumber: str | None = Field(default=None, pattern=_E164)  # noqa: N815


class CheckSimSwapInfo(BaseModel):
    """CAMARA CheckSimSwapInfo."""

    swapped: bool


class SimSwapInfo(BaseModel):
    """CAMARA SimSwapInfo."""

    latestSimChange: datetime | None  # noqa: N815


class ErrorInfo(BaseModel):
    """CAMARA ErrorInfo."""

    status: int
    code: str
    message: str


# -- errors ---------------------------------------------------------------------------------------
class _CamaraError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _camara(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"status": status, "code": code, "message": message}, status_code=status)


def _scrubbed(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without the offending input (it may be a phone number)."""
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if request.url.path.startswith(CAMARA_PREFIX):
            types = {e["type"] for e in errors}
            if types & {"greater_than_equal", "less_than_equal"}:
                return _camara(400, "OUT_OF_RANGE", "Client specified an invalid range.")
            return _camara(
                400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body."
            )
        return JSONResponse({"detail": _scrubbed(errors)}, status_code=422)

    @app.exception_handler(InvalidMsisdn)
    async def _invalid_msisdn(request: Request, exc: InvalidMsisdn) -> JSONResponse:
        if request.url.path.startswith(CAMARA_PREFIX):
            return _camara(400, "INVALID_ARGUMENT", "phoneNumber is not a valid number.")
        detail = [{"loc": ["body", "msisdn"], "msg": str(exc), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(_CamaraError)
    async def _camara_error(request: Request, exc: _CamaraError) -> JSONResponse:
        return _camara(exc.status, exc.code, exc.message)

    def _is_api(request: Request) -> bool:
        path = request.url.path
        return path.startswith(("/api/", CAMARA_PREFIX)) or path == "/openapi.json"

    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(request: Request, exc: Unauthenticated) -> Response:
        if request.url.path.startswith(CAMARA_PREFIX):
            return _camara(401, "UNAUTHENTICATED", "Request not authenticated.")
        if _is_api(request):
            return JSONResponse(
                {"detail": "authentication required"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        target = request.url.path
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if request.url.path.startswith(CAMARA_PREFIX):
            return _camara(403, "PERMISSION_DENIED", "Client does not have sufficient permissions.")
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=403)
        from leaktriage.api.web import error_page

        return error_page(request, 403, exc.message)

    @app.exception_handler(PermissionError)
    async def _csrf_upload(request: Request, exc: PermissionError) -> JSONResponse:
        return JSONResponse({"detail": "CSRF token missing or wrong"}, status_code=403)

    @app.exception_handler(UploadTooLarge)
    async def _too_large(request: Request, exc: UploadTooLarge) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=413)

    @app.exception_handler(LeakTriageError)
    async def _bad_input(request: Request, exc: LeakTriageError) -> JSONResponse:
        # Our errors name file, row and column, never a value.
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(MultipartParseError)
    async def _bad_multipart(request: Request, exc: MultipartParseError) -> JSONResponse:
        return JSONResponse({"detail": "malformed multipart body"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith(CAMARA_PREFIX):
            code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "ERROR")
            return _camara(exc.status_code, code, str(exc.detail))
        if not _is_api(request) and exc.status_code in (404, 405, 409):
            from leaktriage.api.web import error_page

            return error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


_CAMARA_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorInfo, "description": "INVALID_ARGUMENT or OUT_OF_RANGE"},
    422: {"model": ErrorInfo, "description": "MISSING_IDENTIFIER"},
}


# -- who is calling -------------------------------------------------------------------------------
class Unauthenticated(Exception):
    """No valid session or API key."""


class Forbidden(Exception):
    """Authenticated, but without the scope the route needs (or a bad CSRF token)."""

    def __init__(self, message: str = "not allowed") -> None:
        super().__init__(message)
        self.message = message


_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-api-key")


def current_principal(request: Request) -> Principal:
    """The caller: an API key, a logged-in person, or anonymous. A session's state-changing
    request must carry its CSRF token and must not come from another origin."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    service: Service = request.app.state.service
    secret = _bearer(request)
    principal = ANONYMOUS
    if secret is not None:
        key = service.keys.lookup(secret)
        if key is None:
            raise Unauthenticated
        principal = Principal.of_key(key)
    else:
        session = service.sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is not None:
            principal = Principal.of_user(session.user, session)
    request.state.principal = principal
    return principal


def check_csrf(request: Request, principal: Principal, token: str | None) -> None:
    """Refuse a session's unsafe request without its CSRF token or from another origin."""
    if principal.session is None or request.method not in _UNSAFE:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise Forbidden("cross-origin request refused")
    if not principal.session.check_csrf(token or request.headers.get("x-csrf-token")):
        raise Forbidden("CSRF token missing or wrong")


def need(scope: str, *, csrf: bool = True) -> Any:
    """A dependency: the caller, who must hold ``scope`` (and, for sessions, pass CSRF)."""

    def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        if not principal.authenticated:
            raise Unauthenticated
        if csrf:
            check_csrf(request, principal, None)
        if not principal.can(scope):
            raise Forbidden(f"needs {scope}")
        return principal

    dependency.__name__ = f"need_{scope.replace(':', '_')}"
    return Depends(dependency)


CasesRead = Annotated[Principal, need("cases:read")]
CasesWrite = Annotated[Principal, need("cases:write")]
#: Uploads check a session's CSRF token in the multipart body, before the file part.
CasesWriteUpload = Annotated[Principal, need("cases:write", csrf=False)]
ExposureRead = Annotated[Principal, need("exposure:read")]
AlertsRead = Annotated[Principal, need("alerts:read")]
AuditRead = Annotated[Principal, need("audit:read")]


def _key_with(request: Request, scope: str) -> Principal:
    """The hot-path check for machine routes: an API key holding ``scope``."""
    key = request.app.state.service.keys.lookup(_bearer(request))
    if key is None:
        raise Unauthenticated
    if scope not in key.scopes:
        raise Forbidden(f"needs {scope}")
    return Principal.of_key(key)


# -- case models ----------------------------------------------------------------------------------
def _jurisdiction_enum() -> Any:
    from enum import Enum

    from leaktriage.exposure.clocks import load_rules

    codes = sorted(load_rules()["jurisdictions"])
    return Enum("Jurisdiction", {c.replace("-", "_"): c for c in codes}, type=str)


if TYPE_CHECKING:
    from enum import StrEnum as Jurisdiction
else:
    #: Jurisdictions of the packaged clock rules (``exposure/rules/jurisdictions.toml``).
    Jurisdiction = _jurisdiction_enum()


class CaseCreate(BaseModel):
    """Open a case."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    claimed_records: int | None = Field(default=None, ge=0, le=10**12)
    region: str = Field(default="PE", pattern=r"^[A-Za-z]{2}$")
    jurisdictions: list[Jurisdiction] = Field(default_factory=list, max_length=16)
    discovered_at: datetime | None = Field(
        default=None, description="ISO 8601 with offset; starts the clocks (default: now)"
    )


class CaseProgress(BaseModel):
    """Where a running triage is."""

    stage: str | None
    bytes_read: int
    bytes_total: int
    fraction_read: float | None
    elapsed_seconds: float | None


class CaseStatus(BaseModel):
    """A case and the state of its latest sample."""

    name: str
    created_by: str
    created_at: str
    claimed_records: int | None
    region: str
    jurisdictions: list[str]
    discovered_at: str
    state: str = Field(description="new | queued | running | done | failed")
    samples: int
    file_name: str | None
    file_bytes: int | None
    error: str | None
    finished_at: str | None
    verdict: str | None
    progress: CaseProgress | None


class ExposureSummary(BaseModel):
    """Who is exposed, by tier and by field (counts only)."""

    case: str
    customers: int
    by_tier: dict[str, int]
    by_field: dict[str, int]
    remediation: dict[str, str]


class AlertItem(BaseModel):
    """A SIM change on an exposed line."""

    id: int
    raised_at: str
    occurred_at: str
    case: str
    tier: str
    customer_ref: str | None


class AuditItem(BaseModel):
    """One audited act (no identifiers)."""

    at: str
    actor: str
    actor_kind: str
    action: str
    case: str | None
    records: int
    outcome: str


class AuditPage(BaseModel):
    """A page of the audit trail, newest first."""

    total: int
    items: list[AuditItem]


class Me(BaseModel):
    """The caller."""

    name: str
    kind: str
    role: str | None
    scopes: list[str]


_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API key or session"},
    403: {"description": "Missing scope, or CSRF check failed"},
}


def _case_or_404(service: Service, name: str) -> CaseInfo:
    info = service.cases.get(name)
    if info is None:
        raise StarletteHTTPException(404, "no such case")
    return info


def _result_or_409(service: Service, name: str) -> dict[str, Any]:
    _case_or_404(service, name)
    result = service.cases.result(name)
    if result is None:
        raise StarletteHTTPException(409, "the case has no triage result yet")
    return result


def _exposed(result: dict[str, Any]) -> int:
    return int((result.get("exposure") or {}).get("customers") or 0)


# -- the app --------------------------------------------------------------------------------------
def create_app(service: Service) -> FastAPI:
    """The whole service: risk and CAMARA routes, the case API and the web UI."""
    app = FastAPI(
        title="leaktriage",
        version="1",
        description=__doc__,
        docs_url=None,  # Swagger UI loads from a CDN: the spec is at /openapi.json
        redoc_url=None,
    )
    app.state.service = service
    decider = service.decider
    audit = service.audit
    _install_error_handlers(app)

    # -- risk, events, CAMARA (API keys) --------------------------------------------------------
    @app.post(
        "/api/v1/risk/sim-change",
        response_model=RiskResponse,
        responses=_AUTH_ERRORS,
        tags=["risk"],
    )
    async def risk_sim_change(request: Request, body: RiskRequest) -> JSONResponse:
        """Judge a SIM swap, port-out, eSIM download or SIM replacement on a line.
        Scope ``risk:decide``."""
        who = _key_with(request, "risk:decide")
        d = decider.decide(body.msisdn, body.request, body.channel)
        audit.record(
            who.name,
            who.kind,
            "risk.decide",
            case=d.case,
            records=int(d.case is not None),
            outcome=d.decision,
        )
        # A Response skips re-validating our own output against the model (which still
        # documents the shape in OpenAPI): about a third of the per-request cost.
        return JSONResponse({"decision": d.decision, "risk": d.risk, "reasons": d.reasons})

    @app.post(
        "/api/v1/events/sim-change",
        status_code=202,
        response_model=Accepted,
        responses=_AUTH_ERRORS,
        tags=["risk"],
    )
    async def sim_change_event(request: Request, body: SimChangeEvent) -> Accepted:
        """Record that a line's SIM changed (from provisioning). Scope ``events:write``.
        A change on a line exposed in a case raises an alert."""
        _key_with(request, "events:write")
        decider.events.record(decider.token(body.msisdn), body.occurred_at)
        return Accepted()

    def _camara_token(phone: str | None) -> str:
        if phone is None:
            raise _CamaraError(422, "MISSING_IDENTIFIER", "The device cannot be identified.")
        return decider.token(phone)

    camara_errors = {**_CAMARA_ERRORS, 401: {"model": ErrorInfo}, 403: {"model": ErrorInfo}}

    @app.post(
        f"{CAMARA_PREFIX}/check",
        response_model=CheckSimSwapInfo,
        responses=camara_errors,
        tags=["CAMARA SIM Swap"],
    )
    async def check(request: Request, body: CheckSimSwap) -> CheckSimSwapInfo:
        """CAMARA: has the SIM of this line changed in the last ``maxAge`` hours?
        Scope ``risk:decide``."""
        who = _key_with(request, "risk:decide")
        last = decider.events.last_change(_camara_token(body.phoneNumber))
        swapped = last is not None and datetime.now(UTC) - last <= timedelta(hours=body.maxAge)
        audit.record(who.name, who.kind, "simswap.check", outcome=str(swapped).lower())
        return CheckSimSwapInfo(swapped=swapped)

    @app.post(
        f"{CAMARA_PREFIX}/retrieve-date",
        response_model=SimSwapInfo,
        responses=camara_errors,
        tags=["CAMARA SIM Swap"],
    )
    async def retrieve_date(request: Request, body: RetrieveSimSwapDate) -> SimSwapInfo:
        """CAMARA: when did the SIM of this line last change (null: no change recorded)?
        Scope ``risk:decide``."""
        who = _key_with(request, "risk:decide")
        last = decider.events.last_change(_camara_token(body.phoneNumber))
        audit.record(who.name, who.kind, "simswap.retrieve_date", outcome="ok")
        return SimSwapInfo(latestSimChange=last)

    # -- case API (API keys or a session) -------------------------------------------------------
    @app.get("/api/v1/me", response_model=Me, responses=_AUTH_ERRORS, tags=["service"])
    def me(request: Request) -> Me:
        """Who the caller is and what it may do."""
        who = current_principal(request)
        if not who.authenticated:
            raise Unauthenticated
        return Me(name=who.name, kind=who.kind, role=who.role, scopes=sorted(who.scopes))

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        """Liveness (no authentication, no data)."""
        return {"status": "ok"}

    @app.get(
        "/api/v1/cases", response_model=list[CaseStatus], responses=_AUTH_ERRORS, tags=["cases"]
    )
    def list_cases(who: CasesRead) -> list[dict[str, Any]]:
        """Every case, newest first. Scope ``cases:read``."""
        return [c.to_json() for c in service.cases.list()]

    @app.post(
        "/api/v1/cases",
        status_code=201,
        response_model=CaseStatus,
        responses={
            **_AUTH_ERRORS,
            400: {"description": "discovered_at without a time zone"},
            409: {"description": "A case of that name exists"},
        },
        tags=["cases"],
    )
    def create_case(body: CaseCreate, who: CasesWrite) -> dict[str, Any]:
        """Open a case. Scope ``cases:write``."""
        if body.discovered_at is not None and body.discovered_at.tzinfo is None:
            raise InputError("discovered_at must carry a time zone offset")
        if service.cases.get(body.name) is not None:
            raise StarletteHTTPException(409, "a case of that name exists")
        info = service.cases.create(
            body.name,
            who.name,
            claimed_records=body.claimed_records,
            region=body.region,
            jurisdictions=[j.value for j in body.jurisdictions],
            discovered_at=body.discovered_at,
        )
        audit.record(who.name, who.kind, "case.create", case=body.name)
        return info.to_json()

    @app.get(
        "/api/v1/cases/{name}",
        response_model=CaseStatus,
        responses={**_AUTH_ERRORS, 404: {"description": "No such case"}},
        tags=["cases"],
    )
    def case_status(name: str, who: CasesRead) -> dict[str, Any]:
        """A case's state and, while it runs, its triage progress. Scope ``cases:read``."""
        return _case_or_404(service, name).to_json()

    @app.post(
        "/api/v1/cases/{name}/sample",
        status_code=202,
        response_model=CaseStatus,
        responses={
            **_AUTH_ERRORS,
            400: {"description": "Empty upload, or a malformed multipart body"},
            404: {"description": "No such case"},
            409: {"description": "A sample of this case is being triaged"},
            413: {"description": "Larger than the upload limit"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "table": {"type": "string", "maxLength": 200},
                            },
                            "required": ["file"],
                        }
                    },
                },
            }
        },
        tags=["cases"],
    )
    async def upload_sample(
        request: Request,
        name: str,
        who: CasesWriteUpload,
        filename: Annotated[
            str | None,
            Query(
                max_length=200,
                description="File name of a raw body (its suffix tells compressed and archive "
                "formats apart)",
            ),
        ] = None,
        table: Annotated[
            str | None,
            Query(
                max_length=200,
                description="Multi-table input (SQL dump, workbook, archive): the table, sheet "
                "or member to read; default: the one with the most personal-identifier columns. "
                "A multipart body may carry it as the field 'table' instead.",
            ),
        ] = None,
    ) -> dict[str, Any]:
        """Upload a leak sample (any format ingest reads), streamed to disk, and queue its
        triage. Raw body or multipart field ``file``. Scope ``cases:write``."""
        if who.session is not None and "multipart" not in request.headers.get("content-type", ""):
            check_csrf(request, who, None)
        info = await run_in_threadpool(_case_or_404, service, name)
        if info.state in ("queued", "running"):
            raise StarletteHTTPException(409, "a sample of this case is being triaged")
        received = await receive_upload(
            request,
            service.cases,
            raw_file_name=filename,
            before_file=((lambda fields: csrf_ok(request, who, fields)) if who.session else None),
        )
        if received.upload is None:
            raise InputError("no file in the upload (multipart field 'file')")
        chosen = table or received.fields.get("table")
        await run_in_threadpool(service.cases.enqueue, name, received.upload, chosen)
        audit.record(who.name, who.kind, "case.upload", case=name)
        return (await run_in_threadpool(_case_or_404, service, name)).to_json()

    @app.get(
        "/api/v1/cases/{name}/result",
        responses={
            **_AUTH_ERRORS,
            200: {"description": "The triage JSON (DESIGN.md contract, schema_version 1)"},
            404: {"description": "No such case"},
            409: {"description": "No result yet"},
        },
        tags=["cases"],
    )
    def case_result(name: str, who: CasesRead) -> dict[str, Any]:
        """The latest triage result of a case. Scope ``cases:read``."""
        result = _result_or_409(service, name)
        audit.record(who.name, who.kind, "case.result", case=name, records=_exposed(result))
        return result

    @app.get(
        "/api/v1/cases/{name}/exposure",
        response_model=ExposureSummary,
        responses={
            **_AUTH_ERRORS,
            404: {"description": "No such case"},
            409: {"description": "No result yet"},
        },
        tags=["cases"],
    )
    def case_exposure(name: str, who: CasesRead) -> dict[str, Any]:
        """Exposed customers by tier and by field (counts only). Scope ``cases:read``."""
        result = _result_or_409(service, name)
        exposure = result.get("exposure") or {}
        audit.record(who.name, who.kind, "exposure.summary", case=name, records=_exposed(result))
        return {
            "case": name,
            "customers": _exposed(result),
            "by_tier": dict(exposure.get("by_tier") or {}),
            "by_field": dict(exposure.get("by_field") or {}),
            "remediation": dict(exposure.get("remediation") or {}),
        }

    @app.get(
        "/api/v1/cases/{name}/report",
        response_class=HTMLResponse,
        responses={
            **_AUTH_ERRORS,
            404: {"description": "No such case"},
            409: {"description": "No result yet"},
        },
        tags=["cases"],
    )
    def case_report(name: str, who: CasesRead) -> HTMLResponse:
        """The HTML report (masked values only), as a download. Scope ``cases:read``."""
        from leaktriage.report.html import render_html

        result = _result_or_409(service, name)
        html = render_html(
            result, examples=result.get("examples"), obligations=result.get("obligations")
        )
        audit.record(who.name, who.kind, "report.download", case=name, records=_exposed(result))
        return HTMLResponse(
            html,
            headers={"content-disposition": f'attachment; filename="{name}-report.html"'},
        )

    @app.get(
        "/api/v1/cases/{name}/notification-list",
        responses={
            **_AUTH_ERRORS,
            200: {"content": {"text/csv": {}}, "description": "One row per exposed customer"},
            404: {"description": "No such case"},
            409: {"description": "No result yet"},
        },
        tags=["cases"],
    )
    def notification_list(name: str, who: ExposureRead) -> Response:
        """The notification list (customer id, tier, remediation, channel, exposed fields) as
        CSV. Scope ``exposure:read`` (analysts and admins)."""
        from leaktriage.exposure.export import NOTIFICATION_COLUMNS, exposure_rows, write_table
        from leaktriage.exposure.tiers import load_tier_rules

        result = _result_or_409(service, name)
        rows = exposure_rows(service.db(), name, load_tier_rules()) if _exposed(result) else []
        text = write_table(rows, NOTIFICATION_COLUMNS, None) or ""
        audit.record(who.name, who.kind, "exposure.export", case=name, records=len(rows))
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}-notification-list.csv"'},
        )

    @app.get(
        "/api/v1/alerts", response_model=list[AlertItem], responses=_AUTH_ERRORS, tags=["risk"]
    )
    def list_alerts(
        who: AlertsRead, limit: Annotated[int, Query(ge=1, le=5000)] = 200
    ) -> list[dict[str, Any]]:
        """SIM changes on exposed lines, newest first. Analysts and admins."""
        alerts = service.alerts(limit)
        audit.record(who.name, who.kind, "alerts.view", records=len(alerts))
        return [a.to_json() for a in alerts]

    @app.get("/api/v1/audit", response_model=AuditPage, responses=_AUTH_ERRORS, tags=["service"])
    def audit_log(
        who: AuditRead,
        limit: Annotated[int, Query(ge=1, le=5000)] = 200,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
        action: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """The audit trail, newest first. Admins only."""
        entries, total = audit.entries(limit=limit, offset=offset, action=action)
        return {"total": total, "items": [e.to_json() for e in entries]}

    from leaktriage.api.exports import install_exports
    from leaktriage.api.notify import install_notify
    from leaktriage.api.web import install_web

    install_exports(app, service)
    install_notify(app, service)
    install_web(app, service)
    return app


def csrf_ok(request: Request, who: Principal, fields: dict[str, str]) -> bool:
    """Whether a form's ``csrf_token`` field (or header) passes :func:`check_csrf`."""
    try:
        check_csrf(request, who, fields.get("csrf_token"))
    except Forbidden:
        return False
    return True
