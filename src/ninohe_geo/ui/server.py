"""Start the Streamlit app: ``ninohe-geo app`` for people, :func:`start_app` for browser tests
and benchmarks.

One place for the command line, the app's Streamlit settings and the readiness wait (the health
endpoint, never a fixed sleep), so a city, the tests and the benchmarks run the same app started
the same way. Installed, the pages run from a copy in the cache folder (:func:`prepare_app_dir`):
Streamlit serves ``static/`` beside the main script, and generated files never go into the
package. The settings come from one file (:func:`ninohe_geo.paths.streamlit_config`) passed as
command-line flags, so they hold whatever folder the app is started from.

Two things about how the app is served live here too (issue #15, measured in Chromium):
:func:`enable_tcp_nodelay` (every response on a kept-alive connection waited ~40 ms for the
browser's delayed ACK) and :class:`ShellMiddleware` (our layout CSS in the HTML shell, so the
page does not move while Streamlit builds it).
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ninohe_geo import paths
from ninohe_geo.paths import DATA_ENV

#: What of the pages is copied for an installed app (generated ``static/`` is never copied).
_PAGE_SUFFIXES = (".py", ".css", ".png")


def prepare_app_dir() -> Path:
    """The folder to run the app's main script from, made ready: a checkout runs its own
    ``dashboard/``; an installed app gets its pages copied into :func:`paths.app_dir` (only files
    that changed, so an upgrade refreshes them and a restart copies nothing). Returns the folder.
    """
    target = paths.app_dir()
    source = paths.dashboard_dir()
    if target == source:
        return target
    for src in sorted(source.rglob("*")):
        rel = src.relative_to(source)
        if rel.parts[0] in ("static", "__pycache__") or src.suffix not in _PAGE_SUFFIXES:
            continue
        dst = target / rel
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
        os.close(fd)
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)  # two apps starting at once each write their own temporary file
    return target


def streamlit_flags(config: Path | None = None) -> list[str]:
    """The app's Streamlit settings (``[section] key = value`` in :func:`paths.streamlit_config`)
    as ``--section.key=value`` flags."""
    table = tomllib.loads((config or paths.streamlit_config()).read_text(encoding="utf-8"))
    flags = []
    for section, values in table.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{key}={text}")
    return flags


def app_command(port: int | None = None, address: str | None = None) -> list[str]:
    """The command line that runs the app (``python -m streamlit run …/serve.py`` + settings).

    ``serve.py`` is the pages (``app.py``) as an ASGI app with the sign-in routes beside them
    (``st.App``, :mod:`ninohe_geo.ui.auth`)."""
    main = prepare_app_dir() / "serve.py"
    command = [sys.executable, "-m", "streamlit", "run", str(main), *streamlit_flags()]
    if port is not None:
        command.append(f"--server.port={port}")
    if address is not None:
        command.append(f"--server.address={address}")
    return command


@dataclass
class AppServer:
    """A running app: its base URL, its data folder and its process."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Terminate the app (kill it if it does not stop within 10 s)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_app(
    data_dir: Path, log: Path | None = None, port: int | None = None, timeout_s: float = 90.0
) -> AppServer:
    """Start the app on ``data_dir`` at 127.0.0.1:``port`` and wait until it answers.

    Output goes to ``log`` (or nowhere). Raises RuntimeError, with the log, when the app exits
    early or is not healthy within ``timeout_s``.
    """
    port = port or free_port()
    env = {**os.environ, DATA_ENV: str(data_dir)}
    command = app_command(port, "127.0.0.1")
    cwd = paths.CHECKOUT or Path.cwd()
    if log is None:
        proc = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    else:
        with log.open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
            )
    url = f"http://127.0.0.1:{port}"

    def output() -> str:
        return log.read_text(errors="replace") if log is not None else "(no log)"

    wait_healthy(url, proc, output, timeout_s)
    return AppServer(url, data_dir, proc)


