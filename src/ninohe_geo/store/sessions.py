"""Signed sign-in sessions for local accounts: what the session cookie says, and its check.

A session is ``account``, ``expires`` (a Unix time) and the account's session ``generation``,
encoded as ``base64url(JSON).base64url(HMAC-SHA256)`` under a per-installation key (32 random
bytes kept in the account file, which is already ``0600`` and never committed). The browser keeps
it in an HttpOnly cookie (:mod:`ninohe_geo.ui.auth` sets it); nothing here trusts it unless the
signature matches (compared in constant time), it has not expired and its generation is still the
account's (:meth:`ninohe_geo.store.accounts.AccountStore.session_identity`): signing out and a
password change raise the generation, so every cookie issued before stops working at once, on
every device. The role is never in the cookie: it is read from the account file on every check,
so a role change or a removed account takes effect on the next page interaction.

Only the standard library's :mod:`hmac`, :mod:`hashlib` and :mod:`secrets` are used (no
hand-rolled primitives). Every function takes the time as an argument, so expiry is tested
without the wall clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

#: How long a sign-in lasts (seconds): one working day; signing in again starts a new one.
SESSION_SECONDS = 12 * 60 * 60
#: Bytes of the per-installation signing key.
KEY_BYTES = 32
#: Longest token accepted (a real one is ~120 characters); longer input is refused unparsed.
MAX_TOKEN = 1024
_VERSION = 1


@dataclass(frozen=True)
class SessionClaim:
    """What a valid session token says."""

    account: str
    """The local account name."""
    expires: int
    """Unix time after which the token is refused."""
    generation: int
    """The account's session generation when it was issued (revoked once the account's is
    higher)."""


def new_key() -> str:
    """A fresh signing key, as text for the account file."""
    return secrets.token_urlsafe(KEY_BYTES)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: str, payload: str) -> bytes:
    return hmac.new(key.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest()


def sign_session(key: str, claim: SessionClaim) -> str:
    """The token for ``claim`` under ``key``."""
    body = json.dumps(
        {"v": _VERSION, "a": claim.account, "e": claim.expires, "g": claim.generation},
        separators=(",", ":"),
        sort_keys=True,
    )
    payload = _b64(body.encode("utf-8"))
    return f"{payload}.{_b64(_mac(key, payload))}"


def read_session(key: str, token: str, now: float) -> SessionClaim | None:
    """The claim of a token signed with ``key`` that has not expired at ``now``; None for
    anything else (forged, altered, expired, malformed — no reason is given to the caller)."""
    if not key or not token or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    try:
        given = _unb64(signature)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(given, _mac(key, payload)):
        return None
    try:
        raw = json.loads(_unb64(payload))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("v") != _VERSION:
        return None
    account, expires, generation = raw.get("a"), raw.get("e"), raw.get("g")
    if not isinstance(account, str) or not account:
        return None
    if type(expires) is not int or type(generation) is not int:
        return None
    if not now < expires <= now + SESSION_SECONDS:  # expired, or longer than ever issued
        return None
    return SessionClaim(account, expires, generation)


__all__ = ["SESSION_SECONDS", "SessionClaim", "new_key", "read_session", "sign_session"]
