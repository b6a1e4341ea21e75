"""The splink model of person linkage, as plain data (a splink settings dictionary).

Built from which fields both sides carry, so that a comparison on a column one side lacks never
enters the model. No splink import here: splink reads the dictionary (``Linker(..., settings)``).

Input columns, prepared by :mod:`leaktriage.match.linkage` on both sides:

``_row`` · ``given`` (all given names) · ``given1`` (the first) · ``sur1`` · ``sur2`` ·
``surnames`` (``sur1 sur2``) · ``dob`` (DATE) · ``address`` · ``tok_<domain>`` · ``x_<extra>``.
Names and addresses are folded (upper case, no accents) before they get here.

Each comparison level carries a starting ``m_probability``: EM starts from it and, when EM
cannot run (tiny inputs, no blocked pairs) or does not converge, the model still has a sensible
prior instead of splink's untrained defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LinkFields",
    "blocking_rules",
    "deterministic_rules",
    "settings",
    "training_rules",
]

#: EM stops when no parameter moves by more than this.
EM_CONVERGENCE = 0.001
#: EM gives up (keeping its last estimates) after this many iterations.
EM_MAX_ITERATIONS = 25


@dataclass(frozen=True)
class LinkFields:
    """Which prepared columns the model compares: those both sides carry."""

    names: bool
    """Both sides have at least one name column (given names, surnames or a full name)."""

    dob: bool
    """Both sides have a birth date."""

    address: bool
    """Both sides have an address."""

    tokens: tuple[str, ...] = ()
    """Identifier token columns both sides have (``tok_phone``...): exact-match comparisons."""

    extras: tuple[str, ...] = field(default_factory=tuple)
    """Extra raw columns (``x_postcode``...) compared by edit distance (exact, ≤1, ≤2)."""


def _level(sql: str, label: str, m: float | None = None, **extra: Any) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if m is not None:
        level["m_probability"] = m
    level.update(extra)
    return level


def _null(*cols: str) -> dict[str, Any]:
    sql = " or ".join(f'"{c}_l" is null or "{c}_r" is null' for c in cols)
    return _level(sql, "null", is_null_level=True)


def _jw(col: str, threshold: float) -> str:
    return f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {threshold}'


def _given() -> dict[str, Any]:
    # "JUAN CARLOS" leaks as "JUAN": the first given name alone is a strong level of its own.
    return {
        "output_column_name": "given",
        "comparison_description": "given names",
        "comparison_levels": [
            _null("given"),
            _level('"given_l" = "given_r"', "exact", 0.75, tf_adjustment_column="given"),
            _level(
                '"given1_l" = "given1_r"', "first given name", 0.10, tf_adjustment_column="given1"
            ),
            _level(
                "list_has_any(string_split(\"given_l\", ' '), string_split(\"given_r\", ' '))",
                "a given name in common",
                0.03,
            ),
            _level(_jw("given1", 0.90), "first given jw >= 0.90", 0.05),
            _level(_jw("given1", 0.80), "first given jw >= 0.80", 0.03),
            _level(_jw("given1", 0.65), "first given jw >= 0.65", 0.02),
            _level("ELSE", "else", 0.02),
        ],
    }


def _jw_sum(a: tuple[str, str], b: tuple[str, str]) -> str:
    return (
        f'jaro_winkler_similarity("{a[0]}_l", "{b[0]}_r") '
        f'+ jaro_winkler_similarity("{a[1]}_l", "{b[1]}_r")'
    )


#: Similarity of the surnames in their best order (0..1): mean Jaro-Winkler of the two pairs
#: when both sides have two surnames, else the best single pair.
SURNAME_SIM = (
    'case when "sur2_l" is null or "sur2_r" is null then greatest('
    'jaro_winkler_similarity("sur1_l", "sur1_r"), '
    'coalesce(jaro_winkler_similarity("sur1_l", "sur2_r"), 0), '
    'coalesce(jaro_winkler_similarity("sur2_l", "sur1_r"), 0)) '
    f"else greatest({_jw_sum(('sur1', 'sur2'), ('sur1', 'sur2'))}, "
    f"{_jw_sum(('sur1', 'sur2'), ('sur2', 'sur1'))}) / 2 end"
)


def _surnames() -> dict[str, Any]:
    # Paterno/materno order flips between systems; one surname may be missing; typos are
    # common, so similarity is graded over the best order rather than per surname.
    return {
        "output_column_name": "surnames",
        "comparison_description": "surnames (paterno, materno)",
        "comparison_levels": [
            _null("sur1"),
            _level(
                '"surnames_l" = "surnames_r"',
                "both exact",
                0.60,
                tf_adjustment_column="surnames",
            ),
            _level('"sur1_l" = "sur2_r" and "sur2_l" = "sur1_r"', "swapped", 0.08),
            _level(f"({SURNAME_SIM}) >= 0.95", "similarity >= 0.95", 0.12),
            _level(f"({SURNAME_SIM}) >= 0.90", "similarity >= 0.90", 0.08),
            _level(f"({SURNAME_SIM}) >= 0.83", "similarity >= 0.83", 0.06),
            _level(
                '"sur1_l" = "sur1_r" or "sur1_l" = "sur2_r" or "sur2_l" = "sur1_r" '
                'or "sur2_l" = "sur2_r"',
                "one surname in common",
                0.03,
            ),
            _level(f"({SURNAME_SIM}) >= 0.70", "similarity >= 0.70", 0.02),
            _level("ELSE", "else", 0.01),
        ],
    }


def _dob() -> dict[str, Any]:
    return {
        "output_column_name": "dob",
        "comparison_description": "birth date",
        "comparison_levels": [
            _null("dob"),
            _level('"dob_l" = "dob_r"', "exact", 0.85),
            _level(
                "levenshtein(strftime(\"dob_l\", '%Y%m%d'), strftime(\"dob_r\", '%Y%m%d')) <= 1",
                "one digit off",
                0.08,
            ),
            _level(
                'month("dob_l") = day("dob_r") and day("dob_l") = month("dob_r") '
                'and year("dob_l") = year("dob_r")',
                "day and month swapped",
                0.02,
            ),
            _level('abs(datediff(\'day\', "dob_l", "dob_r")) <= 366', "within a year", 0.03),
            _level("ELSE", "else", 0.02),
        ],
    }


def _address() -> dict[str, Any]:
    return {
        "output_column_name": "address",
        "comparison_description": "address",
        "comparison_levels": [
            _null("address"),
            _level('"address_l" = "address_r"', "exact", 0.55),
            _level('levenshtein("address_l", "address_r") <= 2', "levenshtein <= 2", 0.15),
            _level(_jw("address", 0.90), "jw >= 0.90", 0.10),
            _level(_jw("address", 0.75), "jw >= 0.75", 0.08),
            _level("ELSE", "else", 0.12),
        ],
    }


def _exact(col: str) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_description": f"{col} equal",
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact", 0.90),
            _level("ELSE", "else", 0.10),
        ],
    }


def _edit(col: str) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_description": f"{col} by edit distance",
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact", 0.85),
            _level(f'levenshtein("{col}_l", "{col}_r") <= 1', "levenshtein <= 1", 0.08),
            _level(f'levenshtein("{col}_l", "{col}_r") <= 2', "levenshtein <= 2", 0.03),
            _level("ELSE", "else", 0.04),
        ],
    }


def _initial(col: str) -> str:
    return f"substr(l.{col}, 1, 1) = substr(r.{col}, 1, 1)"


def blocking_rules(fields: LinkFields) -> list[str]:
    """Rules that admit candidate pairs.

    Each is an equi-join on a birth date or a name, narrowed by initials so that skewed
    surnames (QUISPE, FLORES...) do not flood the scoring; together they survive a typo in any
    one name past its first letter, a truncated given name, swapped surnames, a missing
    second surname and a missing birth date.
    """
    rules: list[str] = []
    if fields.names:
        if fields.dob:
            rules += [
                f"l.dob = r.dob and {_initial('given')}",
                f"l.dob = r.dob and {_initial('sur1')}",
            ]
        rules += [
            f"l.sur1 = r.sur1 and l.sur2 = r.sur2 and {_initial('given')}",
            f"l.sur1 = r.sur2 and l.sur2 = r.sur1 and {_initial('given')}",
            # a typo in the second surname, or a side with one surname only
            f"l.sur1 = r.sur1 and l.given1 = r.given1 "
            f"and (l.sur2 is null or r.sur2 is null or {_initial('sur2')})",
            f"l.sur2 = r.sur2 and l.given1 = r.given1 and {_initial('sur1')}",
            # swapped, and a typo in one of them
            "l.sur1 = r.sur2 and l.given1 = r.given1 "
            "and substr(l.sur2, 1, 1) = substr(r.sur1, 1, 1)",
            "l.sur2 = r.sur1 and l.given1 = r.given1 "
            "and substr(l.sur1, 1, 1) = substr(r.sur2, 1, 1)",
        ]
        if fields.address:
            rules.append(f"l.address = r.address and {_initial('given')}")
    rules += [f"l.{col} = r.{col}" for col in (*fields.tokens, *fields.extras)]
    return rules


def deterministic_rules(fields: LinkFields) -> list[str]:
    """Rules that admit almost only true matches: to estimate the prior match probability."""
    rules = [f"l.{col} = r.{col}" for col in fields.tokens]
    if fields.names and fields.dob:
        rules.append("l.dob = r.dob and l.given1 = r.given1 and l.sur1 = r.sur1")
    elif fields.names:
        rules.append("l.given = r.given and l.sur1 = r.sur1 and l.sur2 = r.sur2")
    return rules


def training_rules(fields: LinkFields) -> list[str]:
    """Blocking rules for EM: each leaves out the comparisons it blocks on, so together they
    estimate every comparison."""
    rules = []
    if fields.dob:
        rules.append("l.dob = r.dob")
    if fields.names:
        rules.append("l.sur1 = r.sur1 and l.given1 = r.given1")
    return rules


def settings(fields: LinkFields, prior: float) -> dict[str, Any]:
    """The model: names, birth date, address, identifier tokens and any extra columns."""
    comparisons: list[dict[str, Any]] = []
    if fields.names:
        comparisons += [_given(), _surnames()]
    if fields.dob:
        comparisons.append(_dob())
    if fields.address:
        comparisons.append(_address())
    comparisons += [_exact(col) for col in fields.tokens]
    comparisons += [_edit(col) for col in fields.extras]
    return {
        "link_type": "link_only",
        "unique_id_column_name": "_row",
        "probability_two_random_records_match": prior,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking_rules(fields),
        "em_convergence": EM_CONVERGENCE,
        "max_iterations": EM_MAX_ITERATIONS,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }
