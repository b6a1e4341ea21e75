"""The report renders for every combination of fields (issue 12, item 2).

Two halves:

* **every subset** of ten representative column types (1,024 subsets, each as a document
  with every optional part absent or None, and as one with every part filled as a triage of
  those columns would fill it), plus empty leaks, one-row leaks and leaks of unknown columns
  only: the triage JSON, the HTML report (chart specs built, SVG rendering stubbed) and the
  web UI's case page;
* **real triage** of tiny leaks cut from one small registered world for a representative set
  of subsets (IDs without birth dates, HSS dumps, SIM keys alone, names alone...): the same
  renderings with real charts, the CLI's report writer and console summary, and the exports
  (notification list, watchlist) of the case.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from leaktriage import _output
from leaktriage.api.cases import CaseInfo
from leaktriage.api.web_views import env as web_env
from leaktriage.api.web_views import result_view
from leaktriage.errors import InputRejected
from leaktriage.exposure.export import (
    NOTIFICATION_COLUMNS,
    WATCHLIST_COLUMNS,
    exposure_rows,
    watchlist_rows,
    write_table,
)
from leaktriage.exposure.tiers import load_tier_rules
from leaktriage.report import charts
from leaktriage.report import html as report_html
from leaktriage.report.html import chart_svgs, render_html
from leaktriage.synth import generate_world
from leaktriage.triage import run_triage
from leaktriage.workspace import Workspace
from synthetic import register_world

TYPES = (
    "msisdn", "national_id", "birth_date", "full_name", "email",
    "imsi", "iccid", "ki", "opc", "customer_id",
)  # fmt: skip
SUBSETS = [frozenset(c) for k in range(len(TYPES) + 1) for c in itertools.combinations(TYPES, k)]
DOMAIN = {"msisdn": "phone", "national_id": "national_id", "email": "email", "imsi": "imsi",
          "iccid": "iccid", "customer_id": "customer_id"}  # fmt: skip
LABELS = ("genuine", "recycled", "fabricated", "mixed", "unrelated", "inconclusive")
NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)


class _Viewer:
    """The principal the case page template asks: a logged-in analyst."""

    name = "ana"
    role = "analyst"
    kind = "user"
    session = None

    def can(self, scope: str) -> bool:
        return True


def _tier(types: set[str]) -> str:
    line, name = bool(types & {"msisdn"}), "full_name" in types
    if types & {"ki", "opc"}:
        return "sim_replacement"
    if line and ("national_id" in types or (name and "birth_date" in types)):
        return "sim_swap"
    if {"national_id", "full_name", "birth_date"} <= types:
        return "identity_theft"
    if types & {"email", "msisdn"} and name:
        return "phishing"
    return "low"


def _minimal(types: frozenset[str], rows: int = 40) -> dict[str, Any]:
    """The contract's required keys only, every optional value None or empty."""
    return {
        "schema_version": 1,
        "input": {"path": None, "format": None, "encoding": None, "rows": rows,
                  "malformed_rows": None},
        "columns": [{"name": f"c_{t}", "type": t, "confidence": None} for t in sorted(types)],
        "verdict": {"label": None, "confidence": None, "reasons": []},
        "genuine_fraction": None,
        "matched_customers": None,
        "attribution": {"source": None, "candidates": [], "canary_hits": []},
        "snapshot": {"earliest": None, "latest": None},
        "recycled_from": [],
        "exposure": {"customers": 0, "by_field": {}, "by_tier": {}},
        "claims": {"claimed_records": None, "estimated_records": None, "plausible": None,
                   "reasons": []},
    }  # fmt: skip


