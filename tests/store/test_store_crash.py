"""Nothing lost: a writer killed with SIGKILL mid-save, a full disk, a read-only store, a
server that is down — on the file store and on PostGIS, with real processes, real file systems
(a tiny tmpfs) and a real PostgreSQL server. Nothing is mocked except where a test says so."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_support import (  # noqa: F401 - fixtures
    ALICE,
    backend_fixture,
    edited,
    fresh_store,
    new_feature,
    pg_url_fixture,
    store_fixture,
    store_url_fixture,
)

from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.store import (
    Store,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
    open_store,
)
from ninohe_geo.store.base import version_of
from ninohe_geo.store.file import FileStore

WRITER = Path(__file__).resolve().parents[1] / "store_writer.py"
COPIER = Path(__file__).resolve().parents[1] / "store_copier.py"
KILLS = 6


def _revision(store: Store) -> int:
    rec = store.record("castle")
    assert rec is not None
    name = rec.feature["properties"]["name_en"]
    return 0 if name == "Kunohe Castle ruins" else int(name.removeprefix("rev "))


def _check_consistent(store: Store, location: str) -> None:
    """The store loads, and the history's last word on the castle is what is stored."""
    if not location.startswith("postgresql"):
        for path in Path(location, "layers").glob("*.geojson"):
            json.loads(path.read_text(encoding="utf-8"))  # every file whole
        cat = load_catalog(Path(location))
        assert not [p for p in cat.problems if p.severity == "error"], cat.problems
    history = store.history("feature:castle")
    rec = store.record("castle")
    assert rec is not None
    if history:
        assert history[-1].after == rec.feature
    assert [c.seq for c in history] == sorted({c.seq for c in history})


def test_kill_9_mid_save_leaves_old_or_new(store_url: str) -> None:
    """Loop saves in a subprocess, SIGKILL it at random points, check old-or-new each time."""
    rng = random.Random(6)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    for _ in range(KILLS):
        before = _revision(open_store(store_url))
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), store_url, "castle", "sample"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        wanted = rng.randint(1, 8)
        last = before
        for _ in range(wanted):
            line = proc.stdout.readline()
            assert line, proc.stderr.read().decode() if proc.stderr else "writer died"
            last = int(line)
        os.kill(proc.pid, signal.SIGKILL)  # the writer is somewhere inside its next save
        proc.wait()
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        store = open_store(store_url)
        now = _revision(store)
        assert now in (last, last + 1), (before, last, now)  # old or new, nothing else
        _check_consistent(store, store_url)
    # The store takes writes again, and records them.
    store = open_store(store_url)
    rec = store.record("castle")
    assert rec is not None
    store.save(ALICE, "sample", edited(rec.feature, status="done"), rec.version)
    assert store.history("feature:castle")[-1].user == "alice"
    _check_consistent(store, store_url)


# ----------------------------------------------------------------------------- file systems
def _mount_tmpfs(target: Path, size: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        reason = f"cannot mount a tmpfs ({done.stderr.decode().strip()}); needs root"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, unmounted afterwards."""
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "1m")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path) -> Path:
    """Fill the disk to the last byte; returns the filler file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and p.name != "filler"
    }


def test_full_disk_gives_a_clear_error_and_intact_data(
    tiny_disk: Path,
    make_data_dir,  # type: ignore[no-untyped-def]
) -> None:
    root = tiny_disk / "geodata"
    shutil.copytree(make_data_dir("good"), root)
    store = FileStore(root)
    castle = store.record("castle").feature  # type: ignore[union-attr]
    store.save(ALICE, "sample", edited(castle, status="done"), version_of(castle))
    before_files, before_history = _files(root), store.history()
    filler = _fill(tiny_disk)
    current = store.record("castle").feature  # type: ignore[union-attr]
    big = edited(current, summary_ja="長い説明。" * 2000)
    with pytest.raises(StoreFull, match="no space left"):
        store.save(ALICE, "sample", big, version_of(current))
    assert _files(root)["layers/sample.geojson"] == before_files["layers/sample.geojson"]
    assert store.history() == before_history
    assert store.record("castle").feature == current  # type: ignore[union-attr]
    filler.unlink()
    store.save(ALICE, "sample", big, version_of(current))  # space again: it saves
    assert store.history()[-1].after == big
    assert not [p for p in load_catalog(root).problems if p.severity == "error"]


def test_read_only_disk_gives_a_clear_error_and_intact_data(
    tiny_disk: Path,
    make_data_dir,  # type: ignore[no-untyped-def]
) -> None:
    root = tiny_disk / "geodata"
    shutil.copytree(make_data_dir("good"), root)
    before = _files(root)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    store = FileStore(root)
    castle = store.record("castle").feature  # type: ignore[union-attr]
    with pytest.raises(StoreReadOnly, match="read-only"):
        store.save(ALICE, "sample", edited(castle, status="done"), version_of(castle))
    with pytest.raises(StoreReadOnly):
        store.delete(ALICE, "castle", version_of(castle))
    assert _files(root) == before
    assert len(store.records()) == 4  # reading still works


