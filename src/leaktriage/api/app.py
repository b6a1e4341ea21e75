"""The risk API: FastAPI over :class:`~leaktriage.api.risk.RiskDecider`.

Routes (OpenAPI at ``/openapi.json``, docs at ``/docs``)::

    POST /api/v1/risk/sim-change     {msisdn, request, channel}  -> {decision, risk, reasons}
    POST /api/v1/events/sim-change   {msisdn, occurred_at?}      -> 202 {status: "accepted"}
    POST /sim-swap/v2/check          {phoneNumber, maxAge?}      -> {swapped}          (CAMARA)
    POST /sim-swap/v2/retrieve-date  {phoneNumber}               -> {latestSimChange}  (CAMARA)

The two ``/sim-swap/v2`` routes follow the CAMARA SIM Swap API v2 (``maxAge`` in hours,
1..2400, default 240; errors as ``{status, code, message}``: 400 INVALID_ARGUMENT,
400 OUT_OF_RANGE, 404 NOT_FOUND, 422 MISSING_IDENTIFIER). leaktriage does not know the
operator's full subscriber base, so it never answers 404 IDENTIFIER_NOT_FOUND: a line with no
recorded change is ``swapped: false`` / ``latestSimChange: null``.

No authentication yet: serve it on a trusted interface only. API keys and roles come with the
web UI's authentication (issue 5); until then ``leaktriage serve`` stays disabled.

Privacy: request bodies are never echoed. Validation errors keep the location, message and
type of each error and drop pydantic's ``input`` and ``ctx``, which would repeat the number.
Errors are mapped to HTTP statuses in one place (:func:`_install_error_handlers`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from leaktriage.api.risk import (
    Channel,
    DecisionName,
    InvalidMsisdn,
    RiskDecider,
    RiskRules,
    SimChangeEvents,
    Watchlist,
)
from leaktriage.api.risk import Request as RequestKind
from leaktriage.tokens import Keyring

__all__ = ["CAMARA_PREFIX", "create_app"]

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

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if request.url.path.startswith(CAMARA_PREFIX):
            code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "ERROR")
            return _camara(exc.status_code, code, str(exc.detail))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


_CAMARA_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorInfo, "description": "INVALID_ARGUMENT or OUT_OF_RANGE"},
    422: {"model": ErrorInfo, "description": "MISSING_IDENTIFIER"},
}


# -- the app --------------------------------------------------------------------------------------
def create_app(
    watchlist: Watchlist,
    keyring: Keyring,
    events: SimChangeEvents | None = None,
    rules: RiskRules | None = None,
) -> FastAPI:
    """The risk API over one watchlist, the workspace keyring and (shared) SIM-change events."""
    decider = RiskDecider(watchlist, keyring, rules, events)
    app = FastAPI(
        title="leaktriage risk API",
        version="1",
        description=__doc__,
    )
    app.state.decider = decider
    _install_error_handlers(app)

    @app.post("/api/v1/risk/sim-change", response_model=RiskResponse)
    async def risk_sim_change(body: RiskRequest) -> JSONResponse:
        """Judge a SIM swap, port-out, eSIM download or SIM replacement on a line."""
        d = decider.decide(body.msisdn, body.request, body.channel)
        # The hot path: a Response skips re-validating our own output against the model (the
        # model still documents the shape in OpenAPI); about a third of the per-request cost.
        return JSONResponse({"decision": d.decision, "risk": d.risk, "reasons": d.reasons})

    @app.post("/api/v1/events/sim-change", status_code=202, response_model=Accepted)
    async def sim_change_event(body: SimChangeEvent) -> Accepted:
        """Record that a line's SIM changed (from provisioning)."""
        decider.events.record(decider.token(body.msisdn), body.occurred_at)
        return Accepted()

    def _camara_token(phone: str | None) -> str:
        if phone is None:
            raise _CamaraError(422, "MISSING_IDENTIFIER", "The device cannot be identified.")
        return decider.token(phone)

    @app.post(f"{CAMARA_PREFIX}/check", response_model=CheckSimSwapInfo, responses=_CAMARA_ERRORS)
    async def check(body: CheckSimSwap) -> CheckSimSwapInfo:
        """CAMARA: has the SIM of this line changed in the last ``maxAge`` hours?"""
        last = decider.events.last_change(_camara_token(body.phoneNumber))
        swapped = last is not None and datetime.now(UTC) - last <= timedelta(hours=body.maxAge)
        return CheckSimSwapInfo(swapped=swapped)

    @app.post(
        f"{CAMARA_PREFIX}/retrieve-date", response_model=SimSwapInfo, responses=_CAMARA_ERRORS
    )
    async def retrieve_date(body: RetrieveSimSwapDate) -> SimSwapInfo:
        """CAMARA: when did the SIM of this line last change (null: no change recorded)?"""
        return SimSwapInfo(
            latestSimChange=decider.events.last_change(_camara_token(body.phoneNumber))
        )

    return app
