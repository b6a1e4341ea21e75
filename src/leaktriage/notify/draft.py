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
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.rules import DraftRule, DraftRules, Stage, Vocabulary, load_draft_rules
from leaktriage.vocab import COLUMN_TYPES, RISK_TIERS

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

#: A block of a section: ``("p", text)``, ``("rows", ((label, value), ...))`` or
#: ``("list", (item, ...))``.
Block = tuple[str, Any]


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


# -- formatting -----------------------------------------------------------------------------------
_GROUPING = {"en": ",", "ko": ",", "es": " ", "pt": "."}


def number(n: int | None, language: str) -> str:
    """A count with the language's thousands separator."""
    if n is None:
        return "–"
    return f"{n:,}".replace(",", _GROUPING.get(language, ","))


def when(moment: datetime, tz: ZoneInfo) -> str:
    """A moment in the jurisdiction's zone: ``2026-12-03 17:31 (America/Lima, UTC-05:00)``."""
    local = moment.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} ({tz.key}, UTC{offset[:3]}:{offset[3:]})"


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


def _left(deadline: datetime, now: datetime, vocab: Vocabulary) -> str:
    seconds = max(int((deadline - now).total_seconds()), 0)
    return vocab.say("left_format", days=seconds // 86400, hours=seconds % 86400 // 3600)


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
@dataclass
class _Context:
    facts: CaseFacts
    rule: DraftRule
    vocab: Vocabulary
    tiers: TierRules
    settings: NotifySettings
    tz: ZoneInfo
    now: datetime
    deadline: datetime
    owed: bool
    not_owed_reason: str | None
    clock: str
    stages: list[tuple[Stage, datetime]]

    def n(self, value: int | None) -> str:
        return number(value, self.rule.language)

    def at(self, moment: datetime) -> str:
        return when(moment, self.tz)

    @property
    def overdue(self) -> bool:
        return self.now > self.deadline

    def tiers_present(self) -> list[tuple[str, int]]:
        return [(t, self.facts.by_tier[t]) for t in RISK_TIERS if self.facts.by_tier.get(t)]

    def measure(self, tier: str) -> str:
        # English drafts use the operator's own remediation text (tiers.toml); others, its
        # translation in the vocabulary
        if self.rule.language == "en" and tier in {t.name for t in self.tiers.tiers}:
            return self.tiers.tier(tier).remediation
        return self.vocab.tier(tier, "measure")


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
    ctx = _Context(
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
        blocks.extend(_FILL[item.key](ctx))
        sections.append(Section(item.key, item.heading, item.cite, tuple(blocks)))
    status = (
        vocab.say("t_overdue", deadline=ctx.at(deadline))
        if ctx.overdue
        else vocab.say("t_in_time", left=_left(deadline, now, vocab))
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


# -- one filler per item key (rules.BLOCKS) -------------------------------------------------------
def _notifier(c: _Context) -> list[Block]:
    v = c.vocab
    return [
        ("p", c.settings.controller or v.say("placeholder_controller")),
        ("p", v.say("sector")),
        ("p", v.say("case_ref", case=c.facts.case)),
        ("p", v.say("kind_initial")),
    ]


def _contact(c: _Context) -> list[Block]:
    return [("p", c.settings.contact or c.vocab.say("placeholder_contact"))]


def _occurred(c: _Context) -> str:
    f, v = c.facts, c.vocab
    if f.snapshot_earliest and f.snapshot_latest:
        return v.say("t_occurred_window", earliest=f.snapshot_earliest, latest=f.snapshot_latest)
    if f.snapshot_earliest:
        return v.say("t_occurred_after", earliest=f.snapshot_earliest)
    return v.say("t_occurred_unknown")


def _times(c: _Context) -> list[Block]:
    v = c.vocab
    rows = (
        (v.say("t_occurred"), _occurred(c)),
        (v.say("t_discovered"), c.at(c.facts.discovered_at)),
        (v.say("t_notified"), c.at(c.now)),
        (v.say("t_deadline", clock=c.clock), c.at(c.deadline)),
    )
    blocks: list[Block] = [("rows", rows)]
    if c.overdue:
        blocks.append(("p", v.say("t_overdue", deadline=c.at(c.deadline))))
    else:
        blocks.append(("p", v.say("t_in_time", left=_left(c.deadline, c.now, v))))
    if not c.owed:
        blocks.append(("p", v.say("t_not_triggered", reason=c.not_owed_reason or "")))
    return blocks


def _nature(c: _Context) -> list[Block]:
    f, v = c.facts, c.vocab
    out: list[Block] = [
        ("p", v.say("n_kind")),
        (
            "p",
            v.say("n_verdict", verdict=v.verdict(f.verdict), confidence=f"{f.confidence:.0%}"),
        ),
        ("p", v.say("n_source", source=f.source) if f.source else v.say("n_source_none")),
    ]
    if f.snapshot_earliest:
        out.append(("p", f"{v.say('t_occurred')}: {_occurred(c)}."))
    if f.custody_holder in ("seller", "buyer") and f.custody_buyer and f.custody_date:
        key = f"n_custody_{f.custody_holder}"
        out.append(("p", v.say(key, buyer=f.custody_buyer, date=f.custody_date)))
    if f.recycled:
        items = ", ".join(f"{name} ({share:.0%})" for name, share in f.recycled)
        out.append(("p", v.say("n_recycled", items=items)))
    if f.canaries:
        out.append(("p", v.say("n_canaries", n=c.n(f.canaries))))
    out.append(("p", v.say("n_samples", samples=c.n(f.samples), rows=c.n(f.rows))))
    if f.claimed:
        out.append(("p", v.say("n_claim", claimed=c.n(f.claimed))))
    return out


def _data(c: _Context) -> list[Block]:
    f, v = c.facts, c.vocab
    if not f.by_field:
        return [("p", v.say("d_none"))]
    order = sorted(f.by_field, key=lambda t: (-f.by_field[t], COLUMN_TYPES.index(t)))
    return [
        ("p", v.say("d_intro")),
        ("rows", tuple((v.field(t), c.n(f.by_field[t])) for t in order)),
    ]


def _subjects(c: _Context) -> list[Block]:
    f, v = c.facts, c.vocab
    out: list[Block] = [("p", v.say("s_total", n=c.n(f.customers)))]
    present = c.tiers_present()
    if present:
        out.append(("p", v.say("s_by_tier")))
        out.append(("rows", tuple((v.tier(t, "name"), c.n(n)) for t, n in present)))
    if f.lines_reassigned:
        out.append(("p", v.say("s_reassigned", n=c.n(f.lines_reassigned))))
    if f.scope == "identity":
        out.append(("p", v.say("s_scope_identity")))
    return out


def _records(c: _Context) -> list[Block]:
    f, v = c.facts, c.vocab
    rows = [(v.say("r_rows"), c.n(f.rows))]
    if f.records is not None:
        rows.append((v.say("r_exposed"), c.n(f.records)))
    if f.claimed:
        rows.append((v.say("r_claimed"), c.n(f.claimed)))
    if f.estimated:
        rows.append((v.say("r_estimated"), c.n(f.estimated)))
    return [("rows", tuple(rows))]


def _consequences(c: _Context) -> list[Block]:
    v = c.vocab
    present = c.tiers_present()
    if not present:
        return [("p", v.say("c_none"))]
    items = tuple(f"{v.tier(t, 'name')} ({c.n(n)}): {v.tier(t, 'consequence')}" for t, n in present)
    return [("p", v.say("c_intro")), ("list", items)]


def _measures(c: _Context) -> list[Block]:
    v = c.vocab
    out: list[Block] = [("p", v.say("m_taken"))]
    present = c.tiers_present()
    known = {t.name: t for t in c.tiers.tiers}
    watched = [t for t, _ in present if t in known and known[t].watch]
    if watched:
        names = ", ".join(v.tier(t, "name") for t in watched)
        out.append(("p", v.say("m_watch", tiers=names)))
    if present:
        items = []
        for t, n in present:
            months = known[t].months if t in known else 0
            during = f" ({v.say('m_months', months=months)})" if months else ""
            items.append(f"{v.tier(t, 'name')} ({c.n(n)}): {c.measure(t)}{during}")
        out.extend([("p", v.say("m_intro")), ("list", tuple(items)), ("p", v.say("m_notice"))])
    return out


def _subject_notice(c: _Context) -> list[Block]:
    v = c.vocab
    if not c.facts.customers:
        return [("p", v.say("sn_none"))]
    index = c.rule.subject_deadline_stage
    due = c.stages[index - 1][1] if index else c.deadline
    out: list[Block] = [("p", v.say("sn_count", n=c.n(c.facts.customers)))]
    present = c.tiers_present()
    if present:
        out.append(("rows", tuple((v.tier(t, "name"), c.n(n)) for t, n in present)))
    out.extend([("p", v.say("sn_means")), ("p", v.say("sn_when", deadline=c.at(due)))])
    return out


def _unknowns(c: _Context) -> list[Block]:
    f, v = c.facts, c.vocab
    items = [v.say("u_vector")]
    if f.claimed and f.claimed > f.rows:
        items.append(v.say("u_claim", rows=c.n(f.rows), claimed=c.n(f.claimed)))
    if not f.snapshot_earliest:
        items.append(v.say("u_snapshot"))
    if not f.source:
        items.append(v.say("u_source"))
    items.append(v.say("u_residence"))
    items.extend(v.say(key) for key in c.rule.unknowns_extra)
    return [("p", v.say("u_intro")), ("list", tuple(items)), ("p", c.rule.phased)]


def _delay(c: _Context) -> list[Block]:
    v = c.vocab
    return [("p", v.say("placeholder_delay") if c.overdue else v.say("delay_in_time"))]


def _cross_border(c: _Context) -> list[Block]:
    return [("p", c.vocab.say("placeholder_cross_border"))]


def _threat(c: _Context) -> list[Block]:
    v = c.vocab
    out: list[Block] = [("p", v.say("threat_malicious")), ("p", v.say("threat_root"))]
    if c.facts.canaries:
        out.append(("p", v.say("n_canaries", n=c.n(c.facts.canaries))))
    out.append(("p", v.say("threat_ioc")))
    return out


def _stages(c: _Context) -> list[Block]:
    v = c.vocab
    rows = tuple(
        (s.label, f"{v.say('stage_due', deadline=c.at(due))} — {s.cite}") for s, due in c.stages
    )
    return [("rows", rows)]


def _text(c: _Context) -> list[Block]:
    return []


_FILL = {
    "notifier": _notifier,
    "contact": _contact,
    "times": _times,
    "nature": _nature,
    "data": _data,
    "subjects": _subjects,
    "records": _records,
    "consequences": _consequences,
    "measures": _measures,
    "subject_notice": _subject_notice,
    "unknowns": _unknowns,
    "delay": _delay,
    "cross_border": _cross_border,
    "threat": _threat,
    "stages": _stages,
    "text": _text,
}
