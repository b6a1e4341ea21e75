"""``verdict.decide`` at every documented threshold: just below, at and just above each.

The evidence is built by hand (no engine): each case moves one figure across one threshold of
:data:`leaktriage.verdict.THRESHOLDS` and checks the label on each side, and which side the
threshold itself falls on.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from leaktriage import verdict as V
from leaktriage.verdict import THRESHOLDS, WILSON_Z, decide, upper_bound

ROWS = 1000
EPS = 1e-9


def _ev(
    *,
    genuine: float = 0.0,
    hit: float | None = None,
    comparable: float | None = None,
    disagreeing: int = 0,
    corr: float | None = None,
    prior: list[dict[str, Any]] | None = None,
    operator: dict[str, Any] | None = None,
    hit_rates: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Evidence figures of a leak of :data:`ROWS` records, as the evidence modules give them."""
    hit_share = genuine if hit is None else hit
    comparable_share = hit_share if comparable is None else comparable
    return {
        "agreement": {
            "by_source": [],
            "genuine_rows": round(genuine * ROWS),
            "linked_rows": 0,
            "hit_rows": round(hit_share * ROWS),
            "comparable_hit_rows": round(comparable_share * ROWS),
            "unverifiable_hit_rows": 0,
            "unverifiable_counted_as_genuine": False,
            "disagreeing_rows": disagreeing,
            "genuine_share": genuine,
            "hit_share": hit_share,
        },
        "hit_rates": {"by_type": hit_rates or []},
        "linkage": {"ran": False},
        "prior_leaks": prior or [],
        "consistency": {"dni_birth_year_correlation": {"leak": corr}},
        "canaries": [],
        "operator": operator,
    }


def _label(ev: dict[str, Any], domains: frozenset[str] = frozenset({"national_id"})) -> str:
    return decide(ev, rows=ROWS, domains=set(domains))[0].label


def _corpus(name: str, overlap: float, explains: float | None = None) -> dict[str, Any]:
    return {
        "corpus": name,
        "overlap": overlap,
        "rows": round(overlap * ROWS),
        "corpus_rows": 5000,
        "explains": overlap if explains is None else explains,
        "explains_rows": round((overlap if explains is None else explains) * ROWS),
    }


def _operator(agreeing: int, comparable: int, person_rows: int = 400) -> dict[str, Any]:
    return {
        "person_rows": person_rows,
        "customers": person_rows,
        "line_rows": agreeing,
        "fields": [{"type": "phone", "comparable": comparable, "agreeing": agreeing}],
    }


def test_every_threshold_is_tested() -> None:
    """A new threshold needs its boundary cases here."""
    assert set(THRESHOLDS) == {
        "genuine", "mixed", "recycled", "repaired", "realistic_corr", "recycled_part",
        "foreign_agree", "chance_ratio",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("share", "label"),
    [
        pytest.param(THRESHOLDS["genuine"] - 0.001, "mixed", id="below"),
        pytest.param(THRESHOLDS["genuine"], "genuine", id="at"),
        pytest.param(THRESHOLDS["genuine"] + 0.001, "genuine", id="above"),
    ],
)
def test_genuine(share: float, label: str) -> None:
    assert _label(_ev(genuine=share)) == label


@pytest.mark.parametrize(
    ("share", "label"),
    [
        # below the mixed share, with realistic people and no re-pairing: not ours
        pytest.param(THRESHOLDS["mixed"] - 0.001, "unrelated", id="below"),
        pytest.param(THRESHOLDS["mixed"], "mixed", id="at"),
        pytest.param(THRESHOLDS["mixed"] + 0.001, "mixed", id="above"),
    ],
)
def test_mixed(share: float, label: str) -> None:
    assert _label(_ev(genuine=share, corr=0.9)) == label


@pytest.mark.parametrize(
    ("overlap", "label"),
    [
        pytest.param(THRESHOLDS["recycled"] - 0.001, "genuine", id="below"),
        pytest.param(THRESHOLDS["recycled"], "recycled", id="at"),
        pytest.param(THRESHOLDS["recycled"] + 0.001, "recycled", id="above"),
    ],
)
def test_recycled_one_corpus(overlap: float, label: str) -> None:
    assert _label(_ev(genuine=0.95, prior=[_corpus("forum", overlap)])) == label


