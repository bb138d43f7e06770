"""The map page holds still while it loads (issue #15: cumulative layout shift ≤ 0.1).

In Chromium (1400×900 and 360×640, a new context each: a first visit): the layout shifts of the
top document, recorded from before the page's own scripts, add up to at most 0.1 until the page
has been still for a second (after the rerun that the map's first value causes). Before the
fix they added up to 0.41 and 0.36: the narrow layout widened, the sidebar pushed the page, the
map's iframe was sized three times.

The pieces of the fix are checked without a browser too: the HTML shell Streamlit serves gets
``dashboard/shell.css`` (and the chunks the map page needs) from ``ShellMiddleware``, nothing
else is touched, and ``enable_tcp_nodelay`` reaches the sockets Streamlit makes. No timing here:
speed is measured by ``python -m bench.bench_pages``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.ui import server
from ninohe_geo.ui.server import ShellMiddleware, shell_html, streamlit_chunks

from .conftest import REPO
from .helpers import MAP_IFRAME, settle

SHELL_CSS = (REPO / "dashboard" / "shell.css").read_text(encoding="utf-8")
MAP_PAGE = (REPO / "dashboard" / "views" / "map.py").read_text(encoding="utf-8")
STREAMLIT_SHELL = (
    b'<!doctype html><html><head><script src="./static/js/index.abc.js"></script></head>'
    b'<body><div id="root"></div></body></html>'
)

#: Before the page's scripts: every layout shift of the top document (without recent input),
#: what moved, and when the page last changed.
OBSERVE_JS = """(() => {
  if (window !== window.top) return;
  const rec = window.__shifts = {cls: 0, list: [], last: 0};
  const label = (n) => n && n.nodeType === 1
    ? n.tagName.toLowerCase() + '[' + (n.getAttribute('data-testid') || n.className) + ']'
    : String(n && n.nodeName);
  new PerformanceObserver((entries) => {
    for (const e of entries.getEntries()) {
      if (e.hadRecentInput) continue;
      rec.cls += e.value;
      rec.last = performance.now();
      rec.list.push(e.value.toFixed(4) + ' at ' + Math.round(e.startTime) + ' ms: '
        + (e.sources || []).map((s) => label(s.node)).join(', '));
    }
  }).observe({type: 'layout-shift', buffered: true});
  document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
    rec.last = performance.now();
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true}));
})();"""
STILL_JS = "(ms) => window.__shifts && performance.now() - window.__shifts.last > ms"
DRAWN_JS = "n => document.querySelectorAll('[data-feature-id]').length === n"


def _run(coro: Any) -> Any:
    """Run ``coro`` to its end in a thread of its own (Playwright's sync API, used by this
    session's browser fixture, keeps an event loop running in this one)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=60)


def _map_height() -> int:
    found = re.search(r"^MAP_HEIGHT = (\d+)$", MAP_PAGE, re.MULTILINE)
    assert found, "dashboard/views/map.py defines MAP_HEIGHT"
    return int(found.group(1))


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1400, 900), (360, 640)], ids=["desktop", "phone"])
def test_the_map_page_holds_still_while_it_loads(
    browser: Any, shipped_app: Any, size: tuple[int, int]
) -> None:
    features = len(load_catalog(REPO / "geodata").features)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="ja-JP")
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.add_init_script(OBSERVE_JS)
        page.goto(shipped_app.url)
        frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
        frame.wait_for_function(DRAWN_JS, arg=features)
        settle(page, STILL_JS, 1000)  # the rerun the map's first value causes, done
        shifts = page.evaluate("window.__shifts")
        box = page.eval_on_selector(".st-key-map-box", "e => e.getBoundingClientRect().height")
        iframe = page.eval_on_selector(MAP_IFRAME, "e => e.getBoundingClientRect().height")
        shell = page.evaluate("() => !!document.querySelector('head style#ninohe-shell')")
    finally:
        context.close()
    assert shifts["cls"] <= 0.1, "\n".join([f"CLS {shifts['cls']:.3f}", *shifts["list"]])
    assert shell, "the page's HTML lacks dashboard/shell.css (ShellMiddleware, serve.py)"
    assert iframe == pytest.approx(_map_height(), abs=1)
    assert box >= _map_height()


def test_the_shell_reserves_the_map_height_of_the_page() -> None:
    """shell.css holds the map's box at MAP_HEIGHT (dashboard/views/map.py): change both."""
    assert f"min-height: {_map_height()}px;" in SHELL_CSS
    assert 'with st.container(key="map-box"):' in MAP_PAGE


def test_the_shell_gets_our_css_and_preloads() -> None:
    page = shell_html(STREAMLIT_SHELL, SHELL_CSS, ["Html.x1.js", "bad name.js", "../up.js"])
    text = page.decode("utf-8")
    head, body = text.split("</head>")
    assert f'<style id="ninohe-shell">{SHELL_CSS}</style>' in head
    assert (
        '<link rel="modulepreload" crossorigin fetchpriority="low" href="./static/js/Html.x1.js">'
        in head
    )
    assert "bad name" not in text and "../up.js" not in text  # only plain file names
    assert body == '<body><div id="root"></div></body></html>'
    assert shell_html(b"<p>no head</p>", SHELL_CSS) == b"<p>no head</p>"
    with pytest.raises(ValueError, match="must not contain"):
        shell_html(STREAMLIT_SHELL, "p { color: red } </style><script>alert(1)</script>")


