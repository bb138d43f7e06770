"""The sign-in and sign-out routes (issue #12), called as ASGI without a server: a right password
gets a 303 back to the edit page with a signed HttpOnly, SameSite=Strict cookie; a wrong one, a
cross-site POST or a guessing streak gets none; sign-out revokes the session and clears the
cookie. Clocks are injected."""

from __future__ import annotations

import asyncio
import concurrent.futures
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from ninohe_geo.store import Identity
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.store.sessions import SESSION_SECONDS
from ninohe_geo.ui import auth
from ninohe_geo.ui.auth import COOKIE, FailureLimiter, auth_routes, base_path

PASSWORD = "a long enough password"
T0 = 2_000_000_000.0
HOST = "127.0.0.1:8501"


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


class Answer:
    def __init__(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.status = status
        self.headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in headers]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)

    @property
    def cookie(self) -> Any:
        raw = self.header("set-cookie")
        if raw is None:
            return None
        jar: SimpleCookie = SimpleCookie()
        jar.load(raw)
        return jar[COOKIE]


def call(
    app: Starlette,
    path: str,
    form: dict[str, str] | None = None,
    *,
    origin: str | None = f"http://{HOST}",
    cookie: str = "",
    body: bytes | None = None,
    client: str = "10.0.0.1",
) -> Answer:
    data = body if body is not None else urllib.parse.urlencode(form or {}).encode()
    headers = [(b"host", HOST.encode()), (b"content-type", b"application/x-www-form-urlencoded")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", f"{COOKIE}={cookie}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": (client, 50000),
        "server": ("127.0.0.1", 8501),
    }
    sent: list[dict[str, Any]] = []
    chunks = [{"type": "http.request", "body": data, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # A loop of its own in a thread: Playwright's sync API may hold this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    return Answer(start["status"], start.get("headers", []))


@pytest.fixture(autouse=True)
def _unmounted_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the routes marks them mounted in this process: undone after each test, so the
    pages' AppTests see the app as a bare ``streamlit run`` again."""
    monkeypatch.setattr(auth, "MOUNTED", auth.MOUNTED)


@pytest.fixture
def accounts(tmp_path: Path) -> AccountStore:
    store = AccountStore(tmp_path / "users.json")
    store.add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    return store


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def app(accounts: AccountStore, clock: Clock) -> Starlette:
    return Starlette(routes=auth_routes("", lambda: accounts, clock, FailureLimiter(clock=clock)))


def test_a_right_password_gets_a_signed_httponly_strict_cookie(
    app: Starlette, accounts: AccountStore, clock: Clock
) -> None:
    answer = call(app, "/auth/signin", {"account": "sato", "password": PASSWORD})
    assert answer.status == 303
    assert answer.header("location") == "/edit"
    cookie = answer.cookie
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) == SESSION_SECONDS
    assert not cookie["secure"]  # plain http on this machine
    assert accounts.session_identity(cookie.value, clock()) == Identity("sato", "editor")
    assert PASSWORD not in (answer.header("location") or "")


def test_over_https_the_cookie_is_secure_and_the_language_is_kept(app: Starlette) -> None:
    answer = call(
        app,
        "/auth/signin",
        {"account": "sato", "password": PASSWORD, "lang": "en"},
        origin=f"https://{HOST}",
    )
    assert answer.status == 303
    assert answer.cookie["secure"] is True
    assert answer.header("location") == "/edit?lang=en"


@pytest.mark.parametrize(
    ("account", "password"),
    [("sato", "wrong password!"), ("nobody", PASSWORD), ("", "")],
)
def test_a_wrong_name_or_password_gets_no_cookie_and_no_hint(
    app: Starlette, account: str, password: str
) -> None:
    answer = call(app, "/auth/signin", {"account": account, "password": password})
    assert answer.status == 303
    assert answer.header("location") == "/edit?signin=failed"
    assert answer.header("set-cookie") is None


@pytest.mark.parametrize(
    "origin", [None, "null", "http://evil.example", f"https://{HOST}.evil.example", "file://x"]
)
def test_a_cross_site_post_is_refused(app: Starlette, origin: str | None) -> None:
    """CSRF: another site's page (or a request without Origin) can neither sign someone in to
    an account of the attacker's choosing nor sign them out."""
    for path in ("/auth/signin", "/auth/signout"):
        answer = call(app, path, {"account": "sato", "password": PASSWORD}, origin=origin)
        assert answer.status == 403
        assert answer.header("set-cookie") is None


def test_guessing_is_stopped_per_address_and_per_account(app: Starlette, clock: Clock) -> None:
    for _ in range(auth.MAX_FAILURES):
        call(app, "/auth/signin", {"account": "sato", "password": "wrong password!"})
    blocked = call(app, "/auth/signin", {"account": "sato", "password": PASSWORD})
    assert blocked.header("location") == "/edit?signin=locked"
    assert blocked.header("set-cookie") is None  # even the right password, for now
    other = call(app, "/auth/signin", {"account": "sato", "password": PASSWORD}, client="10.0.0.2")
    assert other.header("location") == "/edit?signin=locked"  # the account is paused too
    clock.at += auth.FAILURE_WINDOW_S + 1
    again = call(app, "/auth/signin", {"account": "sato", "password": PASSWORD})
    assert again.header("location") == "/edit"
    assert again.cookie is not None


def test_sign_out_revokes_the_session_and_clears_the_cookie(
    app: Starlette, accounts: AccountStore, clock: Clock
) -> None:
    token = call(app, "/auth/signin", {"account": "sato", "password": PASSWORD}).cookie.value
    copy = accounts.open_session("sato", clock())  # the same account in another browser
    answer = call(app, "/auth/signout", {"lang": "ja"}, cookie=token)
    assert answer.status == 303
    assert answer.header("location") == "/edit"
    assert answer.cookie.value == ""
    assert int(answer.cookie["max-age"]) == 0
    assert accounts.session_identity(token, clock()) is None  # replaying the old cookie fails
    assert accounts.session_identity(copy, clock()) is None


def test_sign_out_with_a_forged_cookie_only_clears_it(
    app: Starlette, accounts: AccountStore, clock: Clock
) -> None:
    token = accounts.open_session("sato", clock())
    answer = call(app, "/auth/signout", cookie=token[:-3] + "xyz")
    assert answer.status == 303 and answer.cookie.value == ""
    assert accounts.session_identity(token, clock()) == Identity("sato", "editor")


def test_a_huge_body_and_an_unknown_language_are_not_read_or_echoed(app: Starlette) -> None:
    assert call(app, "/auth/signin", body=b"a" * (auth.MAX_BODY + 1)).status == 413
    answer = call(
        app,
        "/auth/signin",
        {"account": "sato", "password": PASSWORD, "lang": "//evil.example"},
    )
    assert answer.header("location") == "/edit"


def test_routes_follow_the_base_url_path(accounts: AccountStore, clock: Clock) -> None:
    assert base_path("") == "/" and base_path("/maps/") == "/maps/" and base_path("a/b") == "/a/b/"
    app = Starlette(routes=auth_routes("maps", lambda: accounts, clock, FailureLimiter()))
    answer = call(app, "/maps/auth/signin", {"account": "sato", "password": PASSWORD})
    assert answer.header("location") == "/maps/edit"
    assert answer.cookie["path"] == "/maps/"


def test_an_unreadable_account_file_says_so(tmp_path: Path, clock: Clock) -> None:
    broken = tmp_path / "users.json"
    broken.write_text("{not json", encoding="utf-8")
    app = Starlette(routes=auth_routes("", lambda: AccountStore(broken), clock, FailureLimiter()))
    answer = call(app, "/auth/signin", {"account": "sato", "password": PASSWORD})
    assert answer.header("location") == "/edit?signin=unavailable"
    assert answer.header("set-cookie") is None
