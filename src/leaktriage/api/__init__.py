"""The API of leaktriage: for now the real-time SIM-change risk API.

* :mod:`leaktriage.api.risk`: the decision core (watchlist, rules, SIM-change events), usable
  without a web server;
* :mod:`leaktriage.api.app`: :func:`create_app`, the FastAPI app (risk, events, CAMARA SIM
  Swap v2). FastAPI is imported only when :func:`create_app` is used.

No authentication yet: API keys and roles come with issue 5, and ``leaktriage serve`` stays
disabled until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from leaktriage.api.risk import (
    Decision,
    InvalidMsisdn,
    RiskDecider,
    RiskRules,
    SimChangeEvents,
    WatchEntry,
    Watchlist,
    line_token,
)

if TYPE_CHECKING:
    from leaktriage.api.app import create_app

__all__ = [
    "Decision",
    "InvalidMsisdn",
    "RiskDecider",
    "RiskRules",
    "SimChangeEvents",
    "WatchEntry",
    "Watchlist",
    "create_app",
    "line_token",
]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from leaktriage.api.app import create_app

        return create_app
    raise AttributeError(name)
