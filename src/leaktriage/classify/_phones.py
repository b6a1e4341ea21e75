"""Phone or MSISDN: by the operator's numbering plan, the same way for every column of a file.

A phone column is an MSISDN when its numbers are mobile lines: the values' **plan class**
decides, not how the column is headed. Each valid number is mobile, fixed, or ``either``
(a foreign plan that does not tell, such as North America's; see ``_values._phone_votes``):

* ``mobile`` (≥ 80 % of the valid numbers are mobile) → ``msisdn``, whatever the header;
* ``fixed`` (≥ 80 % fixed lines) → ``phone``, even under ``celular``;
* ``either`` or ``mixed`` → the header decides: a mobile word (``celular``, ``movil``,
  ``mobile``, ``msisdn``, ``휴대폰``) makes ``msisdn``, any other header ``phone``.

Columns written alike (the same dominant shape, e.g. ``+9 (999) 999-9999``) whose plan shares
are close are pooled, so a customer ``Phone`` and an employee ``Phone`` cannot land on both
sides of a threshold. Since the class depends only on the values and the header's kind, the
same numbers get the same type in every table of a file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ._guess import ColumnGuess
from ._headers import HeaderHint
from ._vote import Votes

__all__ = ["PhoneColumn", "decide_phones", "plan_class", "settle_phones"]

#: Share of valid numbers one kind must reach to settle the class.
_DOMINANT: Final[float] = 0.8
#: Columns of one shape are pooled when their kind shares differ by at most this much.
_POOL_SPREAD: Final[float] = 0.25
_SHAPE = str.maketrans("0123456789", "9999999999")


@dataclass
class PhoneColumn:
    """One column that values or header put in the phone family."""

    #: the column's index in the table
    index: int
    #: whether the header names a mobile line (its hint is ``msisdn``)
    mobile_header: bool
    #: ``mobile``/``fixed``/``either`` shares of the valid numbers (sum 1), from the vote
    fractions: dict[str, float]
    #: the dominant way its values are written, digits as ``9``
    shape: str


def fractions(evidence: Mapping[str, float]) -> dict[str, float] | None:
    """The kind shares of the valid numbers, or ``None`` when no number was valid."""
    valid = evidence.get("phone_valid", 0.0)
    if valid <= 0:
        return None
    return {k: evidence.get(k, 0.0) / valid for k in ("mobile", "fixed", "either")}


def plan_class(shares: Mapping[str, float]) -> str:
    """``mobile``, ``fixed``, ``either`` or ``mixed`` from the kind shares."""
    if shares["mobile"] >= _DOMINANT:
        return "mobile"
    if shares["fixed"] >= _DOMINANT:
        return "fixed"
    if shares["either"] >= 0.5:
        return "either"
    return "mixed"


def value_shape(values: Sequence[str]) -> str:
    """The most frequent way ``values`` are written (digits as ``9``), first 200 values."""
    counts = Counter(v.translate(_SHAPE)[:24] for v in values[:200])
    return counts.most_common(1)[0][0] if counts else ""


def _type_for(cls: str, mobile_header: bool, region: str) -> tuple[str, str]:
    if cls == "mobile":
        return "msisdn", f"numbering plan ({region}): mobile numbers"
    if cls == "fixed":
        return "phone", f"numbering plan ({region}): fixed-line numbers"
    what = (
        "numbers the plans do not tell mobile from fixed"
        if cls == "either"
        else ("mobile and fixed numbers mixed")
    )
    if mobile_header:
        return "msisdn", f"numbering plan ({region}): {what}; the header names a mobile line"
    return "phone", f"numbering plan ({region}): {what}; the header names no mobile line"


def _pooled(members: list[PhoneColumn]) -> dict[str, float] | None:
    """The members' mean shares, when they are close enough to be one population."""
    for kind in ("mobile", "fixed", "either"):
        shares = [m.fractions[kind] for m in members]
        if max(shares) - min(shares) > _POOL_SPREAD:
            return None
    return {
        kind: sum(m.fractions[kind] for m in members) / len(members)
        for kind in ("mobile", "fixed", "either")
    }


def decide_phones(columns: list[PhoneColumn], region: str) -> dict[int, tuple[str, str]]:
    """``{index: (type, reason)}`` for every phone-family column, consistent within the table."""
    by_shape: dict[str, list[PhoneColumn]] = {}
    for column in columns:
        by_shape.setdefault(column.shape, []).append(column)
    decided: dict[int, tuple[str, str]] = {}
    for members in by_shape.values():
        pooled = _pooled(members) if len(members) > 1 else None
        for member in members:
            cls = plan_class(pooled or member.fractions)
            decided[member.index] = _type_for(cls, member.mobile_header, region)
    return decided


def settle_phones(
    guesses: list[ColumnGuess],
    hints: list[HeaderHint | None],
    values: list[list[str]],
    votes: list[Votes],
    fixed: set[int],
    region: str,
) -> None:
    """msisdn or phone for every phone-family column, by plan class (:mod:`._phones`)."""
    columns: list[PhoneColumn] = []
    for index, guess in enumerate(guesses):
        if index in fixed or guess.type not in ("msisdn", "phone"):
            continue
        vote = votes[index].get("msisdn") or votes[index].get("phone")
        shares = fractions(vote.evidence) if vote else None
        if shares is None:
            continue
        hint = hints[index]
        mobile_header = hint is not None and hint.type == "msisdn"
        columns.append(PhoneColumn(index, mobile_header, shares, value_shape(values[index])))
    for index, (type_, reason) in decide_phones(columns, region).items():
        guess = guesses[index]
        if guess.type != type_:
            guess.type = type_
            guess.confidence = min(guess.confidence, 0.85)
        guess.reason = reason