@pytest.mark.parametrize(
    ("second", "label"),
    [
        pytest.param(0.199, "mixed", id="below"),
        pytest.param(0.2, "recycled", id="at"),
        pytest.param(0.201, "recycled", id="above"),
    ],
)
def test_recycled_several_corpora(second: float, label: str) -> None:
    """Two corpora that together hold the ``recycled`` share, neither alone: a combolist."""
    first = 0.4
    assert first + 0.2 >= THRESHOLDS["recycled"]  # the "at" case is at the threshold
    prior = [_corpus("forum", first), _corpus("shop", second + 0.05, second)]
    verdict, _ = decide(_ev(genuine=0.7, prior=prior), rows=ROWS, domains={"email"})
    assert verdict.label == label
    if label == "recycled":
        assert "'forum'" in verdict.reasons[0] and "'shop'" in verdict.reasons[0]


@pytest.mark.parametrize(
    ("part", "label"),
    [
        # a corpus adding less than recycled_part is not a part the leak was merged from
        pytest.param(THRESHOLDS["recycled_part"] - 0.001, "genuine", id="below"),
        pytest.param(THRESHOLDS["recycled_part"], "recycled", id="at"),
        pytest.param(THRESHOLDS["recycled_part"] + 0.001, "recycled", id="above"),
    ],
)
def test_recycled_part(part: float, label: str) -> None:
    first = THRESHOLDS["recycled"] - THRESHOLDS["recycled_part"]
    prior = [_corpus("forum", first), _corpus("shop", part, part)]
    assert _label(_ev(genuine=0.95, prior=prior)) == label


@pytest.mark.parametrize(
    ("disagreeing", "label"),
    [
        pytest.param(round(THRESHOLDS["repaired"] * ROWS) - 1, "unrelated", id="below"),
        pytest.param(round(THRESHOLDS["repaired"] * ROWS), "fabricated", id="at"),
        pytest.param(round(THRESHOLDS["repaired"] * ROWS) + 1, "fabricated", id="above"),
    ],
)
def test_repaired(disagreeing: int, label: str) -> None:
    ev = _ev(genuine=0.01, hit=0.2, disagreeing=disagreeing, corr=0.9)
    assert _label(ev) == label


@pytest.mark.parametrize(
    ("corr", "label"),
    [
        pytest.param(THRESHOLDS["realistic_corr"] - 0.001, "fabricated", id="below"),
        pytest.param(THRESHOLDS["realistic_corr"], "unrelated", id="at"),
        pytest.param(THRESHOLDS["realistic_corr"] + 0.001, "unrelated", id="above"),
    ],
)
def test_realistic_corr(corr: float, label: str) -> None:
    assert _label(_ev(genuine=0.0, corr=corr)) == label


@pytest.mark.parametrize(
    ("ratio", "label"),
    [
        pytest.param(THRESHOLDS["chance_ratio"] - 0.001, "inconclusive", id="below"),
        # strictly above: at the ratio, hits are still what chance could give
        pytest.param(THRESHOLDS["chance_ratio"], "inconclusive", id="at"),
        pytest.param(THRESHOLDS["chance_ratio"] + 0.001, "genuine", id="above"),
    ],
)
def test_chance_ratio(ratio: float, label: str) -> None:
    """A list of one identifier: hits count when they are far above chance."""
    rates = [
        {"type": "phone", "present": ROWS, "hits": 900, "rate": 0.9, "chance_rate": 0.09,
         "expected_by_chance": 900 / ratio, "ratio_to_chance": ratio, "z": 50.0}
    ]  # fmt: skip
    ev = _ev(genuine=0.0, hit=0.9, comparable=0.0, hit_rates=rates)
    assert _label(ev, frozenset({"phone"})) == label


# -- another holder's data: the operator-specific fields fail beyond chance ------------------------


