"""The embedded default store: the ``geodata/`` text files plus an append-only history.

Layout of a data folder (the app's catalogue loader reads the same files)::

    plan.yaml                  the plan (read-only here)
    layers/<layer>.geojson     live features: the source of truth, diffable and reviewable in git
    history/changes.jsonl      every change, one JSON line each: who, when, before and after
    indicators.json            yearly indicator values with their sources
    projects.json              the plan's projects (事業), year by year (issue #14)
    .store.lock                writers hold an exclusive lock on it (``filelock``)

Why text files and a JSON-lines log rather than a GeoPackage or SQLite beside them: the layer
files stay what planners already review in git (one feature per block, sorted keys, the geometry
on one line), and the history is plain text that a reviewer can read and ``git diff``.
Trade-offs, honestly: there is no multi-file transaction, so a save is a small protocol (below)
with recovery on the next write; every read parses every layer (fine for thousands of features,
not for millions — use PostGIS there); concurrent writers are serialised by one lock per folder,
so this suits one machine (city hall's PC, a laptop at a meeting), not a cluster of app servers
sharing a network disk (``flock`` over NFS, or a lock on an SMB share, is unreliable).

The lock is ``filelock.FileLock``, so the module imports and locks on Windows too: underneath
it is ``fcntl.flock`` on Linux and macOS and a byte-range lock on Windows (``msvcrt.locking``
in filelock 3, ``LockFileEx`` in filelock 4). A writer blocks until the lock is free, holds it
for the whole save and releases it however the save ends; the kernel drops it if the process
dies. Readers never take it. Differences to know: on Windows filelock deletes the lock file on
release; on a POSIX disk without ``flock`` at all, filelock 3 raises and filelock 4 falls back
to a marker-file lock.

A save, under the folder's lock:

1. recover: cut a torn last history line; settle a pending entry (``commit`` if the layer holds
   its "after", ``abort`` otherwise) — only a crash can leave one;
2. append the history entry (with ``before`` and ``after``) and ``fsync``;
3. write the new layer file to a temporary file in the same folder, ``fsync``, ``os.replace``
   it over the old one, ``fsync`` the folder;
4. append ``{"commit": seq}`` and ``fsync``.

A batch (an import, :meth:`Store.save_batch`) follows the same protocol with many entries:
all its history lines are appended in one write and one ``fsync`` (step 2), the layer file is
replaced once (step 3), and all its commit lines follow in one write (step 4). Recovery reads
the live features once and settles every pending entry against them, so a crash mid-import
leaves the old layer and aborts the whole batch, or the new layer and commits it.

A ``kill -9`` at any point leaves each layer file old or new (``os.replace`` is atomic) and the
history consistent with it once recovered; readers apply the same rule without writing. A full
or read-only disk raises :class:`StoreFull` / :class:`StoreReadOnly` and leaves the old files.
Soft-deleted features leave their layer file (so the map and git show them gone) and live on in
the history, from which :meth:`FileStore.restore` brings them back.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from filelock import FileLock

from ninohe_geo.atomic import fsync_dir, write_atomic
from ninohe_geo.model.plan import Plan, load_plan
from ninohe_geo.store.base import (
    Action,
    BatchStep,
    Change,
    ConflictError,
    Identity,
    IndicatorValue,
    InvalidFeature,
    NotFound,
    Record,
    Snapshot,
    Store,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
    new_batch_id,
    now_iso,
    project_action,
    resolve_batch,
    resolve_projects,
    version_of,
)

HISTORY_FILE = Path("history") / "changes.jsonl"
INDICATORS_FILE = Path("indicators.json")
PROJECTS_FILE = Path("projects.json")
LOCK_FILE = Path(".store.lock")
#: Entries of a data folder that the store owns; ``replace_all`` carries everything else over.
OWNED = ("plan.yaml", "layers", "history", "indicators.json", "projects.json", ".store.lock")


# ------------------------------------------------------------------------------ file plumbing
@contextlib.contextmanager
def os_errors(where: Path, what: str) -> Iterator[None]:
    """Turn an ``OSError`` into a typed store error that says what to do."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreFull(
                f"{what}: no space left on the disk holding {where}; nothing was changed — "
                "free some space and save again"
            ) from exc
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StoreReadOnly(
                f"{what}: {where} is read-only ({exc.strerror}); nothing was changed"
            ) from exc
        raise StoreUnavailable(f"{what}: {where}: {exc.strerror or exc}") from exc


