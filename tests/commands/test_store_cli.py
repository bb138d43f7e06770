"""``ninohe-geo store copy|info`` and ``ninohe-geo users``, through the CLI entry point."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from store_support import pg_url_fixture  # noqa: F401 - fixture

from ninohe_geo.cli import main
from ninohe_geo.store import open_store
from ninohe_geo.store.accounts import AccountStore


def test_store_copy_folder_to_postgis_and_back(
    make_data_dir,  # type: ignore[no-untyped-def]
    pg_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = make_data_dir("good")
    assert main(["store", "copy", "--from", str(src), "--to", pg_url]) == 0
    assert "copied 4 features (+0 deleted), 1 layers" in capsys.readouterr().out
    back = tmp_path / "back"
    assert main(["store", "copy", "--from", pg_url, "--to", str(back)]) == 0
    assert [r.id for r in open_store(back).records()] == [r.id for r in open_store(src).records()]
    assert main(["store", "info", "--from", str(back)]) == 0
    assert "features: 4 (+0 deleted) in 1 layers" in capsys.readouterr().out


def test_store_copy_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["store", "copy", "--from", "ftp://x", "--to", str(tmp_path / "d")]) == 2
    assert "unknown store" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_users_add_reads_the_password_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tmp_path / "users.json"
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    code = main(
        ["users", "add", "sato", "--role", "editor", "--password-stdin", "--file", str(users)]
    )
    assert code == 0
    assert "added sato (editor)" in capsys.readouterr().out
    assert AccountStore(users).verify("sato", "a long enough password") is not None
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code = main(["users", "add", "tanaka", "--password-stdin", "--file", str(users)])
    assert code == 2
    assert "at least 10" in capsys.readouterr().err
    assert main(["users", "list", "--file", str(users)]) == 0
    assert capsys.readouterr().out.startswith("sato\teditor\t")