def _full(types: frozenset[str], rows: int = 40) -> dict[str, Any]:
    """Every part filled the way a triage of these columns fills it (None where it must be)."""
    n = len(types)
    label = LABELS[sum(len(t) for t in types) % len(LABELS)]
    doc = _minimal(types, rows)
    ids = sorted({DOMAIN[t] for t in types if t in DOMAIN})
    exposed = {t: rows for t in sorted(types)}
    tier = _tier(set(types))
    dated = bool(types & {"msisdn", "imsi", "iccid", "national_id"})
    doc.update(
        {
            "case": "render-all",
            "input": {"path": f"/leaks/leak_{n}.csv", "format": "csv", "encoding": "utf-8",
                      "rows": rows, "malformed_rows": n % 2},
            "columns": [{"name": f"c_{t}", "type": t, "confidence": 0.9,
                         **({"scheme": "pe.dni"} if t == "national_id" else {})}
                        for t in sorted(types)],
            "verdict": {"label": label, "confidence": 0.8, "reasons": [f"{n} column types"]},
            "genuine_fraction": 1.0 if label == "genuine" else 0.0,
            "matched_customers": rows if types else 0,
            "attribution": {"source": "hss" if types & {"imsi", "ki"} else ("crm" if ids else None),
                            "candidates": [{"source": "crm", "score": 0.5 if ids else 0.0},
                                           {"source": "hss", "score": None}],
                            "canary_hits": [{"source": "crm", "count": 1}] if n % 3 == 0 else []},
            "snapshot": {"earliest": "2025-02-17" if dated else None,
                         "latest": "2025-06-30" if n % 2 else None,
                         "width_days": 134 if dated and n % 2 else None,
                         "basis": "300 dated customers: after the latest activation among them"
                         if dated else "no lifecycle dates for the matched customers"},
            "recycled_from": [{"corpus": "forum_2023", "overlap": 0.7, "rows": rows,
                               "explains": 0.7}] if label == "recycled" else [],
            "exposure": {"customers": rows if types else 0, "records": rows,
                         "by_field": exposed if types else {},
                         "by_tier": {tier: rows} if types else {},
                         "by_source": {"crm": rows} if types else {},
                         "remediation": {tier: "do it"} if types else {}},
            "custody": ({"holder": "seller" if n % 2 else "buyer", "buyer": "Buyer SA",
                         "divested_on": "2025-04-01", "as_of": None, "reasons": ["nothing newer"]}
                        if n % 4 == 1 else None),
            "claims": {"claimed_records": 22_000_000 if n % 2 else None,
                       "estimated_records": None, "plausible": None if n % 2 else False,
                       "reasons": []},
            "discovered_at": NOW.isoformat(),
            "obligations": [{"jurisdiction": "PE", "authority": None, "deadline": None,
                             "clock": None, "triggered_by": sorted(types), "basis": None,
                             "notes": None}] if types else [],
            "examples": [{f"c_{t}": None if t == "birth_date" else "x" for t in types}]
            if types else [],
            "evidence": {
                "hit_rates": {"by_type": [{"type": d, "present": rows, "hits": rows // 2,
                                           "rate": 0.5, "chance_rate": None,
                                           "expected_by_chance": 0.0, "ratio_to_chance": None,
                                           "z": None} for d in ids]},
                "agreement": {"by_source": [{"source": "crm", "hit_rows": rows,
                                             "comparable_rows": None, "agreeing_rows": None,
                                             "linked_rows": 0, "agree_share": None,
                                             "name_disagree_share": None,
                                             "dob_disagree_share": None}] if ids else []},
                "consistency": {
                    "checksums": [{"column": f"c_{t}", "type": t, "valid_share": None}
                                  for t in sorted(types) if t in DOMAIN],
                    "duplicates": {"type": ids[0], "rate": None} if ids else None,
                    "dni_birth_year_correlation": {
                        "leak": 0.9 if {"national_id", "birth_date"} <= types else None,
                        "reference": None if n % 2 else 0.97},
                    "surname_mix": {"leak_top_share": None, "reference_top_share": 0.1}
                    if "full_name" in types else None,
                    **({"too_clean": bool(n % 2)} if n % 3 else {}),
                },
                "prior_leaks": [{"corpus": "forum_2023", "overlap": 0.0, "rows": None}],
                "schema": [{"source": "crm", "score": None}],
                "snapshot": {"dated_customers": None, "active_view": None,
                             "activation_histogram": [{"start": "2025-01-01", "count": 3}]
                             if dated else []},
                "claims": {"records": None, "distinct_people": None,
                           "source_rows_at_snapshot": None},
                "canaries": [],
                "linkage": None,
            },
        }
    )  # fmt: skip
    return doc


