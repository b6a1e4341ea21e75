"""The customer notice per tier in the customer's language: letter, SMS and e-mail, with a
placeholder for the name and the tier's own measure and advice."""

from __future__ import annotations

import pytest

from leaktriage.notify.draft import NotifySettings
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.notice import customer_notice, default_language
from leaktriage.notify.rules import load_draft_rules
from leaktriage.vocab import RISK_TIERS
from notify_world import NotifyWorld

CASES = [
    pytest.param("es", "[NOMBRE DEL CLIENTE]", "Estimado/a", id="es"),
    pytest.param("pt", "[NOME DO CLIENTE]", "Prezado(a)", id="pt"),
    pytest.param("ko", "[고객 성명]", "고객님께", id="ko"),
    pytest.param("en", "[CUSTOMER NAME]", "Dear", id="en"),
]


@pytest.mark.parametrize(("language", "placeholder", "greeting"), CASES)
def test_every_tier_has_a_notice_in_the_language(
    notify_world: NotifyWorld, language: str, placeholder: str, greeting: str
) -> None:
    facts = CaseFacts.from_result(notify_world.results["two-samples"], "two-samples")
    vocab = load_draft_rules().vocabulary(language)
    texts = set()
    for tier in RISK_TIERS:
        notice = customer_notice(facts, tier, language)
        assert placeholder in notice.letter and placeholder in notice.email_body
        assert greeting in notice.letter
        assert vocab.tier(tier, "advice") in notice.letter
        assert vocab.tier(tier, "measure") in notice.email_body
        assert notice.sms and "{" not in notice.as_text()
        texts.add(notice.sms)
    assert len(texts) == len(RISK_TIERS)  # one SMS per tier, not one for all


def test_sms_names_the_operator_and_the_watch_months(notify_world: NotifyWorld) -> None:
    facts = CaseFacts.from_result(notify_world.results["crm-case"], "crm-case")
    settings = NotifySettings(controller="Movistar-like", contact="104")
    sms = customer_notice(facts, "sim_swap", "es", settings=settings).sms
    assert sms.startswith("Movistar-like:") and "12 meses" in sms and sms.endswith("Info: 104")
    for language in ("es", "pt", "ko", "en"):
        for tier in RISK_TIERS:
            sms = customer_notice(facts, tier, language, settings=settings).sms
            assert len(sms) <= 160, f"{tier}/{language}: {len(sms)} characters"


def test_default_language_is_the_default_jurisdictions() -> None:
    assert default_language() == "es"  # jurisdictions.toml: default = ["PE"]
