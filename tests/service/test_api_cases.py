"""The case API end to end with API keys: create, upload, progress, result, exposure, report,
notification list; uploads refused or failed leave nothing behind; SIM-change events on
exposed lines raise alerts and survive a restart; every exposure read is audited."""

from __future__ import annotations

import csv
import io
import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import Served

from leaktriage.api.app import create_app
from leaktriage.api.service import Service, ServiceConfig

_names = itertools.count()


def _key(served: Served, scope: str = "all") -> dict[str, str]:
    return {"authorization": f"Bearer {served.keys[scope]}"}


def _client(served: Served) -> TestClient:
    return TestClient(served.app, base_url="http://testserver")


def _new_case(client: TestClient, served: Served, **extra: Any) -> str:
    name = f"api-{next(_names)}-{time.monotonic_ns() % 10**6}"
    r = client.post("/api/v1/cases", json={"name": name, **extra}, headers=_key(served))
    assert r.status_code == 201, r.text
    return name


def _wait(client: TestClient, served: Served, name: str) -> dict[str, Any]:
    assert served.service.cases.wait_idle(120)
    r = client.get(f"/api/v1/cases/{name}", headers=_key(served))
    assert r.status_code == 200
    status: dict[str, Any] = r.json()
    return status


def _uploads(served: Served) -> list[Path]:
    return sorted((served.ws.path / "uploads").iterdir())


@pytest.fixture(scope="module")
def genuine_case(served: Served) -> tuple[str, dict[str, Any]]:
    """A case triaged from the genuine CRM leak, uploaded as a raw body."""
    client = _client(served)
    name = _new_case(client, served, claimed_records=22_000_000, jurisdictions=["PE"])
    data = served.scenario_file("genuine_crm").read_bytes()
    r = client.post(
        f"/api/v1/cases/{name}/sample",
        params={"filename": "genuine_crm.csv"},
        content=data,
        headers={**_key(served), "content-type": "application/octet-stream"},
    )
    assert r.status_code == 202, r.text
    assert r.json()["state"] in ("queued", "running", "done")
    status = _wait(client, served, name)
    assert status["state"] == "done", status
    return name, status


def test_case_lifecycle(served: Served, genuine_case: tuple[str, dict[str, Any]]) -> None:
    name, status = genuine_case
    client = _client(served)
    assert status["verdict"] == "genuine" and status["samples"] == 1
    assert status["file_name"] == "genuine_crm.csv" and status["progress"] is None
    result = client.get(f"/api/v1/cases/{name}/result", headers=_key(served)).json()
    for key in (
        "schema_version input columns verdict genuine_fraction matched_customers attribution "
        "snapshot recycled_from exposure claims"
    ).split():
        assert key in result
    assert result["schema_version"] == 1 and result["case"] == name
    assert result["verdict"]["label"] == "genuine"
    assert result["attribution"]["source"] == "crm"
    assert result["input"]["path"] == "genuine_crm.csv"  # the upload's own path is gone
    assert result["claims"]["claimed_records"] == 22_000_000
    assert {o["jurisdiction"] for o in result["obligations"]} == {"PE"}

    summary = client.get(f"/api/v1/cases/{name}/exposure", headers=_key(served)).json()
    assert summary["customers"] == result["exposure"]["customers"] > 0
    assert summary["by_tier"] == result["exposure"]["by_tier"]

    report = client.get(f"/api/v1/cases/{name}/report", headers=_key(served))
    assert report.status_code == 200 and "text/html" in report.headers["content-type"]
    assert "attachment" in report.headers["content-disposition"]
    assert "genuine" in report.text.lower()

    listing = client.get(f"/api/v1/cases/{name}/notification-list", headers=_key(served))
    assert listing.status_code == 200 and listing.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(listing.text)))
    assert len(rows) == summary["customers"]
    assert {"customer_id", "tier", "remediation", "exposed_fields"} <= set(rows[0])

    names = [c["name"] for c in client.get("/api/v1/cases", headers=_key(served)).json()]
    assert name in names
    assert _uploads(served) == []  # the plaintext upload is deleted once triaged


def test_exposure_reads_are_audited(
    served: Served, genuine_case: tuple[str, dict[str, Any]]
) -> None:
    name, _ = genuine_case
    client = _client(served)
    client.get(f"/api/v1/cases/{name}/notification-list", headers=_key(served, "exposure:read"))
    customers = client.get(f"/api/v1/cases/{name}/exposure", headers=_key(served)).json()[
        "customers"
    ]
    entries, _ = served.service.audit.entries(limit=5000, case=name)
    by_action = {(e.action, e.actor) for e in entries}
    assert ("exposure.export", "exposure-read") in by_action
    assert ("case.create", "all-scopes") in by_action and ("case.upload", "all-scopes") in by_action
    export = next(e for e in entries if e.action == "exposure.export")
    assert export.records == customers and export.actor_kind == "key"


