"""Evidence: one module per check, each returning figures a person can verify.

``hit_rates`` identifier hits vs chance · ``agreement`` cross-field agreement among hits ·
``consistency`` checksums, duplicates, distributions · ``prior_leaks`` overlap with known leaks ·
``canaries`` planted customers found · ``schema`` fingerprint against each source ·
``snapshot`` dating from lifecycle dates · ``claims`` claimed vs possible sizes.
"""

from __future__ import annotations

from leaktriage.evidence._context import TriageContext

__all__ = ["TriageContext"]