class FakeStreamlit:
    """A stand-in for Streamlit's app: answers ``chunks`` (a streamed body) with an ETag and
    keeps the request headers it was given."""

    def __init__(self, content_type: bytes, chunks: list[bytes], status: int = 200) -> None:
        self.content_type, self.chunks, self.status = content_type, chunks, status
        self.request_headers: list[tuple[bytes, bytes]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.request_headers = list(scope["headers"])
        size = str(sum(len(c) for c in self.chunks)).encode()
        headers = [(b"content-type", self.content_type), (b"content-length", size), (b"etag", b"e")]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        for i, chunk in enumerate(self.chunks):
            more = i < len(self.chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})


def _get(middleware: ShellMiddleware, path: str, accept: bytes) -> tuple[dict[str, Any], bytes]:
    """GET ``path`` through ``middleware``: (the response's start message, its whole body)."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"accept", accept), (b"accept-encoding", b"gzip"), (b"if-none-match", b"x")],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    _run(middleware(scope, receive, send))
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


def test_the_middleware_changes_only_the_streamlit_shell() -> None:
    half = len(STREAMLIT_SHELL) // 2
    inner = FakeStreamlit(b"text/html", [STREAMLIT_SHELL[:half], STREAMLIT_SHELL[half:]])
    start, body = _get(ShellMiddleware(inner, SHELL_CSS, ["Html.x1.js"]), "/map", b"text/html")
    headers = dict(start["headers"])
    assert body == shell_html(STREAMLIT_SHELL, SHELL_CSS, ["Html.x1.js"])
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"etag" not in headers  # the changed page is not the file Streamlit's ETag names
    asked = {k for k, _ in inner.request_headers}
    assert b"accept-encoding" not in asked and b"if-none-match" not in asked

    # A component's own page (st_folium's iframe has a root too) and other files: untouched.
    component = b'<html><head></head><body><div id="root"><div id="map_div"></div></div></body>'
    for path, page, accept in (
        ("/component/streamlit_folium.st_folium/index.html", component, b"text/html"),
        ("/map", STREAMLIT_SHELL, b"application/json"),
        ("/app/static/x.html", STREAMLIT_SHELL, b"text/html"),
    ):
        inner = FakeStreamlit(b"text/html", [page])
        start, body = _get(ShellMiddleware(inner, SHELL_CSS), path, accept)
        assert body == page, path
        assert dict(start["headers"])[b"etag"] == b"e", path
        assert (b"accept-encoding", b"gzip") in inner.request_headers, path
    # HTML that is not Streamlit's shell (no empty root) keeps its body; a 304 passes through.
    plain = b"<html><head></head><body><div id='root'>x</div></body></html>"
    assert (
        _get(ShellMiddleware(FakeStreamlit(b"text/html", [plain]), SHELL_CSS), "/", b"text/html")[1]
        == plain
    )
    unchanged = FakeStreamlit(b"text/html", [b""], status=304)
    assert _get(ShellMiddleware(unchanged, SHELL_CSS), "/", b"text/html")[0]["status"] == 304


def test_a_bad_stylesheet_fails_when_the_app_starts() -> None:
    with pytest.raises(ValueError, match="must not contain"):
        ShellMiddleware(FakeStreamlit(b"text/html", []), "</style>")


def test_the_chunks_of_the_map_page_are_found_with_what_they_import(tmp_path: Path) -> None:
    js = tmp_path / "js"
    js.mkdir()
    (js / "Multiselect.A1.js").write_text('import{a}from"./dep.B2.js";import"./known.C3.js";')
    (js / "dep.B2.js").write_text('import{b}from "./deeper.D4.js";export const a=1;')
    (js / "deeper.D4.js").write_text("export const b=2;")
    (js / "known.C3.js").write_text("")
    got = streamlit_chunks(["Multiselect", "Gone"], js, known=["known.C3.js"])
    assert got == ["Multiselect.A1.js", "dep.B2.js", "deeper.D4.js"]


def test_the_installed_streamlit_has_the_map_components_chunk() -> None:
    """A Streamlit upgrade that renames its chunks shows here (the preload would find none)."""
    import streamlit

    chunks = server.map_page_preload(Path(streamlit.__file__).parent / "static")
    for name in ("ComponentInstance", "Multiselect", "Html", "rehype-raw"):
        assert any(c.startswith(f"{name}.") for c in chunks), name


def test_tcp_nodelay_reaches_the_sockets_streamlit_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit binds with ``socket.socket(family)`` (protocol 0); asyncio then skips
    TCP_NODELAY on the connections it accepts, unless :func:`enable_tcp_nodelay` ran."""
    import asyncio.base_events

    monkeypatch.setattr(asyncio.base_events, "_set_nodelay", asyncio.base_events._set_nodelay)
    server.enable_tcp_nodelay()
    server.enable_tcp_nodelay()  # twice: once is enough, and nothing is wrapped twice

    async def accepted_nodelay() -> int:
        listener = socket.socket(socket.AF_INET)  # as Streamlit's _bind_socket does
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        got: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: Any) -> None:
                sock = transport.get_extra_info("socket")
                got.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        srv = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        value = await asyncio.wait_for(got, 10)
        writer.close()
        srv.close()
        await srv.wait_closed()
        return value

    assert _run(accepted_nodelay()) != 0
