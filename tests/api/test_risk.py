"""The SIM-change risk decision core: rules table, watchlist, tokens, events."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from leaktriage.api.risk import (
    CHANNELS,
    REQUESTS,
    UNLISTED,
    InvalidMsisdn,
    RiskDecider,
    RiskRules,
    SimChangeEvents,
    WatchEntry,
    Watchlist,
    line_token,
)
from leaktriage.errors import InputError
from leaktriage.tokens import Keyring
from leaktriage.vocab import RISK_TIERS

KEYRING = Keyring(b"k" * 32)
FAR = date(2099, 1, 1)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# one synthetic line per tier (Peruvian mobile numbers, 9 + 8 digits)
LINES = {tier: f"+519870000{i:02d}" for i, tier in enumerate(RISK_TIERS)}


@pytest.fixture
def decider() -> RiskDecider:
    rows = [
        {"line_token": line_token(n, KEYRING), "tier": t, "watch_until": FAR, "case": "c1"}
        for t, n in LINES.items()
    ]
    return RiskDecider(Watchlist.from_rows(rows), KEYRING)


EXPECTED = [
    ("sim_replacement", "sim_swap", "online", "deny"),
    ("sim_replacement", "sim_swap", "app", "deny"),
    ("sim_replacement", "esim_download", "online", "deny"),
    ("sim_replacement", "esim_download", "app", "deny"),
    ("sim_replacement", "sim_swap", "store", "step_up"),
    ("sim_replacement", "sim_replacement", "store", "step_up"),
    ("sim_replacement", "port_out", "online", "deny"),
    ("sim_replacement", "port_out", "call_center", "step_up"),
    ("sim_swap", "sim_swap", "store", "step_up"),
    ("sim_swap", "sim_swap", "call_center", "step_up"),
    ("sim_swap", "sim_swap", "online", "step_up"),
    ("sim_swap", "esim_download", "app", "step_up"),
    ("sim_swap", "port_out", "online", "deny"),
    ("sim_swap", "port_out", "store", "step_up"),
    ("identity_theft", "sim_swap", "online", "step_up"),
    ("identity_theft", "sim_swap", "store", "allow"),
    ("phishing", "port_out", "online", "allow"),
    ("low", "esim_download", "app", "allow"),
]


@pytest.mark.parametrize(
    ("tier", "request_kind", "channel", "want"),
    [pytest.param(*row, id="-".join(row[:3])) for row in EXPECTED],
)
def test_decisions(
    decider: RiskDecider, tier: str, request_kind: str, channel: str, want: str
) -> None:
    d = decider.decide(LINES[tier], request_kind, channel, now=NOW)
    assert (d.decision, d.tier) == (want, tier)
    assert 0 <= d.risk <= 1 and d.reasons


def test_every_combination_has_a_rule() -> None:
    rules = RiskRules.load()
    for tier in (*RISK_TIERS, UNLISTED):
        for request in REQUESTS:
            for channel in CHANNELS:
                assert rules.outcome(tier, request, channel).decision in {
                    "allow",
                    "step_up",
                    "deny",
                }


def test_riskier_tiers_score_higher(decider: RiskDecider) -> None:
    scores = [decider.decide(LINES[t], "sim_swap", "online", now=NOW).risk for t in RISK_TIERS]
    assert scores == sorted(scores, reverse=True)


def test_unknown_line_allowed_low_risk(decider: RiskDecider) -> None:
    d = decider.decide("+51 912 345 678", "port_out", "online", now=NOW)
    assert d.decision == "allow" and d.risk <= 0.1 and d.tier == UNLISTED


def test_expired_watch_is_unlisted() -> None:
    tok = line_token("987654321", KEYRING)
    wl = Watchlist.from_columns([tok], "sim_swap", date(2026, 1, 1), "old")
    d = RiskDecider(wl, KEYRING).decide("987654321", "sim_swap", "online", now=NOW)
    assert d.tier == UNLISTED and d.decision == "allow"


@pytest.mark.parametrize(
    "written",
    ["+51 987 654 321", "987654321", "+51987654321", "0051 987-654-321", "(+51) 987.654.321"],
)
def test_msisdn_formats_share_a_token(written: str) -> None:
    assert line_token(written, KEYRING) == KEYRING.token("+51987654321", "msisdn")


@pytest.mark.parametrize("bad", ["", "abc", "12", "+51 9876543219999999"])
def test_invalid_msisdn_carries_no_value(bad: str) -> None:
    with pytest.raises(InvalidMsisdn) as exc:
        line_token(bad, KEYRING)
    assert bad == "" or bad not in str(exc.value)


def test_worst_tier_wins_across_cases() -> None:
    rows = [
        {"line_token": "t", "tier": "phishing", "watch_until": "2099-01-01", "case": "a"},
        {"line_token": "t", "tier": "sim_swap", "watch_until": "2098-01-01", "case": "b"},
        {"line_token": "t", "tier": "low", "watch_until": "2100-01-01", "case": "c"},
    ]
    assert Watchlist.from_rows(rows).get("t") == WatchEntry("sim_swap", date(2098, 1, 1), "b")


def test_recent_change_raises_risk(decider: RiskDecider) -> None:
    number = LINES["phishing"]
    before = decider.decide(number, "sim_swap", "store", now=NOW)
    decider.events.record(decider.token(number), NOW - timedelta(hours=2))
    after = decider.decide(number, "sim_swap", "store", now=NOW)
    assert (before.decision, after.decision) == ("allow", "step_up")
    assert after.risk > before.risk and len(after.reasons) == 2
    later = decider.decide(number, "sim_swap", "store", now=NOW + timedelta(days=10))
    assert later.decision == "allow"


def test_events_keep_latest() -> None:
    ev = SimChangeEvents()
    ev.record("t", datetime(2026, 1, 2))
    ev.record("t", datetime(2026, 1, 1, tzinfo=UTC))
    assert ev.last_change("t") == datetime(2026, 1, 2, tzinfo=UTC)
    assert ev.last_change("other") is None


def test_rules_file_must_cover_everything(tmp_path: Path) -> None:
    path = tmp_path / "risk.toml"
    path.write_text(
        '[[rule]]\ntier = "low"\nrequest = ["*"]\nchannel = ["*"]\n'
        'decision = "allow"\nrisk = 0.1\nreason = "x"\n'
    )
    with pytest.raises(InputError, match="no rule"):
        RiskRules.load(path)
    path.write_text(
        '[[rule]]\ntier = "low"\nrequest = ["*"]\nchannel = ["*"]\n'
        'decision = "maybe"\nrisk = 0.1\nreason = "x"\n'
    )
    with pytest.raises(InputError, match="decision"):
        RiskRules.load(path)


def test_logs_never_hold_the_msisdn(decider: RiskDecider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    decider.decide("+51 987 000 001", "sim_swap", "online", now=NOW)
    decider.decide("912345678", "port_out", "app", now=NOW)
    text = caplog.text
    assert "risk decision" in text
    for planted in ("987000001", "987 000 001", "912345678"):
        assert planted not in text


def test_from_workspace_reads_case_exposure(workspace) -> None:  # type: ignore[no-untyped-def]
    # Stored through the exposure stage's own store(), so the test follows its table schema.
    from types import SimpleNamespace

    from leaktriage.exposure.customers import store

    tok = line_token("987654321", workspace.keyring)
    e = workspace.engine
    samples = {
        ("case-a", "s"): [("k1", "sim_swap", tok), ("k2", "phishing", "x")],
        ("case-b", "s"): [("k3", "sim_replacement", tok)],
    }
    for (case, sample), rows in samples.items():
        e.execute("drop table if exists exposed_customers")
        e.execute(
            """create temp table exposed_customers (
                 customer_key varchar, customer_ref varchar, source varchar, tier varchar,
                 remediation varchar, channel varchar, fields varchar[], line_tok varchar,
                 records bigint, confidence double, line_reassigned boolean)"""
        )
        for key, tier, line in rows:
            e.execute(
                "insert into exposed_customers values (?, 'C', 'crm', ?, 'r', 'sms', "
                "['msisdn'], ?, 1, 1.0, false)",
                [key, tier, line],
            )
        store(SimpleNamespace(engine=e), case, sample)  # type: ignore[arg-type]
    wl = Watchlist.from_workspace(workspace)
    assert len(wl) == 1  # phishing is not watched; the same line in two cases is one entry
    entry = wl.get(tok)
    assert entry is not None and (entry.tier, entry.case) == ("sim_replacement", "case-b")


def test_empty_workspace_gives_empty_watchlist(workspace) -> None:  # type: ignore[no-untyped-def]
    assert len(Watchlist.from_workspace(workspace)) == 0


def test_reassigned_line_is_decided_as_unlisted_and_says_why() -> None:
    """A line reassigned since a case's leak: not raised for its current holder, with a reason;
    the same line watched in another case (its current holder exposed there) stays watched."""
    moved, both = LINES["sim_swap"], LINES["sim_replacement"]
    rows = [
        {"line_token": line_token(moved, KEYRING), "tier": UNLISTED, "watch_until": FAR,
         "case": "old-copy", "reassigned": True},
        {"line_token": line_token(both, KEYRING), "tier": UNLISTED, "watch_until": FAR,
         "case": "old-copy", "reassigned": True},
        {"line_token": line_token(both, KEYRING), "tier": "sim_replacement", "watch_until": FAR,
         "case": "hss-dump"},
    ]  # fmt: skip
    wl = Watchlist.from_rows(rows)
    assert len(wl) == 1 and line_token(moved, KEYRING) not in wl
    decider = RiskDecider(wl, KEYRING)
    unlisted = decider.decide("+51987999999", "sim_swap", "online", now=NOW)
    d = decider.decide(moved, "sim_swap", "online", now=NOW)
    assert (d.decision, d.risk, d.tier) == (unlisted.decision, unlisted.risk, UNLISTED)
    assert d.case is None
    assert d.reasons[0] == unlisted.reasons[0]
    assert any("reassigned" in r and "old-copy" in r and "current holder" in r for r in d.reasons)
    watched = decider.decide(both, "sim_swap", "online", now=NOW)
    assert (watched.tier, watched.case) == ("sim_replacement", "hss-dump")
    assert not any("reassigned" in r for r in watched.reasons)
    # the note lasts as long as the case's watch would have
    later = datetime(2100, 1, 2, tzinfo=UTC)
    assert not any("reassigned" in r for r in decider.decide(moved, "sim_swap", "online",
                                                             now=later).reasons)  # fmt: skip
