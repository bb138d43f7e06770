"""Real-browser fixtures: a Streamlit server on 127.0.0.1 and the system Chromium via Playwright.

Browser tests skip when Chromium is missing on a developer's machine, and fail under CI=true.
Waiting is always for a condition (a health endpoint, a selector, a text), never a fixed sleep.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ninohe_geo.ui import server as appserver
from ninohe_geo.ui.server import AppServer

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
START_TIMEOUT_S = 90.0


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        message = "Chromium not found (apt-get install chromium); needed for browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def start_app(data_dir: Path, log: Path) -> AppServer:
    """Start the app on a free loopback port and wait for its health endpoint."""
    return appserver.start_app(data_dir, log, timeout_s=START_TIMEOUT_S)


def _data_folder(root: Path, *layer_dirs: Path) -> Path:
    (root / "layers").mkdir(parents=True)
    shutil.copy(REPO / "geodata" / "plan.yaml", root / "plan.yaml")
    for folder in layer_dirs:
        for f in folder.glob("*.geojson"):
            shutil.copy(f, root / "layers" / f.name)
    return root


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _chromium()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _serve(
    tmp_path_factory: pytest.TempPathFactory, name: str, data_dir: Path
) -> Iterator[AppServer]:
    log = tmp_path_factory.mktemp(f"{name}-log") / "streamlit.log"
    server = start_app(data_dir, log)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shipped_app(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[AppServer]:
    """The app on the shipped geodata/ (the data a new user sees)."""
    yield from _serve(tmp_path_factory, "shipped", REPO / "geodata")


@pytest.fixture(scope="session")
def hostile_app(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[AppServer]:
    """The app on hostile names plus a broken file, to test escaping and bad input."""
    root = _data_folder(
        tmp_path_factory.mktemp("hostile-data"),
        DATA / "layers" / "hostile",
        DATA / "layers" / "broken",
    )
    yield from _serve(tmp_path_factory, "hostile", root)


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
