"""The web UI for the incident team: server-rendered pages over the service.

Routes (HTML; Jinja2 templates with autoescape, from ``leaktriage/api/templates``)::

    GET  /login, POST /login          name and password (Argon2id), throttled; sets the session
                                      (a request that already has a session needs its CSRF)
    POST /logout                      ends the session (CSRF)
    GET  /                            cases                                  cases:read
    GET  /cases/new, POST /cases/new  open a case and upload its sample      cases:write
    GET  /cases/{name}                state, progress, verdict, charts...    cases:read
    GET  /cases/{name}/progress       the progress panel alone (polled)      cases:read
    GET  /alerts                      SIM changes on exposed lines           alerts:read
    GET  /audit                       the audit trail, paged and filtered    audit:read
    GET  /static/...                  the CSS and the one script (no CDN, nothing remote)

Every form carries the session's CSRF token (``csrf_token``, first field of the upload form,
so a forged upload is refused before a byte is written). The script (``static/app.js``) polls
the progress panel once a second and ticks the deadline countdowns; without it the pages still
show the server-rendered state and the remaining time at load. Every response carries a strict
Content Security Policy (``'self'`` only: the inline SVG charts need no inline style), and
pages are ``no-store``.

Privacy: pages show counts, shares and masked values only; form input is never echoed back
except the case name and numbers the user typed; error messages are fixed sentences.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from leaktriage.api.app import check_csrf, current_principal, need
from leaktriage.api.cases import UploadTooLarge
from leaktriage.api.security import SESSION_COOKIE, Principal
from leaktriage.errors import LeakTriageError

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from leaktriage.api.cases import CaseInfo, UploadSink
    from leaktriage.api.service import Service

__all__ = ["CSP", "error_page", "install_web", "remaining"]

#: The Content Security Policy of every response: nothing but this origin, no inline script
#: or style, no framing. The inline SVG charts use presentation attributes, not ``style``.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_CASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_ACTION = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
_AUDIT_PAGE = 50
_ACTIVE = ("queued", "running")

_env = Environment(
    loader=PackageLoader("leaktriage.api", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _pct(x: object, digits: int = 1) -> str:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return "–"
    return f"{100 * x:.{digits}f}%"


def _num(x: object) -> str:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return "–"
    return f"{int(x):,}"


def _bytes(n: object) -> str:
    if not isinstance(n, int | float):
        return "–"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)  # unreachable


def _when(at: datetime | str | None) -> str:
    if at is None:
        return "–"
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return "–"
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return f"{at:%Y-%m-%d %H:%M} UTC"


def remaining(deadline: datetime, now: datetime | None = None) -> str:
    """'2 d 03 h 04 min 05 s left', '47 min 10 s left', 'overdue by 3 h 02 min' (the server's
    rendering of a countdown; ``static/app.js`` writes the same shape every second)."""
    seconds = int((deadline - (now or datetime.now(UTC))).total_seconds())
    overdue = seconds < 0
    s = abs(seconds)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        text = f"{d} d {h:02d} h {m:02d} min {s:02d} s"
    elif h:
        text = f"{h} h {m:02d} min {s:02d} s"
    else:
        text = f"{m} min {s:02d} s"
    return f"overdue by {text}" if overdue else f"{text} left"


_env.filters.update(
    pct=_pct, num=_num, bytes=_bytes, when=_when, human=lambda s: str(s).replace("_", " ")
)


CasesRead = Annotated[Principal, need("cases:read")]
#: The upload form checks its CSRF token in the multipart body, before the file part.
CasesWrite = Annotated[Principal, need("cases:write", csrf=False)]
AlertsRead = Annotated[Principal, need("alerts:read")]
AuditRead = Annotated[Principal, need("audit:read")]


# -- rendering ------------------------------------------------------------------------------------
def _principal_of(request: Request) -> Principal | None:
    who = getattr(request.state, "principal", None)
    return who if isinstance(who, Principal) and who.authenticated else None


def _page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    who = _principal_of(request)
    html = _env.get_template(template).render(
        who=who,
        csrf=who.session.csrf if who is not None and who.session is not None else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a small HTML page (``message`` must be a fixed sentence, never a value)."""
    titles = {
        400: "Bad request",
        401: "Not logged in",
        403: "Not allowed",
        404: "Not found",
        405: "Method not allowed",
        409: "Not possible now",
        413: "Too large",
        429: "Too many attempts",
    }
    return _page(
        request,
        "error.html.j2",
        status=status,
        status_code=status,
        title=titles.get(status, "Error"),
        message=message,
    )


