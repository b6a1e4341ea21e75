"""Who may use the service: people (users with roles) and machines (API keys with scopes).

Passwords are hashed with Argon2id (``argon2-cffi``, its default parameters); API keys are
random 256-bit secrets shown once and stored as SHA-256 digests, as high-entropy secrets need no
slow hash. Both live in the encrypted workspace. Nothing here logs a password, a key or a hash.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from leaktriage.errors import InputError
from leaktriage.workspace import Workspace

__all__ = [
    "ROLES",
    "SCOPES",
    "ApiKey",
    "User",
    "add_user",
    "create_api_key",
    "list_api_keys",
    "key_digest",
    "list_users",
    "live_api_keys",
    "revoke_api_key",
    "verify_api_key",
    "verify_password",
]

log = logging.getLogger(__name__)

#: Roles of people: admins manage users and see the audit; analysts run cases and download
#: notification lists; viewers read verdicts and reports.
ROLES = ("admin", "analyst", "viewer")
#: Scopes of machine clients.
SCOPES = (
    "cases:read",
    "cases:write",
    "exposure:read",
    "alerts:read",
    "risk:decide",
    "events:write",
)
#: Shortest password accepted.
MIN_PASSWORD = 12
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_KEY_PREFIX = "lt_"
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """A person who may log in."""

    name: str
    role: str
    created_at: datetime


@dataclass(frozen=True)
class ApiKey:
    """A machine client's key (its secret is never kept)."""

    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked: bool


def _schema(ws: Workspace) -> None:
    ws.engine.execute(
        "create table if not exists ws.users (name varchar primary key, role varchar, "
        "password_hash varchar, created_at timestamp)"
    )
    ws.engine.execute(
        "create table if not exists ws.api_keys (name varchar primary key, digest varchar, "
        "scopes varchar[], created_at timestamp, revoked boolean)"
    )


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InputError(f"invalid name {name!r}: letters, digits, '_ . @ -', up to 64")


def add_user(ws: Workspace, name: str, role: str, password: str) -> User:
    """Create (or reset) a user with a role and a password."""
    _check_name(name)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password must have at least {MIN_PASSWORD} characters")
    _schema(ws)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    ws.engine.execute("delete from ws.users where name = ?", [name])
    ws.engine.execute(
        "insert into ws.users values (?, ?, ?, ?)", [name, role, _hasher.hash(password), now]
    )
    ws.engine.checkpoint()
    log.info("user %s set with role %s", name, role)
    return User(name, role, now)


def list_users(ws: Workspace) -> list[User]:
    """Users by name."""
    _schema(ws)
    rows = ws.engine.fetch_rows("select name, role, created_at from ws.users order by name")
    return [User(*r) for r in rows]


def verify_password(ws: Workspace, name: str, password: str) -> User | None:
    """The user if the password is theirs, else None (same answer for an unknown name)."""
    _schema(ws)
    row = ws.engine.fetch_one(
        "select name, role, created_at, password_hash from ws.users where name = ?", [name]
    )
    if row is None:
        # Spend the same time as for a known user, so names cannot be probed by timing.
        _hasher.hash(password)
        return None
    try:
        _hasher.verify(row[3], password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row[0], row[1], row[2])


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(ws: Workspace, name: str, scopes: list[str]) -> str:
    """Create a key; returns its secret, which is shown once and never stored."""
    _check_name(name)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InputError(f"scopes must be among {', '.join(SCOPES)}")
    _schema(ws)
    if ws.engine.fetch_one("select 1 from ws.api_keys where name = ?", [name]):
        raise InputError(f"an API key named {name!r} exists: revoke it or choose another name")
    secret = _KEY_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    ws.engine.execute(
        "insert into ws.api_keys values (?, ?, ?, ?, false)",
        [name, _digest(secret), sorted(set(scopes)), now],
    )
    ws.engine.checkpoint()
    log.info("API key %s created with %d scopes", name, len(set(scopes)))
    return secret


def list_api_keys(ws: Workspace) -> list[ApiKey]:
    """API keys by name (revoked ones included)."""
    _schema(ws)
    rows = ws.engine.fetch_rows(
        "select name, scopes, created_at, revoked from ws.api_keys order by name"
    )
    return [ApiKey(r[0], tuple(r[1]), r[2], bool(r[3])) for r in rows]


def revoke_api_key(ws: Workspace, name: str) -> None:
    """Revoke a key for good."""
    _schema(ws)
    if not ws.engine.fetch_one("select 1 from ws.api_keys where name = ?", [name]):
        raise InputError(f"no API key named {name!r}")
    ws.engine.execute("update ws.api_keys set revoked = true where name = ?", [name])
    ws.engine.checkpoint()


def live_api_keys(ws: Workspace) -> dict[str, ApiKey]:
    """Every key not revoked, by the stored digest of its secret."""
    _schema(ws)
    rows = ws.engine.fetch_rows(
        "select digest, name, scopes, created_at from ws.api_keys where not revoked"
    )
    return {r[0]: ApiKey(r[1], tuple(r[2]), r[3], False) for r in rows}


def key_digest(secret: str) -> str:
    """The stored form of an API key's secret."""
    return _digest(secret)


def verify_api_key(ws: Workspace, secret: str) -> ApiKey | None:
    """The key's record if ``secret`` is a live key, else None."""
    if not secret.startswith(_KEY_PREFIX):
        return None
    return live_api_keys(ws).get(_digest(secret))
