"""Risk tiers and remediations, read from a rules file (``rules/tiers.toml`` by default).

The file is data an operator edits; this module only loads it, checks it, and turns a tier's
condition into SQL over presence flags (``has_<type>`` columns).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from leaktriage.engines.base import quote_ident
from leaktriage.errors import InputError
from leaktriage.vocab import COLUMN_TYPES, RISK_TIERS

__all__ = ["Tier", "TierRules", "load_tier_rules"]


@dataclass(frozen=True)
class Tier:
    """One tier: its name, condition (alternatives of groups), remediation, watch flag."""

    name: str
    when: tuple[tuple[str, ...], ...]
    remediation: str
    watch: bool
    months: int


@dataclass(frozen=True)
class TierRules:
    """The ordered tiers and the type groups their conditions use."""

    groups: dict[str, tuple[str, ...]]
    tiers: tuple[Tier, ...]

    def tier(self, name: str) -> Tier:
        """A tier by name."""
        return next(t for t in self.tiers if t.name == name)

    def condition_sql(self, tier: Tier, present: set[str]) -> str:
        """SQL that is true when a row's exposed fields meet ``tier``'s condition.

        ``present`` are the column types the table has a ``has_<type>`` flag for.
        """
        alternatives = []
        for alt in tier.when:
            parts = []
            for group in alt:
                types = [t for t in self.groups[group] if t in present]
                parts.append(
                    "(" + " or ".join(quote_ident(f"has_{t}") for t in types) + ")"
                    if types
                    else "false"
                )
            alternatives.append("(" + " and ".join(parts) + ")" if parts else "true")
        return "(" + " or ".join(alternatives) + ")" if alternatives else "false"

    def case_sql(self, present: set[str]) -> str:
        """``CASE`` giving the first tier whose condition holds."""
        whens = " ".join(
            f"when {self.condition_sql(t, present)} then '{t.name}'" for t in self.tiers
        )
        return f"case {whens} else 'low' end"


def load_tier_rules(path: Path | None = None) -> TierRules:
    """Load and check a tier rules file (the packaged default when ``path`` is None)."""
    where = str(path) if path else "tiers.toml"
    try:
        if path is None:
            text = resources.files("leaktriage.exposure").joinpath("rules/tiers.toml").read_text()
        else:
            text = path.read_text(encoding="utf-8")
        data: dict[str, Any] = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the tier rules ({type(exc).__name__})", path=where) from None
    groups = {k: tuple(v) for k, v in data.get("groups", {}).items()}
    for name, types in groups.items():
        unknown = set(types) - set(COLUMN_TYPES)
        if unknown:
            raise InputError(f"group {name!r} names unknown types {sorted(unknown)}", path=where)
    tiers = []
    for i, raw in enumerate(data.get("tier", [])):
        try:
            tier = Tier(
                name=raw["name"],
                when=tuple(tuple(alt) for alt in raw["when"]),
                remediation=raw["remediation"],
                watch=bool(raw.get("watch", False)),
                months=int(raw.get("months", 0)),
            )
        except (KeyError, TypeError) as exc:
            raise InputError(f"tier #{i + 1} is missing {exc}", path=where) from None
        if tier.name not in RISK_TIERS:
            raise InputError(
                f"tier {tier.name!r} is not one of {', '.join(RISK_TIERS)}", path=where
            )
        for alt in tier.when:
            for group in alt:
                if group not in groups:
                    raise InputError(f"tier {tier.name!r} uses unknown group {group!r}", path=where)
        tiers.append(tier)
    if not tiers:
        raise InputError("no [[tier]] defined", path=where)
    return TierRules(groups=groups, tiers=tuple(tiers))
