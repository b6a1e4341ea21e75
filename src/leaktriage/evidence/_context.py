"""What every evidence check reads: the engine tables of one triage run and its targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from leaktriage.engines.base import Engine
from leaktriage.match import ProfileSpec, Target
from leaktriage.workspace import SourceInfo

__all__ = ["TriageContext"]


@dataclass
class TriageContext:
    """One leak being judged.

    Engine tables present: ``leak`` (canonical columns), ``lp`` (its profile), each target's
    indexed profile, ``match_hits`` and ``match_best`` (see :mod:`leaktriage.match`).
    """

    engine: Engine
    leak: ProfileSpec
    leak_columns: list[dict[str, Any]]
    leak_rows: int
    targets: list[Target]
    infos: dict[str, SourceInfo]  # by target key
    claimed_records: int | None = None
    case: str | None = None
    sample: str | None = None
    """The id of this sample within ``case`` (a digest of the file), once stored."""
    extra: dict[str, Any] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Target]:
        """Targets of one kind (``source``, ``corpus``, ``canary``)."""
        return [t for t in self.targets if t.kind == kind]

    def keys(self, kind: str) -> list[str]:
        """Match-table keys of the targets of one kind."""
        return [t.key for t in self.of_kind(kind)]

    def profile(self, target: Target) -> str:
        """The engine table holding a target's profile."""
        return target.profile

    def in_list(self, names: list[str]) -> str:
        """A SQL ``IN (...)`` list of bound-parameter placeholders for ``names``."""
        return "(" + ", ".join("?" for _ in names) + ")" if names else "(NULL)"
