"""Match: exact token joins first, then probabilistic linkage (splink) for what remains."""

from __future__ import annotations

from leaktriage.match.exact import Target, match_exact
from leaktriage.match.linkage import link_probabilistic
from leaktriage.match.profile import DOMAINS, ProfileSpec

__all__ = ["DOMAINS", "ProfileSpec", "Target", "link_probabilistic", "match_exact"]