def test_missing_and_unready(served: Served) -> None:
    client = _client(served)
    assert client.get("/api/v1/cases/nope", headers=_key(served)).status_code == 404
    name = _new_case(client, served)
    assert client.get(f"/api/v1/cases/{name}/result", headers=_key(served)).status_code == 409
    r = client.post("/api/v1/cases", json={"name": name}, headers=_key(served))
    assert r.status_code == 409
    r = client.post(
        "/api/v1/cases", json={"name": "x", "jurisdictions": ["XX"]}, headers=_key(served)
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "jurisdictions", 0]


def test_multipart_upload_of_an_archive(served: Served) -> None:
    client = _client(served)
    name = _new_case(client, served)
    path = served.scenario_file("genuine_crm_zip")
    with path.open("rb") as fh:
        r = client.post(
            f"/api/v1/cases/{name}/sample",
            files={"file": (path.name, fh, "application/zip")},
            headers=_key(served),
        )
    assert r.status_code == 202, r.text
    status = _wait(client, served, name)
    assert status["state"] == "done" and status["verdict"] == "genuine"
    assert status["file_name"] == path.name


def test_upload_over_the_limit_leaves_nothing(served: Served) -> None:
    client = _client(served)
    name = _new_case(client, served)
    limit = served.service.cases.max_upload_bytes
    served.service.cases.max_upload_bytes = 1000
    try:
        r = client.post(
            f"/api/v1/cases/{name}/sample",
            params={"filename": "big.csv"},
            content=b"a,b\n" * 1000,
            headers=_key(served),
        )
    finally:
        served.service.cases.max_upload_bytes = limit
    assert r.status_code == 413
    assert r.json()["detail"].startswith("big.csv: upload larger than the limit")
    assert _uploads(served) == []
    assert client.get(f"/api/v1/cases/{name}", headers=_key(served)).json()["state"] == "new"


def test_unreadable_upload_fails_the_case_with_one_line(served: Served) -> None:
    client = _client(served)
    name = _new_case(client, served)
    planted = "+51987000111"
    r = client.post(
        f"/api/v1/cases/{name}/sample",
        params={"filename": "broken.csv.gz"},
        content=b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + planted.encode() * 50,  # broken gzip
        headers=_key(served),
    )
    assert r.status_code == 202
    status = _wait(client, served, name)
    assert status["state"] == "failed" and status["error"]
    assert "\n" not in status["error"] and planted not in status["error"]
    assert "broken.csv.gz" in status["error"]
    assert _uploads(served) == []


def _exposed_msisdn(served: Served) -> str:
    """A phone number of the genuine CRM leak (its customers are exposed)."""
    entry = next(s for s in served.manifest["scenarios"] if s["name"] == "genuine_crm")
    column = next(c for c, t in entry["columns"].items() if t == "msisdn")
    with served.scenario_file("genuine_crm").open(encoding="cp1252", newline="") as fh:
        return str(next(csv.DictReader(fh, delimiter=";"))[column])


def test_sim_change_on_exposed_line_alerts_and_steps_up(
    served: Served, genuine_case: tuple[str, dict[str, Any]]
) -> None:
    name, _ = genuine_case
    client = _client(served)
    number = _exposed_msisdn(served)
    decision = client.post(
        "/api/v1/risk/sim-change",
        json={"msisdn": number, "request": "sim_swap", "channel": "online"},
        headers=_key(served, "risk:decide"),
    ).json()
    assert decision["decision"] in ("step_up", "deny")
    r = client.post(
        "/api/v1/events/sim-change", json={"msisdn": number}, headers=_key(served, "events:write")
    )
    assert r.status_code == 202
    alerts = client.get("/api/v1/alerts", headers=_key(served)).json()
    mine = [a for a in alerts if a["case"] == name]
    assert mine and mine[0]["tier"] in ("sim_swap", "sim_replacement", "identity_theft")
    assert mine[0]["customer_ref"]  # the operator's own id, to act on
    assert number not in str(alerts)
    entries, _ = served.service.audit.entries(limit=5000, action="risk.decide")
    assert any(e.case_name == name and e.records == 1 for e in entries)


def test_events_survive_a_restart(served: Served) -> None:
    client = _client(served)
    r = client.post(
        "/api/v1/events/sim-change",
        json={"msisdn": "+51 912 345 670", "occurred_at": "2026-01-02T03:04:05Z"},
        headers=_key(served, "events:write"),
    )
    assert r.status_code == 202
    served.service.flush()
    again = Service(served.ws, ServiceConfig(secure_cookies=False))
    try:
        app = create_app(again)
        r = TestClient(app).post(
            "/sim-swap/v2/retrieve-date",
            json={"phoneNumber": "+51912345670"},
            headers=_key(served, "risk:decide"),
        )
        assert r.json() == {"latestSimChange": "2026-01-02T03:04:05Z"}
    finally:
        again.stop()
