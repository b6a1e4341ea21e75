"""No identifier of any person in any draft or customer notice: the customer ids, MSISDNs,
DNIs, e-mails, names, IMSIs, ICCIDs, IMEIs and Ki/OPc of the synthetic world's exposed people
(and of every CRM customer) are searched for in the DOCX (text and every XML part), the HTML
and the notices of every tier in every language."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest

from leaktriage.exposure.clocks import load_rules
from leaktriage.notify.draft import NotifySettings, build_draft
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.notice import customer_notice
from leaktriage.notify.render import render_docx, render_html
from leaktriage.notify.rules import load_draft_rules
from leaktriage.vocab import RISK_TIERS
from notify_world import DISCOVERED, NotifyWorld

NOW = DISCOVERED + timedelta(hours=3)


class _Finder:
    """Finds planted values in a text, fast enough for thousands of values (a regex of ten
    thousand alternatives takes minutes): digits in any run of digits, single words as
    tokens, values with spaces as substrings; all case-insensitive."""

    def __init__(self, planted: set[str]) -> None:
        values = {v.lower() for v in planted}
        self.digits = {re.sub(r"\D", "", v) for v in values}
        self.digits = {d for d in self.digits if len(d) >= 8}
        self.words = {v for v in values if " " not in v}
        self.phrases = {v for v in values if " " in v}

    def search(self, text: str) -> str | None:
        lower = text.lower()
        for run in re.findall(r"\d{8,}", lower):
            hit = next((d for d in self.digits if d in run), None)
            if hit:
                return hit
        hit = next(iter(set(re.findall(r"[\w.@+-]+", lower)) & self.words), None)
        return hit or next((v for v in self.phrases if v in lower), None)


def _finder(planted: set[str]) -> _Finder:
    return _Finder(planted)


def _docx_strings(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [z.read(n).decode("utf-8", errors="replace") for n in z.namelist()]


@pytest.mark.parametrize("kind", ["msisdn", "email", "name"])
def test_the_search_finds_a_planted_value(notify_world: NotifyWorld, kind: str) -> None:
    """The detector itself: a planted value given as the contact point is found."""
    finder = _finder(notify_world.planted)
    pick = {
        "msisdn": lambda v: v.isdigit() and len(v) == 9,
        "email": lambda v: "@" in v,
        "name": lambda v: " " in v and v.replace(" ", "").isalpha(),
    }[kind]
    planted = next(v for v in sorted(notify_world.planted) if pick(v))
    facts = CaseFacts.from_result(notify_world.results["crm-case"], "crm-case")
    draft = build_draft(facts, "PE", now=NOW, settings=NotifySettings(contact=planted.title()))
    assert finder.search(render_html(draft))
    assert any(finder.search(part) for part in _docx_strings(render_docx(draft)))


@pytest.mark.parametrize("case", ["crm-case", "two-samples"])
def test_no_planted_identifier_in_any_draft(notify_world: NotifyWorld, case: str) -> None:
    assert len(notify_world.planted) > 2000  # ids, numbers, documents, e-mails, SIM secrets
    finder = _finder(notify_world.planted)
    facts = CaseFacts.from_result(notify_world.results[case], case)
    for code in sorted(load_rules()["jurisdictions"]):
        draft = build_draft(facts, code, now=NOW)
        html = render_html(draft)
        hit = finder.search(html)
        assert hit is None, f"{code} HTML holds a planted identifier"
        for part in _docx_strings(render_docx(draft)):
            assert finder.search(part) is None, f"{code} DOCX holds a planted identifier"


def test_no_planted_identifier_in_any_customer_notice(notify_world: NotifyWorld) -> None:
    finder = _finder(notify_world.planted)
    facts = CaseFacts.from_result(notify_world.results["two-samples"], "two-samples")
    languages = sorted(load_draft_rules().vocabularies)
    assert languages == ["en", "es", "ko", "pt"]
    for language in languages:
        for tier in RISK_TIERS:
            text = customer_notice(facts, tier, language).as_text()
            assert finder.search(text) is None, f"{tier}/{language} notice holds an identifier"
