"""Regulator drafts from the service: the two routes (DOCX, HTML) for any jurisdiction, read
with ``cases:read`` (a viewer's session too), audited as exports; links on the case page for
each jurisdiction of the case."""

from __future__ import annotations

import io
import time
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient
from service_helpers import Served, client_for

CASE = f"drafts-{time.monotonic_ns() % 10**6}"
JURISDICTIONS = ["PE", "KR-PIPC", "US-FCC"]


def _key(served: Served, scope: str = "all") -> dict[str, str]:
    return {"authorization": f"Bearer {served.keys[scope]}"}


@pytest.fixture(scope="module")
def drafted(served: Served) -> dict[str, Any]:
    client = TestClient(served.app, base_url="http://testserver")
    body = {"name": CASE, "jurisdictions": JURISDICTIONS, "claimed_records": 22_000_000}
    assert client.post("/api/v1/cases", json=body, headers=_key(served)).status_code == 201
    r = client.post(
        f"/api/v1/cases/{CASE}/sample",
        params={"filename": "genuine_crm.csv"},
        content=served.scenario_file("genuine_crm").read_bytes(),
        headers=_key(served),
    )
    assert r.status_code == 202, r.text
    assert served.service.cases.wait_idle(120)
    result = client.get(f"/api/v1/cases/{CASE}/result", headers=_key(served)).json()
    return result


def test_viewer_downloads_a_docx_draft_in_spanish(served: Served, drafted: dict[str, Any]) -> None:
    client = client_for(served, "viewer")
    r = client.get(f"/api/v1/cases/{CASE}/notifications/PE.docx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f'filename="{CASE}-notification-PE.docx"' in r.headers["content-disposition"]
    document = docx.Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Notificación de incidente de seguridad" in text
    exposed = drafted["exposure"]["customers"]
    assert exposed > 0 and f"{exposed:,}".replace(",", " ") in text


def test_html_draft_is_a_document_of_its_own(served: Served, drafted: dict[str, Any]) -> None:
    r = TestClient(served.app).get(
        f"/api/v1/cases/{CASE}/notifications/KR-PIPC.html", headers=_key(served, "cases:read")
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="ko">' in r.text
    assert r.headers["content-security-policy"].startswith("default-src 'none'")


def test_every_draft_is_audited_as_an_export(served: Served, drafted: dict[str, Any]) -> None:
    client = TestClient(served.app)
    for path in ("US-FCC.docx", "US-FCC.html"):
        r = client.get(f"/api/v1/cases/{CASE}/notifications/{path}", headers=_key(served))
        assert r.status_code == 200
    entries, _ = served.service.audit.entries(limit=5000, action="case.notify_draft")
    mine = [e for e in entries if e.case_name == CASE]
    assert {e.outcome for e in mine} >= {"US-FCC.docx", "US-FCC.html"}
    assert all(e.records == drafted["exposure"]["customers"] for e in mine)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param(f"/api/v1/cases/{CASE}/notifications/XX.docx", 404, id="no-such-draft"),
        pytest.param("/api/v1/cases/no-such-case/notifications/PE.html", 404, id="no-case"),
        pytest.param(f"/api/v1/cases/{CASE}/notifications/PE.pdf", 404, id="no-such-format"),
    ],
)
def test_unknown_jurisdiction_case_or_format(
    served: Served, drafted: dict[str, Any], path: str, status: int
) -> None:
    assert TestClient(served.app).get(path, headers=_key(served)).status_code == status


def test_no_result_yet_is_409(served: Served) -> None:
    client = TestClient(served.app)
    name = f"{CASE}-empty"
    assert (
        client.post("/api/v1/cases", json={"name": name}, headers=_key(served)).status_code == 201
    )
    r = client.get(f"/api/v1/cases/{name}/notifications/PE.docx", headers=_key(served))
    assert r.status_code == 409


def test_case_page_links_a_draft_per_jurisdiction(served: Served, drafted: dict[str, Any]) -> None:
    page = client_for(served, "viewer").get(f"/cases/{CASE}")
    assert page.status_code == 200
    for code in JURISDICTIONS:
        for fmt in ("docx", "html"):
            assert f'href="/api/v1/cases/{CASE}/notifications/{code}.{fmt}"' in page.text
            assert f'id="download-draft-{code}-{fmt}"' in page.text
