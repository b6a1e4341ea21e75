"""Classify: the semantic type of each column of a sample, with a confidence.

Two kinds of evidence are combined per column:

* **header words** (:mod:`._headers`), in Spanish, English, Portuguese and Korean; and
* **values** (:mod:`._values`): pattern shares, checksum pass rates (``python-stdnum``),
  phone-plan validity (``phonenumbers``), date plausibility and small word lists.

When both agree the confidence is high; a header alone gives a middling confidence; values
alone (headerless files, ``col_1``..``col_n``) give at most 0.9. Values strongly matching a
structured type (emails, checksummed IDs, IMSIs, dates...) overrule a header that says
otherwise (a ``telefono`` column full of emails is ``email``). Overrides (``--map``) win with
confidence 1.0. Only a sample is read: the caller passes at most a few thousand rows.

Two decisions look past single columns. **Keys** (:mod:`._keys`): surrogate keys
(``address_id``, ``emp_no``, row numbers) are ``other``, and ``customer_id`` is kept for the
customer key, decided per table (the header names it, or it is the own key of a customer
table). **Phones** (:mod:`._phones`): ``msisdn`` or ``phone`` by the numbering plan of the
values, the same for every column written alike. Both leave a ``reason`` in the guess.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from ..vocab import COLUMN_TYPES, ID_SCHEMES
from ._guess import FAMILY as _FAMILY
from ._guess import STRUCTURED as _STRUCTURED
from ._guess import ColumnGuess
from ._headers import HeaderHint, date_role, header_hint
from ._keys import settle_key
from ._phones import settle_phones
from ._values import NULL_TOKENS, value_votes
from ._vote import ValueVote, Votes

__all__ = ["ColumnGuess", "classify_columns", "parse_overrides"]

logger = logging.getLogger(__name__)

#: Name headers too vague to choose between given name, surname and full name.
_VAGUE_NAME_HEADERS: Final[frozenset[str]] = frozenset(
    {"name", "nombre", "nome", "이름", "cliente", "client", "holder", "titular", "nombres"}
)
_CE: Final = re.compile(r"^[A-Za-z]?\d{8,12}$")
_DATE_ROLES: Final[frozenset[str]] = frozenset(
    {"birth", "activation", "churn", "provisioning", "snapshot", "billing"}
)


def parse_overrides(items: list[str]) -> dict[str, str]:
    """Parse ``--map COLUMN=TYPE[:SCHEME]`` items into ``{column: "type" or "type:scheme"}``.

    Raises :class:`ValueError` naming the bad item for a missing ``=``, an empty column, an
    unknown type, an unknown scheme, or a scheme on a type other than ``national_id``.
    """
    parsed: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise ValueError(f"--map {item!r}: expected COLUMN=TYPE[:SCHEME]")
        _check_target(item, target)
        parsed[column] = target
    return parsed


def _check_target(item: str, target: str) -> None:
    type_, _, scheme = target.partition(":")
    if type_ not in COLUMN_TYPES:
        raise ValueError(
            f"--map {item!r}: unknown type {type_!r}; known types: {', '.join(COLUMN_TYPES)}"
        )
    if scheme and type_ != "national_id":
        raise ValueError(f"--map {item!r}: only national_id takes a scheme")
    if scheme and scheme not in ID_SCHEMES:
        raise ValueError(
            f"--map {item!r}: unknown scheme {scheme!r}; known schemes: {', '.join(ID_SCHEMES)}"
        )


def _column_values(column: pa.ChunkedArray | pa.Array) -> tuple[list[str], int]:
    """Non-null, stripped, non-placeholder values of a column and their distinct count."""
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    values = [v.strip() for v in column.to_pylist() if v is not None]
    values = [v for v in values if v.lower() not in NULL_TOKENS]
    return values, len(set(values))


def _confidence(header: float, value: float) -> float:
    if value >= 0.5:
        return min(0.99, 1 - (1 - header) * (1 - value))
    return header * (0.6 + 0.4 * value)


def _score(votes: dict[str, ValueVote], type_: str) -> float:
    vote = votes.get(type_)
    return vote.score if vote else 0.0


def _within_family(hint: HeaderHint, header: str, votes: dict[str, ValueVote]) -> str:
    """Refine a header's type inside its family using the values."""
    family = _FAMILY.get(hint.type)
    if family == "phone":
        mobile, phone = _score(votes, "msisdn"), _score(votes, "phone")
        if hint.type == "msisdn":
            return "phone" if mobile < 0.3 and phone >= 0.6 else "msisdn"
        return "msisdn" if mobile >= 0.6 and mobile >= phone else "phone"
    if family == "date":
        if hint.type == "birth_date" or (hint.role and hint.role != "birth"):
            return hint.type
        birth, other = _score(votes, "birth_date"), _score(votes, "date")
        return "birth_date" if birth > other and birth >= 0.5 else "date"
    if family == "secret":
        if _score(votes, hint.type) < 0.1 and _score(votes, "password_hash") >= 0.6:
            return "password_hash"
        return hint.type
    if family in ("name", "category"):
        members = [t for t, f in _FAMILY.items() if f == family]
        best = max(members, key=lambda t: _score(votes, t))
        vague = header.lower() in _VAGUE_NAME_HEADERS or hint.weak
        own = _score(votes, hint.type)
        if _score(votes, best) >= 0.6 and (vague or own < 0.2) and best != hint.type:
            return best if _score(votes, best) > own + 0.15 else hint.type
    return hint.type


