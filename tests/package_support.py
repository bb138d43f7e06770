"""The built wheel installed into a fresh virtual environment outside the checkout, shared by
``tests/test_package.py`` and ``tests/browser/test_installed.py`` (one build per session).

The wheel is built from this checkout with ``uv build``, installed with its ``print`` and
``postgis`` extras, pinned to ``uv.lock`` (``uv export`` as constraints), into a venv under
``tmp_path``; every command runs with the empty folder as its working directory and with no
``NINOHE_GEO_*`` setting pointing back into the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT

_LAYER_DOCS = [
    json.loads(f.read_text(encoding="utf-8"))
    for f in (REPO_ROOT / "geodata" / "layers").glob("*.geojson")
]
#: The plan's projects shipped (shown, counted, exported) …
SHIPPED_FEATURES = sum(
    len(d["features"]) for d in _LAYER_DOCS if d.get("layer", {}).get("kind") != "reference"
)
#: … and every shipped feature, reference layers (outline, AEDs) included (validated).
SHIPPED_ALL = sum(len(d["features"]) for d in _LAYER_DOCS)


def _need(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; under CI=true the packaging test is required")
    pytest.skip(what)


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if not found and (REPO_ROOT / ".tools" / "bin" / "uv").is_file():
        found = str(REPO_ROOT / ".tools" / "bin" / "uv")
    if not found:
        _need("uv is needed to build and install the wheel (./run test installs it)")
    return str(found)


@dataclass(frozen=True)
class Installed:
    """A fresh venv with the wheel installed, and an empty folder to run it in."""

    wheel: Path
    bin: Path
    work: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """``ninohe-geo ARGS`` in the empty folder."""
        return subprocess.run(
            [str(self.bin / "ninohe-geo"), *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture(scope="session", name="installed")
def installed_fixture(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    uv = _uv()
    base = tmp_path_factory.mktemp("package")
    dist = base / "dist"
    # --offline: everything comes from uv's cache, which `uv sync` (./run) filled from uv.lock —
    # no network, and no TLS that a clock years ahead (faketime) would fail.
    subprocess.run(
        [uv, "build", "--offline", "--wheel", "-o", str(dist), str(REPO_ROOT)], check=True
    )
    wheel = next(dist.glob("ninohe_geo-*.whl"))
    constraints = base / "constraints.txt"
    subprocess.run(
        [uv, "export", "--frozen", "--no-dev", "--all-extras", "--no-emit-project",
         "--no-hashes", "-o", str(constraints)],
        cwd=REPO_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    venv = base / "venv"
    subprocess.run([uv, "venv", "--offline", "--python", sys.executable, str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    # The locked third-party packages first, from the lock's own URLs in uv's cache (a plain
    # `pip install --offline` would need the registry's index pages, which `uv sync` never
    # fetched); then the wheel, whose declared requirements must all be met by them.
    subprocess.run(
        [uv, "sync", "--frozen", "--offline", "--no-dev", "--all-extras", "--no-install-project",
         "--quiet"],
        cwd=REPO_ROOT, check=True, env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)},
    )  # fmt: skip
    subprocess.run(
        [uv, "pip", "install", "--offline", "--python", str(python), "-c", str(constraints),
         f"{wheel}[print,postgis]"],
        check=True,
    )  # fmt: skip
    work = base / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NINOHE_GEO_", "VIRTUAL_ENV"))}
    env["NINOHE_GEO_CACHE"] = str(base / "cache")
    env["PYTHONPATH"] = ""
    home = base / "home"  # no developer's ~/.streamlit/secrets.toml reaches the commands
    home.mkdir()
    env["HOME"] = env["USERPROFILE"] = str(home)
    return Installed(wheel, python.parent, work, env)
