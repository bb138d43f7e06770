"""Helpers shared by the import/export tests (plain functions and classes, not fixtures).

- :func:`test_boundary`: the city's bounding box as an "exact" boundary, so unit tests do not
  depend on the shared reference folder;
- :class:`Listener`: a TCP listener on 127.0.0.1 that records every connection — a read that
  must stay offline is proven offline by ``listener.connections == 0``;
- :class:`FileServer`: a real HTTP server on 127.0.0.1 serving a folder (for ``fetch``).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import socket
import threading
from pathlib import Path
from types import TracebackType

from shapely.geometry import box

from ninohe_geo.model.boundary import CITY_BBOX, Boundary

IMPORT_DATA = Path(__file__).resolve().parent / "data" / "import"


def test_boundary() -> Boundary:
    """The city's bounding box, marked exact (no warning about a fallback)."""
    return Boundary(geometry=box(*CITY_BBOX), source="test: city bounding box", exact=True)


test_boundary.__test__ = False  # type: ignore[attr-defined]


def tree_digest(folder: Path) -> str:
    """A digest of every file's relative path and bytes under ``folder`` (to prove "unchanged")."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class Listener:
    """Counts TCP connections to 127.0.0.1:port while in a ``with`` block."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class FileServer:
    """An HTTP server on 127.0.0.1 serving ``folder``; records request paths."""

    def __init__(self, folder: Path) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(_QuietHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                super().do_GET()

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
        )
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        """The URL of a served file."""
        return f"http://127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
