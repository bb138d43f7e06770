"""Who may edit: local accounts (argon2 password hashes) and OIDC identities mapped to roles.

Two ways to sign in, one result (a :class:`~ninohe_geo.store.Identity`):

- **OIDC** (``st.login``) when an identity provider is configured in ``.streamlit/secrets.toml``
  (``[auth]``). The provider proves who someone is; *what they may do* comes from
  ``[ninohe_geo.roles]`` in the same secrets file (``"planner@city.example" = "editor"``).
  Anyone else who signs in is a viewer.
- **Local accounts** for a single machine: ``users.json`` in the data folder (or
  ``$NINOHE_GEO_USERS``), listed in ``.gitignore`` so hashes never reach the repository. Passwords
  are hashed with argon2id by ``argon2-cffi`` (no hand-rolled crypto); the file is written
  atomically under an exclusive lock on ``.users.json.lock`` beside it (``filelock``: ``flock``
  on POSIX, a byte-range lock on Windows; sign-in only reads and takes no lock). Accounts are
  managed by admins: from the command line (``ninohe-geo users add NAME --role editor``;
  whoever has the machine's shell is its admin) or by a signed-in admin in the app, both
  through :class:`AccountStore`, which checks the role.

Signed-in sessions (:mod:`ninohe_geo.store.sessions`) are signed with a per-installation key kept
in the same file (``session_key``, made on the first sign-in, under the lock, atomically, ``0600``:
as protected as the hashes and, like them, never committed nor copied by ``ninohe-geo init``).
Each account has a session generation (``sessions``): :meth:`AccountStore.end_sessions` (sign-out)
and :meth:`AccountStore.set_password` raise it, which revokes every session issued before.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from filelock import FileLock

from ninohe_geo.atomic import write_atomic
from ninohe_geo.paths import data_dir, is_packaged_data
from ninohe_geo.store.base import (
    ROLES,
    Identity,
    PermissionDenied,
    Role,
    StoreError,
    now_iso,
)
from ninohe_geo.store.file import os_errors
from ninohe_geo.store.sessions import (
    SESSION_SECONDS,
    SessionClaim,
    new_key,
    read_session,
    sign_session,
)

USERS_ENV = "NINOHE_GEO_USERS"
USERS_FILE = "users.json"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 10

_HASHER = PasswordHasher()
#: Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("ninohe-geo: no such user")


class AccountError(StoreError):
    """A bad account name, role or password (the message says what is expected)."""


@dataclass(frozen=True)
class Account:
    """One local account (the hash stays inside :class:`AccountStore`)."""

    name: str
    role: Role
    created: str


def users_path() -> Path:
    """The local account file in use: ``$NINOHE_GEO_USERS`` or ``users.json`` in the data folder."""
    env = os.environ.get(USERS_ENV)
    return Path(env) if env else data_dir() / USERS_FILE


def check_password(password: str) -> None:
    """Refuse passwords that are too short to be a real protection."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


