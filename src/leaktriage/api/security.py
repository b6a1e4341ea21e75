"""Who is calling, and what they may do: sessions for people, API keys for machines.

* People log in with a name and password (:func:`~leaktriage.api.auth.verify_password`) and get
  a server-side session: a random 256-bit id in an ``HttpOnly``, ``SameSite=Strict`` cookie
  (``Secure`` unless the service is told it runs behind plain HTTP on loopback for tests), idle
  timeout 30 minutes, absolute 12 hours. Each session has its own CSRF token, required on every
  state-changing request a session makes (form field ``csrf_token`` or header ``X-CSRF-Token``),
  and a cross-site ``Origin`` is refused outright.
* Machines send ``Authorization: Bearer lt_...`` (or ``X-API-Key``). Keys are checked against
  an in-memory map of SHA-256 digests, loaded from the workspace at start and kept in step when
  keys are created or revoked through the service.
* Repeated failed logins for one name lock it for a minute (5 failures in 15 minutes).

A principal's permissions are scopes: an API key has the scopes it was created with; a role
maps to scopes by :data:`ROLE_SCOPES`.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from leaktriage.api.auth import ApiKey, User, key_digest

__all__ = [
    "ANONYMOUS",
    "ROLE_SCOPES",
    "KeyCache",
    "LoginThrottle",
    "Principal",
    "Session",
    "SessionStore",
]

#: What each role may do, as scopes (the same names API keys carry, plus UI-only ones).
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "viewer": frozenset({"cases:read"}),
    "analyst": frozenset({"cases:read", "cases:write", "exposure:read", "alerts:read"}),
    "admin": frozenset(
        {"cases:read", "cases:write", "exposure:read", "alerts:read", "audit:read", "users:read"}
    ),
}

SESSION_COOKIE = "lt_session"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Principal:
    """The caller of a request."""

    name: str
    kind: str  # "user" | "key" | "anonymous"
    role: str | None
    scopes: frozenset[str]
    session: Session | None = None

    @property
    def authenticated(self) -> bool:
        """Whether anyone is logged in or keyed."""
        return self.kind != "anonymous"

    def can(self, scope: str) -> bool:
        """Whether the caller holds ``scope``."""
        return scope in self.scopes

    @classmethod
    def of_user(cls, user: User, session: Session | None = None) -> Principal:
        """A logged-in person."""
        return cls(user.name, "user", user.role, ROLE_SCOPES.get(user.role, frozenset()), session)

    @classmethod
    def of_key(cls, key: ApiKey) -> Principal:
        """A machine client."""
        return cls(key.name, "key", None, frozenset(key.scopes))


ANONYMOUS = Principal("anonymous", "anonymous", None, frozenset())


@dataclass
class Session:
    """A logged-in browser."""

    id: str
    user: User
    csrf: str
    created: float
    seen: float = field(default=0.0)

    def check_csrf(self, token: str | None) -> bool:
        """Constant-time comparison with the session's CSRF token."""
        return bool(token) and hmac.compare_digest(self.csrf, token or "")


class SessionStore:
    """Server-side sessions, in memory (a restart logs everyone out)."""

    def __init__(
        self, idle_seconds: int = IDLE_SECONDS, absolute_seconds: int = ABSOLUTE_SECONDS
    ) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds

    def create(self, user: User) -> Session:
        """A new session (a fresh id on every login: no fixation)."""
        now = time.monotonic()
        session = Session(secrets.token_urlsafe(32), user, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._expire(now)
            self._sessions[session.id] = session
        return session

    def get(self, sid: str | None) -> Session | None:
        """The live session of a cookie value, refreshed; None if unknown or expired."""
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if (
                now - session.seen > self.idle_seconds
                or now - session.created > self.absolute_seconds
            ):
                del self._sessions[sid]
                return None
            session.seen = now
            return session

    def end(self, sid: str | None) -> None:
        """Log out."""
        with self._lock:
            self._sessions.pop(sid or "", None)

    def end_user(self, name: str) -> None:
        """End every session of a user (after a password reset or removal)."""
        with self._lock:
            for sid in [s for s, v in self._sessions.items() if v.user.name == name]:
                del self._sessions[sid]

    def _expire(self, now: float) -> None:
        stale = [
            sid
            for sid, s in self._sessions.items()
            if now - s.seen > self.idle_seconds or now - s.created > self.absolute_seconds
        ]
        for sid in stale:
            del self._sessions[sid]


class KeyCache:
    """Live API keys by SHA-256 digest of their secret."""

    def __init__(self, keys: dict[str, ApiKey] | None = None) -> None:
        self._by_digest: dict[str, ApiKey] = dict(keys or {})
        self._lock = threading.Lock()

    def replace(self, keys: dict[str, ApiKey]) -> None:
        """Swap in the current set of live keys (digest -> key)."""
        with self._lock:
            self._by_digest = dict(keys)

    def lookup(self, secret: str | None) -> ApiKey | None:
        """The live key of a presented secret, or None."""
        if not secret or not secret.startswith("lt_") or len(secret) > 128:
            return None
        return self._by_digest.get(key_digest(secret))


class LoginThrottle:
    """Locks a name for ``lock_seconds`` after ``limit`` failures within ``window`` seconds."""

    def __init__(self, limit: int = 5, window: float = 900.0, lock_seconds: float = 60.0) -> None:
        self.limit, self.window, self.lock_seconds = limit, window, lock_seconds
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked(self, name: str) -> bool:
        """Whether logins for ``name`` are refused right now."""
        with self._lock:
            return self._locked_until.get(name.lower(), 0.0) > time.monotonic()

    def failed(self, name: str) -> None:
        """Count a failure."""
        now = time.monotonic()
        key = name.lower()
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if now - t < self.window]
            recent.append(now)
            self._failures[key] = recent
            if len(recent) >= self.limit:
                self._locked_until[key] = now + self.lock_seconds
                self._failures[key] = []

    def succeeded(self, name: str) -> None:
        """Forget the failures of a name."""
        with self._lock:
            self._failures.pop(name.lower(), None)
