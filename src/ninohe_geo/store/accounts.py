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

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise AccountError(f"{self.path} cannot be read as an account file: {exc}") from exc
        users = raw.get("users") if isinstance(raw, dict) else None
        return {k: v for k, v in users.items() if isinstance(v, dict)} if users else {}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, dict[str, Any]]]:
        """Read-modify-write under an exclusive lock (blocking, released however the body
        ends); written atomically on success."""
        if is_packaged_data(self.path.parent):
            from ninohe_geo.store.registry import READ_ONLY_SHIPPED

            raise AccountError(READ_ONLY_SHIPPED)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.path.with_name(f".{self.path.name}.lock"), mode=0o600)
        with os_errors(self.path, "changing accounts"):
            lock.acquire()
        try:
            users = self._read()
            yield users
            data = json.dumps({"users": users}, ensure_ascii=False, indent=2, sort_keys=True)
            with os_errors(self.path, "changing accounts"):
                write_atomic(self.path, (data + "\n").encode("utf-8"))
                os.chmod(self.path, 0o600)
        finally:
            lock.release()

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