def _decide(
    name: str,
    hint: HeaderHint | None,
    values: list[str],
    distinct: int,
    region: str,
    today: dt.date,
) -> tuple[ColumnGuess, bool, Votes]:
    """One column's guess, whether its type rests on 32-hex values alone (Ki vs OPc), and the
    value votes it weighed."""
    if not values:
        if hint is None:
            return ColumnGuess(name, "other", 0.1, evidence={"values": 0.0}), False, {}
        guess = ColumnGuess(name, hint.type, 0.5 * hint.score, hint.scheme, hint.role)
        guess.evidence = {"header": hint.score, "values": 0.0}
        return guess, False, {}

    numeric_dates = hint is not None and _FAMILY.get(hint.type) == "date"
    votes = value_votes(
        values, distinct=distinct, region=region, numeric_dates=numeric_dates, today=today
    )
    ranked = sorted(votes.values(), key=lambda v: v.score, reverse=True)
    top = ranked[0] if ranked else None
    hexish = top is not None and top.type in ("ki", "opc") and "pattern" in top.evidence

    if hint is None:
        if top is None or top.score < 0.45:
            evidence = {"value": top.score} if top else {}
            return ColumnGuess(name, "other", 0.3, evidence=evidence), False, votes
        guess = ColumnGuess(name, top.type, min(0.9, top.score), top.scheme)
        guess.evidence = {"value": top.score, **top.evidence}
        if top.type == "birth_date":
            guess.role = "birth"
        return guess, hexish, votes

    own = _score(votes, hint.type)
    if _FAMILY.get(hint.type) == "phone":
        own = max(own, _score(votes, "msisdn"), _score(votes, "phone"))
    if _FAMILY.get(hint.type) == "date":
        own = max(own, _score(votes, "date"), _score(votes, "birth_date"))
    same_family = top is not None and _FAMILY.get(top.type, top.type) == _FAMILY.get(
        hint.type, hint.type
    )
    overrule = (
        top is not None
        and not same_family
        and (
            (top.score >= 0.8 and top.type in _STRUCTURED and own < 0.3)
            or (top.score >= 0.65 and top.type in _STRUCTURED and own < 0.1)
            or (hint.weak and top.score >= 0.6 and top.score - own >= 0.25)
            or (hint.type in _STRUCTURED and own < 0.1 and top.score >= 0.5)
        )
    )
    if overrule and top is not None:
        guess = ColumnGuess(name, top.type, 0.85 * top.score, top.scheme)
        guess.evidence = {"header": 0.0, "value": top.score, **top.evidence}
        if top.type == "birth_date":
            guess.role = "birth"
        elif top.type == "date":
            guess.role = date_role(name)
        return guess, hexish, votes

    chosen = _within_family(hint, name.rsplit(".", 1)[-1], votes)
    if chosen == "national_id" and hint.scheme == "pe.ce" and _score(votes, chosen) < 0.5:
        # the carnet de extranjería has no check digit: its shape is all the values can say
        share = sum(1 for v in values if _CE.match(v)) / len(values)
        if share:
            votes["national_id"] = ValueVote(
                "national_id", 0.8 * share, "pe.ce", {"pattern": share}
            )
    vote = votes.get(chosen)
    value = vote.score if vote else 0.0
    if chosen in _STRUCTURED and value < 0.1:
        confidence = 0.4 * hint.score  # the values do not look like what the header says
    else:
        confidence = _confidence(hint.score, value)
    if chosen == "other":
        confidence = min(confidence, 0.5)  # a header can say what a column is not, no more
    guess = ColumnGuess(name, chosen, confidence)
    guess.evidence = {"header": hint.score, "value": value, **(vote.evidence if vote else {})}
    if chosen == "national_id":
        if vote is not None and vote.scheme and vote.evidence.get("pattern", 0) >= 0.5:
            guess.scheme = vote.scheme
        else:
            guess.scheme = hint.scheme
    if chosen == "birth_date":
        guess.role = "birth"
    elif chosen == "date":
        guess.role = hint.role if hint.role in _DATE_ROLES else date_role(name)
    return guess, False, votes


