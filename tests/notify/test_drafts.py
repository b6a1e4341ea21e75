"""A notification draft per jurisdiction, built from a case triaged with ``--case``: every
required item of the law in order with its citation, the case's figures in it, the
jurisdiction's language, the deadline from the clocks; DOCX that python-docx opens and a
self-contained HTML page."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import docx
import pytest

from leaktriage.exposure.clocks import load_rules
from leaktriage.notify.draft import NotifySettings, build_draft
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.render import render_docx, render_html
from leaktriage.notify.rules import load_draft_rules
from notify_world import DISCOVERED, NotifyWorld

JURISDICTIONS = sorted(load_rules()["jurisdictions"])
#: Before every deadline (the earliest is 24 h after discovery).
EARLY = DISCOVERED + timedelta(hours=2)
#: Words each language's draft must hold (headings and fixed sentences of that law).
LANGUAGE_WORDS = {
    "PE": ["naturaleza del incidente", "Titulares de datos personales afectados", "Medidas"],
    "BR": ["Comunicação", "titulares", "encarregado", "Riscos relacionados"],
    "EU-GDPR": ["Nature of the personal data breach", "art. 33(3)", "art. 34(1)"],
    "EU-TELECOM": ["Annex I, section 1", "Annex I, section 2", "611/2013"],
    "EU-NIS2": ["Early warning", "Incident notification", "Final report"],
    "US-FCC": ["64.2011", "central reporting facility", "Rule in force"],
    "KR-PIPC": ["유출등이 된 개인정보의 항목", "제34조", "정보주체"],
    "KR-KISA": ["침해사고", "제48조의3"],
}


def _facts(w: NotifyWorld, case: str = "crm-case") -> CaseFacts:
    return CaseFacts.from_result(w.results[case], case)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_every_jurisdiction_of_the_clocks_has_a_draft() -> None:
    drafts = load_draft_rules().drafts
    assert set(JURISDICTIONS) <= set(drafts)
    assert "EU-NIS2" in JURISDICTIONS  # NIS2 art. 23 is a clock too (24 h early warning)
    for code, rule in drafts.items():
        assert rule.items and all(item.cite.strip() for item in rule.items), code


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_draft_holds_every_required_item_in_its_language(
    notify_world: NotifyWorld, code: str
) -> None:
    facts = _facts(notify_world)
    rule = load_draft_rules().draft(code)
    draft = build_draft(facts, code, now=EARLY)
    assert [s.heading for s in draft.sections] == [i.heading for i in rule.items]
    assert [s.cite for s in draft.sections] == [i.cite for i in rule.items]
    assert all(s.blocks for s in draft.sections), "an item left empty"

    rendered = {"docx": _docx_text(render_docx(draft)), "html": html.unescape(render_html(draft))}
    for name, text in rendered.items():
        for item in rule.items:
            assert item.heading in text, f"{code} {name}: missing item {item.heading!r}"
        for word in LANGUAGE_WORDS[code]:
            assert word in text, f"{code} {name}: {word!r} not in the draft"
        # the case's own figures: exposed customers, the discovery and the deadline
        assert "300" in text
        deadline = draft.deadline.astimezone(draft.deadline.tzinfo)
        assert f"{deadline:%Y-%m-%d %H:%M}" in text
        assert "crm" in text or code in ("KR-KISA",)  # the system the records come from
    if rule.language == "ko":
        hangul = len(re.findall(r"[\uac00-\ud7a3]", rendered["html"]))
        assert hangul > 500, "a Korean draft is written in Hangul"


@pytest.mark.parametrize(
    ("code", "hours"),
    [
        pytest.param("PE", 48, id="pe-48h"),
        pytest.param("EU-GDPR", 72, id="gdpr-72h"),
        pytest.param("EU-TELECOM", 24, id="eprivacy-24h"),
        pytest.param("EU-NIS2", 24, id="nis2-early-warning-24h"),
        pytest.param("KR-PIPC", 72, id="pipa-72h"),
        pytest.param("KR-KISA", 24, id="kisa-24h"),
    ],
)
def test_deadline_is_the_clock_of_the_jurisdiction(
    notify_world: NotifyWorld, code: str, hours: int
) -> None:
    draft = build_draft(_facts(notify_world), code, now=EARLY)
    assert draft.deadline == DISCOVERED + timedelta(hours=hours)
    assert draft.owed and not draft.overdue


def test_brazil_counts_three_business_days_and_twenty_more(notify_world: NotifyWorld) -> None:
    # Wed 2026-11-25 09:00 Lima = 11:00 São Paulo: Thu 1, Fri 2, Mon 30 = 3
    draft = build_draft(_facts(notify_world), "BR", now=EARLY)
    assert draft.deadline.isoformat() == "2026-11-30T23:59:59-03:00"
    stages = next(s for s in draft.sections if s.key == "stages")
    ((_, rows),) = [b for b in stages.blocks if b[0] == "rows"]
    assert [label for label, _ in rows] == [
        "Comunicação à ANPD e aos titulares",
        "Complementação das informações",
    ]
    # 20 business days after the draft time (Wed 11-25), Christmas skipped: 2026-12-23
    assert "2026-12-23 23:59" in rows[1][1]


def test_nis2_lists_its_three_stages(notify_world: NotifyWorld) -> None:
    draft = build_draft(_facts(notify_world), "EU-NIS2", now=EARLY)
    stages = next(s for s in draft.sections if s.key == "stages")
    ((_, rows),) = [b for b in stages.blocks if b[0] == "rows"]
    due = [value for _, value in rows]
    # Brussels time: early warning +24 h, notification +72 h, final report a month after now
    assert "2026-11-26 15:00" in due[0] and "23(4)(a)" in due[0]
    assert "2026-11-28 15:00" in due[1] and "23(4)(b)" in due[1]
    assert "2026-12-25 17:00" in due[2] and "23(4)(d)" in due[2]


def test_overdue_draft_says_so_and_asks_for_the_reasons(notify_world: NotifyWorld) -> None:
    late = DISCOVERED + timedelta(hours=100)
    draft = build_draft(_facts(notify_world), "PE", now=late)
    assert draft.overdue
    text = "\n".join(draft.texts())
    assert "VENCIDO" in text
    gdpr = "\n".join(build_draft(_facts(notify_world), "EU-GDPR", now=late).texts())
    assert "OVERDUE" in gdpr and "[Reasons for the delay" in gdpr
    on_time = "\n".join(build_draft(_facts(notify_world), "EU-GDPR", now=EARLY).texts())
    assert "[Reasons for the delay" not in on_time and "within the deadline" in on_time


def test_fcc_under_500_customers_is_not_owed_by_the_rules_but_drafted(
    notify_world: NotifyWorld,
) -> None:
    draft = build_draft(_facts(notify_world), "US-FCC", now=EARLY)
    assert not draft.owed  # 300 customers < 500 (jurisdictions.toml min_customers)
    text = "\n".join(draft.texts())
    assert "customers < 500" in text
    assert "89 FR 9968" in text and "Office of Management and Budget" in text
    # Thanksgiving (Thu 11-26) skipped: Fri 27 = 1, Mon 30 = 2 ... Mon 12-07 = 7
    assert draft.deadline.isoformat() == "2026-12-07T23:59:59-05:00"


def test_facts_and_settings_fill_the_items(notify_world: NotifyWorld) -> None:
    settings = NotifySettings(controller="Operadora Sintética S.A.A.", contact="dpo@example.pe")
    draft = build_draft(_facts(notify_world), "PE", now=EARLY, settings=settings)
    text = "\n".join(draft.texts())
    assert "Operadora Sintética S.A.A." in text and "dpo@example.pe" in text
    assert "[Oficial de datos personales" not in text
    assert "22 000 000" in text  # the seller's claim
    assert "entre el 2025-" in text  # the snapshot window dates the copy
    assert "riesgo de cambio fraudulento de SIM" in text  # the tier of the 300 customers
    assert "número de documento de identidad (DNI)" in text  # an exposed category


def test_two_samples_count_people_once_and_add_sim_cloning(notify_world: NotifyWorld) -> None:
    facts = _facts(notify_world, "two-samples")
    union = notify_world.results["two-samples"]["case_samples"]["exposure"]
    assert facts.samples == 2 and facts.customers == union["customers"]
    assert facts.by_tier == {k: v for k, v in union["by_tier"].items() if v}
    assert facts.by_tier.get("sim_replacement")
    text = "\n".join(build_draft(facts, "KR-PIPC", now=EARLY).texts())
    assert "유심 복제" in text  # cloned SIMs, the consequence of leaked Ki/OPc


def test_html_is_self_contained(notify_world: NotifyWorld) -> None:
    page = render_html(build_draft(_facts(notify_world), "PE", now=EARLY))
    assert page.startswith("<!DOCTYPE html>") and '<html lang="es">' in page
    assert not re.search(r"(?:src|href)\s*=|https?://|<script|@import|url\(", page)


def test_docx_carries_its_language(notify_world: NotifyWorld) -> None:
    data = render_docx(build_draft(_facts(notify_world), "KR-PIPC", now=EARLY))
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.language == "ko-KR"
    assert document.core_properties.title == "개인정보 유출 등 신고서"
    assert document.paragraphs[0].text == "개인정보 유출 등 신고서"
