"""Local accounts (argon2 hashes, admin-only changes) and OIDC role mapping."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ninohe_geo.store import Identity, PermissionDenied
from ninohe_geo.store.accounts import AccountError, AccountStore, oidc_identity

ADMIN = Identity("boss", "admin")
PASSWORD = "correct horse battery"


def test_add_and_verify_stores_only_an_argon2_hash(tmp_path: Path) -> None:
    accounts = AccountStore(tmp_path / "users.json")
    accounts.add(ADMIN, "sato", "editor", PASSWORD)
    raw = (tmp_path / "users.json").read_text(encoding="utf-8")
    assert PASSWORD not in raw
    assert json.loads(raw)["users"]["sato"]["hash"].startswith("$argon2id$")
    assert accounts.verify("sato", PASSWORD) == Identity("sato", "editor")
    assert accounts.verify("sato", PASSWORD + "x") is None
    assert accounts.verify("nobody", PASSWORD) is None
    assert (tmp_path / "users.json").stat().st_mode & 0o077 == 0  # not readable by others


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("Sato San", "editor", PASSWORD, "lower-case"),
        ("sato", "boss", PASSWORD, "role"),
        ("sato", "editor", "short", "at least 10"),
    ],
)
def test_bad_accounts_are_refused(
    tmp_path: Path, name: str, role: str, password: str, message: str
) -> None:
    accounts = AccountStore(tmp_path / "users.json")
    with pytest.raises(AccountError, match=message):
        accounts.add(ADMIN, name, role, password)  # type: ignore[arg-type]
    assert accounts.accounts() == []


@pytest.mark.parametrize(
    "who", [Identity.anonymous(), Identity("v", "viewer"), Identity("e", "editor")]
)
def test_only_admins_manage_accounts(tmp_path: Path, who: Identity) -> None:
    accounts = AccountStore(tmp_path / "users.json")
    accounts.add(ADMIN, "sato", "editor", PASSWORD)
    for call in (
        lambda: accounts.add(who, "tanaka", "editor", PASSWORD),
        lambda: accounts.set_role(who, "sato", "admin"),
        lambda: accounts.set_password(who, "sato", "another long one"),
        lambda: accounts.remove(who, "sato"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert [(a.name, a.role) for a in accounts.accounts()] == [("sato", "editor")]
    assert accounts.verify("sato", PASSWORD) is not None


def test_users_change_their_own_password(tmp_path: Path) -> None:
    accounts = AccountStore(tmp_path / "users.json")
    accounts.add(ADMIN, "sato", "editor", PASSWORD)
    accounts.set_password(Identity("sato", "editor"), "sato", "a new long password")
    assert accounts.verify("sato", "a new long password") is not None
    assert accounts.verify("sato", PASSWORD) is None


def test_concurrent_adds_all_land(tmp_path: Path) -> None:
    accounts = AccountStore(tmp_path / "users.json")
    names = [f"user{n}" for n in range(6)]
    threads = [
        threading.Thread(target=accounts.add, args=(ADMIN, n, "editor", PASSWORD)) for n in names
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [a.name for a in accounts.accounts()] == names


def test_broken_account_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(AccountError, match=r"users\.json"):
        AccountStore(path).verify("sato", PASSWORD)


def test_oidc_roles_come_from_secrets_only() -> None:
    roles = {"Planner@City.example": "editor", "typo@city.example": "superuser"}
    user = {"is_logged_in": True, "email": "planner@city.example", "email_verified": True}
    assert oidc_identity(user, roles) == Identity("planner@city.example", "editor")
    assert oidc_identity({**user, "email": "someone@else"}, roles).role == "viewer"
    assert oidc_identity({**user, "email": "typo@city.example"}, roles).role == "viewer"
    unverified = {**user, "email_verified": False, "sub": "abc"}
    assert oidc_identity(unverified, roles) == Identity("abc", "viewer")
    assert oidc_identity({"is_logged_in": False}, roles) == Identity.anonymous()
