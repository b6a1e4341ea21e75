"""Keys: surrogate keys are never personal data; the customer key is, decided per table.

Database exports are full of integer keys (``emp_no``, ``address_id``, ``TrackId``): they
identify rows, not people, and read as postal codes, cities or customer numbers when their
header words or digits are taken at face value. A column is a **surrogate key** when

* its header names a key: a marker word (``id``, ``no``, ``nr``, ``nro``, ``num``, ``key``,
  ``fk``, ``pk``; ``id_…``, ``cod_…``, ``nro_…``, ``num_…`` in front; Korean ``…번호``) and the
  values do not confirm a personal type (``phone_no`` full of phone numbers stays a phone,
  ``address_id`` full of integers is a key); or
* its values are a sequence: integers below :data:`SEQUENCE_MAX`, nearly all non-decreasing in
  file order and dense (few gaps), i.e. row numbers.

The **customer key** is the exception, and the only column that becomes ``customer_id``
because of its name: a header naming the customer's key (``CustomerId``, ``cod_cliente``,
``nro_cuenta``, ``account_no``, ``고객번호``; not ``staff_id`` or ``support_rep_id``), or the
table's own key (``id``) when the table holds customers (``customer``, ``clientes``,
``abonados``, ``가입자``...). Codes alone (``CL00012345``) make a customer key only where the
header says nothing (headerless ``col_N``) or names the customer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ._guess import FAMILY, STRUCTURED, ColumnGuess
from ._headers import HeaderHint, header_words
from ._vote import Votes

__all__ = [
    "SEQUENCE_MAX",
    "KeyHeader",
    "header_mentions_customer",
    "is_customer_table",
    "is_placeholder",
    "is_sequence",
    "key_header",
    "names_customer_key",
    "owns_table_key",
    "settle_key",
]

#: Largest value of a row-number sequence: beyond it, sorted numbers are identifiers
#: (consecutive IMSIs, ICCIDs and MSISDNs of a provisioning batch).
SEQUENCE_MAX: Final[int] = 9_999_999
#: Fewest values that can show a sequence.
_SEQUENCE_MIN_VALUES: Final[int] = 5

_SUFFIXES: Final[frozenset[str]] = frozenset({"id", "no", "nr", "nro", "num", "key", "fk", "pk"})
_PREFIXES: Final[frozenset[str]] = frozenset({"id", "fk", "pk", "cod", "nro", "num", "numero"})
#: Words alone that are a table's own key.
_BARE_KEYS: Final[frozenset[str]] = frozenset({"id", "pk", "key", "rowid", "oid"})
#: Words that name the customer, in headers and in table names.
CUSTOMER_WORDS: Final[frozenset[str]] = frozenset(
    "customer customers cust client clients cliente clientes subscriber subscribers subs "
    "abonado abonados suscriptor suscriptores account accounts acct acc cuenta cuentas "
    "conta contas assinante assinantes".split()
)
_CUSTOMER_HANGUL: Final[tuple[str, ...]] = ("가입자", "고객")
#: Words a customer table's name may carry beside the customer word (``tbl_customers_2024``).
_TABLE_NOISE: Final[frozenset[str]] = frozenset(
    "tbl tb t dim dbo public master info data datos list lista export dump all activos active "
    "inactivos prepago postpago new old bak backup tmp temp final v base maestro registry "
    "registro profile profiles perfil detail details detalle crm bd db".split()
)
_PLACEHOLDER = re.compile(r"^(?:col|column|columna|field|campo|c|f|unnamed|_)?[\s_:.\-]*\d*$")
_INTEGER = re.compile(r"^(?:0|[1-9]\d{0,15})$")


@dataclass(frozen=True)
class KeyHeader:
    """A header that names a key: its marker and the words left (``address_id`` → address)."""

    marker: str
    rest: tuple[str, ...]


def _hangul(word: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in word)


def key_header(name: str) -> KeyHeader | None:
    """The key ``name`` names, or ``None`` when it is no key's header.

    A dotted path's last part is read (``order.id``); a bare marker there takes the words of
    the part above it (``customer.id`` → customer).
    """
    parts = [p for p in name.split(".") if p.strip()]
    if not parts:
        return None
    words = header_words(parts[-1])
    if not words:
        return None
    if len(words) == 1:
        word = words[0]
        if word in _BARE_KEYS:
            above = tuple(header_words(parts[-2])) if len(parts) > 1 else ()
            return KeyHeader(word, above)
        if _hangul(word) and word.endswith("번호") and len(word) > 2:
            return KeyHeader("번호", (word[:-2],))
        return None
    if words[-1] in _SUFFIXES:
        return KeyHeader(words[-1], tuple(words[:-1]))
    if words[0] in _PREFIXES:
        return KeyHeader(words[0], tuple(words[1:]))
    return None


def _customer_word(word: str) -> bool:
    return word in CUSTOMER_WORDS or (_hangul(word) and any(k in word for k in _CUSTOMER_HANGUL))


def header_mentions_customer(name: str) -> bool:
    """Whether any word of ``name`` names the customer (``cliente``, ``account``, ``고객``)."""
    return any(_customer_word(w) for part in name.split(".") for w in header_words(part))


def names_customer_key(name: str, hint: HeaderHint | None, key: KeyHeader | None) -> bool:
    """Whether the header itself names the customer's key (in any table).

    ``customer_id``, ``cod_cliente``, ``nro_cuenta``, ``account_no``, ``abonado_id``,
    ``customer.id``, ``고객번호``: a sure customer-id header phrase, or a key marker beside a
    customer word.
    """
    if hint is not None and hint.type == "customer_id" and not hint.weak:
        return True
    return key is not None and any(_customer_word(w) for w in key.rest)


def is_customer_table(table: str | None) -> bool:
    """Whether ``table`` (a table, sheet or member name) names a table of customers.

    ``Customer``, ``tbl_clientes_2024``, ``abonados_prepago``, ``가입자정보``; not
    ``customer_address`` or ``pedidos_cliente``, whose rows are addresses and orders.
    """
    if not table:
        return False
    last = table.rsplit(".", 1)[-1]  # schema.table
    words = [w for w in header_words(last) if w not in _TABLE_NOISE and not w.isdigit()]
    if not words:
        return False
    if all(_hangul(w) for w in words):
        return any(k in "".join(words) for k in _CUSTOMER_HANGUL)
    return all(_customer_word(w) for w in words)


def owns_table_key(key: KeyHeader | None, table: str | None) -> bool:
    """Whether ``key`` is the table's own key (``id``, ``sub_id`` in ``subscribers``)."""
    if key is None:
        return False
    if not key.rest:
        return True
    if not table:
        return False
    table_words = header_words(table.rsplit(".", 1)[-1])
    return all(
        _customer_word(w) or any(len(w) >= 3 and t.startswith(w) for t in table_words)
        for w in key.rest
    )


