"""Authorization matrix: every route of the app × every role, every API-key scope and anonymous,
with the status each must get. A route added without an entry here fails the test.

Expected, by the route's rule:
* ``public``: 200 for everyone;
* a scope, for routes people and machines share: anonymous 401 (API) or 303 to the login page
  (UI); a caller without the scope 403; with it, the route's own answer (never 401/403);
* ``key:<scope>``, machine-only routes: only an API key with the scope gets through; a session,
  however privileged, is 401 (CAMARA paths answer 401/403 in CAMARA's shape);
* ``session``: any logged-in person.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from service_helpers import ROLES, Served
from starlette.routing import Mount

from leaktriage.api.auth import SCOPES, User
from leaktriage.api.security import ROLE_SCOPES, SESSION_COOKIE

CASE = "authz-case"  # created (and triaged) once, below
_counter = itertools.count()


def _fresh() -> str:
    return f"authz-new-{next(_counter)}"


#: (method, path) -> (rule, request kwargs factory, allowed statuses when authorized)
Rule = tuple[str, Callable[[], dict[str, Any]], set[int]]
RISK_BODY = {"msisdn": "+51987000222", "request": "sim_swap", "channel": "store"}

ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): ("public", dict, {200}),
    ("GET", "/openapi.json"): ("public", dict, {200}),
    ("GET", "/api/v1/me"): ("session|key", dict, {200}),
    ("POST", "/api/v1/risk/sim-change"): ("key:risk:decide", lambda: {"json": RISK_BODY}, {200}),
    ("POST", "/api/v1/events/sim-change"): (
        "key:events:write",
        lambda: {"json": {"msisdn": "+51987000223"}},
        {202},
    ),
    ("POST", "/sim-swap/v2/check"): (
        "key:risk:decide",
        lambda: {"json": {"phoneNumber": "+51987000222", "maxAge": 24}},
        {200},
    ),
    ("POST", "/sim-swap/v2/retrieve-date"): (
        "key:risk:decide",
        lambda: {"json": {"phoneNumber": "+51987000222"}},
        {200},
    ),
    ("GET", "/api/v1/cases"): ("cases:read", dict, {200}),
    ("POST", "/api/v1/cases"): ("cases:write", lambda: {"json": {"name": _fresh()}}, {201}),
    ("GET", "/api/v1/cases/{name}"): ("cases:read", dict, {200}),
    ("POST", "/api/v1/cases/{name}/sample"): (
        "cases:write",
        # an unknown case: authorization is decided before the case is looked up
        lambda: {"content": b"a,b\n1,2\n", "path": "/api/v1/cases/no-such-case/sample"},
        {404},
    ),
    ("GET", "/api/v1/cases/{name}/result"): ("cases:read", dict, {200}),
    ("GET", "/api/v1/cases/{name}/exposure"): ("cases:read", dict, {200}),
    ("GET", "/api/v1/cases/{name}/report"): ("cases:read", dict, {200}),
    ("GET", "/api/v1/cases/{name}/notification-list"): ("exposure:read", dict, {200}),
    ("GET", "/api/v1/cases/{name}/export/stix"): ("cases:read", dict, {200}),
    ("GET", "/api/v1/cases/{name}/export/misp"): ("cases:read", dict, {200}),
    # regulator drafts: any jurisdiction of drafts.toml (an unknown one is 404 once authorized)
    ("GET", "/api/v1/cases/{name}/notifications/{jurisdiction}.docx"): (
        "cases:read",
        lambda: {"path": f"/api/v1/cases/{CASE}/notifications/PE.docx"},
        {200},
    ),
    ("GET", "/api/v1/cases/{name}/notifications/{jurisdiction}.html"): (
        "cases:read",
        lambda: {"path": f"/api/v1/cases/{CASE}/notifications/KR-PIPC.html"},
        {200},
    ),
    ("GET", "/api/v1/alerts"): ("alerts:read", dict, {200}),
    ("GET", "/api/v1/audit"): ("audit:read", dict, {200}),
    # the web UI (leaktriage.api.web)
    ("GET", "/login"): ("public", dict, {200}),
    # a failed login (a fresh name each time, so the throttle never locks)
    ("POST", "/login"): (
        "public",
        lambda: {"data": {"username": _fresh(), "password": "not the password"}},
        {401},
    ),
    ("GET", "/"): ("cases:read", dict, {200}),
    ("GET", "/cases/new"): ("cases:write", dict, {200}),
    # a bad name: authorization and CSRF are decided first, then the form re-renders (400)
    ("POST", "/cases/new"): (
        "cases:write",
        lambda: {"data": {"name": "../bad"}, "files": {"file": ("x.csv", b"a,b\n1,2\n")}},
        {400},
    ),
    ("GET", "/cases/{name}"): ("cases:read", dict, {200}),
    ("GET", "/cases/{name}/progress"): ("cases:read", dict, {200}),
    # a form without a file: authorization and CSRF first, then the page says what is missing
    ("POST", "/cases/{name}/sample"): (
        "cases:write",
        lambda: {"files": {"note": (None, "x")}},
        {400},
    ),
    ("GET", "/alerts"): ("alerts:read", dict, {200}),
    ("GET", "/audit"): ("audit:read", dict, {200}),
    # sorts after every other session route of the matrix: it ends the session
    ("POST", "/logout"): ("session", dict, {303}),
}


def _app_routes(served: Served) -> set[tuple[str, str]]:
    out = set()
    for route in served.app.routes:
        if isinstance(route, Mount):
            continue  # static assets: public files, checked in the web tests
        methods = getattr(route, "methods", None) or {"GET"}
        for method in methods - {"HEAD", "OPTIONS"}:
            out.add((method, route.path))  # type: ignore[attr-defined]
    return out


def test_every_route_is_in_the_matrix(served: Served) -> None:
    routes = _app_routes(served)
    assert routes - set(ROUTES) == set(), "routes without an authorization rule"
    assert set(ROUTES) - routes == set(), "rules for routes that do not exist"
    api = {(m, r.path) for r in served.app.routes if isinstance(r, APIRoute) for m in r.methods}
    assert api  # the app has routes at all


@pytest.fixture(scope="module")
def case(served: Served) -> str:
    client = TestClient(served.app)
    auth = {"authorization": f"Bearer {served.keys['all']}"}
    if client.get(f"/api/v1/cases/{CASE}", headers=auth).status_code == 404:
        assert client.post("/api/v1/cases", json={"name": CASE}, headers=auth).status_code == 201
        r = client.post(
            f"/api/v1/cases/{CASE}/sample",
            params={"filename": "fabricated.csv"},
            content=served.scenario_file("fabricated").read_bytes(),
            headers=auth,
        )
        assert r.status_code == 202
        assert served.service.cases.wait_idle(120)
    assert client.get(f"/api/v1/cases/{CASE}", headers=auth).json()["state"] == "done"
    return CASE


PRINCIPALS = ["anonymous", *ROLES, *SCOPES]


def _client(served: Served, who: str) -> tuple[TestClient, dict[str, str], set[str], str]:
    """A client as ``who``: its headers, scopes and kind."""
    client = TestClient(served.app, base_url="http://testserver", follow_redirects=False)
    if who == "anonymous":
        return client, {}, set(), "anonymous"
    if who in ROLES:
        session = served.service.sessions.create(User(who, who, datetime.now(UTC)))
        client.cookies.set(SESSION_COOKIE, session.id)
        return client, {"x-csrf-token": session.csrf}, set(ROLE_SCOPES[who]), "session"
    return client, {"authorization": f"Bearer {served.keys[who]}"}, {who}, "key"


def _expected(rule: str, path: str, scopes: set[str], kind: str, ok: set[int]) -> set[int]:
    is_ui = not path.startswith(("/api/", "/sim-swap/")) and path != "/openapi.json"
    unauthenticated = {303} if is_ui else {401}
    if rule == "public":
        return ok
    if rule == "session|key":
        return unauthenticated if kind == "anonymous" else ok
    if rule == "session":
        return ok if kind == "session" else unauthenticated
    if rule.startswith("key:"):
        if kind != "key":
            return {401}
        return ok if rule[4:] in scopes else {403}
    if kind == "anonymous":
        return unauthenticated
    return ok if rule in scopes else {403}


@pytest.mark.parametrize("who", PRINCIPALS)
def test_matrix(served: Served, case: str, who: str) -> None:
    client, headers, scopes, kind = _client(served, who)
    failures = []
    for (method, template), (rule, make, ok) in sorted(ROUTES.items()):
        kwargs = make()
        path = kwargs.pop("path", template.replace("{name}", case))
        r = client.request(method, path, headers=headers, **kwargs)
        want = _expected(rule, template, scopes, kind, ok)
        if r.status_code not in want:
            failures.append(f"{method} {template}: got {r.status_code}, want {sorted(want)}")
        if r.status_code == 303:
            assert r.headers["location"].startswith("/login")
    assert not failures, f"{who}:\n" + "\n".join(failures)


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for (m, p), (rule, _, _) in ROUTES.items() if m != "GET" and "key:" not in rule],
)
def test_sessions_need_csrf_on_every_state_change(
    served: Served, case: str, method: str, path: str
) -> None:
    rule, make, _ = ROUTES[(method, path)]
    client, headers, _, _ = _client(served, "admin")
    kwargs = make()
    target = kwargs.pop("path", path.replace("{name}", case))
    without = client.request(method, target, **kwargs)
    assert without.status_code == 403
    wrong = client.request(method, target, headers={"x-csrf-token": "nope"}, **kwargs)
    assert wrong.status_code == 403
    foreign = client.request(
        method, target, headers={**headers, "origin": "https://evil.example"}, **kwargs
    )
    assert foreign.status_code == 403
