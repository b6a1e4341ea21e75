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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from leaktriage.api.app import check_csrf, csrf_ok, current_principal, need
from leaktriage.api.cases import UploadTooLarge
from leaktriage.api.security import SESSION_COOKIE, Principal
from leaktriage.api.web_views import (
    CASE_NAME,
    CSP,
    ChartCache,
    FormError,
    SecurityHeaders,
    env,
    jurisdictions,
    parse_case_form,
    remaining,
    result_view,
    safe_next,
)
from leaktriage.errors import LeakTriageError

if TYPE_CHECKING:
    from leaktriage.api.cases import CaseInfo, UploadSink
    from leaktriage.api.service import Service

__all__ = ["CSP", "error_page", "install_web", "remaining"]

_USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_ACTION = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
_AUDIT_PAGE = 50
_ACTIVE = ("queued", "running")

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
    html = env.get_template(template).render(
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


# -- routes ---------------------------------------------------------------------------------------
def install_web(app: FastAPI, service: Service) -> None:
    """Add the UI's routes, its static files and the security-headers middleware to ``app``."""
    from leaktriage.api.auth import list_users, verify_password
    from leaktriage.report.mask import mask_value

    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("leaktriage.api", "static")]), name="static")
    audit = service.audit
    charts = ChartCache()

    def case_or_404(name: str) -> CaseInfo:
        info = service.cases.get(name) if CASE_NAME.match(name) else None
        if info is None:
            raise StarletteHTTPException(404, "There is no case of that name.")
        return info

    # -- login / logout ---------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
        current_principal(request)  # a logged-in person may log in as someone else
        return _page(request, "login.html.j2", next=safe_next(next), error=None)

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
        target = safe_next(next)
        # the trail names a failed login's user only if one exists: a typed string may be an
        # e-mail address, or a password typed in the wrong field
        known = _USER_NAME.match(username) and username in {
            u.name for u in list_users(service.db())
        }
        actor = username if known else "(unknown user)"
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
            jurisdictions=jurisdictions(),
            limit=service.config.max_upload_bytes,
            now=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),
        )

    @app.get("/cases/new", response_class=HTMLResponse, include_in_schema=False)
    def new_case_form(request: Request, who: CasesWrite) -> HTMLResponse:
        return new_case_page(request)

    @app.post("/cases/new", response_class=HTMLResponse, include_in_schema=False)
    async def new_case(request: Request, who: CasesWrite) -> Response:
        from leaktriage.api.upload import receive_upload

        known = await run_in_threadpool(jurisdictions)
        settings: dict[str, Any] = {}

        def before_file(fields: dict[str, str]) -> bool:
            # the CSRF token first: a forged upload is refused before anything is written
            if not csrf_ok(request, who, fields):
                return False
            settings.update(parse_case_form(fields, known))
            return True

        try:
            received = await receive_upload(request, service.cases, before_file=before_file)
        except PermissionError:
            return error_page(request, 403, "CSRF token missing or wrong: reload the form.")
        except FormError as exc:
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
                raise FormError("Choose a file to upload.")
            if not settings:
                settings.update(parse_case_form(received.fields, known))
            try:
                await run_in_threadpool(
                    lambda: service.cases.create(created_by=who.name, region="PE", **settings)
                )
            except LeakTriageError:
                raise FormError(f"A case named {settings['name']} exists.", 409) from None
        except FormError as exc:
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
        table = received.fields.get("table", "")[:200]
        await run_in_threadpool(service.cases.enqueue, name, upload, table)
        audit.record(who.name, who.kind, "case.upload", case=name)
        return RedirectResponse(f"/cases/{name}", status_code=303)

    @app.get("/cases/{name}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, name: str, who: CasesRead) -> HTMLResponse:
        info = case_or_404(name)
        view = None
        if info.state == "done":
            result = service.cases.result(name)
            if result is not None:
                view = result_view(info, result, charts.get(info, result))
                audit.record(who.name, who.kind, "case.view", case=name, records=view["exposed"])
        return _page(request, "case.html.j2", case=info, r=view, active=info.state in _ACTIVE)

    @app.post("/cases/{name}/sample", response_class=HTMLResponse, include_in_schema=False)
    async def add_sample(request: Request, name: str, who: CasesWrite) -> Response:
        """Another sample of an existing case (or its first, for one opened by the API): the
        case's samples together give the capture-recapture estimate of the leak's size."""
        from leaktriage.api.upload import receive_upload

        info = await run_in_threadpool(case_or_404, name)

        def again(status: int, error: str) -> HTMLResponse:
            return _page(
                request,
                "case.html.j2",
                status=status,
                case=info,
                r=None,
                active=False,
                sample_error=error,
            )

        if info.state in _ACTIVE:
            return again(409, "A sample of this case is being triaged: wait for it to finish.")

        try:
            received = await receive_upload(
                request, service.cases, before_file=lambda fields: csrf_ok(request, who, fields)
            )
        except PermissionError:
            return error_page(request, 403, "CSRF token missing or wrong: reload the form.")
        except UploadTooLarge:
            limit = service.config.max_upload_bytes
            return again(413, f"The file is larger than the limit of {limit:,} bytes.")
        except LeakTriageError:
            return again(400, "Choose a non-empty file to upload.")
        try:
            check_csrf(request, who, received.fields.get("csrf_token"))
        except BaseException:
            if received.upload is not None:
                received.upload.abort()
            raise
        if received.upload is None:
            return again(400, "Choose a file to upload.")
        table = received.fields.get("table", "")[:200]
        await run_in_threadpool(service.cases.enqueue, name, received.upload, table)
        audit.record(who.name, who.kind, "case.upload", case=name)
        return RedirectResponse(f"/cases/{name}", status_code=303)

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