def wait_healthy(
    url: str,
    proc: subprocess.Popen[bytes],
    output: Callable[[], str],
    timeout_s: float = 90.0,
) -> None:
    """Wait until the app at ``url`` answers its health check (polling, never a fixed sleep).

    Raises RuntimeError, with ``output()``, when the process exits or ``timeout_s`` passes (the
    process is then killed)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{output()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy in {timeout_s:.0f}s:\n{output()}")


def enable_tcp_nodelay() -> None:
    """Send every response at once: TCP_NODELAY on the app's connections (call before serving).

    Streamlit binds its listening socket as ``socket.socket(family)`` (protocol 0), and asyncio
    sets TCP_NODELAY on accepted connections only when the protocol is ``IPPROTO_TCP``; so
    Nagle's algorithm held the body of each response (uvicorn writes the headers first) until
    the browser's delayed ACK, ~40 ms later. Measured on 127.0.0.1 with curl, a second request on
    a kept-alive connection took 42 ms instead of 2 ms; the map page fetches ~110 files
    (Streamlit's ~60 preloaded and ~45 lazily loaded chunks, then the map's scripts, one after
    another), six connections at a time. asyncio's check is widened here to any TCP stream
    socket (a private function of asyncio, patched in this process only). Idempotent.
    """
    import asyncio.base_events

    current = getattr(asyncio.base_events, "_set_nodelay", None)
    if current is None or getattr(current, "ninohe_geo", False):
        return  # a Python without that private function: served as before, only slower

    def set_nodelay(sock: socket.socket) -> None:
        if sock.family in {socket.AF_INET, socket.AF_INET6} and sock.type == socket.SOCK_STREAM:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    set_nodelay.ninohe_geo = True  # type: ignore[attr-defined]
    asyncio.base_events._set_nodelay = set_nodelay  # type: ignore[attr-defined]


_Scope = MutableMapping[str, Any]
_Message = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[_Message]]
_Send = Callable[[_Message], Awaitable[None]]
_ASGIApp = Callable[[_Scope, _Receive, _Send], Awaitable[None]]

#: What marks the HTML page Streamlit serves for every page of the app (its single-page shell):
#: the empty element its React app is drawn into. (A component's own page, e.g. st_folium's
#: iframe, has a ``root`` too, with children: it is also left alone by :data:`NOT_PAGES`.)
SHELL_MARKER = b'<div id="root"></div>'
#: Paths that are never a page of the app: components' iframes, static files, Streamlit's own.
NOT_PAGES = ("/component/", "/app/static/", "/static/", "/_stcore/", "/media/")
#: The chunks of Streamlit's frontend that draw the map page's elements (its widgets,
#: ``st.html``, Markdown with HTML, the map's component), by the name before their content
#: hash. Streamlit loads each only when the script's first message names its element, one round
#: trip after the script ran and before the map's iframe is made; the shell asks for them at
#: once (:func:`map_page_preload`). A name that a Streamlit version no longer has is skipped.
MAP_PAGE_CHUNKS = (
    "ButtonGroup",
    "TextInput",
    "Multiselect",
    "Checkbox",
    "Selectbox",
    "Html",
    "rehype-raw",
    "ComponentInstance",
    "Button",
)
_IMPORT = re.compile(rb"""(?:from|import)\s*["'](\./[\w.$-]+\.js)["']""")


def streamlit_chunks(names: Iterable[str], js_dir: Path, known: Iterable[str] = ()) -> list[str]:
    """The file names of Streamlit's frontend chunks called ``names`` (``Multiselect`` →
    ``Multiselect.DBsRqIhx.js``) in ``js_dir`` and of every chunk they import, in a stable
    order, less ``known`` ones (those the shell already preloads). Unknown names are skipped."""
    seen = set(known)
    out: list[str] = []
    todo = [f.name for name in names for f in sorted(js_dir.glob(f"{name}.*.js"))]
    while todo:
        name = todo.pop(0)
        if name in seen or not (js_dir / name).is_file():
            continue
        seen.add(name)
        out.append(name)
        text = (js_dir / name).read_bytes()
        todo.extend(m.decode()[2:] for m in _IMPORT.findall(text))
    return out


def map_page_preload(streamlit_static: Path) -> list[str]:
    """:data:`MAP_PAGE_CHUNKS` and what they import, in the Streamlit whose frontend is in
    ``streamlit_static`` (its ``static`` folder), less the chunks its HTML shell preloads."""
    shell = (streamlit_static / "index.html").read_text(encoding="utf-8")
    known = re.findall(r"static/js/([\w.$-]+\.js)", shell)
    return streamlit_chunks(MAP_PAGE_CHUNKS, streamlit_static / "static" / "js", known)


def shell_html(page: bytes, css: str, preload: Sequence[str] = ()) -> bytes:
    """Streamlit's HTML shell with ``css`` as a ``<style>`` at the end of its ``<head>``, and a
    ``modulepreload`` link for each of Streamlit's chunks named in ``preload``.

    The preloads are ``fetchpriority="low"``: they fill the wait for the script's first message
    without delaying Streamlit's own start (at high priority, Lighthouse's simulated 4G put their
    ~400 KB before the first paint: FCP 15.2 s → 18.9 s; at low, 15.5 s, and the map in
    Chromium still came ~0.1 s sooner than without them).

    ``css`` is our own constant stylesheet (``dashboard/shell.css``), never data. ``<`` is
    refused: inside ``<style>`` nothing is unescaped, so ``</style>`` is the only way out of it,
    and CSS needs no ``<``. A page without ``</head>`` is returned as it is.
    """
    if "<" in css:
        raise ValueError("the shell CSS must not contain '<'")
    head = page.find(b"</head>")
    if head < 0:
        return page
    links = "".join(
        f'<link rel="modulepreload" crossorigin fetchpriority="low" href="./static/js/{name}">'
        for name in preload
        if re.fullmatch(r"[\w.$-]+\.js", name)  # file names from Streamlit's folder, never data
    )
    style = f'<style id="ninohe-shell">{css}</style>'
    return page[:head] + (style + links).encode("utf-8") + page[head:]


class ShellMiddleware:
    """Put our layout CSS into the HTML shell Streamlit serves, so it holds from the first paint.

    Streamlit draws the page from its script's messages: until they come, its HTML shell lays the
    page out narrow (a centred column), with no sidebar and no map. CSS sent by the script
    (``st.html``) applies only once its chunk has loaded, after the shifts it would prevent. This
    middleware (on ``st.App``, ``dashboard/serve.py``) adds ``css`` to that shell's ``<head>``.

    Only responses that are the shell (HTML containing :data:`SHELL_MARKER`) are changed: the
    request is passed on without ``Accept-Encoding`` (the shell is ~10 KB; the inner gzip would
    hide the marker) nor validators (the changed body has no ETag of its own; Streamlit sends the
    shell with ``no-cache`` anyway). Everything else passes through untouched.
    """

    def __init__(self, app: _ASGIApp, css: str, preload: Sequence[str] = ()) -> None:
        shell_html(b"", css)  # a bad stylesheet fails at start, not on a visitor's request
        self.app = app
        self.css = css
        self.preload = tuple(preload)

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        if not _is_page_request(scope):
            await self.app(scope, receive, send)
            return
        dropped = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
        inner = dict(scope)
        inner["headers"] = [(k, v) for k, v in scope["headers"] if k.lower() not in dropped]
        start: _Message | None = None
        body: list[bytes] = []

        async def capture(message: _Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                html_page = headers.get(b"content-type", b"").startswith(b"text/html")
                if message.get("status") == 200 and html_page:
                    start = message  # held until the whole body is here
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await _send_shell(send, start, b"".join(body), self.css, self.preload)
            else:
                await send(message)

        await self.app(inner, receive, capture)


def _is_page_request(scope: _Scope) -> bool:
    """A browser asking for a page of the app (a GET for HTML, not a component or a file)."""
    if scope["type"] != "http" or scope.get("method") != "GET":
        return False
    path = str(scope.get("path", ""))
    if any(part in path for part in NOT_PAGES):
        return False
    for key, value in scope.get("headers", []):
        if key.lower() == b"accept":
            return b"text/html" in value
    return False


async def _send_shell(
    send: _Send, start: _Message, page: bytes, css: str, preload: Sequence[str]
) -> None:
    if SHELL_MARKER in page:
        page = shell_html(page, css, preload)
    skip = {b"content-length", b"etag", b"last-modified"}
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in skip]
    headers.append((b"content-length", str(len(page)).encode("ascii")))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": page, "more_body": False})
