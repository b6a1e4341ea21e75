"""The unit of value evidence shared by the detectors."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ValueVote", "Votes"]


@dataclass
class ValueVote:
    """How well a column's values fit one type."""

    type: str
    score: float
    scheme: str | None = None
    evidence: dict[str, float] = field(default_factory=dict)


#: Votes of one column, by type.
Votes = dict[str, ValueVote]
