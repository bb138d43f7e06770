"""Signed sessions (issue #12: editors stay signed in across reloads, safely): a token says who
and until when, and nothing else is believed — a forged, altered, expired or over-long one is
refused; on an account file, signing out, a new password or a removed account revoke it, and the
role is read from the file, never from the token. Every clock is injected (no wall clock)."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

import pytest

from ninohe_geo.store import Identity
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.store.sessions import (
    SESSION_SECONDS,
    SessionClaim,
    new_key,
    read_session,
    sign_session,
)

ADMIN = Identity("boss", "admin")
PASSWORD = "correct horse battery"
T0 = 2_000_000_000.0  # any instant: the tests never read the clock


def _token_parts(token: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    payload, sig = token.split(".")
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))), sig


def _reencode(body: dict, sig: str) -> str:  # type: ignore[type-arg]
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + sig


# ------------------------------------------------------------------------- the token alone
def test_a_signed_claim_reads_back_until_it_expires() -> None:
    key = new_key()
    claim = SessionClaim("sato", int(T0) + SESSION_SECONDS, 3)
    token = sign_session(key, claim)
    assert read_session(key, token, T0) == claim
    assert read_session(key, token, T0 + SESSION_SECONDS - 1) == claim
    assert read_session(key, token, T0 + SESSION_SECONDS) is None  # expired
    assert read_session(key, token, T0 + 10 * SESSION_SECONDS) is None


def _other_key(key: str, token: str) -> str:
    return sign_session(new_key(), _claim())


def _signature_changed(key: str, token: str) -> str:
    return token[:-2] + ("AA" if token[-2:] != "AA" else "BB")


def _account_changed(key: str, token: str) -> str:
    body, sig = _token_parts(token)
    return _reencode({**body, "a": "admin"}, sig)


def _expiry_changed(key: str, token: str) -> str:
    body, sig = _token_parts(token)
    return _reencode({**body, "e": int(T0) + 999}, sig)


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(_other_key, id="other-key"),
        pytest.param(_signature_changed, id="signature-changed"),
        pytest.param(_account_changed, id="account-changed"),
        pytest.param(_expiry_changed, id="expiry-changed"),
        pytest.param(lambda key, token: token.split(".")[0], id="no-signature"),
        pytest.param(lambda key, token: token + ".x", id="extra-part"),
        pytest.param(lambda key, token: "", id="empty"),
        pytest.param(lambda key, token: "%%%.###", id="garbage"),
        pytest.param(lambda key, token: token + "A" * 2000, id="too-long"),
    ],
)
def test_forged_or_altered_tokens_are_refused(forge) -> None:  # type: ignore[no-untyped-def]
    key = new_key()
    token = sign_session(key, _claim())
    assert read_session(key, token, T0) is not None
    assert read_session(key, forge(key, token), T0) is None


def _claim(expires: int = int(T0) + 3600) -> SessionClaim:
    return SessionClaim("sato", expires, 0)


def test_a_token_valid_for_longer_than_any_issued_is_refused() -> None:
    key = new_key()
    long_lived = sign_session(key, _claim(int(T0) + SESSION_SECONDS + 60))
    assert read_session(key, long_lived, T0) is None


def test_no_key_accepts_nothing() -> None:
    assert read_session("", sign_session("", _claim()), T0) is None


# ---------------------------------------------------------------- on the account file
@pytest.fixture
def accounts(tmp_path: Path) -> AccountStore:
    store = AccountStore(tmp_path / "users.json")
    store.add(ADMIN, "sato", "editor", PASSWORD)
    store.add(ADMIN, "suzuki", "editor", PASSWORD)
    return store


def test_a_session_names_the_account_and_its_current_role(accounts: AccountStore) -> None:
    token = accounts.open_session("sato", T0)
    assert accounts.session_identity(token, T0 + 60) == Identity("sato", "editor")
    accounts.set_role(ADMIN, "sato", "viewer")  # the role is read now, never from the token
    assert accounts.session_identity(token, T0 + 60) == Identity("sato", "viewer")
    assert accounts.session_identity(token, T0 + SESSION_SECONDS) is None  # expired


def test_the_signing_key_is_made_once_in_the_private_account_file(
    accounts: AccountStore, tmp_path: Path
) -> None:
    assert "session_key" not in json.loads((tmp_path / "users.json").read_text())
    accounts.open_session("sato", T0)
    doc = json.loads((tmp_path / "users.json").read_text())
    key = doc["session_key"]
    assert len(key) >= 40
    assert (tmp_path / "users.json").stat().st_mode & 0o077 == 0  # not readable by others
    accounts.open_session("suzuki", T0)
    accounts.add(ADMIN, "tanaka", "viewer", PASSWORD)  # other changes keep the key
    assert json.loads((tmp_path / "users.json").read_text())["session_key"] == key
    assert set(json.loads((tmp_path / "users.json").read_text())["users"]) == {
        "sato",
        "suzuki",
        "tanaka",
    }


def test_two_first_sign_ins_at_once_share_one_key(accounts: AccountStore) -> None:
    tokens: list[str] = []
    threads = [
        threading.Thread(target=lambda: tokens.append(accounts.open_session("sato", T0)))
        for _ in range(4)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(accounts.session_identity(t, T0) == Identity("sato", "editor") for t in tokens)


def test_signing_out_revokes_every_session_of_that_account_only(accounts: AccountStore) -> None:
    laptop, phone = accounts.open_session("sato", T0), accounts.open_session("sato", T0 + 5)
    other = accounts.open_session("suzuki", T0)
    accounts.end_sessions("sato")
    assert accounts.session_identity(laptop, T0 + 10) is None
    assert accounts.session_identity(phone, T0 + 10) is None
    assert accounts.session_identity(other, T0 + 10) == Identity("suzuki", "editor")
    fresh = accounts.open_session("sato", T0 + 20)  # signing in again works
    assert accounts.session_identity(fresh, T0 + 30) == Identity("sato", "editor")


def test_a_new_password_revokes_the_sessions(accounts: AccountStore) -> None:
    token = accounts.open_session("sato", T0)
    accounts.set_password(Identity("sato", "editor"), "sato", "a brand new password")
    assert accounts.session_identity(token, T0 + 10) is None


def test_a_removed_account_or_another_installation_key_signs_nobody_in(
    accounts: AccountStore, tmp_path: Path
) -> None:
    token = accounts.open_session("sato", T0)
    elsewhere = AccountStore(tmp_path / "other" / "users.json")
    elsewhere.add(ADMIN, "sato", "admin", PASSWORD)
    elsewhere.open_session("sato", T0)  # its own key
    assert elsewhere.session_identity(token, T0) is None  # a token from another installation
    accounts.remove(ADMIN, "sato")
    assert accounts.session_identity(token, T0) is None


def test_a_token_for_an_account_that_never_existed_is_refused(accounts: AccountStore) -> None:
    accounts.open_session("sato", T0)
    key = json.loads(accounts.path.read_text())["session_key"]
    ghost = sign_session(key, SessionClaim("ghost", int(T0) + 60, 0))
    assert accounts.session_identity(ghost, T0) is None
    stale = sign_session(key, SessionClaim("sato", int(T0) + 60, 7))  # a generation not issued
    assert accounts.session_identity(stale, T0) is None


def test_without_an_account_file_nothing_is_signed_in(tmp_path: Path) -> None:
    assert AccountStore(tmp_path / "none.json").session_identity("a.b", T0) is None
