"""The built wheel, installed into a fresh virtual environment outside the checkout, works in an
empty folder: ``app`` (a page drawn in Chromium), ``validate``, ``export``, ``print``,
``publish``, ``init`` (issue #10: it used to run only from a git checkout).

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
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT

from ninohe_geo import printing

SHIPPED_FEATURES = sum(
    len(json.loads(f.read_text(encoding="utf-8"))["features"])
    for f in (REPO_ROOT / "geodata" / "layers").glob("*.geojson")
)


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


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    uv = _uv()
    base = tmp_path_factory.mktemp("package")
    dist = base / "dist"
    subprocess.run([uv, "build", "--wheel", "-o", str(dist), str(REPO_ROOT)], check=True)
    wheel = next(dist.glob("ninohe_geo-*.whl"))
    constraints = base / "constraints.txt"
    subprocess.run(
        [uv, "export", "--frozen", "--no-dev", "--all-extras", "--no-emit-project",
         "--no-hashes", "-o", str(constraints)],
        cwd=REPO_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    venv = base / "venv"
    subprocess.run([uv, "venv", "--python", sys.executable, str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
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


def test_the_wheel_carries_the_data_the_pages_and_the_licences(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert "ninohe_geo/geodata/plan.yaml" in names
    assert "ninohe_geo/dashboard/app.py" in names
    assert "ninohe_geo/dashboard/views/map.py" in names
    assert "ninohe_geo/streamlit-config.toml" in names
    assert "ninohe_geo/vendor/leaflet-draw/leaflet.draw.js" in names
    assert not any(n.startswith("ninohe_geo/dashboard/static/") for n in names)
    assert not any("users.json" in n or n.endswith(".lock") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith(".dist-info/licenses/geodata/LICENSE.md") for n in names)


def test_it_runs_from_site_packages_not_the_checkout(installed: Installed) -> None:
    probe = subprocess.run(
        [str(installed.bin / "python"), "-c",
         "from ninohe_geo import paths; "
         "print(paths.CHECKOUT, paths.data_dir(), paths.static_dir())"],
        cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    checkout, data, static = probe.stdout.split()
    assert checkout == "None"
    assert "site-packages" in data and not data.startswith(str(REPO_ROOT))
    assert static.startswith(installed.env["NINOHE_GEO_CACHE"])


def test_validate_export_and_publish_in_an_empty_folder(installed: Installed) -> None:
    done = installed.run("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{SHIPPED_FEATURES} feature(s) checked" in done.stdout
    done = installed.run("export", "--format", "geojson", "plan.geojson")
    assert done.returncode == 0, done.stderr
    doc = json.loads((installed.work / "plan.geojson").read_text(encoding="utf-8"))
    assert len(doc["features"]) == SHIPPED_FEATURES
    done = installed.run("publish", "site")
    assert done.returncode == 0, done.stderr
    assert (installed.work / "site" / "index.html").is_file()
    assert (installed.work / "site" / "datapackage.json").is_file()


def test_the_shipped_data_is_read_only_and_init_makes_an_editable_copy(
    installed: Installed,
) -> None:
    sample = REPO_ROOT / "tests" / "data" / "import" / "gsi_emergency_mini.geojson"
    done = installed.run("import", str(sample), "--layer", "gsi-emergency")
    assert done.returncode != 0
    assert "ninohe-geo init" in done.stderr
    done = installed.run("init", "mydata")
    assert done.returncode == 0, done.stderr
    assert "--data" in done.stdout
    done = installed.run("import", str(sample), "--layer", "gsi-emergency", "--data", "mydata")
    assert done.returncode == 0, done.stdout + done.stderr
    done = installed.run("export", "--format", "csv", "mine.csv", "--data", "mydata")
    assert done.returncode == 0, done.stderr
    assert (installed.work / "mydata" / "layers" / "gsi-emergency.geojson").is_file()
    assert "御返地生活改善センター" in (installed.work / "mine.csv").read_text(encoding="utf-8-sig")


def test_print_a_pdf(installed: Installed) -> None:
    try:
        installed.env["CHROMIUM"] = printing.chromium_path()
    except printing.PrintError as exc:
        _need(str(exc))
    done = installed.run("print", "--out", "map.pdf", "--tile-timeout", "0.5")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (installed.work / "map.pdf").read_bytes().startswith(b"%PDF")


@pytest.fixture
def running_app(installed: Installed) -> Iterator[str]:
    from ninohe_geo.appserver import free_port

    port = free_port()
    log = installed.work / "app.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(installed.bin / "ninohe-geo"), "app", "--port", str(port),
             "--address", "127.0.0.1"],
            cwd=installed.work, env=installed.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        from ninohe_geo.appserver import wait_healthy

        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, lambda: log.read_text(errors="replace"), 90)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # The command became the server (exec): once it is stopped, nothing answers any more.
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)


def test_the_app_starts_and_draws_the_map(installed: Installed, running_app: str) -> None:
    try:
        chromium = printing.chromium_path()
    except printing.PrintError as exc:
        _need(str(exc))
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=list(printing.CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(running_app, wait_until="domcontentloaded")
            frame = page.wait_for_selector(
                "iframe[title*='st_folium']", state="attached", timeout=60_000
            ).content_frame()
            assert frame is not None
            expect(frame.locator(".leaflet-interactive").first).to_be_attached(timeout=60_000)
            expect(
                page.get_by_text(f"表示中 {SHIPPED_FEATURES} / {SHIPPED_FEATURES} 件")
            ).to_be_visible()
        finally:
            browser.close()
    static = Path(installed.env["NINOHE_GEO_CACHE"]) / "app" / "static"
    assert (static / "ninohe-map.js").is_file() or any(static.rglob("*.js"))
