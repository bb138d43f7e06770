"""Dependencies are declared where they are used, and nothing is installed only to borrow files
(issue #10: django-leaflet, with two Django versions and LGPL code, was installed only for
Leaflet.draw; six directly imported libraries were undeclared)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT


def test_deptry_finds_no_undeclared_unused_or_misplaced_dependency() -> None:
    deptry = shutil.which("deptry", path=str(REPO_ROOT / ".venv" / "bin")) or shutil.which("deptry")
    command = [deptry] if deptry else [sys.executable, "-m", "deptry"]
    done = subprocess.run(
        [*command, "."], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_django_and_no_unused_xstatic_in_the_lock() -> None:
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))
    names = {p["name"] for p in lock["package"]}
    assert not {n for n in names if n.startswith("django")}
    assert "xstatic-leaflet-markercluster" not in names


def test_runtime_features_are_extras_not_core_dependencies() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"])
    assert "playwright" not in core and "psycopg" not in core
    extras = project["optional-dependencies"]
    assert any(d.startswith("playwright") for d in extras["print"])
    assert any(d.startswith("psycopg") for d in extras["postgis"])


def test_printing_without_the_print_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ninohe_geo.output import printout as printing

    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    options = printing.PrintOptions(paper="A4", orientation="landscape", format="pdf")
    with pytest.raises(printing.PrintError, match=r"ninohe-geo\[print\]"):
        printing._render_here("<html></html>", options, tmp_path, None)


def test_a_database_store_without_the_postgis_extra_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ninohe_geo.store import StoreUnavailable, open_store

    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.delitem(sys.modules, "ninohe_geo.store.postgis", raising=False)
    with pytest.raises(StoreUnavailable, match=r"ninohe-geo\[postgis\]"):
        open_store("postgresql://city@db.example/plan")
