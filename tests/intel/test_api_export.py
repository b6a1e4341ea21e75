"""The exports over HTTP: both routes answer a viewer's scope (cases:read), return what the
libraries validate, hold no identifier, are audited as exports, and the case page links them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import stix2validator
from fastapi.testclient import TestClient
from pymisp import MISPEvent

from intel_world import IntelCase, assert_no_identifier
from leaktriage.api.app import create_app
from leaktriage.api.auth import User, create_api_key
from leaktriage.api.security import SESSION_COOKIE
from leaktriage.api.service import Service, ServiceConfig

NAME = "csirt-api"


@pytest.fixture(scope="module")
def api(intel_case: IntelCase) -> Iterator[tuple[TestClient, Service, dict[str, str]]]:
    ws = intel_case.open()
    keys = {
        "reader": create_api_key(ws, "intel-reader", ["cases:read"]),
        "writer": create_api_key(ws, "intel-writer", ["cases:read", "cases:write"]),
        "alerts": create_api_key(ws, "intel-alerts", ["alerts:read"]),
    }
    service = Service(ws, ServiceConfig(secure_cookies=False, flush_seconds=0.2))
    service.start()
    client = TestClient(create_app(service), base_url="http://testserver")
    auth = {"authorization": f"Bearer {keys['writer']}"}
    r = client.post(
        "/api/v1/cases", json={"name": NAME, "claimed_records": 22_000_000}, headers=auth
    )
    assert r.status_code == 201, r.text
    assert (
        client.post("/api/v1/cases", json={"name": "csirt-empty"}, headers=auth).status_code == 201
    )
    r = client.post(
        f"/api/v1/cases/{NAME}/sample",
        params={"filename": "genuine_crm.csv"},
        content=intel_case.samples[0].read_bytes(),
        headers={**auth, "content-type": "application/octet-stream"},
    )
    assert r.status_code == 202, r.text
    assert service.cases.wait_idle(120)
    assert client.get(f"/api/v1/cases/{NAME}", headers=auth).json()["state"] == "done"
    yield client, service, keys
    service.stop()
    ws.close()


def _get(api: tuple[TestClient, Service, dict[str, str]], path: str, key: str = "reader",
         **params: Any) -> Any:  # fmt: skip
    client, _, keys = api
    return client.get(path, params=params, headers={"authorization": f"Bearer {keys[key]}"})


def test_stix_route(api: tuple[TestClient, Service, dict[str, str]], intel_case: IntelCase) -> None:
    r = _get(api, f"/api/v1/cases/{NAME}/export/stix", tlp="green", actor="Dedale")
    assert r.status_code == 200, r.text
    assert f'filename="{NAME}-stix.json"' in r.headers["content-disposition"]
    result = stix2validator.validate_string(r.text, stix2validator.ValidationOptions(version="2.1"))
    assert result.is_valid, result.errors
    doc = r.json()
    files = [o for o in doc["objects"] if o["type"] == "file"]
    assert [f["hashes"]["SHA-256"] for f in files] == [intel_case.sha256(intel_case.samples[0])]
    report = next(o for o in doc["objects"] if o["type"] == "report")
    assert "22,000,000" in report["description"]  # the case's claimed records
    assert_no_identifier(r.text, intel_case.planted)


def test_misp_route(api: tuple[TestClient, Service, dict[str, str]], intel_case: IntelCase) -> None:
    r = _get(api, f"/api/v1/cases/{NAME}/export/misp", tlp="amber+strict")
    assert r.status_code == 200, r.text
    event = MISPEvent()
    event.load(r.text)
    assert [t.name for t in event.tags] == ["tlp:amber+strict"]
    assert {o.name for o in event.objects} == {"incident", "report", "file"}
    assert_no_identifier(json.dumps(r.json(), ensure_ascii=False), intel_case.planted)


def test_exports_are_audited(api: tuple[TestClient, Service, dict[str, str]]) -> None:
    _, service, _ = api
    for kind in ("stix", "misp"):
        assert _get(api, f"/api/v1/cases/{NAME}/export/{kind}").status_code == 200
    exposed = _get(api, f"/api/v1/cases/{NAME}/exposure").json()["customers"]
    assert exposed == 300
    entries, _ = service.audit.entries(limit=5000, case=NAME)
    for action in ("case.export_stix", "case.export_misp"):
        entry = next(e for e in entries if e.action == action)
        assert entry.actor == "intel-reader" and entry.actor_kind == "key"
        assert entry.records == exposed


def test_refusals(api: tuple[TestClient, Service, dict[str, str]]) -> None:
    assert _get(api, f"/api/v1/cases/{NAME}/export/stix", key="alerts").status_code == 403
    assert _get(api, "/api/v1/cases/nope/export/stix").status_code == 404
    assert _get(api, "/api/v1/cases/csirt-empty/export/misp").status_code == 409
    r = _get(api, f"/api/v1/cases/{NAME}/export/stix", tlp="white")
    assert r.status_code == 422
    client, _, _ = api
    assert client.get(f"/api/v1/cases/{NAME}/export/stix").status_code == 401


def test_case_page_links_the_exports(api: tuple[TestClient, Service, dict[str, str]]) -> None:
    client, service, _ = api
    session = service.sessions.create(User("viewer", "viewer", datetime.now(UTC)))
    page = TestClient(client.app, base_url="http://testserver")
    page.cookies.set(SESSION_COOKIE, session.id)
    html = page.get(f"/cases/{NAME}").text
    assert f'href="/api/v1/cases/{NAME}/export/stix"' in html
    assert f'href="/api/v1/cases/{NAME}/export/misp"' in html
    # a viewer follows the link: cases:read is enough
    r = page.get(f"/api/v1/cases/{NAME}/export/stix")
    assert r.status_code == 200 and r.json()["type"] == "bundle"