def _safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else (other hosts, ``//x``, ``/\\x``) is /."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\\\r\n\t")
        or len(target) > 512
    ):
        return "/"
    return target


class _SecurityHeaders:
    """Security headers on every response; ``Cache-Control: no-store`` on all but static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- views of a case ------------------------------------------------------------------------------
class _ChartCache:
    """Rendered charts per (case, finished at): Vega rendering costs ~0.1 s a chart."""

    def __init__(self, size: int = 16) -> None:
        self._items: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._size = size

    def get(self, info: CaseInfo, result: dict[str, Any]) -> dict[str, Any]:
        from leaktriage.report.html import chart_svgs

        key = (info.name, str(info.finished_at))
        with self._lock:
            hit = self._items.get(key)
        if hit is not None:
            return hit
        made = chart_svgs(result)
        with self._lock:
            if len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = made
        return made


_CHART_CAPTIONS = {
    "hit_rates": "Identifier hit rates against our customers, and chance",
    "agreement": "Field agreement per reference source",
    "snapshot": "Snapshot window",
    "tiers": "Exposed customers per risk tier",
    "fields": "Exposed customers per leaked field",
    "prior": "Overlap with known prior leaks",
}


def _result_view(info: CaseInfo, result: dict[str, Any], charts: dict[str, Any]) -> dict[str, Any]:
    from leaktriage.report.html import (
        deadline_rows,
        snapshot_window,
        tier_rows,
        verdict_summary,
    )

    exposure = result.get("exposure") or {}
    remediation = exposure.get("remediation") or {}
    now = datetime.now(UTC)
    deadlines = []
    for row in deadline_rows(list(result.get("obligations") or [])):
        when = row["when"]
        deadlines.append(
            {
                **row,
                "iso": when.astimezone(UTC).isoformat() if when else None,
                "left": remaining(when, now) if when else "–",
                "overdue": bool(when and when < now),
            }
        )
    attribution = result.get("attribution") or {}
    return {
        "verdict": verdict_summary(result),
        "genuine_fraction": result.get("genuine_fraction"),
        "matched": result.get("matched_customers"),
        "exposed": int(exposure.get("customers") or 0),
        "source": attribution.get("source"),
        "canaries": sum(int(c.get("count") or 0) for c in attribution.get("canary_hits") or []),
        "window": snapshot_window(result.get("snapshot") or {}),
        "recycled": list(result.get("recycled_from") or []),
        "tiers": [{**t, "remediation": remediation.get(t["tier"], "")} for t in tier_rows(result)],
        "deadlines": deadlines,
        "charts": [
            {"key": k, "caption": _CHART_CAPTIONS.get(k, k), "svg": svg}
            for k, svg in charts.items()
            if svg is not None
        ],
        "rows": (result.get("input") or {}).get("rows"),
        "claims": result.get("claims") or {},
    }


# -- the new-case form ----------------------------------------------------------------------------
class _FormError(Exception):
    """A form field is wrong; ``message`` is a fixed sentence (or names the case)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _jurisdictions() -> list[str]:
    from leaktriage.exposure.clocks import load_rules

    return list(load_rules()["jurisdictions"])


def _parse_case_form(fields: dict[str, str], known: list[str]) -> dict[str, Any]:
    """The case's settings from the form's fields; raises :class:`_FormError`."""
    name = fields.get("name", "").strip()
    if not _CASE_NAME.match(name):
        raise _FormError(
            "The case name must be 1–64 letters, digits, '_', '.' or '-', starting with a "
            "letter or digit."
        )
    claimed_raw = fields.get("claimed_records", "").strip().replace(",", "").replace("_", "")
    claimed: int | None = None
    if claimed_raw:
        if not claimed_raw.isdigit() or int(claimed_raw) > 10**12:
            raise _FormError("Claimed records must be a whole number (or empty).")
        claimed = int(claimed_raw)
    chosen = [code for code in known if fields.get(f"jurisdiction_{code}")]
    discovered: datetime | None = None
    raw = fields.get("discovered_at", "").strip()
    if raw:
        try:
            discovered = datetime.fromisoformat(raw)
        except ValueError:
            raise _FormError("Discovered at must be a date and time.") from None
        discovered = discovered.replace(tzinfo=UTC) if discovered.tzinfo is None else discovered
    return {
        "name": name,
        "claimed_records": claimed,
        "jurisdictions": chosen,
        "discovered_at": discovered,
    }


