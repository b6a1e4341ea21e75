"""The risk API over HTTP (httpx.ASGITransport): routes, CAMARA shapes, no PII in errors/logs."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import log_watch
from leaktriage.api import create_app
from leaktriage.api.auth import SCOPES, create_api_key
from leaktriage.api.risk import Watchlist, line_token
from leaktriage.api.service import Service, ServiceConfig
from leaktriage.workspace import Workspace

WATCHED = "+51987111222"  # sim_replacement
SWAPPY = "+51987333444"  # sim_swap
_OPEN: list[tuple[Service, Workspace]] = []
log_watch.plant([WATCHED, SWAPPY, "+51987654321", "987 654 321"])
_KEYS: dict[int, str] = {}


@pytest.fixture(autouse=True, scope="module")
def _close_services() -> Iterator[None]:
    yield
    while _OPEN:
        service, ws = _OPEN.pop()
        service.stop()
        ws.close()


def _app() -> Any:
    """A service over a fresh workspace whose watchlist holds WATCHED and SWAPPY."""
    ws, _ = Workspace.init(Path(tempfile.mkdtemp(prefix="lt-app-")) / "ws")
    key = create_api_key(ws, "tests", list(SCOPES))
    rows = [
        {
            "line_token": line_token(WATCHED, ws.keyring),
            "tier": "sim_replacement",
            "watch_until": date(2099, 1, 1),
            "case": "c",
        },
        {
            "line_token": line_token(SWAPPY, ws.keyring),
            "tier": "sim_swap",
            "watch_until": date(2099, 1, 1),
            "case": "c",
        },
    ]
    service = Service(ws, ServiceConfig(secure_cookies=False), watchlist=Watchlist.from_rows(rows))
    _OPEN.append((service, ws))
    app = create_app(service)
    _KEYS[id(app)] = key
    return app


def _auth(app: Any) -> dict[str, str]:
    return {"authorization": f"Bearer {_KEYS[id(app)]}"}


def post(path: str, body: Any, app: Any = None) -> httpx.Response:
    app = app or _app()

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            if isinstance(body, str):
                return await client.post(
                    path,
                    content=body,
                    headers={"content-type": "application/json", **_auth(app)},
                )
            return await client.post(path, json=body, headers=_auth(app))

    return asyncio.run(go())


def posts(app: Any, calls: list[tuple[str, Any]]) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [await client.post(p, json=b, headers=_auth(app)) for p, b in calls]

    return asyncio.run(go())


RISK = "/api/v1/risk/sim-change"
EVENT = "/api/v1/events/sim-change"
CHECK = "/sim-swap/v2/check"
DATE = "/sim-swap/v2/retrieve-date"


@pytest.mark.parametrize(
    ("msisdn", "request_kind", "channel", "want"),
    [
        pytest.param("+51 987 111 222", "sim_swap", "online", "deny", id="simrepl-swap-online"),
        pytest.param("987111222", "esim_download", "app", "deny", id="simrepl-esim-app-national"),
        pytest.param(WATCHED, "sim_swap", "store", "step_up", id="simrepl-swap-store"),
        pytest.param(SWAPPY, "port_out", "online", "deny", id="simswap-portout-online"),
        pytest.param(SWAPPY, "sim_swap", "call_center", "step_up", id="simswap-swap-callcenter"),
        pytest.param("912345678", "port_out", "online", "allow", id="unknown-line"),
    ],
)
def test_risk_decision(msisdn: str, request_kind: str, channel: str, want: str) -> None:
    r = post(RISK, {"msisdn": msisdn, "request": request_kind, "channel": channel})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"decision", "risk", "reasons"}
    assert body["decision"] == want and 0 <= body["risk"] <= 1 and body["reasons"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"msisdn": "+51987654321", "request": "hack", "channel": "app"}, id="request"),
        pytest.param({"msisdn": "+51987654321", "request": "sim_swap"}, id="no-channel"),
        pytest.param(
            {"msisdn": "+51987654321" * 5, "request": "sim_swap", "channel": "app"}, id="too-long"
        ),
        pytest.param({"msisdn": "+51 98765", "request": "sim_swap", "channel": "app"}, id="short"),
        pytest.param({"msisdn": 51987654321, "request": "sim_swap", "channel": "x"}, id="int"),
        pytest.param('{"msisdn": "+51987654321", ', id="broken-json"),
    ],
)
def test_422_bodies_carry_no_msisdn(body: Any) -> None:
    r = post(RISK, body)
    assert r.status_code == 422
    assert "98765" not in r.text and "input" not in r.json()["detail"][0]


def test_events_then_camara_check_and_date() -> None:
    app = _app()
    now = datetime.now(UTC)
    r_event, r_check, r_old, r_date, r_risk = posts(
        app,
        [
            (
                EVENT,
                {"msisdn": "987 654 321", "occurred_at": (now - timedelta(hours=5)).isoformat()},
            ),
            (CHECK, {"phoneNumber": "+51987654321", "maxAge": 24}),
            (CHECK, {"phoneNumber": "+51987654321", "maxAge": 4}),
            (DATE, {"phoneNumber": "+51987654321"}),
            (RISK, {"msisdn": "+51987654321", "request": "sim_swap", "channel": "app"}),
        ],
    )
    assert r_event.status_code == 202 and r_event.json() == {"status": "accepted"}
    assert r_check.json() == {"swapped": True}
    assert r_old.json() == {"swapped": False}
    latest = datetime.fromisoformat(r_date.json()["latestSimChange"])
    assert abs(latest - (now - timedelta(hours=5))) < timedelta(seconds=1)
    assert r_risk.json()["decision"] == "step_up"  # a recent change on an unlisted line


def test_camara_defaults_for_unchanged_line() -> None:
    app = _app()
    r_check, r_date = posts(
        app, [(CHECK, {"phoneNumber": WATCHED}), (DATE, {"phoneNumber": WATCHED})]
    )
    assert r_check.json() == {"swapped": False}
    assert r_date.json() == {"latestSimChange": None}


def test_camara_default_max_age_is_240_hours() -> None:
    app = _app()
    old = (datetime.now(UTC) - timedelta(hours=239)).isoformat()
    older = (datetime.now(UTC) - timedelta(hours=241)).isoformat()
    rs = posts(
        app,
        [
            (EVENT, {"msisdn": WATCHED, "occurred_at": old}),
            (EVENT, {"msisdn": SWAPPY, "occurred_at": older}),
            (CHECK, {"phoneNumber": WATCHED}),
            (CHECK, {"phoneNumber": SWAPPY}),
        ],
    )
    assert [r.json() for r in rs[2:]] == [{"swapped": True}, {"swapped": False}]


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        pytest.param(CHECK, {"phoneNumber": "987654321"}, 400, "INVALID_ARGUMENT", id="not-e164"),
        pytest.param(
            CHECK, {"phoneNumber": "+51987654321", "maxAge": 0}, 400, "OUT_OF_RANGE", id="age-0"
        ),
        pytest.param(
            CHECK,
            {"phoneNumber": "+51987654321", "maxAge": 2401},
            400,
            "OUT_OF_RANGE",
            id="age-big",
        ),
        pytest.param(CHECK, {"maxAge": 24}, 422, "MISSING_IDENTIFIER", id="no-phone"),
        pytest.param(DATE, {}, 422, "MISSING_IDENTIFIER", id="date-no-phone"),
        pytest.param(DATE, {"phoneNumber": "+5198765"}, 400, "INVALID_ARGUMENT", id="impossible"),
        pytest.param(DATE, "{not json", 400, "INVALID_ARGUMENT", id="bad-json"),
        pytest.param("/sim-swap/v2/nope", {}, 404, "NOT_FOUND", id="no-route"),
    ],
)
def test_camara_error_shapes(path: str, body: Any, status: int, code: str) -> None:
    r = post(path, body)
    assert r.status_code == status
    got = r.json()
    assert set(got) == {"status", "code", "message"}
    assert (got["status"], got["code"]) == (status, code)
    assert "98765" not in r.text


def test_openapi_lists_routes() -> None:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/openapi.json")

    paths = asyncio.run(go()).json()["paths"]
    assert {RISK, EVENT, CHECK, DATE} <= set(paths)


def test_no_planted_msisdn_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    planted = "987111222"
    app = _app()
    posts(
        app,
        [
            (RISK, {"msisdn": f"+51 {planted}", "request": "sim_swap", "channel": "online"}),
            (RISK, {"msisdn": planted, "request": "bogus", "channel": "online"}),
            (EVENT, {"msisdn": planted}),
            (CHECK, {"phoneNumber": f"+51{planted}", "maxAge": 5}),
            (DATE, {"phoneNumber": f"+51{planted}"}),
            (CHECK, {"phoneNumber": planted}),
        ],
    )
    assert "risk decision deny tier=sim_replacement" in caplog.text
    assert planted not in caplog.text
    assert "987 111 222" not in caplog.text


def test_create_app_exported() -> None:
    import leaktriage.api as api

    assert "create_app" in api.__all__ and api.create_app is create_app
