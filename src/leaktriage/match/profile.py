"""Profiles: one standard shape over any table of canonical columns.

Sources, corpora and leaks each have their own columns (a CRM has split surnames, a billing
export a full name, an HSS no names at all). A profile maps them to one set of columns so that
matching and evidence are written once:

``_row`` · ``tok_<domain>`` for each token domain (first column of that domain) · ``given``,
``sur1``, ``sur2``, ``name`` (``given sur1 sur2``) · ``dob`` · ``address`` · ``activation``,
``churn``, ``provisioned`` (lifecycle dates by the role classification gave them) ·
``customer_ref`` (the operator's customer id, kept for reference sources only).
A column the table lacks is NULL, so every profile has the same schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from leaktriage.engines.base import quote_ident
from leaktriage.vocab import TOKEN_DOMAIN

__all__ = ["DOMAINS", "LIFECYCLE_ROLES", "ProfileSpec"]

DOMAINS: tuple[str, ...] = tuple(dict.fromkeys(TOKEN_DOMAIN.values()))
LIFECYCLE_ROLES: dict[str, str] = {
    "activation": "activation",
    "churn": "churn",
    "provisioning": "provisioned",
}


@dataclass(frozen=True)
class ProfileSpec:
    """Which canonical columns of a table feed each profile column."""

    table: str
    columns: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, table: str, columns: Iterable[Mapping[str, Any]]) -> ProfileSpec:
        """A spec from the ``columns`` JSON (entries with ``type``, ``canonical``, ``role``)."""
        return cls(table, tuple(c for c in columns if c.get("canonical")))

    def _first(self, *types: str, role: str | None = None) -> Mapping[str, Any] | None:
        for col in self.columns:
            if col["type"] in types and (role is None or col.get("role") == role):
                return col
        return None

    def domains(self) -> set[str]:
        """Token domains this table has."""
        return {TOKEN_DOMAIN[c["type"]] for c in self.columns if c["type"] in TOKEN_DOMAIN}

    def has_names(self) -> bool:
        """Whether the table carries any name column."""
        return self._first("given_name", "surname", "full_name") is not None

    def has(self, field: str) -> bool:
        """Whether a profile column is backed by a real column (``dob``, ``activation``...)."""
        return self._field_sql(field) != "NULL"

    def _field_sql(self, field: str) -> str:
        q = quote_ident
        if field.startswith("tok_"):
            domain = field[4:]
            types = [t for t, d in TOKEN_DOMAIN.items() if d == domain]
            col = self._first(*types)
            return q(col["canonical"]) if col else "NULL"
        full = self._first("full_name")
        if field == "given":
            col = self._first("given_name")
            if col:
                return q(col["canonical"])
            return q(full["canonical"] + "__given") if full else "NULL"
        if field in ("sur1", "sur2"):
            surnames = [c for c in self.columns if c["type"] == "surname"]
            if len(surnames) >= 2:
                return q(surnames[0 if field == "sur1" else 1]["canonical"])
            if len(surnames) == 1:
                # One column holding both surnames ("QUISPE MAMANI"): first word / the rest.
                value = q(surnames[0]["canonical"])
                if field == "sur1":
                    return f"nullif(split_part({value}, ' ', 1), '')"
                return f"nullif(trim(substr({value}, length(split_part({value}, ' ', 1)) + 1)), '')"
            if full:
                return q(full["canonical"] + ("__surname1" if field == "sur1" else "__surname2"))
            return "NULL"
        if field == "dob":
            col = self._first("birth_date") or self._first("date", role="birth")
            return q(col["canonical"]) if col else "NULL"
        if field == "address":
            col = self._first("address")
            return q(col["canonical"]) if col else "NULL"
        for role, name in LIFECYCLE_ROLES.items():
            if field == name:
                col = self._first("date", role=role)
                return q(col["canonical"]) if col else "NULL"
        raise ValueError(f"unknown profile field {field!r}")

    def indexed_sql(self, stop_count: int) -> str:
        """The profile plus ``stop_<domain>``: whether a row's token is shared by more than
        ``stop_count`` rows (a placeholder such as "000000000", not an identity).

        Computed once when a source is registered, so that triage can drop placeholder tokens
        without scanning the source again. A grouped count of the few shared tokens and a semi
        join cost far less than a window count over every row.
        """
        ctes = [f"p as ({self.sql()})"]
        flags = []
        for d in DOMAINS:
            if d in self.domains():
                ctes.append(
                    f"s_{d} as (select tok_{d} from p where tok_{d} is not null "
                    f"group by tok_{d} having count(*) > {int(stop_count)})"
                )
                flags.append(
                    f"coalesce(p.tok_{d} in (select tok_{d} from s_{d}), false) as stop_{d}"
                )
            else:
                flags.append(f"false as stop_{d}")
        return f"with {', '.join(ctes)} select p.*, {', '.join(flags)} from p"

    def sql(self) -> str:
        """``SELECT`` of the profile over the table."""
        parts = ["_row"]
        for domain in DOMAINS:
            parts.append(f"{self._field_sql('tok_' + domain)}::VARCHAR as tok_{domain}")
        for field in ("given", "sur1", "sur2", "address"):
            parts.append(f"{self._field_sql(field)}::VARCHAR as {field}")
        parts.append(
            "nullif(concat_ws(' ', "
            + ", ".join(f"{self._field_sql(f)}::VARCHAR" for f in ("given", "sur1", "sur2"))
            + "), '') as name"
        )
        for field in ("dob", *LIFECYCLE_ROLES.values()):
            parts.append(f"{self._field_sql(field)}::DATE as {field}")
        ref = next((c for c in self.columns if c["type"] == "customer_id" and c.get("ref")), None)
        parts.append(
            f"{quote_ident(ref['canonical'] + '__ref')}::VARCHAR as customer_ref"
            if ref
            else "NULL::VARCHAR as customer_ref"
        )
        return f"select {', '.join(parts)} from {self.table}"
