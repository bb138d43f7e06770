"""Sign-in and sign-out for local accounts as two HTTP routes beside the Streamlit app.

A Streamlit script cannot set a cookie, so the edit page's sign-in form is a plain HTML form that
POSTs here (``dashboard/serve.py`` mounts :func:`auth_routes` on ``st.App``). The route checks the
password with :class:`~ninohe_geo.store.accounts.AccountStore`, answers ``303 See Other`` back to
the edit page and sets the session cookie; the page's script reads it from ``st.context.cookies``
on each run (:func:`ninohe_geo.ui.session.identity`) and checks it again every time.

Why it is safe:

- The cookie is **HttpOnly** (page JS, and so any injected script, cannot read it),
  **SameSite=Strict** (no other site's page or link sends it), ``Path`` the app's, ``Max-Age``
  one working day, and **Secure** whenever the page is served over https. Its value is signed and
  expires (:mod:`ninohe_geo.store.sessions`); sign-out and a password change revoke it.
- Nothing secret ever goes into a URL or the page: the redirect carries only ``signin=failed`` or
  the like, to show a message.
- **CSRF**: both routes refuse a request whose ``Origin`` is not this server's own (``Host``);
  browsers send ``Origin`` on every form POST. (Behind a proxy, keep the ``Host`` header.)
- Guessing: after :data:`MAX_FAILURES` wrong passwords from one address or for one account within
  :data:`FAILURE_WINDOW_S`, sign-in is refused until the window passes (argon2 also makes each try
  cost ~50 ms, run off the event loop).
- Bodies over :data:`MAX_BODY` bytes are refused unread.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ninohe_geo.store import StoreError
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.store.sessions import SESSION_SECONDS

#: The session cookie's name.
COOKIE = "ninohe_geo_session"
SIGNIN_PATH = "auth/signin"
SIGNOUT_PATH = "auth/signout"
#: The page the routes send the browser back to.
EDIT_PAGE = "edit"
#: Wrong passwords allowed per address and per account within :data:`FAILURE_WINDOW_S`.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60.0
#: Largest form body read (an account name and a password are far smaller).
MAX_BODY = 4096
#: Languages the redirect may name (anything else is dropped, never echoed).
LANGS = ("ja", "en")

#: Set by :func:`auth_routes`: the edit page posts its sign-in form here only when the routes are
#: served (``ninohe-geo app``); under a bare ``streamlit run app.py`` it falls back to a sign-in
#: kept in the browser session (:func:`ninohe_geo.ui.session.sign_in_panel`).
MOUNTED = False


def base_path(base_url: str) -> str:
    """Streamlit's ``server.baseUrlPath`` as a path prefix: ``""`` → ``/``, ``a/b`` → ``/a/b/``."""
    clean = base_url.strip("/")
    return f"/{clean}/" if clean else "/"


@dataclass
class FailureLimiter:
    """Counts failed sign-ins per key (address, account) in a sliding window, in memory.

    ``clock`` is injectable (a monotonic clock by default), so tests never wait. Thread-safe:
    the route (event loop) and the Streamlit script threads share one.
    """

    limit: int = MAX_FAILURES
    window_s: float = FAILURE_WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str) -> deque[float]:
        times = self._seen.setdefault(key, deque())
        cutoff = self.clock() - self.window_s
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        """Whether any of ``keys`` has used up its failures."""
        with self._lock:
            return any(len(self._recent(k)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        """Record a failure for each of ``keys``."""
        with self._lock:
            now = self.clock()
            for k in keys:
                self._recent(k).append(now)
            if len(self._seen) > 10_000:  # forget keys with nothing recent (bounded memory)
                for k in [k for k in self._seen if not self._recent(k)]:
                    del self._seen[k]


#: The process's one failure counter: the sign-in route and the in-session form share it.
LIMITER = FailureLimiter()


def same_origin(request: Request) -> bool:
    """Whether the request's ``Origin`` is this server (its ``Host``): the CSRF check."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    if not origin or not host or origin == "null":
        return False
    parts = urllib.parse.urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def is_https(request: Request) -> bool:
    """Whether the browser reached the app over https (its ``Origin``, or the connection)."""
    origin = request.headers.get("origin") or ""
    return origin.startswith("https://") or request.url.scheme == "https"


async def _form(request: Request) -> dict[str, str] | None:
    """The urlencoded form fields (first value each); None when the body is too large."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items() if v}


def _back(base: str, lang: str, signin: str = "") -> str:
    """The edit page's path (relative to this server: never another site), with the language and
    the sign-in outcome to show."""
    query = {}
    if lang in LANGS and lang != LANGS[0]:
        query["lang"] = lang
    if signin:
        query["signin"] = signin
    return f"{base}{EDIT_PAGE}" + (f"?{urllib.parse.urlencode(query)}" if query else "")


def _cookie(response: Response, request: Request, base: str, value: str, max_age: int) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=max_age,
        path=base,
        secure=is_https(request),
        httponly=True,
        samesite="strict",
    )


def auth_routes(
    base_url: str = "",
    accounts: Callable[[], AccountStore] = AccountStore,
    now: Callable[[], float] = time.time,
    limiter: FailureLimiter | None = None,
) -> list[BaseRoute]:
    """The sign-in and sign-out routes under ``base_url`` (Streamlit's ``server.baseUrlPath``).

    ``accounts`` opens the account file in use (read on every request, so accounts added from the
    command line count at once); ``now`` is the clock of session expiry (injected by tests).
    """
    global MOUNTED
    MOUNTED = True
    base = base_path(base_url)
    limits = limiter or LIMITER

    async def sign_in(request: Request) -> Response:
        if not same_origin(request):
            return PlainTextResponse("cross-site request refused", status_code=403)
        form = await _form(request)
        if form is None:
            return PlainTextResponse("request too large", status_code=413)
        name = form.get("account", "").strip()[:64]
        password = form.get("password", "")[:1024]
        lang = form.get("lang", "")
        client = request.client.host if request.client else "?"
        keys = (f"ip:{client}", f"account:{name}")
        if limits.blocked(*keys):
            return RedirectResponse(_back(base, lang, "locked"), status_code=303)
        store = accounts()
        try:
            who = await run_in_threadpool(store.verify, name, password)
            token = await run_in_threadpool(store.open_session, name, now()) if who else None
        except StoreError:
            return RedirectResponse(_back(base, lang, "unavailable"), status_code=303)
        if token is None:
            limits.failed(*keys)
            return RedirectResponse(_back(base, lang, "failed"), status_code=303)
        response = RedirectResponse(_back(base, lang), status_code=303)
        _cookie(response, request, base, token, SESSION_SECONDS)
        return response

    async def sign_out(request: Request) -> Response:
        if not same_origin(request):
            return PlainTextResponse("cross-site request refused", status_code=403)
        form = await _form(request) or {}
        token = request.cookies.get(COOKIE, "")
        store = accounts()
        try:
            who = store.session_identity(token, now()) if token else None
            if who is not None:
                await run_in_threadpool(store.end_sessions, who.user)
        except StoreError:
            pass  # the cookie is removed below whatever the file says
        response = RedirectResponse(_back(base, form.get("lang", "")), status_code=303)
        _cookie(response, request, base, "", 0)
        return response

    return [
        Route(f"{base}{SIGNIN_PATH}", sign_in, methods=["POST"]),
        Route(f"{base}{SIGNOUT_PATH}", sign_out, methods=["POST"]),
    ]


__all__ = [
    "COOKIE",
    "SIGNIN_PATH",
    "SIGNOUT_PATH",
    "FailureLimiter",
    "auth_routes",
    "base_path",
    "same_origin",
]
