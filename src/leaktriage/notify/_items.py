"""The items of a notification draft, one filler per key of ``rules/drafts.toml``.

Each filler turns the case's facts into blocks (paragraphs, label/value rows, lists) in the
draft's language, from the sentences of ``rules/vocabulary.toml``: counts, dates, names of the
operator's systems and settings only. Used by :func:`leaktriage.notify.draft.build_draft`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from leaktriage.exposure.tiers import TierRules
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.rules import DraftRule, Stage, Vocabulary
from leaktriage.vocab import COLUMN_TYPES, RISK_TIERS

if TYPE_CHECKING:
    from leaktriage.notify.draft import NotifySettings

__all__ = ["FILL", "Block", "Context", "left", "number", "when"]

#: A block of a section: ``("p", text)``, ``("rows", ((label, value), ...))`` or
#: ``("list", (item, ...))``.
Block = tuple[str, Any]


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


def left(deadline: datetime, now: datetime, vocab: Vocabulary) -> str:
    seconds = max(int((deadline - now).total_seconds()), 0)
    return vocab.say("left_format", days=seconds // 86400, hours=seconds % 86400 // 3600)


@dataclass
class Context:
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


# -- one filler per item key (rules.BLOCKS) -------------------------------------------------------
def _notifier(c: Context) -> list[Block]:
    v = c.vocab
    return [
        ("p", c.settings.controller or v.say("placeholder_controller")),
        ("p", v.say("sector")),
        ("p", v.say("case_ref", case=c.facts.case)),
        ("p", v.say("kind_initial")),
    ]


def _contact(c: Context) -> list[Block]:
    return [("p", c.settings.contact or c.vocab.say("placeholder_contact"))]


def _occurred(c: Context) -> str:
    f, v = c.facts, c.vocab
    if f.snapshot_earliest and f.snapshot_latest:
        return v.say("t_occurred_window", earliest=f.snapshot_earliest, latest=f.snapshot_latest)
    if f.snapshot_earliest:
        return v.say("t_occurred_after", earliest=f.snapshot_earliest)
    return v.say("t_occurred_unknown")


def _times(c: Context) -> list[Block]:
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
        blocks.append(("p", v.say("t_in_time", left=left(c.deadline, c.now, v))))
    if not c.owed:
        blocks.append(("p", v.say("t_not_triggered", reason=c.not_owed_reason or "")))
    return blocks


def _nature(c: Context) -> list[Block]:
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


def _data(c: Context) -> list[Block]:
    f, v = c.facts, c.vocab
    if not f.by_field:
        return [("p", v.say("d_none"))]
    order = sorted(f.by_field, key=lambda t: (-f.by_field[t], COLUMN_TYPES.index(t)))
    return [
        ("p", v.say("d_intro")),
        ("rows", tuple((v.field(t), c.n(f.by_field[t])) for t in order)),
    ]


def _subjects(c: Context) -> list[Block]:
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


def _records(c: Context) -> list[Block]:
    f, v = c.facts, c.vocab
    rows = [(v.say("r_rows"), c.n(f.rows))]
    if f.records is not None:
        rows.append((v.say("r_exposed"), c.n(f.records)))
    if f.claimed:
        rows.append((v.say("r_claimed"), c.n(f.claimed)))
    if f.estimated:
        rows.append((v.say("r_estimated"), c.n(f.estimated)))
    return [("rows", tuple(rows))]


def _consequences(c: Context) -> list[Block]:
    v = c.vocab
    present = c.tiers_present()
    if not present:
        return [("p", v.say("c_none"))]
    items = tuple(f"{v.tier(t, 'name')} ({c.n(n)}): {v.tier(t, 'consequence')}" for t, n in present)
    return [("p", v.say("c_intro")), ("list", items)]


def _measures(c: Context) -> list[Block]:
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


def _subject_notice(c: Context) -> list[Block]:
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


def _unknowns(c: Context) -> list[Block]:
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


def _delay(c: Context) -> list[Block]:
    v = c.vocab
    return [("p", v.say("placeholder_delay") if c.overdue else v.say("delay_in_time"))]


def _cross_border(c: Context) -> list[Block]:
    return [("p", c.vocab.say("placeholder_cross_border"))]


def _threat(c: Context) -> list[Block]:
    v = c.vocab
    out: list[Block] = [("p", v.say("threat_malicious")), ("p", v.say("threat_root"))]
    if c.facts.canaries:
        out.append(("p", v.say("n_canaries", n=c.n(c.facts.canaries))))
    out.append(("p", v.say("threat_ioc")))
    return out


def _stages(c: Context) -> list[Block]:
    v = c.vocab
    rows = tuple(
        (s.label, f"{v.say('stage_due', deadline=c.at(due))} — {s.cite}") for s, due in c.stages
    )
    return [("rows", rows)]


def _text(c: Context) -> list[Block]:
    return []


FILL = {
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
