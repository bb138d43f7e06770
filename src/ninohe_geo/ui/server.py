"""Start the Streamlit app: ``ninohe-geo app`` for people, :func:`start_app` for browser tests
and benchmarks.

One place for the command line, the app's Streamlit settings and the readiness wait (the health
endpoint, never a fixed sleep), so a city, the tests and the benchmarks run the same app started
the same way. Installed, the pages run from a copy in the cache folder (:func:`prepare_app_dir`):
Streamlit serves ``static/`` beside the main script, and generated files never go into the
package. The settings come from one file (:func:`ninohe_geo.paths.streamlit_config`) passed as
command-line flags, so they hold whatever folder the app is started from.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
