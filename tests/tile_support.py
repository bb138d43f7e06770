"""A loopback tile server and tiny PNG tiles, for the tile-pack tests (unit and browser)."""

from __future__ import annotations

import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png(width: int = 4, height: int = 4, seed: int = 0) -> bytes:
    """A tiny valid PNG (one colour), different per ``seed``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    row = b"\x00" + bytes([seed % 256, 100, 50]) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\0\0\0")
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """A loopback tile server whose answers per tile path a test can script."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, user agent)
        self.script: dict[str, list[tuple[int, dict[str, str], bytes]]] = {}
        self.default: tuple[int, dict[str, str], bytes] | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                queue = server.script.get(self.path)
                if queue:
                    status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                elif server.default is not None:
                    status, headers, body = server.default
                else:
                    status, headers, body = (
                        200,
                        {"Content-Type": "image/png"},
                        png(seed=len(self.path)),
                    )
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def template(self) -> str:
        return self.url + "/xyz/{z}/{x}/{y}.png"