class AccountStore:
    """The local accounts file. Reading for sign-in is open; every change needs an admin."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or users_path()

    def _document(self) -> dict[str, Any]:
        """The whole account file (``users`` and the session key); empty when there is none."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"users": {}}
        except (OSError, ValueError) as exc:
            raise AccountError(f"{self.path} cannot be read as an account file: {exc}") from exc
        if not isinstance(raw, dict):
            return {"users": {}}
        users = raw.get("users")
        raw["users"] = {k: v for k, v in users.items() if isinstance(v, dict)} if users else {}
        return raw

    def _read(self) -> dict[str, dict[str, Any]]:
        users: dict[str, dict[str, Any]] = self._document()["users"]
        return users

    @contextlib.contextmanager
    def _locked_document(self) -> Iterator[dict[str, Any]]:
        """Read-modify-write of the whole file under an exclusive lock (blocking, released
        however the body ends); written atomically, ``0600``, on success."""
        if is_packaged_data(self.path.parent):
            from ninohe_geo.store.registry import READ_ONLY_SHIPPED

            raise AccountError(READ_ONLY_SHIPPED)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.path.with_name(f".{self.path.name}.lock"), mode=0o600)
        with os_errors(self.path, "changing accounts"):
            lock.acquire()
        try:
            doc = self._document()
            yield doc
            data = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)
            with os_errors(self.path, "changing accounts"):
                write_atomic(self.path, (data + "\n").encode("utf-8"))
                os.chmod(self.path, 0o600)
        finally:
            lock.release()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, dict[str, Any]]]:
        """The accounts, changed under the lock (:meth:`_locked_document`)."""
        with self._locked_document() as doc:
            yield doc["users"]

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        return [
            Account(name, v.get("role", "viewer"), v.get("created", ""))
            for name, v in sorted(self._read().items())
        ]

    def add(self, actor: Identity, name: str, role: Role, password: str) -> Account:
        """Create an account (admins only)."""
        _require_admin(actor, "add accounts")
        if not NAME_PATTERN.match(name):
            raise AccountError(
                f"account name {name!r}: 2–40 lower-case letters, digits, '.', '_' or '-'"
            )
        if role not in ROLES:
            raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
        check_password(password)
        with self._locked() as users:
            if name in users:
                raise AccountError(f"account {name!r} already exists")
            users[name] = {"role": role, "hash": _HASHER.hash(password), "created": now_iso()}
        return Account(name, role, users[name]["created"])

    def set_role(self, actor: Identity, name: str, role: Role) -> None:
        """Change an account's role (admins only)."""
        _require_admin(actor, "change roles")
        if role not in ROLES:
            raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
        with self._locked() as users:
            if name not in users:
                raise AccountError(f"no account {name!r}")
            users[name]["role"] = role

    def set_password(self, actor: Identity, name: str, password: str) -> None:
        """Set a new password (admins, or the account's own user)."""
        if actor.user != name:
            _require_admin(actor, "set other people's passwords")
        check_password(password)
        with self._locked() as users:
            if name not in users:
                raise AccountError(f"no account {name!r}")
            users[name]["hash"] = _HASHER.hash(password)
            # A new password ends every session signed in with the old one.
            users[name]["sessions"] = _generation(users[name]) + 1

    def remove(self, actor: Identity, name: str) -> None:
        """Delete an account (admins only; its past changes keep its name in the history)."""
        _require_admin(actor, "remove accounts")
        with self._locked() as users:
            if users.pop(name, None) is None:
                raise AccountError(f"no account {name!r}")

    def verify(self, name: str, password: str) -> Identity | None:
        """The identity for a correct name and password; None otherwise (no hint which)."""
        entry = self._read().get(name)
        stored = entry.get("hash") if entry else None
        try:
            _HASHER.verify(stored if isinstance(stored, str) else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if entry is None:
            return None
        role = entry.get("role")
        return Identity(name, role if role in ROLES else "viewer")

    # ---- signed sessions (the cookie of :mod:`ninohe_geo.ui.auth`)
    def open_session(self, name: str, now: float) -> str:
        """A signed session token for ``name`` (call only after :meth:`verify` said yes),
        valid :data:`~ninohe_geo.store.sessions.SESSION_SECONDS` from ``now``. The signing key
        is made on the first sign-in of the installation."""
        doc = self._document()
        key = doc.get("session_key")
        if not isinstance(key, str) or not key:
            with self._locked_document() as locked:
                if not isinstance(locked.get("session_key"), str) or not locked["session_key"]:
                    locked["session_key"] = new_key()
                doc = dict(locked)
            key = doc["session_key"]
        entry = doc["users"].get(name)
        if entry is None:
            raise AccountError(f"no account {name!r}")
        claim = SessionClaim(name, int(now) + SESSION_SECONDS, _generation(entry))
        return sign_session(str(key), claim)

    def session_identity(self, token: str, now: float) -> Identity | None:
        """Who a session token signs in, checked at ``now``: None when it is forged, expired,
        revoked (signed out, password changed) or its account is gone. The role is read from
        the file now, never from the token."""
        doc = self._document()
        key = doc.get("session_key")
        claim = read_session(key, token, now) if isinstance(key, str) else None
        if claim is None:
            return None
        entry = doc["users"].get(claim.account)
        if entry is None or _generation(entry) != claim.generation:
            return None
        role = entry.get("role")
        return Identity(claim.account, role if role in ROLES else "viewer")

    def end_sessions(self, name: str) -> None:
        """Sign ``name`` out everywhere: every session token issued so far stops working. (The
        sign-out route calls it only with the name of a session it has just verified.)"""
        with self._locked() as users:
            if name in users:
                users[name]["sessions"] = _generation(users[name]) + 1


def _generation(entry: dict[str, Any]) -> int:
    value = entry.get("sessions", 0)
    return value if type(value) is int else 0


def _require_admin(actor: Identity, what: str) -> None:
    if not actor.is_admin:
        who = actor.user or "an anonymous visitor"
        raise PermissionDenied(f"{who} (role {actor.role}) may not {what}: admins only")


def oidc_identity(user: Mapping[str, Any], roles: Mapping[str, Any]) -> Identity:
    """The identity of someone signed in through OIDC (``st.user``), with a role from secrets.

    The key is the verified e-mail (lower-cased), else the subject. Unlisted people are viewers;
    an unknown role in the secrets file counts as viewer too (a typo never grants rights).
    """
    if not user.get("is_logged_in", True):
        return Identity.anonymous()
    email = user.get("email")
    verified = user.get("email_verified", True)
    key = str(email).lower() if email and verified else str(user.get("sub") or "")
    if not key:
        return Identity.anonymous()
    table = {str(k).lower(): str(v) for k, v in roles.items()}
    role = table.get(key, "viewer")
    return Identity(key, role if role in ROLES else "viewer")