def is_placeholder(name: str) -> bool:
    """Whether ``name`` says nothing: ``col_3``, ``Unnamed: 2``, ``field7``, ``""``, ``12``."""
    return bool(_PLACEHOLDER.match(name.strip().lower()))


def is_sequence(values: Sequence[str]) -> bool:
    """Whether ``values`` (in file order) are row numbers: integers below
    :data:`SEQUENCE_MAX`, at least 90 % of steps non-decreasing, and dense (the span at most
    twice the distinct count). Repeated runs (a sorted foreign key) count too."""
    if len(values) < _SEQUENCE_MIN_VALUES or not all(_INTEGER.match(v) for v in values):
        return False
    numbers = [int(v) for v in values]
    if max(numbers) > SEQUENCE_MAX:
        return False
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b >= a)
    if rising < 0.9 * (len(numbers) - 1):
        return False
    distinct = len(set(numbers))
    return distinct >= 3 and max(numbers) - min(numbers) + 1 <= 2 * distinct


def _vote_score(votes: Votes, type_: str) -> float:
    vote = votes.get(type_)
    return vote.score if vote else 0.0


def _values_confirm(guess: ColumnGuess, hint: HeaderHint | None, votes: Votes) -> bool:
    """Whether the values of a key-named column bear out its guess (``phone_no`` of phones).

    Either the values are a structured type beyond doubt, or the header names the guessed
    type (not loosely) and at least half the values fit it.
    """
    score = _vote_score(votes, guess.type)
    if guess.type in STRUCTURED and score >= 0.85:
        return True
    if hint is None or hint.weak:
        return False
    same = FAMILY.get(hint.type, hint.type) == FAMILY.get(guess.type, guess.type)
    return same and score >= 0.5


def _as_other(guess: ColumnGuess, reason: str) -> None:
    guess.type, guess.confidence, guess.reason = "other", 0.5, reason
    guess.evidence["key"] = 1.0


def settle_key(
    guess: ColumnGuess,
    hint: HeaderHint | None,
    values: list[str],
    votes: Votes,
    table: str | None,
    table_key_free: bool,
) -> bool:
    """Apply the key rules above to ``guess`` (in place, with a ``reason``); return whether it
    became the table's own customer key, which a table has at most one of."""
    name = guess.name
    key = key_header(name)
    customer_table = is_customer_table(table)
    named = names_customer_key(name, hint, key)
    own_key = (
        not named
        and table_key_free
        and bool(values)
        and (customer_table or table is None)
        and owns_table_key(key, table)
        and not (table is None and is_sequence(values))
    )
    if named or own_key:
        overruled = guess.evidence.get("header") == 0.0 and guess.type in STRUCTURED
        if guess.type != "customer_id" and overruled:
            return False  # a "subscriber_id" full of MSISDNs is the MSISDN
        if named:
            reason, floor = "header names the customer key", 0.8
        elif customer_table:
            reason, floor = "the customer table's own key", 0.7
        else:
            reason = "the input's own key (no table name); its values are not row numbers"
            floor = 0.5
        if guess.type != "customer_id":
            guess.type, guess.confidence = "customer_id", floor
        guess.confidence = max(guess.confidence, floor)
        guess.reason = reason
        guess.evidence["key"] = 1.0
        return own_key
    if values and is_sequence(values):
        _as_other(guess, "surrogate key: sequential integers (row numbers)")
    elif key is not None:
        if guess.type == "other" or not _values_confirm(guess, hint, votes):
            _as_other(guess, f"surrogate key: the header names a key ({key.marker})")
    elif (
        guess.type == "customer_id"
        and not is_placeholder(name)
        and not header_mentions_customer(name)
        and not (hint is not None and hint.type == "customer_id")
    ):
        _as_other(guess, "codes under a header that names no customer key")
    return False
