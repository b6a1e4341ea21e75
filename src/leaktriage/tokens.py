"""Keyed tokens of normalized identifiers.

A token is HMAC-SHA256 (RFC 2104) of the identifier's canonical form under a key derived, per
token domain (:data:`leaktriage.vocab.TOKEN_DOMAIN`), from the workspace key with HKDF-SHA256
(RFC 5869). Tokens are truncated to 128 bits (RFC 2104 §5 allows truncation to at least half the
hash length) and written as 32 lowercase hex characters: compact to join on, and with
collision odds of about 1e-21 for a billion values.

DuckDB has no HMAC function, but HMAC is two SHA-256 calls over padded keys, which DuckDB has:
``sha256(opad || unhex(sha256(ipad || value)))``. The padded keys are bound as session
variables, never written into SQL text. :func:`token` is the same function in Python, used by the
risk API on single values and by tests as the oracle for the SQL.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from leaktriage.engines.base import Engine
from leaktriage.vocab import TOKEN_DOMAIN

__all__ = ["TOKEN_HEX_CHARS", "Keyring", "derive_key", "token", "token_sql"]

TOKEN_HEX_CHARS = 32
_BLOCK = 64  # SHA-256 block size in bytes
_SALT = b"leaktriage/v1"


def derive_key(master: bytes, purpose: str) -> bytes:
    """A 32-byte key for ``purpose`` derived from the workspace master key (HKDF-SHA256)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose.encode("ascii")
    ).derive(master)


def token(value: str, key: bytes) -> str:
    """The token of an already-normalized value under a domain key (Python twin of the SQL)."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:TOKEN_HEX_CHARS]


def _pads(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > _BLOCK:  # pragma: no cover - our keys are 32 bytes
        key = hashlib.sha256(key).digest()
    padded = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in padded), bytes(b ^ 0x5C for b in padded)


class Keyring:
    """The token keys of one workspace, one per token domain."""

    def __init__(self, master: bytes) -> None:
        self._keys = {d: derive_key(master, f"token:{d}") for d in set(TOKEN_DOMAIN.values())}

    def key_for(self, ctype: str) -> bytes:
        """The token key of a column type (types sharing a domain share the key)."""
        return self._keys[TOKEN_DOMAIN[ctype]]

    def token(self, value: str, ctype: str) -> str:
        """Token of one normalized value of type ``ctype``."""
        return token(value, self.key_for(ctype))

    def bind(self, engine: Engine) -> None:
        """Bind every domain's padded keys as session variables of ``engine``."""
        for domain, key in self._keys.items():
            ipad, opad = _pads(key)
            engine.set_variable(f"lt_ipad_{domain}", ipad)
            engine.set_variable(f"lt_opad_{domain}", opad)


def token_sql(expr: str, ctype: str) -> str:
    """SQL computing the token of the normalized VARCHAR ``expr`` (NULL stays NULL).

    Requires :meth:`Keyring.bind` on the engine that runs it.
    """
    domain = TOKEN_DOMAIN[ctype]
    return (
        f"left(sha256(getvariable('lt_opad_{domain}') || "
        f"unhex(sha256(getvariable('lt_ipad_{domain}') || encode({expr})))), {TOKEN_HEX_CHARS})"
    )
