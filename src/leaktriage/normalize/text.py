"""Free-text personal fields: names, places, addresses, emails.

Names and places are folded for matching, not for display: upper case, accents stripped to
ASCII (``Á``→``A``, ``Ñ``→``N``, ``Ç``→``C``, ``Ü``→``U``: leaks spell ``PEÑA`` as ``PENA`` often
enough that keeping ``Ñ`` would split real matches), punctuation turned into spaces
(apostrophes removed: ``O'BRIEN``→``OBRIEN``), runs of spaces collapsed. Letters of other
scripts (Hangul) are kept as they are. Blank results are NULL.
"""

from __future__ import annotations

from leaktriage.normalize._sql import inline, let, lit

__all__ = ["email_exprs", "fold_text", "full_name_exprs", "name_exprs"]

_ACCENTED = "ÁÀÂÄÃÅĀÉÈÊËĒÍÌÎÏĪÓÒÔÖÕØŌÚÙÛÜŪÑÇÝŸ"
_PLAIN = "AAAAAAAEEEEEIIIIIOOOOOOOUUUUUNCYY"
_COMMON_ACCENTED = "ÁÉÍÓÚÑÜ"
_COMMON_PLAIN = "AEIOUNU"
assert len(_ACCENTED) == len(_PLAIN)

# Surname particles kept with the surname that follows ("DE LA CRUZ", "Y GASSET").
_PARTICLES = "(?:(?:DE(?: LA| LOS| LAS)?|DEL|Y) )?"
_SURNAME = _PARTICLES + "[^ ]+"

_EMAIL_OK = (
    "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:[.][a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    "@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z]{2,63}$"
)


def fold_text(expr: str, *, keep: str = "") -> str:
    """``expr`` folded for matching (see the module docstring); ``keep``: extra characters
    (regex class syntax) kept as they are, e.g. ``#`` in addresses."""
    # translate() costs grow with its character list: the common Spanish letters (and the
    # apostrophes, deleted as they have no counterpart) go first, the rest only when some
    # non-ASCII character remains. No lambdas here: DuckDB evaluates lambdas under CASE
    # branches poorly, and identical sub-expressions are computed once anyway.
    common = f"translate(upper({expr}), '{_COMMON_ACCENTED}''`´’', '{_COMMON_PLAIN}')"
    folded = (
        f"CASE WHEN regexp_matches({common}, '[^ -~]') "
        f"THEN translate({common}, '{_ACCENTED}', '{_PLAIN}') ELSE {common} END"
    )
    spaced = f"regexp_replace({folded}, '[^\\p{{L}}\\p{{N}}{keep}]+', ' ', 'g')"
    # Most values of a leak are already folded (upper-case ASCII words, single spaces): one
    # full-match test is ~6x cheaper than folding them again, and folding them is the identity.
    # (Not for addresses: they rarely are, and the branch then costs more than it saves.)
    if keep:
        return f"nullif(trim({spaced}), '')"
    clean = f"regexp_full_match({expr}, '[A-Z0-9]+( [A-Z0-9]+)*')"
    return f"CASE WHEN {clean} THEN {expr} ELSE nullif(trim({spaced}), '') END"


def name_exprs(col: str, *, keep: str = "") -> dict[str, str]:
    """``value`` of ``given_name``, ``surname``, ``city``, ``region``, ``address``: folded text.

    Accepts any text; addresses keep ``#`` (``keep="#"``) as street numbers use it.
    """
    return {"value": fold_text(col, keep=keep)}


def full_name_exprs(col: str) -> dict[str, str]:
    """``value`` (folded full name), ``given``, ``surname1``, ``surname2``.

    Split per value, Hispanic conventions:

    * ``APELLIDO1 APELLIDO2, NOMBRES`` when the raw text has a comma;
    * otherwise ``NOMBRES APELLIDO1 APELLIDO2``: the last two surnames (each with its particles
      ``DE``, ``DEL``, ``DE LA``, ``DE LOS``, ``DE LAS``, ``Y``) are the surnames, the rest the
      given names. Two words are given name + first surname; one word is a given name only.

    Ambiguity is unavoidable ("JUAN DE LA CRUZ" yields given ``JUAN``, surnames ``DE LA`` and
    ``CRUZ``); matching should compare the folded ``value`` as well as the parts.
    """
    # One fold per output (commas kept to find the order), bound once; the CASE below holds
    # no lambda (DuckDB evaluates lambdas under CASE branches poorly).
    folded = fold_text(col, keep=",")
    k = "_k"
    has_comma = f"contains({k}, ',')"
    before = f"nullif(trim(split_part({k}, ',', 1)), '')"
    after = (
        f"nullif(trim(regexp_replace(substr({k}, strpos({k}, ',') + 1), '[ ,]+', ' ', 'g')), '')"
    )
    three = f"'^(.+?) ({_SURNAME}) ({_SURNAME})$'"
    surnames_first = f"'^({_SURNAME})(?: (.+))?$'"
    at_least_three = f"regexp_matches({k}, '^[^ ]+ [^ ]+ ')"
    two = f"contains({k}, ' ')"

    def extract(expr: str, pattern: str, group: int) -> str:
        return f"nullif(regexp_extract({expr}, {pattern}, {group}), '')"

    bodies = {
        "value": f"CASE WHEN {has_comma} THEN nullif(trim(coalesce({after}, '') || ' ' || "
        f"coalesce({before}, '')), '') ELSE {k} END",
        "given": f"CASE WHEN {has_comma} THEN {after} "
        f"WHEN {at_least_three} THEN {extract(k, three, 1)} "
        f"WHEN {two} THEN split_part({k}, ' ', 1) ELSE {k} END",
        "surname1": f"CASE WHEN {has_comma} THEN {extract(before, surnames_first, 1)} "
        f"WHEN {at_least_three} THEN {extract(k, three, 2)} "
        f"WHEN {two} THEN split_part({k}, ' ', 2) END",
        "surname2": f"CASE WHEN {has_comma} THEN {extract(before, surnames_first, 2)} "
        f"WHEN {at_least_three} THEN {extract(k, three, 3)} END",
    }
    return {name: let(folded, k, body) for name, body in bodies.items()}


def email_exprs(col: str) -> dict[str, str]:
    """``value`` (trimmed, lower case, ``mailto:`` removed; NULL without exactly one ``@``
    between non-empty parts), ``valid`` (pragmatic RFC 5322 subset: dot-atom local part, DNS
    domain with a 2-63 letter TLD), ``domain``.

    Provider-specific aliases (Gmail dots, ``+tag``) are kept: they are different addresses.
    """
    cleaned = f"regexp_replace(lower(trim({col})), '^mailto:', '')"
    value = inline(cleaned, "_e", "CASE WHEN regexp_matches(_e, '^[^@\\s]+@[^@\\s]+$') THEN _e END")
    return {
        "value": value,
        "valid": f"CASE WHEN nullif(trim({col}), '') IS NULL THEN NULL ELSE coalesce("
        + inline(value, "_e", f"regexp_matches(_e, {lit(_EMAIL_OK)})")
        + ", false) END",
        "domain": f"split_part({value}, '@', 2)",
    }
