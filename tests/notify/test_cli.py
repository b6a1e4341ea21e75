"""``leaktriage notify draft|customer`` as the DPO runs them after ``triage --case``: the draft
read back from the workspace (no service running), DOCX by default or HTML, the customer notice
in Spanish by default; errors are one line with the contract's exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from typer.testing import CliRunner

from leaktriage.cli import app
from notify_world import NotifyWorld

runner = CliRunner()
ENV = {"LEAKTRIAGE_KEY": "notify-cli-test-key-0123456789abcdef"}


def lt(ws: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["--workspace", str(ws), *args], env={**ENV, **(env or {})})


@pytest.fixture(scope="module")
def cli_ws(notify_world: NotifyWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A workspace made with the CLI: the CRM registered, the genuine CRM leak triaged."""
    ws = tmp_path_factory.mktemp("notify-cli") / "ws"
    assert lt(ws, "init").exit_code == 0
    crm = next(s for s in notify_world.manifest["sources"] if s["name"] == "crm")
    r = lt(ws, "source", "add", str(notify_world.world / crm["file"]), "--name", "crm",
           "--as-of", crm["as_of"])  # fmt: skip
    assert r.exit_code == 0, r.output
    leak = str(notify_world.scenario_file("genuine_crm"))
    r = lt(ws, "triage", leak, "--case", "dedale", "--claimed-records", "22000000",
           "--discovered-at", "2026-11-25T09:00:00-05:00")  # fmt: skip
    assert r.exit_code == 0, r.output
    yield ws


def test_draft_defaults_to_docx_in_the_jurisdictions_language(
    cli_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = lt(cli_ws, "notify", "draft", "--case", "dedale", "--jurisdiction", "PE",
           env={"LEAKTRIAGE_DPO_CONTACT": "Oficial de datos, dpo@example.pe"})  # fmt: skip
    assert r.exit_code == 0, r.output
    path = tmp_path / "dedale-PE.docx"
    document = docx.Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Notificación de incidente de seguridad" in text
    assert "Oficial de datos, dpo@example.pe" in text
    assert "22 000 000" in text
    assert "OVERDUE" in r.output  # discovered 2026-11-25: 48 h are long gone


def test_draft_as_html_from_the_file_name_or_the_format(cli_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "kr.html"
    r = lt(cli_ws, "notify", "draft", "--case", "dedale", "--jurisdiction", "KR-PIPC",
           "--out", str(out))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert '<html lang="ko">' in out.read_text(encoding="utf-8")
    out2 = tmp_path / "br.htm"
    r = lt(cli_ws, "notify", "draft", "--case", "dedale", "--jurisdiction", "BR",
           "--format", "html", "--out", str(out2))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert '<html lang="pt">' in out2.read_text(encoding="utf-8")


def test_customer_notice_in_spanish_by_default(cli_ws: Path) -> None:
    r = lt(cli_ws, "notify", "customer", "--case", "dedale", "--tier", "sim_swap")
    assert r.exit_code == 0, r.output
    assert "Estimado/a [NOMBRE DEL CLIENTE]:" in r.stdout
    assert "== SMS ==" in r.stdout
    r = lt(cli_ws, "notify", "customer", "--case", "dedale", "--tier", "phishing",
           "--language", "ko")  # fmt: skip
    assert r.exit_code == 0 and "[고객 성명]" in r.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["draft", "--case", "nope", "--jurisdiction", "PE"], 4, id="unknown-case"),
        pytest.param(["draft", "--case", "dedale", "--jurisdiction", "XX"], 2,
                     id="unknown-jurisdiction"),
        pytest.param(["draft", "--case", "dedale", "--jurisdiction", "PE", "--out", "x.pdf"], 2,
                     id="unknown-suffix"),
        pytest.param(["draft", "--case", "dedale", "--jurisdiction", "PE", "--out", "x.docx",
                      "--format", "html"], 2, id="format-against-suffix"),
        pytest.param(["customer", "--case", "dedale", "--tier", "vip"], 2, id="unknown-tier"),
        pytest.param(["customer", "--case", "dedale", "--tier", "low", "--language", "fr"], 2,
                     id="unknown-language"),
        pytest.param(["customer", "--case", "nope", "--tier", "low"], 4, id="customer-no-case"),
    ],
)  # fmt: skip
def test_errors_have_the_contracts_exit_codes(
    cli_ws: Path, tmp_path: Path, args: list[str], code: int
) -> None:
    r = lt(cli_ws, "notify", *[a if a != "x.pdf" and a != "x.docx" else str(tmp_path / a)
                                for a in args])  # fmt: skip
    assert r.exit_code == code, r.output
    if code == 4:
        assert r.stderr.strip().count("\n") == 0 and "nope" in r.stderr
    assert "Traceback" not in r.output


def test_no_workspace_is_exit_4(tmp_path: Path) -> None:
    r = lt(tmp_path / "none", "notify", "draft", "--case", "x", "--jurisdiction", "PE")
    assert r.exit_code == 4 and "no workspace" in r.stderr


def test_the_latest_result_reads_back_with_its_samples(cli_ws: Path) -> None:
    """What the CLI keeps for later drafts: the triage JSON, with the case's samples."""
    from leaktriage.notify.case import latest_result
    from leaktriage.workspace import Workspace

    with Workspace.open(cli_ws, env_key=ENV["LEAKTRIAGE_KEY"]) as ws:
        result = latest_result(ws, "dedale")
    assert result["case_samples"]["samples"][0]["exposed_customers"] == 300
    assert json.loads(json.dumps(result))["exposure"]["customers"] == 300