def _resolve_hex(guesses: list[ColumnGuess], hexish: list[bool]) -> None:
    """Name 32-hex columns that only values vouch for: first Ki, then OPc.

    A lone 32-hex column beside an email and no SIM identifier is a password hash (MD5).
    """
    taken = {g.type for g, h in zip(guesses, hexish, strict=True) if not h}
    pending = [g for g, h in zip(guesses, hexish, strict=True) if h]
    if not pending:
        return
    sim_context = taken & {"imsi", "iccid", "ki", "opc"}
    if len(pending) == 1 and "email" in taken and not sim_context:
        pending[0].type, pending[0].confidence = "password_hash", 0.5
        return
    for guess in pending:
        free = [t for t in ("ki", "opc") if t not in taken]
        guess.type = free[0] if free else "password_hash"
        guess.confidence = min(guess.confidence, 0.75 if sim_context else 0.6)
        taken.add(guess.type)


def _apply_override(name: str, target: str, values: list[str], region: str) -> ColumnGuess:
    type_, _, scheme = target.partition(":")
    guess = ColumnGuess(name, type_, 1.0, evidence={"override": 1.0})
    if type_ == "national_id":
        if not scheme and values:
            vote = value_votes(values, distinct=len(set(values)), region=region).get(type_)
            scheme = vote.scheme if vote and vote.scheme else ""
        guess.scheme = scheme or None
    elif type_ == "birth_date":
        guess.role = "birth"
    elif type_ == "date":
        guess.role = date_role(name)
    return guess


def classify_columns(
    sample: pa.Table,
    *,
    overrides: Mapping[str, str] | None = None,
    region: str = "PE",
    today: dt.date | None = None,
    table: str | None = None,
) -> list[ColumnGuess]:
    """Guess the type of every column of ``sample``, in column order.

    ``sample`` holds string columns (a few thousand rows at most) named by the file's headers,
    ``col_1``..``col_n`` when it had none, or dotted paths for flattened JSON. ``overrides``
    maps column names to ``TYPE`` or ``national_id:SCHEME`` (see :func:`parse_overrides`);
    names not in the sample are logged and ignored; an unknown type or scheme raises
    :class:`ValueError`. ``region`` (ISO country code) breaks ties
    between national ID schemes and phone plans; it is the operator's numbering plan that
    tells ``msisdn`` from ``phone``. ``today`` anchors age plausibility of dates. ``table``
    names the table, sheet or member the sample comes from, when the input has names: the
    own key of a customer table (``customer``, ``clientes``, ``가입자``) is ``customer_id``,
    of any other table a surrogate key (``other``).
    """
    overrides = dict(overrides or {})
    for column, target in overrides.items():
        _check_target(f"{column}={target}", target)
    region = region.upper()
    today = today or dt.date.today()
    unknown = set(overrides) - set(sample.column_names)
    if unknown:
        logger.warning("--map names %d column(s) not in the sample: ignored", len(unknown))
    guesses: list[ColumnGuess] = []
    hexish: list[bool] = []
    hints: list[HeaderHint | None] = []
    column_values: list[list[str]] = []
    column_votes: list[Votes] = []
    fixed: set[int] = set()  # overrides and customer keys: no phone pass
    table_key_free = True
    for index, name in enumerate(sample.column_names):
        values, distinct = _column_values(sample.column(index))
        hint = header_hint(name)
        hints.append(hint)
        column_values.append(values)
        if name in overrides:
            guesses.append(_apply_override(name, overrides[name], values, region))
            hexish.append(False)
            column_votes.append({})
            fixed.add(index)
            continue
        guess, from_hex, votes = _decide(name, hint, values, distinct, region, today)
        if settle_key(guess, hint, values, votes, table, table_key_free):
            table_key_free = False
        if guess.type == "customer_id" or guess.type == "other":
            from_hex = False
            if guess.reason:
                fixed.add(index)
        guesses.append(guess)
        hexish.append(from_hex)
        column_votes.append(votes)
    settle_phones(guesses, hints, column_values, column_votes, fixed, region)
    _resolve_hex(guesses, hexish)
    for guess in guesses:
        guess.confidence = round(max(0.0, min(1.0, guess.confidence)), 3)
        if guess.type != "national_id":
            guess.scheme = None
        if guess.type not in ("date", "birth_date"):
            guess.role = None
    return guesses
