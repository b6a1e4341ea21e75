"""What the web UI's pages show, apart from its routes (:mod:`leaktriage.api.web`): the
template environment and its filters, the countdown text, the security headers, the view of a
case's triage result, and the new-case form's parsing. Fixed sentences only in errors: no form
value is echoed back but the case name and numbers the user typed."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from leaktriage.api.cases import CaseInfo

__all__ = [
    "CASE_NAME",
    "CSP",
    "ChartCache",
    "FormError",
    "SecurityHeaders",
    "env",
    "jurisdictions",
    "parse_case_form",
    "remaining",
    "result_view",
    "safe_next",
]

#: The Content Security Policy of every response: nothing but this origin, no inline script
#: or style, no framing. The inline SVG charts use presentation attributes, not ``style``.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
CASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

env = Environment(
    loader=PackageLoader("leaktriage.api", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _pct(x: object, digits: int = 1) -> str:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return "–"
    return f"{100 * x:.{digits}f}%"


def _num(x: object) -> str:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return "–"
    return f"{int(x):,}"


def _bytes(n: object) -> str:
    if not isinstance(n, int | float):
        return "–"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)  # unreachable


def _when(at: datetime | str | None) -> str:
    if at is None:
        return "–"
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return "–"
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return f"{at:%Y-%m-%d %H:%M} UTC"


def remaining(deadline: datetime, now: datetime | None = None) -> str:
    """'2 d 03 h 04 min 05 s left', '47 min 10 s left', 'overdue by 3 h 02 min' (the server's
    rendering of a countdown; ``static/app.js`` writes the same shape every second)."""
    seconds = int((deadline - (now or datetime.now(UTC))).total_seconds())
    overdue = seconds < 0
    s = abs(seconds)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        text = f"{d} d {h:02d} h {m:02d} min {s:02d} s"
    elif h:
        text = f"{h} h {m:02d} min {s:02d} s"
    else:
        text = f"{m} min {s:02d} s"
    return f"overdue by {text}" if overdue else f"{text} left"


env.filters.update(
    pct=_pct, num=_num, bytes=_bytes, when=_when, human=lambda s: str(s).replace("_", " ")
)


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else (other hosts, ``//x``, ``/\\x``) is /."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\\\r\n\t")
        or len(target) > 512
    ):
        return "/"
    return target


class SecurityHeaders:
    """Security headers on every response; ``Cache-Control: no-store`` on all but static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- views of a case ------------------------------------------------------------------------------
class ChartCache:
    """Rendered charts per (case, finished at): Vega rendering costs ~0.1 s a chart."""

    def __init__(self, size: int = 16) -> None:
        self._items: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._size = size

    def get(self, info: CaseInfo, result: dict[str, Any]) -> dict[str, Any]:
        from leaktriage.report.html import chart_svgs

        key = (info.name, str(info.finished_at))
        with self._lock:
            hit = self._items.get(key)
        if hit is not None:
            return hit
        made = chart_svgs(result)
        with self._lock:
            if len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = made
        return made


_CHART_CAPTIONS = {
    "hit_rates": "Identifier hit rates against our customers, and chance",
    "agreement": "Field agreement per reference source",
    "snapshot": "Snapshot window",
    "tiers": "Exposed customers per risk tier",
    "fields": "Exposed customers per leaked field",
    "prior": "Overlap with known prior leaks",
}


def result_view(info: CaseInfo, result: dict[str, Any], charts: dict[str, Any]) -> dict[str, Any]:
    from leaktriage.report.html import (
        deadline_rows,
        snapshot_window,
        tier_rows,
        verdict_summary,
    )

    exposure = result.get("exposure") or {}
    remediation = exposure.get("remediation") or {}
    now = datetime.now(UTC)
    deadlines = []
    for row in deadline_rows(list(result.get("obligations") or [])):
        when = row["when"]
        deadlines.append(
            {
                **row,
                "iso": when.astimezone(UTC).isoformat() if when else None,
                "left": remaining(when, now) if when else "–",
                "overdue": bool(when and when < now),
            }
        )
    attribution = result.get("attribution") or {}
    return {
        "verdict": verdict_summary(result),
        "genuine_fraction": result.get("genuine_fraction"),
        "matched": result.get("matched_customers"),
        "exposed": int(exposure.get("customers") or 0),
        "source": attribution.get("source"),
        "canaries": sum(int(c.get("count") or 0) for c in attribution.get("canary_hits") or []),
        "window": snapshot_window(result.get("snapshot") or {}),
        "recycled": list(result.get("recycled_from") or []),
        "tiers": [{**t, "remediation": remediation.get(t["tier"], "")} for t in tier_rows(result)],
        "deadlines": deadlines,
        "charts": [
            {"key": k, "caption": _CHART_CAPTIONS.get(k, k), "svg": svg}
            for k, svg in charts.items()
            if svg is not None
        ],
        "rows": (result.get("input") or {}).get("rows"),
        "claims": result.get("claims") or {},
    }


# -- the new-case form ----------------------------------------------------------------------------
class FormError(Exception):
    """A form field is wrong; ``message`` is a fixed sentence (or names the case)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def jurisdictions() -> list[str]:
    from leaktriage.exposure.clocks import load_rules

    return list(load_rules()["jurisdictions"])


def parse_case_form(fields: dict[str, str], known: list[str]) -> dict[str, Any]:
    """The case's settings from the form's fields; raises :class:`FormError`."""
    name = fields.get("name", "").strip()
    if not CASE_NAME.match(name):
        raise FormError(
            "The case name must be 1–64 letters, digits, '_', '.' or '-', starting with a "
            "letter or digit."
        )
    claimed_raw = fields.get("claimed_records", "").strip().replace(",", "").replace("_", "")
    claimed: int | None = None
    if claimed_raw:
        if not claimed_raw.isdigit() or int(claimed_raw) > 10**12:
            raise FormError("Claimed records must be a whole number (or empty).")
        claimed = int(claimed_raw)
    chosen = [code for code in known if fields.get(f"jurisdiction_{code}")]
    discovered: datetime | None = None
    raw = fields.get("discovered_at", "").strip()
    if raw:
        try:
            discovered = datetime.fromisoformat(raw)
        except ValueError:
            raise FormError("Discovered at must be a date and time.") from None
        discovered = discovered.replace(tzinfo=UTC) if discovered.tzinfo is None else discovered
    return {
        "name": name,
        "claimed_records": claimed,
        "jurisdictions": chosen,
        "discovered_at": discovered,
    }
