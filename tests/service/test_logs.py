"""No identifier in any log line while the service is served by uvicorn (access log included):
numbers, national ids and e-mails are sent through every route that takes them, valid and
invalid, and the log is searched. (The whole run is searched again at its end.)"""

from __future__ import annotations

import logging

import httpx
from service_helpers import Served

import log_watch

NUMBERS = ["+51 987 650 001", "987650002", "+51987650003"]
NATIONAL_ID = "40650004"
EMAIL = "planted.person@example.pe"


def test_served_routes_log_no_identifier(served: Served, live_server: str) -> None:
    log_watch.plant([*NUMBERS, NATIONAL_ID, EMAIL])
    logging.getLogger().setLevel(logging.DEBUG)
    key = {"authorization": f"Bearer {served.keys['all']}"}
    with httpx.Client(base_url=live_server, headers=key, timeout=30) as client:
        for n in NUMBERS:
            for body in (
                {"msisdn": n, "request": "sim_swap", "channel": "online"},
                {"msisdn": n, "request": "bogus", "channel": "online"},
            ):
                client.post("/api/v1/risk/sim-change", json=body)
            client.post("/api/v1/events/sim-change", json={"msisdn": n})
            client.post("/sim-swap/v2/check", json={"phoneNumber": n, "maxAge": 5})
            client.post("/sim-swap/v2/retrieve-date", json={"phoneNumber": n})
        assert client.post("/api/v1/cases", json={"name": "logs-case"}).status_code == 201
        leak = f"dni;celular;correo\n{NATIONAL_ID};{NUMBERS[1]};{EMAIL}\n".encode()
        r = client.post(
            "/api/v1/cases/logs-case/sample", params={"filename": "l.csv"}, content=leak
        )
        assert r.status_code == 202
        served.service.cases.wait_idle(60)
        assert client.get("/api/v1/cases/logs-case").json()["state"] == "done"
        # a login attempt with an identifier as the user name
        client.post("/login", data={"username": EMAIL, "password": NATIONAL_ID * 2})
    served.service.flush()
    lines, _, hits = log_watch.findings()
    assert lines > 0 and not hits
    text = log_watch.LOG_FILE.read_text()
    assert "POST /api/v1/risk/sim-change" in text  # the access log was captured
