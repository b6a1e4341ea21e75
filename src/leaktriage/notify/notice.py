"""The notice to an exposed customer, per risk tier, in the customer's language.

One text per channel: a letter, an SMS and an e-mail (subject and body). The customer's name is
a placeholder (``[NOMBRE DEL CLIENTE]``) the mailing system fills: the notice itself holds no
personal data, only the case's discovery date, the categories of data exposed in the case, the
tier's measure and advice, and the operator's name and contact point (settings).
"""

from __future__ import annotations

from dataclasses import dataclass

from leaktriage.exposure.tiers import TierRules, load_tier_rules
from leaktriage.notify.draft import NotifySettings
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.rules import DraftRules, load_draft_rules
from leaktriage.vocab import COLUMN_TYPES

__all__ = ["CustomerNotice", "customer_notice", "default_language"]


def default_language(rules: DraftRules | None = None) -> str:
    """The customers' language when none is asked for: that of the draft of the operator's
    first default jurisdiction (``default`` of jurisdictions.toml; Spanish for Peru)."""
    from leaktriage.exposure.clocks import load_rules

    rules = rules or load_draft_rules()
    default = load_rules().get("default") or []
    return rules.draft(default[0]).language if default and default[0] in rules.drafts else "en"


@dataclass(frozen=True)
class CustomerNotice:
    """The texts of one tier's notice, in one language."""

    tier: str
    language: str
    letter_title: str
    letter: str
    sms_title: str
    sms: str
    email_title: str
    email_subject: str
    email_body: str

    def as_text(self) -> str:
        """The three channels, one after the other, each under its title."""
        return (
            f"== {self.letter_title} ==\n{self.letter}\n\n"
            f"== {self.sms_title} ==\n{self.sms}\n\n"
            f"== {self.email_title} ==\n{self.email_subject}\n\n{self.email_body}\n"
        )


def customer_notice(
    facts: CaseFacts,
    tier: str,
    language: str,
    *,
    settings: NotifySettings | None = None,
    rules: DraftRules | None = None,
    tier_rules: TierRules | None = None,
) -> CustomerNotice:
    """The notice of ``tier`` for the customers of a case, in ``language``; ``KeyError`` for a
    language without a vocabulary or an unknown tier."""
    rules = rules or load_draft_rules()
    tiers = tier_rules or load_tier_rules()
    v = rules.vocabulary(language)
    settings = settings or NotifySettings()
    operator = settings.controller or v.say("placeholder_operator")
    contact = settings.contact or v.say("placeholder_contact")
    months = tiers.tier(tier).months if tier in {t.name for t in tiers.tiers} else 0
    fields = ", ".join(
        v.field(t) for t in COLUMN_TYPES if facts.by_field.get(t) and t not in ("date", "other")
    )
    discovered = facts.discovered_at.date().isoformat()
    body = [
        v.notice("intro", discovered=discovered, operator=operator),
    ]
    if fields:
        body.append(v.notice("fields", fields=fields))
    body += [
        f"{v.notice('what_we_do')} {v.tier(tier, 'measure')}.",
        f"{v.notice('what_you_can_do')} {v.tier(tier, 'advice')}",
        v.notice("closing", contact=contact),
    ]
    greeting = v.notice("greeting", name=v.notice("name_placeholder"))
    signature = v.notice("signature", operator=operator)
    text = "\n\n".join([greeting, *body, signature])
    return CustomerNotice(
        tier=tier,
        language=language,
        letter_title=v.notice("letter_title"),
        letter=f"{v.notice('subject')}\n\n{text}",
        sms_title=v.notice("sms_title"),
        sms=v.tier(tier, "sms", operator=operator, contact=contact, months=months),
        email_title=v.notice("email_title"),
        email_subject=v.notice("subject"),
        email_body=text,
    )
