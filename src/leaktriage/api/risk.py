"""Real-time SIM-change risk decisions over the watchlist of exposed lines.

The fraud team (or the BSS, at the moment a clerk, agent or app asks for a SIM swap, a port-out,
an eSIM download or a SIM replacement) asks: *should this change go ahead on this line?*
:meth:`RiskDecider.decide` answers from three pieces of data, none holding a plaintext number:

* :class:`Watchlist`: line token → (tier, watch until, case), from the exposure of triaged cases
  (:func:`leaktriage.exposure.export.watchlist_rows`); lines reassigned since a leak (the
  exposed customer was their former holder) are kept apart: such a line is decided as one not
  on the list, with a reason saying its current holder is not the exposed person;
* :class:`RiskRules`: (tier, request, channel) → allow | step_up | deny, a risk score and a
  reason, read from ``exposure/rules/risk.toml`` (rules as data, documented in the file);
* :class:`SimChangeEvents`: when each line's SIM last changed (a recent change raises risk).

The MSISDN is normalized to E.164 with ``phonenumbers`` (default region PE) and tokenized with
the workspace :class:`~leaktriage.tokens.Keyring`, exactly as the SQL normalizer and
:func:`~leaktriage.tokens.token_sql` tokenize the reference, so both sides meet on the token.
The number lives only for the duration of the call: it is never stored, logged or put in an
error message (logs carry the decision, tier, request and channel).
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

import phonenumbers

from leaktriage.errors import InputError, LeakTriageError
from leaktriage.tokens import Keyring
from leaktriage.vocab import RISK_TIERS

if TYPE_CHECKING:
    from leaktriage.workspace import Workspace

__all__ = [
    "CHANNELS",
    "DECISIONS",
    "REQUESTS",
    "UNLISTED",
    "Decision",
    "InvalidMsisdn",
    "RiskDecider",
    "RiskRules",
    "SimChangeEvents",
    "WatchEntry",
    "Watchlist",
    "line_token",
]

log = logging.getLogger(__name__)

Request = Literal["sim_swap", "port_out", "esim_download", "sim_replacement"]
Channel = Literal["store", "call_center", "online", "app"]
DecisionName = Literal["allow", "step_up", "deny"]

REQUESTS: Final[tuple[str, ...]] = get_args(Request)
CHANNELS: Final[tuple[str, ...]] = get_args(Channel)
#: Decisions from weakest to strongest.
DECISIONS: Final[tuple[str, ...]] = get_args(DecisionName)
#: The tier name the rules use for a line not on the watchlist.
UNLISTED: Final = "unlisted"
DEFAULT_REGION: Final = "PE"
_TIER_RANK = {t: i for i, t in enumerate(RISK_TIERS)}  # lower = worse


class InvalidMsisdn(LeakTriageError):
    """A phone number that cannot be read as a possible number. Never carries the value."""

    def __init__(self) -> None:
        super().__init__("not a valid phone number")


def line_token(msisdn: str, keyring: Keyring, region: str = DEFAULT_REGION) -> str:
    """The token of a phone number written any usual way (``+51 987 654 321``, ``987654321``).

    Raises :class:`InvalidMsisdn` (without the value) when it is not a possible number.
    """
    try:
        parsed = phonenumbers.parse(msisdn, region)
    except phonenumbers.NumberParseException:
        raise InvalidMsisdn() from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidMsisdn()
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return keyring.token(e164, "msisdn")


# -- watchlist ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WatchEntry:
    """Why a line is watched: its (worst) tier, until when, and the case that put it there."""

    tier: str
    watch_until: date
    case: str


class Watchlist:
    """Line token → :class:`WatchEntry`, in memory.

    A plain dict: a lookup is one hash probe (~100 ns); 5 million lines take about 0.6 GB
    because identical entries (same tier, date and case) share one object. A line in several
    cases keeps its worst tier (ties: the later ``watch_until``).
    """

    def __init__(self, entries: Mapping[str, WatchEntry] | None = None) -> None:
        self._entries: dict[str, WatchEntry] = dict(entries or {})
        #: lines reassigned since a case's leak: not watched, kept to say why
        self._reassigned: dict[str, WatchEntry] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Watchlist:
        """From rows shaped like :func:`~leaktriage.exposure.export.watchlist_rows`
        (``line_token``, ``tier``, ``watch_until`` as a date or ISO string, ``case``, and
        ``reassigned``: the line now belongs to someone other than the exposed customer)."""
        wl = cls()
        shared: dict[tuple[str, date, str], WatchEntry] = {}
        for row in rows:
            until = row["watch_until"]
            if isinstance(until, str):
                until = date.fromisoformat(until)
            elif isinstance(until, datetime):
                until = until.date()
            key = (str(row["tier"]), until, str(row["case"]))
            entry = shared.get(key)
            if entry is None:
                entry = shared[key] = WatchEntry(*key)
            if row.get("reassigned"):
                wl._add_reassigned(str(row["line_token"]), entry)
            else:
                wl._add(str(row["line_token"]), entry)
        return wl

    @classmethod
    def from_columns(
        cls, tokens: Iterable[str], tier: str, watch_until: date, case: str
    ) -> Watchlist:
        """Many lines of one tier and case (bulk loads and benchmarks)."""
        entry = WatchEntry(tier, watch_until, case)
        return cls(dict.fromkeys(tokens, entry))

    @classmethod
    def from_workspace(cls, ws: Workspace, rules_path: Path | None = None) -> Watchlist:
        """The watchlist of every case stored in the workspace (tokens only)."""
        from leaktriage.exposure.export import watchlist_rows
        from leaktriage.exposure.tiers import load_tier_rules

        if not ws.engine.table_exists("ws.case_exposure"):
            return cls()
        rules = load_tier_rules(rules_path)
        cases = [
            r[0]
            for r in ws.engine.fetch_rows(
                "select distinct case_name from ws.case_exposure order by 1"
            )
        ]
        rows = (row for case in cases for row in watchlist_rows(ws, case, rules))
        wl = cls.from_rows(rows)
        log.info("watchlist loaded: %d lines from %d cases", len(wl), len(cases))
        return wl

    def _add(self, token: str, entry: WatchEntry) -> None:
        old = self._entries.get(token)
        if old is None or _worse(entry, old):
            self._entries[token] = entry

    def _add_reassigned(self, token: str, entry: WatchEntry) -> None:
        old = self._reassigned.get(token)
        if old is None or entry.watch_until > old.watch_until:
            self._reassigned[token] = entry

    def reassigned(self, token: str, today: date | None = None) -> WatchEntry | None:
        """The case whose exposed customer held this line before it was reassigned, while
        that case's watch would last, unless the line is watched for its current holder."""
        entry = self._reassigned.get(token)
        if entry is None or token in self._entries:
            return None
        if entry.watch_until < (today or datetime.now(UTC).date()):
            return None
        return entry

    def get(self, token: str, today: date | None = None) -> WatchEntry | None:
        """The entry of a line still under watch on ``today`` (default: today, UTC)."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry.watch_until < (today or datetime.now(UTC).date()):
            return None
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, token: object) -> bool:
        return token in self._entries


def _worse(new: WatchEntry, old: WatchEntry) -> bool:
    rn, ro = _TIER_RANK.get(new.tier, len(_TIER_RANK)), _TIER_RANK.get(old.tier, len(_TIER_RANK))
    return rn < ro or (rn == ro and new.watch_until > old.watch_until)


# -- SIM-change events ----------------------------------------------------------------------------
class SimChangeEvents:
    """When each line's SIM last changed, by line token (in memory, thread-safe).

    Fed by the operator's provisioning events (``POST /api/v1/events/sim-change``); read by the
    risk decision and the CAMARA SIM Swap endpoints.
    """

    def __init__(self) -> None:
        self._last: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def record(self, token: str, occurred_at: datetime | None = None) -> None:
        """Record a SIM change (naive datetimes are taken as UTC)."""
        at = _aware(occurred_at or datetime.now(UTC))
        with self._lock:
            old = self._last.get(token)
            if old is None or at > old:
                self._last[token] = at

    def last_change(self, token: str) -> datetime | None:
        """The latest recorded SIM change of a line, or None."""
        return self._last.get(token)

    def __len__(self) -> int:
        return len(self._last)


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


# -- rules ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Outcome:
    """What one rule decides."""

    decision: str
    risk: float
    reason: str


@dataclass(frozen=True)
class RiskRules:
    """(tier, request, channel) → :class:`Outcome`, resolved once from the rules file, plus the
    recent-change adjustment."""

    table: dict[tuple[str, str, str], Outcome]
    recent_within: timedelta
    recent_add_risk: float
    recent_at_least: str
    recent_reason: str
    tiers: tuple[str, ...] = field(default=(*RISK_TIERS, UNLISTED))

    @classmethod
    def load(cls, path: Path | None = None) -> RiskRules:
        """Load and check a rules file (the packaged ``rules/risk.toml`` when ``path`` is None)."""
        where = str(path) if path else "risk.toml"
        try:
            if path is None:
                text = (
                    resources.files("leaktriage.exposure").joinpath("rules/risk.toml").read_text()
                )
            else:
                text = path.read_text(encoding="utf-8")
            data: dict[str, Any] = tomllib.loads(text)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                f"cannot read the risk rules ({type(exc).__name__})", path=where
            ) from None
        tiers = (*RISK_TIERS, UNLISTED)
        table: dict[tuple[str, str, str], Outcome] = {}
        for i, raw in enumerate(data.get("rule", [])):
            try:
                tier = raw["tier"]
                requests = _expand(raw["request"], REQUESTS, "request", where)
                channels = _expand(raw["channel"], CHANNELS, "channel", where)
                outcome = Outcome(raw["decision"], float(raw["risk"]), str(raw["reason"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"rule #{i + 1} is missing or bad: {exc}", path=where) from None
            if tier not in tiers:
                raise InputError(f"rule #{i + 1}: unknown tier {tier!r}", path=where)
            if outcome.decision not in DECISIONS:
                raise InputError(f"rule #{i + 1}: unknown decision", path=where)
            if not 0.0 <= outcome.risk <= 1.0:
                raise InputError(f"rule #{i + 1}: risk must be within 0..1", path=where)
            for request in requests:
                for channel in channels:
                    table.setdefault((tier, request, channel), outcome)  # first match wins
        missing = [
            k
            for k in ((t, r, c) for t in tiers for r in REQUESTS for c in CHANNELS)
            if k not in table
        ]
        if missing:
            raise InputError(
                f"{len(missing)} (tier, request, channel) combinations have no rule, e.g. "
                f"{missing[0]}: end each tier with a catch-all rule",
                path=where,
            )
        recent = data.get("recent_change", {})
        at_least = str(recent.get("at_least", "step_up"))
        if at_least not in DECISIONS:
            raise InputError("recent_change.at_least: unknown decision", path=where)
        return cls(
            table=table,
            recent_within=timedelta(hours=float(recent.get("within_hours", 72))),
            recent_add_risk=float(recent.get("add_risk", 0.3)),
            recent_at_least=at_least,
            recent_reason=str(recent.get("reason", "the SIM of this line changed recently")),
            tiers=tiers,
        )

    def outcome(self, tier: str, request: str, channel: str) -> Outcome:
        """The rule's outcome for one combination."""
        return self.table[(tier, request, channel)]


