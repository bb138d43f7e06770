"""Start the Streamlit app in a child process on 127.0.0.1, for browser tests and benchmarks.

One place for the command line and the readiness wait (the health endpoint, never a fixed
sleep), so the tests and the benchmarks measure the same app started the same way.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ninohe_geo.paths import DATA_ENV, REPO_ROOT

APP = REPO_ROOT / "dashboard" / "app.py"


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
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.enableStaticServing", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    if log is None:
        proc = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    else:
        with log.open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
    url = f"http://127.0.0.1:{port}"

    def output() -> str:
        return log.read_text(errors="replace") if log is not None else "(no log)"

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{output()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return AppServer(url, data_dir, proc)
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy in {timeout_s:.0f}s:\n{output()}")