def test_enospc_on_the_layer_write_aborts_the_history_entry(
    make_data_dir,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Simulated (monkeypatched) ENOSPC at step 3, after the history entry is appended: the
    entry is aborted, so history never claims a change that did not happen."""
    from ninohe_geo.store import file as file_mod

    root = make_data_dir("good")
    store = FileStore(root)
    castle = store.record("castle").feature  # type: ignore[union-attr]
    layer_before = (root / "layers" / "sample.geojson").read_bytes()

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(file_mod, "write_atomic", full)
    with pytest.raises(StoreFull):
        store.save(ALICE, "sample", edited(castle, status="done"), version_of(castle))
    monkeypatch.undo()
    assert (root / "layers" / "sample.geojson").read_bytes() == layer_before
    assert store.history() == []
    log = (root / "history" / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(log[-1]) == {"abort": 1}


def test_torn_history_line_is_cut_on_the_next_write(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir("good")
    store = FileStore(root)
    castle = store.record("castle").feature  # type: ignore[union-attr]
    store.save(ALICE, "sample", edited(castle, status="done"), version_of(castle))
    log = root / "history" / "changes.jsonl"
    with log.open("ab") as out:
        out.write(b'{"seq": 2, "key": "feature:cas')  # a crash mid-append
    assert len(store.history()) == 1  # readers ignore it
    current = store.record("castle").feature  # type: ignore[union-attr]
    store.save(ALICE, "sample", edited(current, status="study"), version_of(current))
    assert [c.seq for c in store.history()] == [1, 2]
    for line in log.read_text(encoding="utf-8").splitlines():
        json.loads(line)


# -------------------------------------------------------------------------------- PostGIS
def test_read_only_database_gives_a_clear_error_and_intact_data(
    pg_url: str,
    make_data_dir,  # type: ignore[no-untyped-def]
) -> None:
    fresh_store("postgis", make_data_dir("good"), pg_url)
    ro = f"{pg_url}&options=-c%20default_transaction_read_only%3Don"
    store = open_store(ro)
    before = open_store(pg_url).snapshot()
    castle = store.record("castle").feature  # type: ignore[union-attr]
    with pytest.raises(StoreReadOnly, match="read-only"):
        store.save(ALICE, "sample", edited(castle, status="done"), version_of(castle))
    with pytest.raises(StoreReadOnly):
        store.delete(ALICE, "castle", version_of(castle))
    assert open_store(pg_url).snapshot() == before


def test_database_down_is_a_clear_error() -> None:
    store = open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable, match="cannot reach") as info:
        store.records()
    assert "secret" not in str(info.value)


def _ids_and_names(store: Store) -> list[tuple[str, str]]:
    return sorted(
        (r.id, str(r.feature["properties"]["name_en"])) for r in store.records(include_deleted=True)
    )


def test_kill_9_mid_copy_leaves_the_target_old_or_complete(
    backend: str,
    make_data_dir,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """Copy A and B alternately into one target in a subprocess, SIGKILL it at random points:
    the target always holds exactly A or exactly B."""
    source_a = make_data_dir("good")
    source_b = make_data_dir("good")
    b = FileStore(source_b)
    castle = b.record("castle").feature  # type: ignore[union-attr]
    b.save(ALICE, "sample", edited(castle, name_en="Copy B"), version_of(castle))
    b.save(ALICE, "sample", new_feature(), None)
    wanted = {
        "a": _ids_and_names(FileStore(source_a)),
        "b": _ids_and_names(b),
    }
    target = str(tmp_path / "target") if backend == "file" else request.getfixturevalue("pg_url")
    rng = random.Random(7)  # reproducible kill points
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, str(COPIER), str(source_a), str(source_b), target],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        for _ in range(rng.randint(1, 4)):
            line = proc.stdout.readline()
            assert line, proc.stderr.read().decode() if proc.stderr else "copier died"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        got = _ids_and_names(open_store(target))
        assert got in (wanted["a"], wanted["b"])
        if backend == "file":
            assert not [p for p in load_catalog(Path(target)).problems if p.severity == "error"]


def test_full_database_disk_gives_a_clear_error_and_intact_data(
    pg_url: str,
    make_data_dir,  # type: ignore[no-untyped-def]
) -> None:
    """The store's tables in a tablespace on a 1 MiB tmpfs, filled to the last page: a save that
    needs new pages fails with StoreFull and the database keeps the previous data. (Needs the
    test server on this machine, as .ci/postgres.sh starts it, and root to mount.)"""
    import tempfile
    import uuid

    import psycopg

    from ninohe_geo.store.postgis import split_url

    disk = Path(tempfile.mkdtemp(prefix="ninohe-pgdisk-"))
    disk.chmod(0o755)
    _mount_tmpfs(disk, "1m")
    shutil.chown(disk, "postgres", "postgres")
    space = f"t_{uuid.uuid4().hex[:10]}"
    dsn, _ = split_url(pg_url)
    admin = psycopg.connect(dsn, autocommit=True)
    try:
        admin.execute(f"CREATE TABLESPACE {space} LOCATION '{disk}'")
        url = f"{pg_url}&options=-c%20default_tablespace%3D{space}"
        store = fresh_store("postgis", make_data_dir("good"), url)
        admin.execute(f"CREATE TABLE {space}_filler (x bytea) TABLESPACE {space}")
        with pytest.raises(psycopg.errors.DiskFull):
            for _ in range(1000):
                admin.execute(  # random, so that compression cannot shrink it
                    f"INSERT INTO {space}_filler SELECT decode(string_agg(md5(random()::text), "
                    "''), 'hex') FROM generate_series(1, 500)"
                )
        before = store.snapshot()
        castle = store.record("castle").feature  # type: ignore[union-attr]
        big = edited(castle, summary_ja=os.urandom(60_000).hex())  # incompressible: new pages
        with pytest.raises(StoreFull, match="no space left"):
            store.save(ALICE, "sample", big, version_of(castle))
        assert store.snapshot() == before
        admin.execute(f"DROP TABLE {space}_filler")
        store.save(ALICE, "sample", edited(castle, status="done"), version_of(castle))
        assert store.history()[-1].after["properties"]["status"] == "done"  # type: ignore[index]
    finally:
        _, schema = split_url(pg_url)
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.execute(f"DROP TABLE IF EXISTS {space}_filler")
        admin.execute(f"DROP TABLESPACE IF EXISTS {space}")
        admin.close()
        subprocess.run(["umount", "-l", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)