def _expand(values: list[str], allowed: tuple[str, ...], what: str, where: str) -> list[str]:
    if values == ["*"]:
        return list(allowed)
    unknown = set(values) - set(allowed)
    if unknown:
        raise InputError(f"unknown {what} {sorted(unknown)}", path=where)
    return list(values)


# -- decisions ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Decision:
    """The answer: allow | step_up | deny, a risk score 0..1 and reasons a person can read."""

    decision: str
    risk: float
    reasons: list[str]
    tier: str = UNLISTED
    case: str | None = None


class RiskDecider:
    """Decides SIM-change requests from a watchlist, rules and SIM-change events."""

    def __init__(
        self,
        watchlist: Watchlist,
        keyring: Keyring,
        rules: RiskRules | None = None,
        events: SimChangeEvents | None = None,
        region: str = DEFAULT_REGION,
    ) -> None:
        self.watchlist = watchlist
        self.keyring = keyring
        self.rules = rules or RiskRules.load()
        self.events = events if events is not None else SimChangeEvents()
        self.region = region

    def token(self, msisdn: str) -> str:
        """The line token of a number (raises :class:`InvalidMsisdn`)."""
        return line_token(msisdn, self.keyring, self.region)

    def decide(
        self, msisdn: str, request: str, channel: str, now: datetime | None = None
    ) -> Decision:
        """Decide one request. Raises :class:`InvalidMsisdn` or ``ValueError`` (bad
        request/channel names) without echoing the number."""
        if request not in REQUESTS or channel not in CHANNELS:
            raise ValueError("unknown request or channel")
        return self.decide_token(self.token(msisdn), request, channel, now)

    def decide_token(
        self, token: str, request: str, channel: str, now: datetime | None = None
    ) -> Decision:
        """Decide for an already-tokenized line."""
        now = _aware(now) if now else datetime.now(UTC)
        entry = self.watchlist.get(token, now.date())
        tier = entry.tier if entry else UNLISTED
        outcome = self.rules.outcome(tier, request, channel)
        decision, risk, reasons = outcome.decision, outcome.risk, [outcome.reason]
        moved = self.watchlist.reassigned(token, now.date()) if entry is None else None
        if moved is not None:
            # decided as a line not on the list: the leak exposed the line's former holder
            reasons.append(
                f"the line was reassigned since the leak of case '{moved.case}': its current "
                "holder is not the exposed person, so the leak does not raise its risk"
            )
        last = self.events.last_change(token)
        if last is not None and timedelta(0) <= now - last <= self.rules.recent_within:
            risk = min(1.0, risk + self.rules.recent_add_risk)
            if DECISIONS.index(decision) < DECISIONS.index(self.rules.recent_at_least):
                decision = self.rules.recent_at_least
            reasons.append(self.rules.recent_reason)
        log.info("risk decision %s tier=%s request=%s channel=%s", decision, tier, request, channel)
        return Decision(decision, round(risk, 4), reasons, tier, entry.case if entry else None)