def append_line(path: Path, entry: dict[str, Any]) -> None:
    """Append one JSON line and fsync; on failure, cut the file back to where it was."""
    append_lines(path, [entry])


def append_lines(path: Path, entries: Sequence[dict[str, Any]]) -> None:
    """Append JSON lines in one write and one fsync; on failure, cut the file back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(
        json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n" for entry in entries
    ).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        start = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with ``renameat2(RENAME_EXCHANGE)``; False if unsupported
    (any system but Linux, an old C library, a file system without it)."""
    if sys.platform != "linux":
        return False
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    res = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if res != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL):
            return False
        raise OSError(err, os.strerror(err), str(a))
    return True


# ----------------------------------------------------------------------------- layer files
def dump_layer(meta: dict[str, Any] | None, features: list[dict[str, Any]]) -> str:
    """A layer file in the shipped layout: 2-space indent, one geometry per line, UTF-8 text."""

    def block(value: Any, pad: str) -> str:
        if isinstance(value, dict) and value and all(type(k) is str for k in value):
            values = value.values()
            if all(v is None or isinstance(v, (str, int, float)) for v in values):
                # A flat object (the properties): the same text as json.dumps(indent=2) below,
                # but through the C encoder, ten times faster for a 100,000-feature import.
                inner, dumps = pad + "  ", json.JSONEncoder(ensure_ascii=False).encode
                items = [f"{inner}{dumps(k)}: {dumps(v)}" for k, v in value.items()]
                return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)

    out = ['{\n  "type": "FeatureCollection",\n']
    if meta:
        out.append(f'  "layer": {block(meta, "  ")},\n')
    items = []
    for f in features:
        members = [f'      "type": {json.dumps(f.get("type", "Feature"))}']
        if "id" in f:
            members.append(f'      "id": {json.dumps(f["id"], ensure_ascii=False)}')
        geom = json.dumps(f.get("geometry"), ensure_ascii=False, separators=(", ", ": "))
        members.append(f'      "geometry": {geom}')
        members.append(f'      "properties": {block(f.get("properties"), "      ")}')
        for key, value in f.items():
            if key not in ("type", "id", "geometry", "properties"):
                members.append(f"      {json.dumps(key)}: {block(value, '      ')}")
        items.append("    {\n" + ",\n".join(members) + "\n    }")
    out.append('  "features": [\n' + ",\n".join(items) + ("\n" if items else "") + "  ]\n}\n")
    return "".join(out)


class _Layer:
    """One parsed layer file."""

    def __init__(self, path: Path, doc: dict[str, Any]) -> None:
        self.path = path
        self.doc = doc
        self.id = path.stem
        meta = doc.get("layer")
        self.meta: dict[str, Any] = meta if isinstance(meta, dict) else {}
        feats = doc.get("features")
        self.features: list[dict[str, Any]] = (
            [f for f in feats if isinstance(f, dict)] if isinstance(feats, list) else []
        )

    @staticmethod
    def fid(feature: dict[str, Any]) -> str | None:
        props = feature.get("properties")
        fid = props.get("id") if isinstance(props, dict) else None
        return fid if isinstance(fid, str) else None

    def text(self) -> str:
        return dump_layer(self.meta, self.features)