def test_upper_bound_closed_form() -> None:
    """With none agreeing the Wilson bound is z²/(n+z²); with all agreeing it is 1."""
    for n in (1, 5, 20, 150, 10_000):
        assert upper_bound(0, n) == pytest.approx(WILSON_Z**2 / (n + WILSON_Z**2))
        assert upper_bound(n, n) == pytest.approx(1.0)
    assert upper_bound(0, 0) == 1.0
    assert upper_bound(5, 100) > max(0.05, upper_bound(0, 100))
    # the textbook 95 % Wilson interval of 50 of 100 is [0.4038, 0.5962]
    assert upper_bound(50, 100, z=1.96) == pytest.approx(0.5962, abs=1e-4)


@pytest.mark.parametrize(
    ("agreeing", "comparable", "label"),
    [
        # the documented figure: 0 of 20 is just under the bound, 0 of 19 just over
        pytest.param(0, 20, "unrelated", id="below"),
        pytest.param(0, 19, "genuine", id="above"),
        pytest.param(0, 400, "unrelated", id="none-of-many"),
        pytest.param(40, 400, "unrelated", id="ported-few"),
        pytest.param(80, 400, "genuine", id="a-fifth-agree"),
        pytest.param(340, 400, "genuine", id="stale-numbers"),
    ],
)
def test_foreign_agree(agreeing: int, comparable: int, label: str) -> None:
    assert (upper_bound(agreeing, comparable) < THRESHOLDS["foreign_agree"]) == (
        label == "unrelated"
    )
    verdict, genuine = decide(
        _ev(genuine=0.9, operator=_operator(agreeing, comparable)), rows=ROWS, domains={"phone"}
    )
    assert verdict.label == label
    assert verdict.other_holder == (label == "unrelated")
    if label == "unrelated":
        assert genuine == agreeing / ROWS
        assert "400 of our customers appear in it" in verdict.reasons[0]


def test_foreign_agree_at(monkeypatch: pytest.MonkeyPatch) -> None:
    """At the threshold the fields do not fail "beyond chance": the bound must be under it."""
    bound = upper_bound(3, 200)
    monkeypatch.setitem(V.THRESHOLDS, "foreign_agree", bound)
    ev = _ev(genuine=0.9, operator=_operator(3, 200))
    assert decide(ev, rows=ROWS, domains={"phone"})[0].label == "genuine"
    monkeypatch.setitem(V.THRESHOLDS, "foreign_agree", math.nextafter(bound, 1.0))
    assert decide(ev, rows=ROWS, domains={"phone"})[0].label == "unrelated"
    monkeypatch.setitem(V.THRESHOLDS, "foreign_agree", math.nextafter(bound, 0.0))
    assert decide(ev, rows=ROWS, domains={"phone"})[0].label == "genuine"


def test_foreign_needs_every_field_to_fail() -> None:
    """Phones that are not ours but customer codes that are: our copy with contact numbers."""
    op = _operator(0, 400)
    op["fields"].append({"type": "customer_id", "comparable": 400, "agreeing": 398})
    assert _label(_ev(genuine=0.9, operator=op)) == "genuine"


def test_foreign_only_where_the_genuine_part_counts() -> None:
    """Below the mixed share the person matches are too few to be a list of people we share."""
    ev = _ev(genuine=THRESHOLDS["mixed"] - 0.001, corr=0.9, operator=_operator(0, 99, 99))
    assert _label(ev) == "unrelated"
    assert not decide(ev, rows=ROWS, domains={"phone"})[0].other_holder


def test_recycled_before_foreign() -> None:
    """Another holder's list already known as a prior leak is a re-publication first."""
    ev = _ev(genuine=0.4, prior=[_corpus("forum", 0.9)], operator=_operator(0, 400))
    assert _label(ev) == "recycled"


def test_older_evidence_without_explains() -> None:
    """Prior-leak entries without ``explains`` (stored cases) decide as before."""
    prior = [{"corpus": "forum", "overlap": 0.7}, {"corpus": "shop", "overlap": 0.5}]
    verdict, _ = decide(_ev(genuine=0.95, prior=prior), rows=ROWS, domains={"email"})
    assert verdict.label == "recycled"
    assert "'forum'" in verdict.reasons[0] and "'shop'" not in verdict.reasons[0]
