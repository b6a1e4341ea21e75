"""The web UI in process: login, logout, cookies, pages per role, the new-case upload (CSRF,
size limit, nothing left behind), the case page, alerts, the audit trail, security headers,
no external URL and no identifier in any page."""

from __future__ import annotations

import csv
import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service_helpers import PASSWORD, Served, client_for, login

from leaktriage.api.app import create_app
from leaktriage.api.auth import add_user
from leaktriage.api.security import SESSION_COOKIE
from leaktriage.api.service import Service, ServiceConfig
from leaktriage.api.web import remaining
from leaktriage.workspace import Workspace

_names = itertools.count()
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_EXTERNAL = re.compile(r"""\b(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//", re.I)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_names)}-{time.monotonic_ns() % 10**6}"


def _csrf(client: TestClient, path: str = "/") -> str:
    r = client.get(path)
    assert r.status_code == 200, r.text
    match = _CSRF.search(r.text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _uploads(path: Path) -> list[Path]:
    return sorted((path / "uploads").iterdir())


def _post_case(
    client: TestClient,
    file: Path,
    name: str,
    *,
    csrf: str | None,
    extra: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    data = {"name": name, "claimed_records": "1000", "jurisdiction_PE": "1", **(extra or {})}
    if csrf is not None:
        data = {"csrf_token": csrf, **data}  # first, as the form's DOM order sends it
    with file.open("rb") as fh:
        return client.post(
            "/cases/new", data=data, files={"file": (file.name, fh)}, headers=headers or {}
        )


@pytest.fixture(scope="module")
def done_case(served: Served) -> str:
    """A case opened and triaged through the web form by the analyst."""
    client = client_for(served, "analyst")
    name = _unique("web")
    r = _post_case(client, served.scenario_file("genuine_crm"), name, csrf=_csrf(client))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/cases/{name}"
    assert served.service.cases.wait_idle(120)
    info = served.service.cases.get(name)
    assert info is not None and info.state == "done", info
    return name


@dataclass
class Fresh:
    """A second service over a fresh workspace: secure cookies, a 2 KB upload limit."""

    ws: Workspace
    service: Service
    app: FastAPI


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fresh]:
    ws, _ = Workspace.init(tmp_path_factory.mktemp("fresh") / "ws")
    for name, role in (("analyst", "analyst"), ("locked-out", "viewer")):
        add_user(ws, name, role, PASSWORD)
    service = Service(ws, ServiceConfig(secure_cookies=True, max_upload_bytes=2048))
    service.start()
    yield Fresh(ws, service, create_app(service))
    service.stop()
    ws.close()


def _fresh_client(fresh: Fresh) -> TestClient:
    # https: the client sends Secure cookies back only over https
    return TestClient(fresh.app, base_url="https://testserver", follow_redirects=False)


# -- login, logout, cookies -----------------------------------------------------------------------
def test_login_sets_a_strict_httponly_session_cookie(served: Served) -> None:
    client = client_for(served)
    r = client.get("/login")
    assert r.status_code == 200 and 'name="password"' in r.text
    r = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert "path=/" in cookie.lower()
    assert "secure" not in cookie.lower()  # the test service runs on plain HTTP
    assert client.get("/").status_code == 200


def test_session_cookie_is_secure_when_configured(fresh: Fresh) -> None:
    client = _fresh_client(fresh)
    r = client.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert r.status_code == 303
    flags = [f.strip().lower() for f in r.headers["set-cookie"].split(";")]
    assert "secure" in flags and "httponly" in flags and "samesite=strict" in flags


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("viewer", "wrong password!!", id="wrong-password"),
        pytest.param("nobody-here", PASSWORD, id="unknown-user"),
        pytest.param("viewer", "", id="empty-password"),
    ],
)
def test_bad_login_is_401_with_one_generic_message(
    served: Served, username: str, password: str
) -> None:
    r = client_for(served).post("/login", data={"username": username, "password": password})
    assert r.status_code == 401
    assert "set-cookie" not in r.headers
    assert "Wrong user name or password." in r.text
    assert password not in r.text or not password
    assert "nobody-here" not in r.text  # typed input is not echoed


def test_failed_logins_lock_the_name(fresh: Fresh) -> None:
    client = _fresh_client(fresh)
    for _ in range(5):
        bad = client.post("/login", data={"username": "locked-out", "password": "x" * 12})
        assert bad.status_code == 401
    r = client.post("/login", data={"username": "locked-out", "password": PASSWORD})
    assert r.status_code == 429
    assert "set-cookie" not in r.headers
    fresh.service.flush()
    entries, _ = fresh.service.audit.entries(action="login.failed", actor="locked-out")
    assert [e.outcome for e in entries].count("locked") == 1
    assert [e.outcome for e in entries].count("denied") == 5


def test_a_failed_login_never_puts_the_typed_name_in_the_trail(served: Served) -> None:
    typed = "juana.quispe@example.pe"
    r = client_for(served).post("/login", data={"username": typed, "password": "x" * 12})
    assert r.status_code == 401 and typed not in r.text
    entries, _ = served.service.audit.entries(limit=5000, action="login.failed")
    assert entries and all(e.actor != typed for e in entries)
    assert any(e.actor == "(unknown user)" for e in entries)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param("/cases/new", "/cases/new", id="local"),
        pytest.param("//evil.example/x", "/", id="scheme-relative"),
        pytest.param("https://evil.example/", "/", id="absolute"),
        pytest.param("/\\evil.example", "/", id="backslash"),
    ],
)
def test_login_redirects_only_to_local_paths(served: Served, target: str, expected: str) -> None:
    r = client_for(served).post(
        "/login", data={"username": "viewer", "password": PASSWORD, "next": target}
    )
    assert r.status_code == 303 and r.headers["location"] == expected


def test_pages_need_a_login(served: Served) -> None:
    client = client_for(served)
    for path in ("/", "/cases/new", "/alerts", "/audit"):
        r = client.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=")


def test_logout_needs_the_csrf_token(served: Served) -> None:
    client = client_for(served, "viewer")
    token = _csrf(client)
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/").status_code == 200  # still logged in
    r = client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/").status_code == 303  # session over
    client.cookies.clear()


# -- pages per role -------------------------------------------------------------------------------
def test_viewer_sees_no_write_or_admin_navigation(served: Served, done_case: str) -> None:
    client = client_for(served, "viewer")
    home = client.get("/").text
    assert done_case in home
    assert 'href="/cases/new"' not in home
    assert 'href="/alerts"' not in home and 'href="/audit"' not in home
    assert "viewer" in home and "Log out" in home
    for path in ("/cases/new", "/alerts", "/audit"):
        r = client.get(path)
        assert r.status_code == 403, path
        assert "text/html" in r.headers["content-type"]
    page = client.get(f"/cases/{done_case}").text
    assert f'href="/api/v1/cases/{done_case}/report"' in page
    assert "notification-list" not in page
    denied = client.get(f"/api/v1/cases/{done_case}/notification-list")
    assert denied.status_code == 403


def test_analyst_sees_new_case_alerts_and_the_notification_list(
    served: Served, done_case: str
) -> None:
    client = client_for(served, "analyst")
    home = client.get("/").text
    assert 'href="/cases/new"' in home and 'href="/alerts"' in home
    assert 'href="/audit"' not in home
    assert client.get("/audit").status_code == 403
    page = client.get(f"/cases/{done_case}").text
    link = f'href="/api/v1/cases/{done_case}/notification-list"'
    assert link in page
    r = client.get(f"/api/v1/cases/{done_case}/notification-list")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")


def test_admin_sees_the_audit_trail(served: Served, done_case: str) -> None:
    client = client_for(served, "admin")
    assert 'href="/audit"' in client.get("/").text
    client.get(f"/cases/{done_case}")
    r = client.get("/audit", params={"action": "case.view"})
    assert r.status_code == 200
    rows = re.findall(r"<tr><td>.*?</tr>", r.text)
    assert rows and all("<td>case.view</td>" in row for row in rows)
    odd = client.get("/audit", params={"action": "<b>planted</b>"})
    assert odd.status_code == 200 and "planted" not in odd.text


# -- the case page --------------------------------------------------------------------------------
def test_case_page_shows_the_result(served: Served, done_case: str) -> None:
    page = client_for(served, "viewer").get(f"/cases/{done_case}")
    assert page.status_code == 200
    html = page.text
    assert re.search(r'id="verdict-label">genuine<', html)
    assert html.count("<svg") >= 3  # evidence charts, inline
    assert re.search(r'<table id="tiers">.*?<th scope="row">.*?</th>', html, re.S)
    assert '<th scope="col">Remediation</th>' in html
    deadline = re.search(
        r'<time class="countdown[^"]*" datetime="([^"]+)" data-deadline="\1">'
        r"([^<]+)</time>",
        html,
    )
    assert deadline and ("left" in deadline.group(2) or "overdue" in deadline.group(2))
    assert 'id="progress"' not in html  # done: no progress panel
    assert page.headers["cache-control"] == "no-store"


def test_viewing_a_case_is_audited(served: Served, done_case: str) -> None:
    before, _ = served.service.audit.entries(action="case.view", actor="viewer", case=done_case)
    client_for(served, "viewer").get(f"/cases/{done_case}")
    after, _ = served.service.audit.entries(action="case.view", actor="viewer", case=done_case)
    assert len(after) == len(before) + 1
    assert after[0].records > 0  # the exposed customers it showed


def test_progress_fragment_reports_the_state(served: Served, done_case: str) -> None:
    r = client_for(served, "viewer").get(f"/cases/{done_case}/progress")
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="progress"')
    assert 'data-state="done"' in r.text and "data-poll" not in r.text


def test_unknown_case_is_a_404_page(served: Served) -> None:
    r = client_for(served, "viewer").get("/cases/no-such-case")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]


def test_pages_carry_no_identifier_of_the_leak(served: Served, done_case: str) -> None:
    with served.scenario_file("genuine_crm").open(encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:80]
    planted = {v for row in rows for v in row if "@" in v or (v.isdigit() and len(v) >= 8)}
    assert len(planted) > 100
    client = client_for(served, "admin")
    pages = [client.get(p).text for p in ("/", f"/cases/{done_case}", "/alerts", "/audit")]
    for value in planted:
        assert all(value not in page for page in pages), "an identifier reached a page"


# -- new case: CSRF, limits, nothing left behind --------------------------------------------------
@pytest.mark.parametrize(
    ("csrf", "headers"),
    [
        pytest.param(None, {}, id="no-token"),
        pytest.param("forged-token", {}, id="wrong-token"),
        pytest.param("GOOD", {"origin": "https://evil.example"}, id="cross-origin"),
    ],
)
def test_new_case_refused_without_csrf_writes_nothing(
    served: Served, csrf: str | None, headers: dict[str, str]
) -> None:
    client = client_for(served, "analyst")
    token = _csrf(client, "/cases/new")
    name = _unique("forged")
    before = _uploads(served.ws.path)
    r = _post_case(
        client,
        served.scenario_file("genuine_crm"),
        name,
        csrf=token if csrf == "GOOD" else csrf,
        headers=headers,
    )
    assert r.status_code == 403
    assert _uploads(served.ws.path) == before
    assert served.service.cases.get(name) is None


def test_viewer_cannot_post_a_case(served: Served) -> None:
    client = client_for(served, "viewer")
    name = _unique("viewer")
    r = _post_case(client, served.scenario_file("genuine_crm"), name, csrf=_csrf(client))
    assert r.status_code == 403
    assert served.service.cases.get(name) is None


def test_upload_over_the_limit_is_one_line_and_leaves_nothing(fresh: Fresh, tmp_path: Path) -> None:
    client = _fresh_client(fresh)
    login(client, "analyst")
    big = tmp_path / "big.csv"
    big.write_text("msisdn\n" + "987654321\n" * 1000)
    r = _post_case(client, big, "too-big", csrf=_csrf(client, "/cases/new"))
    assert r.status_code == 413
    errors = re.findall(r'id="form-error">([^<]*)<', r.text)
    assert errors == ["The file is larger than the limit of 2,048 bytes."]
    assert "987654321" not in r.text
    assert _uploads(fresh.ws.path) == []
    assert fresh.service.cases.get("too-big") is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param({"name": "../etc"}, "The case name must be", id="bad-name"),
        pytest.param({"claimed_records": "lots"}, "Claimed records must be", id="bad-number"),
        pytest.param({"discovered_at": "yesterday"}, "Discovered at must be", id="bad-date"),
    ],
)
def test_bad_form_fields_rerender_the_form(
    fresh: Fresh, tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    client = _fresh_client(fresh)
    login(client, "analyst")
    small = tmp_path / "small.csv"
    small.write_text("msisdn\n987654321\n")
    r = _post_case(client, small, "ok-name", csrf=_csrf(client, "/cases/new"), extra=extra)
    assert r.status_code == 400
    assert message in r.text
    assert "lots" not in r.text and "yesterday" not in r.text
    assert _uploads(fresh.ws.path) == []


def test_a_taken_name_is_refused_and_the_upload_dropped(served: Served, done_case: str) -> None:
    client = client_for(served, "analyst")
    before = _uploads(served.ws.path)
    r = _post_case(client, served.scenario_file("genuine_crm"), done_case, csrf=_csrf(client))
    assert r.status_code == 409
    assert f"A case named {done_case} exists." in r.text
    assert _uploads(served.ws.path) == before


# -- alerts ---------------------------------------------------------------------------------------
def test_sim_change_on_an_exposed_line_is_listed_in_alerts(served: Served, done_case: str) -> None:
    with served.scenario_file("genuine_crm").open(encoding="cp1252", newline="") as fh:
        row = list(csv.DictReader(fh, delimiter=";"))[7]
    number = row["TELEFONO_MOVIL"]
    api = TestClient(served.app, base_url="http://testserver")
    r = api.post(
        "/api/v1/events/sim-change",
        json={"msisdn": number},
        headers={"authorization": f"Bearer {served.keys['events:write']}"},
    )
    assert r.status_code == 202
    served.service.flush()
    client = client_for(served, "analyst")
    page = client.get("/alerts")
    assert page.status_code == 200
    assert 'id="alerts"' in page.text and "*****" in page.text
    assert number not in page.text and row["COD_CLIENTE"] not in page.text
    entries, _ = served.service.audit.entries(action="alerts.view", actor="analyst")
    assert entries and entries[0].records >= 1


# -- headers, assets ------------------------------------------------------------------------------
def test_security_headers(served: Served, done_case: str) -> None:
    client = client_for(served, "analyst")
    for path in ("/login", "/", f"/cases/{done_case}", "/cases/new", "/static/app.css"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        if not path.startswith("/static/"):
            assert h["cache-control"] == "no-store", path


def test_no_external_url_in_pages_or_assets(served: Served, done_case: str) -> None:
    client = client_for(served, "admin")
    login_page = client_for(served).get("/login")
    assert login_page.status_code == 200 and not _EXTERNAL.search(login_page.text)
    for path in (
        "/",
        "/cases/new",
        f"/cases/{done_case}",
        f"/cases/{done_case}/progress",
        "/alerts",
        "/audit",
        "/static/app.js",
        "/static/app.css",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert not _EXTERNAL.search(r.text), path
        assert not _CSS_URL.search(r.text), path
        scripts = re.findall(r"<script\b[^>]*>", r.text)
        assert all('src="/static/' in s for s in scripts), path


# -- countdown text -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("delta", "text"),
    [
        pytest.param(
            timedelta(days=2, hours=3, minutes=4, seconds=5), "2 d 03 h 04 min 05 s left", id="days"
        ),
        pytest.param(timedelta(hours=5, seconds=9), "5 h 00 min 09 s left", id="hours"),
        pytest.param(timedelta(minutes=47, seconds=10), "47 min 10 s left", id="minutes"),
        pytest.param(timedelta(hours=-3, minutes=-2), "overdue by 3 h 02 min 00 s", id="overdue"),
    ],
)
def test_countdown_text(delta: timedelta, text: str) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert remaining(now + delta, now) == text


def test_another_sample_from_the_case_page(served: Served) -> None:
    """An analyst adds a second sample to a triaged case from its page; it is triaged again
    and the case counts two samples (capture-recapture needs them)."""
    client = client_for(served, "analyst")
    name = "web-second-sample"
    auth = {"authorization": f"Bearer {served.keys['all']}"}
    api = TestClient(served.app)
    assert api.post("/api/v1/cases", json={"name": name}, headers=auth).status_code == 201
    page = client.get(f"/cases/{name}")
    assert 'id="add-sample"' in page.text and "Upload the leak sample" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    for scenario in ("genuine_crm", "mixed"):
        path = served.scenario_file(scenario)
        r = client.post(
            f"/cases/{name}/sample",
            files={"csrf_token": (None, csrf.group(1)), "file": (path.name, path.read_bytes())},
        )
        assert r.status_code == 303 and r.headers["location"] == f"/cases/{name}"
        assert served.service.cases.wait_idle(120)
    status = api.get(f"/api/v1/cases/{name}", headers=auth).json()
    assert status["state"] == "done" and status["samples"] == 2
    result = api.get(f"/api/v1/cases/{name}/result", headers=auth).json()
    assert result["claims"]["estimated_records"] is not None
    viewer = client_for(served, "viewer").get(f"/cases/{name}")
    assert 'id="add-sample"' not in viewer.text
