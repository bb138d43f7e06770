"""Choosing a store from a location: folders, file://, postgresql://, configuration order."""

from __future__ import annotations

from pathlib import Path

import pytest

from ninohe_geo.store import StoreUnavailable, configured_location, open_store, registry
from ninohe_geo.store.file import FileStore
from ninohe_geo.store.postgis import PostGISStore, redact, split_url


def test_locations_choose_backends(tmp_path: Path) -> None:
    assert isinstance(open_store(tmp_path), FileStore)
    file_url = open_store(f"file://{tmp_path}")
    assert isinstance(file_url, FileStore) and file_url.root == tmp_path
    pg = open_store("postgresql://planner:s3cret@db.example:5432/ninohe?schema=city")
    assert isinstance(pg, PostGISStore)
    assert pg.schema == "city" and "s3cret" not in pg.location
    with pytest.raises(StoreUnavailable, match="unknown store"):
        open_store("mysql://x/y")


def test_schema_names_are_checked() -> None:
    with pytest.raises(StoreUnavailable, match="schema"):
        split_url("postgresql://x/y?schema=a;drop table b")
    dsn, schema = split_url("postgresql://x/y?sslmode=require&schema=s1")
    assert (dsn, schema) == ("postgresql://x/y?sslmode=require", "s1")
    assert redact("postgresql://u:p@h:5/d") == "postgresql://u:***@h:5/d"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p@h:5/d", "postgresql://u:***@h:5/d"),
        ("postgresql://u@h/d", "postgresql://u@h/d"),  # no password: unchanged
        ("postgresql://h/d?user=u&password=s3cret", "postgresql://h/d?user=u&password=***"),
        (
            "postgresql://h/d?PASSWORD=s3cret&sslmode=require",
            "postgresql://h/d?PASSWORD=***&sslmode=require",
        ),
        (
            "postgresql://u@h/d?sslpassword=k3y&schema=s",
            "postgresql://u@h/d?sslpassword=***&schema=s",
        ),
        ("postgresql://u:p@[::1]:5432/d", "postgresql://u:***@[::1]:5432/d"),
        ("postgresql://u:p%40ss@h/d", "postgresql://u:***@h/d"),
        ("/srv/ninohe/data", "/srv/ninohe/data"),
    ],
)
def test_a_store_location_never_shows_a_password(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_configuration_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(tmp_path / "data"))
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr(registry, "secrets_files", lambda: [secrets])
    assert configured_location() == str(tmp_path / "data")
    secrets.write_text('[ninohe_geo]\nstore = "postgresql://h/db"\n', encoding="utf-8")
    assert configured_location() == "postgresql://h/db"
    monkeypatch.setenv("NINOHE_GEO_STORE", str(tmp_path / "other"))
    assert configured_location() == str(tmp_path / "other")
    secrets.write_text("not = [toml", encoding="utf-8")  # a broken file is ignored
    monkeypatch.delenv("NINOHE_GEO_STORE")
    assert configured_location() == str(tmp_path / "data")


def test_the_data_inside_an_installed_package_refuses_writes(
    make_data_dir,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Installed, the shipped data is read-only (``ninohe-geo init DIR`` makes a copy to edit):
    a write says so and changes nothing."""
    from ninohe_geo import paths
    from ninohe_geo.store import StoreReadOnly
    from ninohe_geo.store.base import Identity

    shipped: Path = make_data_dir("good")
    monkeypatch.setattr(paths, "CHECKOUT", None)
    monkeypatch.setattr(paths, "PACKAGED_DATA", shipped)
    before = {f: f.read_bytes() for f in shipped.rglob("*") if f.is_file()}
    store = open_store(shipped / "layers" / "..")
    rec = store.record("castle")
    assert rec is not None
    editor = Identity("sato", "editor")
    with pytest.raises(StoreReadOnly, match="ninohe-geo init"):
        store.delete(editor, "castle", rec.version)
    with pytest.raises(StoreReadOnly, match="ninohe-geo init"):
        store.save(editor, "sample", rec.feature, rec.version)
    assert {f: f.read_bytes() for f in shipped.rglob("*") if f.is_file()} == before
    assert open_store(make_data_dir("good")).read_only_reason == ""  # any other folder writes
