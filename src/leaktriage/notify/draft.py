"""A notification draft: the required content of one jurisdiction, filled from a case.

:func:`build_draft` takes a case's :class:`~leaktriage.notify.facts.CaseFacts`, the
jurisdiction's draft rule (``rules/drafts.toml``), its clock (``exposure/rules/
jurisdictions.toml``, through :func:`~leaktriage.exposure.clocks.obligations`) and the tiers
(``exposure/rules/tiers.toml``), and returns a :class:`Draft`: every item of the law, in order,
in the jurisdiction's language, as paragraphs, label/value rows and lists. The renderers
(:mod:`leaktriage.notify.render`) only lay it out.

A draft holds aggregate counts, dates, names of the operator's systems and of known leaks, and
the settings the operator gives (controller, contact point): never an identifier of a person.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from leaktriage.exposure.clocks import load_rules as load_clock_rules
from leaktriage.exposure.clocks import obligations
from leaktriage.exposure.tiers import TierRules, load_tier_rules
from leaktriage.notify._items import FILL, Block, Context, left
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.rules import DraftRules, Stage, Vocabulary, load_draft_rules
from leaktriage.vocab import COLUMN_TYPES

__all__ = [
    "CONTACT_ENV",
    "CONTROLLER_ENV",
    "Block",
    "Draft",
    "NotifySettings",
    "Section",
    "build_draft",
]

#: Environment variable with the controller's name as the drafts give it.
CONTROLLER_ENV = "LEAKTRIAGE_CONTROLLER"
#: Environment variable with the DPO's (or contact point's) name and contact details.
CONTACT_ENV = "LEAKTRIAGE_DPO_CONTACT"


@dataclass(frozen=True)
class NotifySettings:
    """What the operator, not the case, tells a draft (placeholders for the DPO when unset)."""

    controller: str | None = None
    """The controller or provider: legal name, registration number, address."""
    contact: str | None = None
    """The DPO or other contact point: name, role, e-mail, telephone."""

    @classmethod
    def from_env(cls) -> NotifySettings:
        """Settings from :data:`CONTROLLER_ENV` and :data:`CONTACT_ENV`."""
        return cls(
            controller=os.environ.get(CONTROLLER_ENV) or None,
            contact=os.environ.get(CONTACT_ENV) or None,
        )


@dataclass(frozen=True)
class Section:
    """One required item of the law, filled."""

    key: str
    heading: str
    cite: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Draft:
    """A notification to one authority, in its language, ready to render."""

    jurisdiction: str
    language: str
    title: str
    authority: str
    banner: str
    summary_note: str
    meta: tuple[tuple[str, str], ...]
    law: tuple[str, ...]
    in_force: str | None
    sections: tuple[Section, ...]
    deadline: datetime
    overdue: bool
    owed: bool
    labels: dict[str, str] = field(default_factory=dict)
    """Labels the renderers print (law, rule in force, source of an item)."""

    def texts(self) -> Iterator[str]:
        """Every string of the draft, in reading order (for search and tests)."""
        yield from (self.title, self.authority, self.banner, self.summary_note)
        for label, value in self.meta:
            yield from (label, value)
        yield from self.law
        if self.in_force:
            yield self.in_force
        for section in self.sections:
            yield from (section.heading, section.cite)
            for kind, content in section.blocks:
                if kind == "p":
                    yield content
                elif kind == "rows":
                    for label, value in content:
                        yield from (label, value)
                else:
                    yield from content


# -- deadlines ----------------------------------------------------------------------------------
def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _stage_deadline(stage: Stage, start: datetime, tz: ZoneInfo) -> datetime:
    """A stage's deadline by the clocks' own rules (hours elapsed, business days)."""
    if stage.months is not None:
        return _add_months(start.astimezone(tz), stage.months)
    spec: dict[str, Any] = {
        "authority": "-",
        "timezone": tz.key,
        "triggers": ["msisdn"],
        "basis": "-",
        "notes": "-",
    }
    if stage.hours is not None:
        spec["hours"] = stage.hours
    else:
        spec["business_days"] = stage.business_days
        spec["holiday_country"] = stage.holiday_country
    rules = {"version": 1, "jurisdictions": {"stage": spec}}
    owed = obligations(exposed_fields={"msisdn": 1}, customers=1, discovered_at=start, rules=rules)
    return owed[0].deadline


def _clock(spec: dict[str, Any], vocab: Vocabulary) -> str:
    if "hours" in spec:
        return vocab.say("clock_hours", n=spec["hours"])
    return vocab.say("clock_business_days", n=spec["business_days"])


def _deadline(code: str, facts: CaseFacts) -> tuple[datetime, bool, str | None]:
    """The jurisdiction's deadline from the clocks, whether the rules find it owed, and why
    not when they do not (the deadline is then computed as if it were)."""
    fields = {k: min(v, facts.customers) for k, v in facts.by_field.items()}
    owed = obligations(
        exposed_fields=fields,
        customers=facts.customers,
        discovered_at=facts.discovered_at,
        jurisdictions=[code],
    )
    if owed:
        return owed[0].deadline, True, None
    rules = load_clock_rules()
    spec = dict(rules["jurisdictions"][code])
    reason = (
        f"customers < {spec['min_customers']}"
        if facts.customers and facts.customers < int(spec.get("min_customers", 0))
        else "no personal field exposed"
    )
    spec.update(min_customers=0, triggers=list(COLUMN_TYPES))
    relaxed = {**rules, "jurisdictions": {code: spec}, "default": []}
    forced = obligations(
        exposed_fields={"msisdn": 1},
        customers=1,
        discovered_at=facts.discovered_at,
        jurisdictions=[code],
        rules=relaxed,
    )
    return forced[0].deadline, False, reason


# -- the builder ----------------------------------------------------------------------------------
def build_draft(
    facts: CaseFacts,
    jurisdiction: str,
    *,
    settings: NotifySettings | None = None,
    now: datetime | None = None,
    rules: DraftRules | None = None,
    tier_rules: TierRules | None = None,
) -> Draft:
    """The notification draft of ``jurisdiction`` for a case. ``now`` (default: the current
    time) is the notification time the draft states; ``KeyError`` for a jurisdiction without a
    draft rule."""
    rules = rules or load_draft_rules()
    rule = rules.draft(jurisdiction)
    vocab = rules.vocabulary(rule.language)
    clock_spec = load_clock_rules()["jurisdictions"][jurisdiction]
    tz = ZoneInfo(clock_spec["timezone"])
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    deadline, owed, reason = _deadline(jurisdiction, facts)
    stages = [
        (s, _stage_deadline(s, facts.discovered_at if s.after == "discovered" else now, tz))
        for s in rule.stages
    ]
    ctx = Context(
        facts=facts,
        rule=rule,
        vocab=vocab,
        tiers=tier_rules or load_tier_rules(),
        settings=settings or NotifySettings(),
        tz=tz,
        now=now,
        deadline=deadline,
        owed=owed,
        not_owed_reason=reason,
        clock=_clock(clock_spec, vocab),
        stages=stages,
    )
    sections = []
    for item in rule.items:
        blocks: list[Block] = [("p", item.text)] if item.text else []
        blocks.extend(FILL[item.key](ctx))
        sections.append(Section(item.key, item.heading, item.cite, tuple(blocks)))
    status = (
        vocab.say("t_overdue", deadline=ctx.at(deadline))
        if ctx.overdue
        else vocab.say("t_in_time", left=left(deadline, now, vocab))
    )
    meta = (
        (vocab.say("label_case"), facts.case),
        (vocab.say("label_recipient"), rule.authority),
        (vocab.say("label_generated"), ctx.at(now)),
        (f"{vocab.say('label_deadline')} ({ctx.clock})", ctx.at(deadline)),
        (vocab.say("label_status"), status),
    )
    return Draft(
        jurisdiction=jurisdiction,
        language=rule.language,
        title=rule.title,
        authority=rule.authority,
        banner=vocab.say("banner"),
        summary_note=vocab.say("summary_note"),
        meta=meta,
        law=rule.law,
        in_force=rule.in_force,
        sections=tuple(sections),
        deadline=deadline,
        overdue=ctx.overdue,
        owed=owed,
        labels={
            "law": vocab.say("label_law"),
            "in_force": vocab.say("label_in_force"),
            "citation": vocab.say("label_citation"),
        },
    )