def _case(state: str = "done") -> CaseInfo:
    return CaseInfo(
        name="render-all", created_by="ana", created_at=NOW, claimed_records=None, region="PE",
        jurisdictions=[], discovered_at=NOW, state=state, samples=1, file_name="leak.csv",
        file_bytes=1234, error=None, finished_at=NOW, verdict=None,
    )  # fmt: skip


def _render_everything(doc: dict[str, Any], chart_set: dict[str, Any]) -> None:
    """JSON, HTML report and web case page of ``doc``; each must come out whole."""
    assert json.loads(json.dumps(doc)) == doc
    page = render_html(doc, examples=doc.get("examples"), obligations=doc.get("obligations"))
    assert page.rstrip().endswith("</html>")
    view = result_view(_case(), doc, chart_set)
    case_page = web_env.get_template("case.html.j2").render(
        who=_Viewer(), csrf="", path="/cases/render-all", case=_case(), r=view, active=False
    )
    assert 'id="verdict-label"' in case_page and case_page.rstrip().endswith("</html>")


@pytest.fixture
def stub_svg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build every chart spec, skip the (slow) SVG rendering of 2,000 documents."""
    monkeypatch.setattr(charts, "render_svg", lambda spec, **_: "<svg></svg>")
    monkeypatch.setattr(report_html, "_renderer_available", lambda: True)


@pytest.mark.parametrize("shape", ["minimal", "full"])
def test_every_subset_of_column_types_renders(stub_svg: None, shape: str) -> None:
    build = _minimal if shape == "minimal" else _full
    for types in SUBSETS:
        doc = build(types)
        _render_everything(doc, chart_svgs(doc))


@pytest.mark.parametrize(
    "types",
    [
        pytest.param(frozenset(), id="no-column"),
        pytest.param(frozenset({"other"}), id="unknown-only"),
        pytest.param(frozenset({"national_id", "full_name"}), id="ids-no-birth"),
        pytest.param(frozenset({"imsi", "msisdn", "iccid", "ki", "opc"}), id="hss"),
    ],
)
@pytest.mark.parametrize("rows", [0, 1])
def test_empty_and_one_row_documents_render(
    stub_svg: None, types: frozenset[str], rows: int
) -> None:
    for build in (_minimal, _full):
        doc = build(types, rows)
        _render_everything(doc, chart_svgs(doc))


# -- real triage --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, list[dict[str, str]], Workspace]]:
    """One small world, registered; and its customers with a line in the HSS, as leak rows."""
    root = tmp_path_factory.mktemp("render-all")
    manifest = generate_world(root / "world", customers=2000, seed=5)
    ws, _ = Workspace.init(root / "ws")
    register_world(ws, root / "world", manifest)
    with (root / "world" / "sources" / "hss.csv").open(encoding="utf-8", newline="") as fh:
        hss = {r["msisdn"][2:]: r for r in csv.DictReader(fh)}
    people = []
    with (root / "world" / "sources" / "crm.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            sim = hss.get(r["celular"])
            if sim is None:
                continue
            people.append(
                {
                    "msisdn": r["celular"],
                    "national_id": r["dni"],
                    "birth_date": r["fecha_nacimiento"],
                    "full_name": f"{r['nombres']} {r['apellido_paterno']} {r['apellido_materno']}",
                    "email": r["email"],
                    "imsi": sim["imsi"],
                    "iccid": sim["iccid"],
                    "ki": sim["ki"],
                    "opc": sim["opc"],
                    "customer_id": r["customer_id"],
                }
            )
    yield root, people[:40], ws
    ws.close()


#: Leak headers per type, as an export would name them.
HEADERS = {
    "msisdn": "celular", "national_id": "dni", "birth_date": "fecha_nacimiento",
    "full_name": "nombre_completo", "email": "correo", "imsi": "imsi", "iccid": "iccid",
    "ki": "ki", "opc": "opc", "customer_id": "cod_cliente",
}  # fmt: skip
REAL = [
    *(pytest.param((t,), 30, id=t) for t in TYPES if t != "full_name"),
    pytest.param(("full_name",), 30, id="full_name"),
    pytest.param(("national_id", "full_name"), 30, id="ids-no-birth"),
    pytest.param(("msisdn", "national_id"), 30, id="msisdn-id"),
    pytest.param(("imsi", "ki", "opc"), 30, id="sim-keys"),
    pytest.param(("imsi", "iccid", "ki", "opc"), 30, id="sim-keys-iccid"),
    pytest.param(("imsi", "msisdn", "iccid", "ki", "opc"), 30, id="hss"),
    pytest.param(("full_name", "birth_date"), 30, id="names-only"),
    pytest.param(TYPES, 30, id="all"),
    pytest.param(("msisdn", "national_id", "full_name"), 1, id="one-row"),
    pytest.param(("imsi", "ki", "opc"), 1, id="one-row-sim"),
    pytest.param(("other",), 30, id="unknown-only"),
]


def _write_leak(
    path: Path, people: list[dict[str, str]], types: tuple[str, ...], rows: int
) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        if types == ("other",):
            w.writerow(["campo_a", "campo_b"])
            w.writerows([[f"zq{i * 7919 % 1000}", f"k{i}x"] for i in range(rows)])
            return
        w.writerow([HEADERS[t] for t in types])
        w.writerows([[p[t] for t in types] for p in people[:rows]])


@pytest.mark.parametrize(("types", "rows"), REAL)
def test_real_triage_renders_and_exports(
    small_world: tuple[Path, list[dict[str, str]], Workspace],
    tmp_path: Path,
    types: tuple[str, ...],
    rows: int,
) -> None:
    root, people, ws = small_world
    leak = tmp_path / "leak.csv"
    _write_leak(leak, people, types, rows)
    case = f"render-{rows}-" + "-".join(types)[:40]
    doc = run_triage(ws, leak, case=case, discovered_at=NOW)
    _render_everything(doc, chart_svgs(doc))
    # what `triage --html` runs, and its console summary
    _output.write_report(doc, tmp_path / "report.html")
    assert "</html>" in (tmp_path / "report.html").read_text(encoding="utf-8")
    _output.print_triage(doc, None, tmp_path / "report.html")
    rules = load_tier_rules()
    customers = doc["exposure"]["customers"]
    sim_keys = bool({"ki", "opc"} & set(types)) and bool({"imsi", "iccid"} & set(types))
    if sim_keys:
        assert customers == rows  # every SIM whose keys leaked is a customer's line
    if not customers:
        return
    listed = exposure_rows(ws, case, rules)
    assert len(listed) == customers
    watched = watchlist_rows(ws, case, rules)
    csv_text = write_table(listed, NOTIFICATION_COLUMNS, None)
    assert csv_text is not None
    assert len(list(csv.DictReader(io.StringIO(csv_text)))) == customers
    write_table(watched, WATCHLIST_COLUMNS, tmp_path / "watch.parquet")
    if sim_keys:
        # every SIM whose keys leaked: listed by customer id, in sim_replacement, watched
        assert {r["tier"] for r in listed} == {"sim_replacement"}
        assert all(r["customer_id"] for r in listed)
        assert len(watched) == customers


def test_empty_leak_is_rejected_cleanly(
    small_world: tuple[Path, list[dict[str, str]], Workspace], tmp_path: Path
) -> None:
    _, _, ws = small_world
    leak = tmp_path / "empty.csv"
    leak.write_text("celular,dni\n", encoding="utf-8")
    with pytest.raises(InputRejected, match="empty input"):
        run_triage(ws, leak)