# ----------------------------------------------------------------------------------- store
class FileStore(Store):
    """The ``geodata/`` folder as a store (see the module docstring for the protocol)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.location = str(self.root)

    # ---------------------------------------------------------------- paths and reading
    @property
    def layers_dir(self) -> Path:
        return self.root / "layers"

    @property
    def history_path(self) -> Path:
        return self.root / HISTORY_FILE

    @property
    def indicators_path(self) -> Path:
        return self.root / INDICATORS_FILE

    @property
    def projects_path(self) -> Path:
        return self.root / PROJECTS_FILE

    def plan_yaml(self) -> str:
        with os_errors(self.root, "reading the plan"):
            return (self.root / "plan.yaml").read_text(encoding="utf-8")

    def plan(self) -> Plan:
        """The plan, read by the loader that names the file, line and field of an error."""
        return load_plan(self.root / "plan.yaml")

    def layer_file(self, layer: str) -> Path | None:
        return self.layers_dir / f"{layer}.geojson"

    def _layers(self) -> list[_Layer]:
        """Every readable layer file; broken ones are skipped (the catalogue reports them)."""
        out: list[_Layer] = []
        if not self.layers_dir.is_dir():
            return out
        for path in sorted(self.layers_dir.glob("*.geojson")):
            try:
                doc = json.loads(path.read_bytes().decode("utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
                out.append(_Layer(path, doc))
        return out

    def _layer(self, layer: str) -> _Layer:
        """The layer file for a write: an existing file must parse; a new one starts empty."""
        path = self.layers_dir / f"{layer}.geojson"
        if not path.exists():
            return _Layer(path, {"type": "FeatureCollection", "layer": {"id": layer}})
        try:
            doc = json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreUnavailable(
                f"layer file {path} is not valid JSON ({exc}); fix or restore it from git "
                "before saving into it"
            ) from exc
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise StoreUnavailable(f"layer file {path} is not a GeoJSON FeatureCollection")
        return _Layer(path, doc)

    def revision(self) -> tuple[int, int]:
        """(newest modification time, total size) of the layer, history and indicator files:
        changes with any save, and with a hand edit of a layer file."""
        files = [self.history_path, self.indicators_path, self.projects_path]
        if self.layers_dir.is_dir():
            files += sorted(self.layers_dir.glob("*.geojson"))
        newest = total = 0
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            newest, total = max(newest, info.st_mtime_ns), total + info.st_size
        return newest, total

    def layers(self) -> dict[str, dict[str, Any]]:
        return {lay.id: dict(lay.meta) for lay in self._layers()}

    def _live(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Feature id → (layer, feature) of the live features."""
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        for lay in self._layers():
            for f in lay.features:
                fid = _Layer.fid(f)
                if fid is not None and fid not in out:
                    out[fid] = (lay.id, f)
        return out

    def records(self, include_deleted: bool = False) -> list[Record]:
        live = self._live()
        out = [Record(layer, f) for layer, f in live.values()]
        if include_deleted:
            last: dict[str, Change] = {}
            for c in self.history():
                if c.key.startswith("feature:"):
                    last[c.key.removeprefix("feature:")] = c
            for fid, c in last.items():
                if fid not in live and c.after is None and c.before is not None:
                    out.append(Record(c.layer, c.before, deleted=True))
        return out

    def indicator_values(self) -> list[IndicatorValue]:
        return [IndicatorValue.from_dict(v) for v in self._indicator_dicts()]

    def projects(self) -> list[dict[str, Any]]:
        return list(self._project_map().values())

    def _project_map(self) -> dict[str, dict[str, Any]]:
        """Live projects by id, sorted by id (the file's order)."""
        try:
            raw = json.loads(self.projects_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StoreUnavailable(
                f"{self.projects_path} cannot be read ({exc}); fix or restore it from git"
            ) from exc
        items = raw.get("projects") if isinstance(raw, dict) else None
        if not isinstance(items, list):
            raise StoreUnavailable(f"{self.projects_path} has no 'projects' list")
        return {str(p["id"]): p for p in items if isinstance(p, dict) and "id" in p}

    def _indicator_dicts(self) -> list[dict[str, Any]]:
        try:
            raw = json.loads(self.indicators_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise StoreUnavailable(f"{self.indicators_path} cannot be read: {exc}") from exc
        values = raw.get("values") if isinstance(raw, dict) else None
        return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []

    # -------------------------------------------------------------------------- history
    def _log(self) -> tuple[list[dict[str, Any]], set[int], set[int], int]:
        """Entries, committed and aborted seqs, and the byte length of the well-formed part."""
        try:
            data = self.history_path.read_bytes()
        except FileNotFoundError:
            return [], set(), set(), 0
        good = data.rfind(b"\n") + 1  # a torn last line (crash mid-append) is not counted
        entries: list[dict[str, Any]] = []
        commits: set[int] = set()
        aborts: set[int] = set()
        for line in data[:good].splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if "commit" in item:
                commits.add(int(item["commit"]))
            elif "abort" in item:
                aborts.add(int(item["abort"]))
            else:
                entries.append(item)
        return entries, commits, aborts, good

    def _state_of(
        self, key: str, live: dict[str, tuple[str, dict[str, Any]]] | None = None
    ) -> dict[str, Any] | None:
        """What the store holds now under a history key (``live``: :meth:`_live`, if read)."""
        if key.startswith("feature:"):
            found = (live if live is not None else self._live()).get(key.removeprefix("feature:"))
            return found[1] if found else None
        if key.startswith("project:"):
            return self._project_map().get(key.removeprefix("project:"))
        _, ind, year = key.split(":")
        for v in self._indicator_dicts():
            if v.get("indicator") == ind and str(v.get("year")) == year:
                return v
        return None

    def _applied(
        self, entry: dict[str, Any], live: dict[str, tuple[str, dict[str, Any]]] | None = None
    ) -> bool:
        """Whether a pending entry's change reached the data (its "after" is what is stored)."""
        return version_of(self._state_of(entry["key"], live)) == version_of(entry["after"])

    def history(self, key: str | None = None) -> list[Change]:
        entries, commits, aborts, _ = self._log()
        out = []
        live: dict[str, tuple[str, dict[str, Any]]] | None = None
        for e in entries:
            seq = int(e["seq"])
            if seq in aborts:
                continue
            if seq not in commits:  # only after a crash: read the live features once
                live = self._live() if live is None else live
                if not self._applied(e, live):
                    continue
            if key is not None and e["key"] != key:
                continue
            out.append(
                Change(
                    seq=seq,
                    key=e["key"],
                    action=e["action"],
                    user=e["user"],
                    at=e["at"],
                    layer=e.get("layer", ""),
                    before=e.get("before"),
                    after=e.get("after"),
                    note=e.get("note", ""),
                    batch=e.get("batch", ""),
                )
            )
        return out

    def _recover(self) -> int:
        """Settle what a crash left (under the lock); returns the next sequence number."""
        entries, commits, aborts, good = self._log()
        if self.history_path.exists() and good < self.history_path.stat().st_size:
            with open(self.history_path, "r+b") as fh:
                fh.truncate(good)
                os.fsync(fh.fileno())
        for folder in (self.root, self.layers_dir, self.history_path.parent):
            for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
                tmp.unlink(missing_ok=True)  # a writer killed mid-write left it; never live data
        settled = commits | aborts
        pending = [e for e in entries if int(e["seq"]) not in settled]
        if pending:
            live = self._live()
            append_lines(
                self.history_path,
                [{"commit" if self._applied(e, live) else "abort": int(e["seq"])} for e in pending],
            )
        return max((int(e["seq"]) for e in entries), default=0) + 1

    @contextlib.contextmanager
    def _locked(self, what: str) -> Iterator[int]:
        """Hold the folder's write lock, recover, and yield the next sequence number.

        The lock blocks until free and is released however the body ends. A missing folder is
        an error (filelock would create the lock file's folder; a save never creates a store).
        """
        lock = FileLock(self.root / LOCK_FILE, mode=0o644)
        with os_errors(self.root, what):
            if not self.root.is_dir():
                raise FileNotFoundError(errno.ENOENT, "no such data folder", str(self.root))
            lock.acquire()
        try:
            with os_errors(self.root, what):
                seq = self._recover()
            yield seq
        finally:
            lock.release()

    def _commit(
        self,
        seq: int,
        entry: dict[str, Any],
        path: Path,
        data: bytes,
        what: str,
    ) -> None:
        """Steps 2–4 of the save protocol for one file."""
        self._commit_many(seq, [entry], path, data, what)

    def _commit_many(
        self,
        seq: int,
        entries: Sequence[dict[str, Any]],
        path: Path,
        data: bytes,
        what: str,
    ) -> None:
        """Steps 2–4 for one file and any number of entries (numbered from ``seq``)."""
        seqs = range(seq, seq + len(entries))
        with os_errors(self.root, what):
            append_lines(
                self.history_path, [{"seq": n, **e} for n, e in zip(seqs, entries, strict=True)]
            )
        try:
            with os_errors(self.root, what):
                write_atomic(path, data)
        except StoreUnavailable:
            with contextlib.suppress(OSError):
                append_lines(self.history_path, [{"abort": n} for n in seqs])
            raise
        with os_errors(self.root, what):
            append_lines(self.history_path, [{"commit": n} for n in seqs])

    # --------------------------------------------------------------------------- writes
    def _save(
        self,
        actor: Identity,
        layer: str,
        feature: dict[str, Any],
        base_version: str | None,
        note: str,
        action: Action | None,
    ) -> Record:
        fid = str(feature["properties"]["id"])
        with self._locked(f"saving feature {fid!r}") as seq:
            live = self._live()
            current = live.get(fid)
            current_rec = Record(current[0], current[1]) if current else None
            stored_version = version_of(current[1]) if current else None
            if stored_version != base_version:
                raise ConflictError(fid, base_version, current_rec, feature)
            if current is not None and current[0] != layer:
                raise InvalidFeature(
                    fid, [f"it is in layer {current[0]!r}; moving it to {layer!r} is not supported"]
                )
            lay = self._layer(layer)
            index = next((i for i, f in enumerate(lay.features) if _Layer.fid(f) == fid), None)
            if index is None:
                lay.features.append(feature)
            else:
                lay.features[index] = feature
            entry = {
                "key": f"feature:{fid}",
                "action": action or ("update" if current else "create"),
                "user": actor.user,
                "at": now_iso(),
                "layer": layer,
                "before": current[1] if current else None,
                "after": feature,
                "note": note,
            }
            self._commit(
                seq, entry, lay.path, lay.text().encode("utf-8"), f"saving feature {fid!r}"
            )
        return Record(layer, feature)

    def _delete(
        self,
        actor: Identity,
        feature_id: str,
        base_version: str,
        note: str,
        action: Action = "delete",
    ) -> None:
        with self._locked(f"deleting feature {feature_id!r}") as seq:
            current = self._live().get(feature_id)
            if current is None:
                raise NotFound(f"no live feature {feature_id!r}")
            if version_of(current[1]) != base_version:
                raise ConflictError(feature_id, base_version, Record(*current), None)
            lay = self._layer(current[0])
            lay.features = [f for f in lay.features if _Layer.fid(f) != feature_id]
            entry = {
                "key": f"feature:{feature_id}",
                "action": action,
                "user": actor.user,
                "at": now_iso(),
                "layer": current[0],
                "before": current[1],
                "after": None,
                "note": note,
            }
            self._commit(seq, entry, lay.path, lay.text().encode("utf-8"), "deleting a feature")

    def _write_batch(
        self,
        actor: Identity,
        layer: str,
        steps: Sequence[BatchStep],
        replace_note: str | None,
        meta: dict[str, Any] | None,
        action: Action,
    ) -> list[Change]:
        what = f"writing {len(steps)} feature(s) into layer {layer!r}"
        with self._locked(what) as seq:
            pending = resolve_batch(layer, steps, self._live(), replace_note)
            lay = self._layer(layer)
            if not pending and (meta is None or meta == lay.meta):
                return []
            index = {_Layer.fid(f): i for i, f in enumerate(lay.features)}
            gone: set[str] = set()
            for p in pending:
                if p.after is None:
                    gone.add(p.feature_id)
                elif p.feature_id in index:
                    lay.features[index[p.feature_id]] = p.after
                else:
                    index[p.feature_id] = len(lay.features)
                    lay.features.append(p.after)
            if gone:
                lay.features = [f for f in lay.features if _Layer.fid(f) not in gone]
            if meta is not None:
                lay.meta = dict(meta)
            batch, at = new_batch_id(), now_iso()
            entries = [
                {
                    "key": f"feature:{p.feature_id}",
                    "action": action,
                    "user": actor.user,
                    "at": at,
                    "layer": layer,
                    "before": p.before,
                    "after": p.after,
                    "note": p.note,
                    "batch": batch,
                }
                for p in pending
            ]
            self._commit_many(seq, entries, lay.path, lay.text().encode("utf-8"), what)
        return [
            Change(
                n,
                f"feature:{p.feature_id}",
                action,
                actor.user,
                at,
                layer,
                p.before,
                p.after,
                p.note,
                batch,
            )
            for n, p in enumerate(pending, start=seq)
        ]

    def _set_indicator_value(self, actor: Identity, value: IndicatorValue) -> None:
        key = f"indicator:{value.indicator}:{value.year}"
        with self._locked(f"saving {key}") as seq:
            values = self._indicator_dicts()
            before = next(
                (
                    v
                    for v in values
                    if v.get("indicator") == value.indicator and v.get("year") == value.year
                ),
                None,
            )
            values = [v for v in values if v is not before] + [value.as_dict()]
            values.sort(key=lambda v: (str(v.get("indicator")), int(v.get("year", 0))))
            entry = {
                "key": key,
                "action": "update" if before else "create",
                "user": actor.user,
                "at": now_iso(),
                "layer": "",
                "before": before,
                "after": value.as_dict(),
                "note": value.note,
            }
            data = json.dumps({"values": values}, ensure_ascii=False, indent=2) + "\n"
            self._commit(seq, entry, self.indicators_path, data.encode("utf-8"), f"saving {key}")

    def _write_projects(
        self,
        actor: Identity,
        steps: Sequence[BatchStep],
        action: Action | None,
        batch: str,
    ) -> list[Change]:
        what = f"writing {len(steps)} project(s)"
        with self._locked(what) as seq:
            projects = self._project_map()
            pending = resolve_projects(steps, projects)
            if not pending:
                return []
            for p in pending:
                if p.after is None:
                    projects.pop(p.feature_id, None)
                else:
                    projects[p.feature_id] = p.after
            at = now_iso()
            changes = [
                Change(
                    n,
                    f"project:{p.feature_id}",
                    action or project_action(p.before, p.after),
                    actor.user,
                    at,
                    "",
                    p.before,
                    p.after,
                    p.note,
                    batch,
                )
                for n, p in enumerate(pending, start=seq)
            ]
            entries = [json.loads(_history_line(c.seq, c)) for c in changes]
            for e in entries:
                e.pop("seq")
            self._commit_many(seq, entries, self.projects_path, projects_text(projects), what)
        return changes

    # ---------------------------------------------------------------------- copy support
    def snapshot(self) -> Snapshot:
        with os_errors(self.root, "reading the store"):
            return Snapshot(
                plan_yaml=self.plan_yaml(),
                layers=self.layers(),
                records=tuple(self.records(include_deleted=True)),
                history=tuple(self.history()),
                indicators=tuple(self.indicator_values()),
                projects=tuple(self.projects()),
            )

    def _replace_all(self, snap: Snapshot) -> None:
        """Build the whole folder beside the target, then swap it in with one atomic rename."""
        parent = self.root.resolve().parent
        with os_errors(parent, f"copying into {self.root}"):
            parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{self.root.name}.copy-"))
            try:
                write_folder(tmp, snap)
                if self.root.exists():
                    for entry in self.root.iterdir():  # keep what is not the store's (users …)
                        if entry.name not in OWNED:
                            copy = shutil.copytree if entry.is_dir() else shutil.copy2
                            copy(entry, tmp / entry.name)
                    if not _exchange(tmp, self.root):
                        old = parent / f".{self.root.name}.old"
                        shutil.rmtree(old, ignore_errors=True)
                        os.rename(self.root, old)
                        os.rename(tmp, self.root)
                        tmp = old
                else:
                    os.rename(tmp, self.root)
                fsync_dir(parent)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)


def write_folder(root: Path, snap: Snapshot) -> None:
    """Write a snapshot as a data folder (used by copying, into a fresh temporary folder)."""
    (root / "layers").mkdir(parents=True, exist_ok=True)
    (root / "plan.yaml").write_text(snap.plan_yaml, encoding="utf-8")
    by_layer: dict[str, list[dict[str, Any]]] = {layer: [] for layer in snap.layers}
    for rec in snap.records:
        if not rec.deleted:
            by_layer.setdefault(rec.layer, []).append(rec.feature)
    for layer, feats in by_layer.items():
        meta = snap.layers.get(layer) or {"id": layer}
        (root / "layers" / f"{layer}.geojson").write_text(dump_layer(meta, feats), encoding="utf-8")
    lines = []
    deleted_in_history = {c.key.removeprefix("feature:") for c in snap.history if c.after is None}
    seq = 0
    for c in snap.history:
        seq = c.seq
        lines.append(_history_line(c.seq, c))
        lines.append(json.dumps({"commit": c.seq}))
    for rec in snap.records:
        if rec.deleted and rec.id not in deleted_in_history:
            seq += 1
            c = Change(
                seq,
                f"feature:{rec.id}",
                "delete",
                "store-copy",
                now_iso(),
                rec.layer,
                rec.feature,
                None,
                "deleted before the copy",
            )
            lines.append(_history_line(seq, c))
            lines.append(json.dumps({"commit": seq}))
    (root / "history").mkdir(exist_ok=True)
    (root / HISTORY_FILE).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    values = [v.as_dict() for v in snap.indicators]
    (root / INDICATORS_FILE).write_text(
        json.dumps({"values": values}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if snap.projects:
        projects = {str(p["id"]): p for p in snap.projects}
        (root / PROJECTS_FILE).write_bytes(projects_text(projects))
    for path in [*root.rglob("*")]:
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def projects_text(projects: dict[str, dict[str, Any]]) -> bytes:
    """``projects.json``: the projects sorted by id, one indented object each (reviewable in
    git like the layer files), UTF-8."""
    ordered = [projects[k] for k in sorted(projects)]
    text = json.dumps({"projects": ordered}, ensure_ascii=False, indent=1, sort_keys=True)
    return (text + "\n").encode("utf-8")


def _history_line(seq: int, c: Change) -> str:
    entry = {
        "seq": seq,
        "key": c.key,
        "action": c.action,
        "user": c.user,
        "at": c.at,
        "layer": c.layer,
        "before": c.before,
        "after": c.after,
        "note": c.note,
    }
    if c.batch:
        entry["batch"] = c.batch
    return json.dumps(entry, ensure_ascii=False, sort_keys=True)
