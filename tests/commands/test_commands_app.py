"""``ninohe-geo app`` and ``init``: what the app is started with, and the editable copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT

from ninohe_geo import paths
from ninohe_geo.commands.app import app_environment
from ninohe_geo.commands.init import init_data
from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.store.accounts import AccountError, AccountStore
from ninohe_geo.store.base import Identity


def test_data_wins_over_an_inherited_store(
    make_data_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_data_dir("good")
    monkeypatch.setenv("NINOHE_GEO_STORE", "postgresql://elsewhere/db")
    env = app_environment(root, None)
    assert env["NINOHE_GEO_DATA"] == env["NINOHE_GEO_STORE"] == str(root.resolve())


def test_a_folder_store_is_the_data_folder_too(make_data_dir: Callable[..., Path]) -> None:
    root = make_data_dir("good")
    env = app_environment(None, str(root))
    assert env["NINOHE_GEO_DATA"] == env["NINOHE_GEO_STORE"] == str(root.resolve())
    url = "postgresql://city@db/plan"
    assert app_environment(None, url)["NINOHE_GEO_STORE"] == url


def test_data_must_be_a_data_folder(tmp_path: Path) -> None:
    with pytest.raises(NinoheGeoError, match="ninohe-geo init"):
        app_environment(tmp_path, None)


def test_init_copies_the_shipped_data_without_accounts_or_history(tmp_path: Path) -> None:
    target = init_data(tmp_path / "city")
    assert (target / "plan.yaml").read_bytes() == (REPO_ROOT / "geodata" / "plan.yaml").read_bytes()
    shipped = sorted(p.name for p in (REPO_ROOT / "geodata" / "layers").glob("*.geojson"))
    assert sorted(p.name for p in (target / "layers").glob("*.geojson")) == shipped
    assert not (target / "users.json").exists() and not (target / "history").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left
    with pytest.raises(NinoheGeoError, match="not empty"):
        init_data(target)


def test_accounts_are_never_written_into_the_installed_package(
    make_data_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = make_data_dir("good")
    monkeypatch.setattr(paths, "CHECKOUT", None)
    monkeypatch.setattr(paths, "PACKAGED_DATA", shipped)
    with pytest.raises(AccountError, match="ninohe-geo init"):
        AccountStore(shipped / "users.json").add(
            Identity("setup", "admin"), "sato", "editor", "a long enough password"
        )
    assert not (shipped / "users.json").exists()