# -- routes ---------------------------------------------------------------------------------------
def install_web(app: FastAPI, service: Service) -> None:
    """Add the UI's routes, its static files and the security-headers middleware to ``app``."""
    from leaktriage.api.auth import verify_password
    from leaktriage.report.mask import mask_value

    app.add_middleware(_SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("leaktriage.api", "static")]), name="static")
    audit = service.audit
    charts = _ChartCache()

    def case_or_404(name: str) -> CaseInfo:
        info = service.cases.get(name) if _CASE_NAME.match(name) else None
        if info is None:
            raise StarletteHTTPException(404, "There is no case of that name.")
        return info

    # -- login / logout ---------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
        current_principal(request)  # a logged-in person may log in as someone else
        return _page(request, "login.html.j2", next=_safe_next(next), error=None)

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=256)] = "",
        password: Annotated[str, Form(max_length=1024)] = "",
        next: Annotated[str | None, Form(max_length=512)] = None,  # noqa: A002
        csrf_token: Annotated[str | None, Form(max_length=256)] = None,
    ) -> Response:
        who = current_principal(request)
        if who.session is not None:
            # replacing a live session is a state change like any other: no forged switch
            check_csrf(request, who, csrf_token)
        origin = request.headers.get("origin")
        if (
            origin
            and origin != "null"
            and origin.split("://", 1)[-1] != request.headers.get("host")
        ):
            return error_page(request, 403, "Cross-origin login refused.")
        target = _safe_next(next)
        actor = username if _USER_NAME.match(username) else "(invalid name)"
        if service.throttle.locked(username):
            audit.record(actor, "user", "login.failed", outcome="locked")
            return _page(
                request,
                "login.html.j2",
                status=429,
                next=target,
                error="Too many failed attempts: wait a minute and try again.",
            )
        user = verify_password(service.db(), username, password) if username and password else None
        if user is None:
            service.throttle.failed(username)
            audit.record(actor, "user", "login.failed", outcome="denied")
            return _page(
                request,
                "login.html.j2",
                status=401,
                next=target,
                error="Wrong user name or password.",
            )
        service.throttle.succeeded(username)
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            service.sessions.end(old)
        session = service.sessions.create(user)
        audit.record(user.name, "user", "login")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session.id,
            httponly=True,
            samesite="strict",
            secure=service.config.secure_cookies,
            path="/",
        )
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(
        request: Request, csrf_token: Annotated[str | None, Form(max_length=256)] = None
    ) -> Response:
        who = current_principal(request)
        if who.session is not None:
            check_csrf(request, who, csrf_token)
            service.sessions.end(who.session.id)
            audit.record(who.name, who.kind, "logout")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(
            SESSION_COOKIE,
            path="/",
            httponly=True,
            samesite="strict",
            secure=service.config.secure_cookies,
        )
        return response

    # -- cases ------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def cases_page(request: Request, who: CasesRead) -> HTMLResponse:
        return _page(request, "cases.html.j2", cases=service.cases.list())

    def new_case_page(
        request: Request,
        *,
        status: int = 200,
        error: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> HTMLResponse:
        return _page(
            request,
            "case_new.html.j2",
            status=status,
            error=error,
            values=values or {},
            jurisdictions=_jurisdictions(),
            limit=service.config.max_upload_bytes,
            now=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),
        )

    @app.get("/cases/new", response_class=HTMLResponse, include_in_schema=False)
    def new_case_form(request: Request, who: CasesWrite) -> HTMLResponse:
        return new_case_page(request)

    @app.post("/cases/new", response_class=HTMLResponse, include_in_schema=False)
    async def new_case(request: Request, who: CasesWrite) -> Response:
        from leaktriage.api.upload import receive_upload

        known = await run_in_threadpool(_jurisdictions)
        settings: dict[str, Any] = {}

        def before_file(fields: dict[str, str]) -> bool:
            # the CSRF token first: a forged upload is refused before anything is written
            try:
                check_csrf(request, who, fields.get("csrf_token"))
            except Exception:  # noqa: BLE001 - Forbidden, as a refusal
                return False
            settings.update(_parse_case_form(fields, known))
            return True

        try:
            received = await receive_upload(request, service.cases, before_file=before_file)
        except PermissionError:
            return error_page(request, 403, "CSRF token missing or wrong: reload the form.")
        except _FormError as exc:
            return new_case_page(request, status=exc.status, error=exc.message)
        except UploadTooLarge:
            limit = service.config.max_upload_bytes
            return new_case_page(
                request, status=413, error=f"The file is larger than the limit of {limit:,} bytes."
            )
        except LeakTriageError:
            return new_case_page(request, status=400, error="Choose a non-empty file to upload.")
        upload: UploadSink | None = received.upload
        try:
            check_csrf(request, who, received.fields.get("csrf_token"))
            if upload is None:
                raise _FormError("Choose a file to upload.")
            if not settings:
                settings.update(_parse_case_form(received.fields, known))
            try:
                await run_in_threadpool(
                    lambda: service.cases.create(created_by=who.name, region="PE", **settings)
                )
            except LeakTriageError:
                raise _FormError(f"A case named {settings['name']} exists.", 409) from None
        except _FormError as exc:
            if upload is not None:
                upload.abort()
            values = {k: settings.get(k) for k in ("name", "claimed_records")}
            return new_case_page(request, status=exc.status, error=exc.message, values=values)
        except BaseException:
            if upload is not None:
                upload.abort()
            raise
        name = settings["name"]
        audit.record(who.name, who.kind, "case.create", case=name)
        await run_in_threadpool(service.cases.enqueue, name, upload)
        audit.record(who.name, who.kind, "case.upload", case=name)
        return RedirectResponse(f"/cases/{name}", status_code=303)

    @app.get("/cases/{name}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, name: str, who: CasesRead) -> HTMLResponse:
        info = case_or_404(name)
        view = None
        if info.state == "done":
            result = service.cases.result(name)
            if result is not None:
                view = _result_view(info, result, charts.get(info, result))
                audit.record(who.name, who.kind, "case.view", case=name, records=view["exposed"])
        return _page(request, "case.html.j2", case=info, r=view, active=info.state in _ACTIVE)

    @app.get("/cases/{name}/progress", response_class=HTMLResponse, include_in_schema=False)
    def case_progress(request: Request, name: str, who: CasesRead) -> HTMLResponse:
        info = case_or_404(name)
        return _page(request, "_progress.html.j2", case=info, active=info.state in _ACTIVE)

    # -- alerts, audit ----------------------------------------------------------------------------
    @app.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts_page(request: Request, who: AlertsRead) -> HTMLResponse:
        alerts = service.alerts(200)
        audit.record(who.name, who.kind, "alerts.view", records=len(alerts))
        rows = [
            {
                "case": a.case_name,
                "tier": a.tier,
                "customer": mask_value(a.customer_ref, "customer_id") if a.customer_ref else "–",
                "occurred": a.occurred_at,
                "raised": a.raised_at,
            }
            for a in alerts
        ]
        return _page(request, "alerts.html.j2", alerts=rows)

    @app.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(
        request: Request,
        who: AuditRead,
        page: Annotated[int, Query(ge=1, le=10**6)] = 1,
        action: Annotated[str | None, Query(max_length=64)] = None,
    ) -> HTMLResponse:
        action = (action or "").strip()
        action = action if _ACTION.match(action) else None  # never echo anything else
        entries, total = audit.entries(
            limit=_AUDIT_PAGE, offset=(page - 1) * _AUDIT_PAGE, action=action
        )
        pages = max(1, -(-total // _AUDIT_PAGE))
        return _page(
            request,
            "audit.html.j2",
            entries=entries,
            total=total,
            page=page,
            pages=pages,
            action=action or "",
        )
