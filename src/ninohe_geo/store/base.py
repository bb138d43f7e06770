"""The storage interface: one small abstract class, typed errors, and the records it trades in.

Every backend (:mod:`.file` for the ``geodata/`` text files, :mod:`.postgis` for a city server)
implements the same few operations, and one test suite runs against all of them. The public
write methods live here, on :class:`Store`, and check the caller's role *before* calling the
backend's ``_``-prefixed hook: a backend cannot forget the check, and no page can write by
hiding a widget's absence (issue #6: "every write path checks the role on the server").

Versions are content hashes (:func:`version_of`): the first 16 hex digits of the SHA-256 of a
feature's canonical JSON. Both backends compute them the same way, so a version read from one
is valid in the other after a copy, and a hand edit of a layer file in git changes the version
as any save would. A save passes the version it started from (``base_version``); if the stored
feature has moved on, :class:`ConflictError` carries both sides and the field-by-field
difference, and nothing is written.

Many features at once (an import: issue #3, up to 100,000 features) go through
:meth:`Store.save_batch`: one atomic write per batch in every backend (one file write and one
history append in the file store, one transaction in PostGIS), still one history entry *per
feature* — so each feature's history, restore and conflict checks work as for an edit — all
tagged with the same :attr:`Change.batch`. :meth:`Store.undo_last` undoes a batch as one step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.model.catalog import layer_kind
from ninohe_geo.model.plan import Plan

Role = Literal["viewer", "editor", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")
#: Layer IDs are file stems: lower-case slugs, so a layer can never name a path elsewhere.
LAYER_PATTERN = re.compile(r"^[a-z0-9][a-z0-9\-_]{0,63}$")
Action = Literal["create", "update", "delete", "restore", "undo", "import"]


# --------------------------------------------------------------------------------------- errors
class StoreError(NinoheGeoError):
    """Base class of the storage errors."""


class PermissionDenied(StoreError):
    """The caller's role does not allow this write (anonymous and viewers never write)."""


class NotFound(StoreError):
    """No feature, change or indicator value with that key."""


class InvalidFeature(StoreError):
    """A feature failed the schema (the same checks as imports); nothing was written."""

    def __init__(self, feature_id: str, problems: list[str]) -> None:
        self.feature_id = feature_id
        self.problems = problems
        super().__init__(f"feature {feature_id!r} is not valid: " + "; ".join(problems))


class ConflictError(StoreError):
    """The stored feature changed since the caller read it: nothing was written.

    ``diff`` lists ``(field, stored value, caller's new value)`` for every field where the
    stored feature differs from the caller's. After a three-way merge (:meth:`Store.save`),
    ``clashes`` names the fields *both* editors changed, ``diff`` lists only those, and
    ``merged`` is the stored feature with every other change of the caller already applied:
    the page asks about the clashing fields alone, one choice each (:func:`resolve_conflict`).
    """

    def __init__(
        self,
        feature_id: str,
        base_version: str | None,
        current: Record | None,
        wanted: dict[str, Any] | None,
        base: dict[str, Any] | None = None,
    ) -> None:
        self.feature_id = feature_id
        self.base_version = base_version
        self.current = current
        self.current_version = current.version if current else None
        self.wanted = wanted
        self.diff = feature_diff(current.feature if current else None, wanted)
        self.base = base
        self.clashes: tuple[str, ...] = ()
        self.merged: dict[str, Any] | None = None
        changed = ", ".join(d[0] for d in self.diff) or "(deleted or created meanwhile)"
        self.message_changed = changed
        super().__init__(
            f"feature {feature_id!r} was changed by someone else (you started from version "
            f"{base_version}, it is now {self.current_version}); differing: {changed}"
        )


def conflict_fields(exc: ConflictError) -> tuple[str, ...]:
    """The fields to ask the editor about, one choice each: those both editors changed (after a
    three-way merge), else — no merge was possible (an undo or a restore that met a newer
    version) — every field where the stored feature and the caller's differ."""
    if exc.clashes:
        return exc.clashes
    if exc.current is None or exc.wanted is None:
        return ()
    return tuple(d[0] for d in exc.diff)


def resolve_conflict(exc: ConflictError, keep_mine: frozenset[str]) -> dict[str, Any] | None:
    """The feature to save after a conflict, chosen field by field: the merge of everything that
    did not clash, with the caller's value for each field of :func:`conflict_fields` named in
    ``keep_mine`` and the stored value for the others (``geometry`` is one field). With no merge
    (an undo or a restore met a newer version) the stored feature is the starting point. None
    when there is nothing to choose between (the feature was created or deleted meanwhile)."""
    mine = exc.wanted
    if mine is None:
        return None
    if exc.merged is not None:
        start = exc.merged
    elif exc.current is not None:
        start = exc.current.feature
    else:
        return None
    out = {**start, "properties": dict(start.get("properties") or {})}
    for name in conflict_fields(exc):
        if name not in keep_mine:
            continue
        if name == "geometry":
            out["geometry"] = mine.get("geometry")
        elif (mine.get("properties") or {}).get(name) is None:
            out["properties"].pop(name, None)
        else:
            out["properties"][name] = mine["properties"][name]
    return out


class StoreUnavailable(StoreError):
    """The store cannot be read or written (server down, disk problem). Data is unchanged."""


class StoreFull(StoreUnavailable):
    """No space left on the device: the save was abandoned, the previous data is intact."""


class StoreReadOnly(StoreUnavailable):
    """The store is read-only (read-only disk or database): nothing was written."""


# -------------------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Identity:
    """Who is acting. Anonymous visitors are ``Identity.anonymous()`` (role ``viewer``)."""

    user: str
    """The sign-in name (local account) or e-mail (OIDC); ``""`` when anonymous."""
    role: Role
    """What they may do: viewers read, editors write features and indicators, admins also
    manage accounts."""

    @staticmethod
    def anonymous() -> Identity:
        """The identity of a visitor who has not signed in."""
        return Identity("", "viewer")

    @property
    def can_edit(self) -> bool:
        """Editors and admins may write data."""
        return self.role in ("editor", "admin") and bool(self.user)

    @property
    def is_admin(self) -> bool:
        """Admins manage editors."""
        return self.role == "admin" and bool(self.user)


@dataclass(frozen=True)
class Record:
    """One stored feature (live or soft-deleted) with its layer and version."""

    layer: str
    """The layer ID (file stem of ``layers/<layer>.geojson``)."""
    feature: dict[str, Any]
    """The GeoJSON Feature: ``type``, ``id``, ``geometry``, ``properties``."""
    deleted: bool = False

    @property
    def id(self) -> str:
        """The feature's id."""
        return str(self.feature["properties"]["id"])

    @property
    def version(self) -> str:
        """The content hash of the feature (see :func:`version_of`)."""
        return version_of(self.feature)


@dataclass(frozen=True)
class Change:
    """One recorded change: who, when, what, before and after (full features)."""

    seq: int
    """Position in the store's history, increasing."""
    key: str
    """``feature:<id>``, ``project:<id>`` or ``indicator:<id>:<year>``."""
    action: Action
    user: str
    at: str
    """ISO 8601 UTC time of the save."""
    layer: str
    before: dict[str, Any] | None
    """The feature (or indicator value) before; None when it was created."""
    after: dict[str, Any] | None
    """The feature after; None when it was deleted."""
    note: str = ""
    batch: str = ""
    """The batch this change was written in (every feature of one import shares it, and
    :meth:`Store.undo_last` undoes them together); ``""`` for a single edit."""


@dataclass(frozen=True)
class IndicatorValue:
    """A yearly value of a plan indicator (指標), always with its source."""

    indicator: str
    """The indicator ID from ``plan.yaml`` (e.g. ``P2-I1``)."""
    year: int
    """The fiscal or calendar year the value is for (as the source states)."""
    value: float
    unit: str
    source: str
    """Citation: publication, table, date. Required: unsourced values are not stored."""
    source_url: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A plain mapping for JSON and history records."""
        return {
            "indicator": self.indicator,
            "year": self.year,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "source_url": self.source_url,
            "note": self.note,
        }

    @staticmethod
    def from_dict(raw: dict[str, Any]) -> IndicatorValue:
        """Inverse of :meth:`as_dict`."""
        return IndicatorValue(
            indicator=str(raw["indicator"]),
            year=int(raw["year"]),
            value=float(raw["value"]),
            unit=str(raw.get("unit") or ""),
            source=str(raw["source"]),
            source_url=str(raw.get("source_url") or ""),
            note=str(raw.get("note") or ""),
        )


@dataclass(frozen=True)
class Snapshot:
    """Everything a store holds, for ``ninohe-geo store copy``."""

    plan_yaml: str
    """The text of ``plan.yaml``."""
    layers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Layer ID → layer metadata (the ``layer`` member of the file: titles, descriptions)."""
    records: tuple[Record, ...] = ()
    """Every feature, live and soft-deleted, in layer and file order."""
    history: tuple[Change, ...] = ()
    indicators: tuple[IndicatorValue, ...] = ()
    projects: tuple[dict[str, Any], ...] = ()
    """Every live project (事業), as :meth:`ninohe_geo.model.projects.Project.as_dict`."""


# ------------------------------------------------------------------------------------- helpers
def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 characters kept: the same text for the same content."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def version_of(feature: dict[str, Any] | None) -> str:
    """The version of a feature: 16 hex digits of the SHA-256 of its canonical JSON."""
    if feature is None:
        return ""
    return hashlib.sha256(canonical_json(feature).encode("utf-8")).hexdigest()[:16]


def now_iso() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def feature_diff(a: dict[str, Any] | None, b: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    """Fields where two features differ: ``(field, value in a, value in b)``.

    Properties are compared one by one; the geometry as a whole (``geometry``).
    """
    if a is None or b is None:
        return [] if a is b else [("feature", a is not None, b is not None)]
    out: list[tuple[str, Any, Any]] = []
    pa, pb = a.get("properties") or {}, b.get("properties") or {}
    for key in sorted(set(pa) | set(pb)):
        if pa.get(key) != pb.get(key):
            out.append((key, pa.get(key), pb.get(key)))
    if canonical_json(a.get("geometry")) != canonical_json(b.get("geometry")):
        out.append(("geometry", a.get("geometry"), b.get("geometry")))
    return out


def merge_features(
    base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Three-way merge, field by field (each property, and the geometry as one field).

    A field only one side changed since ``base`` takes that side's value; a field both changed
    to the same value takes it; a field both changed differently is a clash and keeps
    ``theirs`` in the merged feature. Returns (merged, clashing field names)."""
    pb, pt, pm = (dict(f.get("properties") or {}) for f in (base, theirs, mine))
    props: dict[str, Any] = {}
    clashes: list[str] = []
    order = list(pt) + [k for k in pm if k not in pt]
    for key in order:
        b, t, m = pb.get(key), pt.get(key), pm.get(key)
        value = t if m == b else m if t == b or t == m else t
        if m != b and t != b and t != m:
            clashes.append(key)
        if value is not None:
            props[key] = value
    gb, gt, gm = (canonical_json(f.get("geometry")) for f in (base, theirs, mine))
    geometry = theirs.get("geometry")
    if gm != gb and gt == gb:
        geometry = mine.get("geometry")
    elif gm != gb and gt != gb and gm != gt:
        clashes.append("geometry")
    merged = {**theirs, "properties": props, "geometry": geometry}
    return merged, tuple(clashes)


def make_feature(properties: dict[str, Any], geometry: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature in the layer files' member order (type, id, geometry, properties)."""
    return {
        "type": "Feature",
        "id": properties.get("id"),
        "geometry": geometry,
        "properties": dict(properties),
    }


def require_editor(actor: Identity, what: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may write data."""
    if not actor.can_edit:
        who = actor.user or "an anonymous visitor"
        raise PermissionDenied(f"{who} (role {actor.role}) may not {what}: sign in as an editor")


@dataclass(frozen=True)
class BatchStep:
    """One feature of a batch write (see :meth:`Store.save_batch`)."""

    feature_id: str
    after: dict[str, Any] | None
    """The feature to store; None to soft-delete it."""
    note: str = ""
    expected: str | None = None
    """The version the live feature must have (``""``: it must not be live), or None when the
    batch overwrites whatever is there (an import; the old state is still recorded)."""


@dataclass(frozen=True)
class Pending:
    """A change a backend is about to write: the outcome of :func:`resolve_batch`."""

    feature_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str


@dataclass(frozen=True)
class BatchResult:
    """What one batch wrote (features whose content did not change are not recorded)."""

    batch: str
    """The :attr:`Change.batch` of its history entries."""
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The feature ids by what happened to them: ``created``, ``updated``, ``deleted``."""

    @property
    def changed(self) -> int:
        """History entries written."""
        return self.created + self.updated + self.deleted


def new_batch_id() -> str:
    """A fresh batch id (random: unique across backends and copies)."""
    return uuid.uuid4().hex[:16]


def resolve_batch(
    layer: str,
    steps: Sequence[BatchStep],
    live: Mapping[str, tuple[str, dict[str, Any]]],
    replace_note: str | None = None,
) -> list[Pending]:
    """The changes a batch makes to ``live`` (feature id → (layer, feature)), in order.

    Shared by the backends, which call it with the state read under their lock or transaction.
    Unchanged features are skipped; with ``replace_note`` every live feature of ``layer`` that
    no step names is soft-deleted with that note.

    Raises:
        ConflictError: a step's ``expected`` version is not the live one.
        InvalidFeature: an id appears twice, or is live in another layer.
    """

    def check(step: BatchStep, current: tuple[str, dict[str, Any]] | None) -> None:
        if step.expected is not None and version_of(current and current[1]) != step.expected:
            rec = Record(current[0], current[1]) if current is not None else None
            raise ConflictError(step.feature_id, step.expected, rec, step.after)
        if current is not None and current[0] != layer:
            raise InvalidFeature(
                step.feature_id,
                [f"it is in layer {current[0]!r}; moving it to {layer!r} is not supported"],
            )

    out = _resolve(steps, live, lambda found: found[1], check, "feature")
    if replace_note is not None:
        named = {step.feature_id for step in steps}
        for fid, (lay, feature) in live.items():
            if lay == layer and fid not in named:
                out.append(Pending(fid, feature, None, replace_note))
    return out


def _resolve(
    steps: Sequence[BatchStep],
    live: Mapping[str, Any],
    content: Callable[[Any], dict[str, Any]],
    check: Callable[[BatchStep, Any], None],
    what: str,
) -> list[Pending]:
    """The core of :func:`resolve_batch` and :func:`resolve_projects`: each step against the
    live state of its id (``content`` of it is the stored document), checked by ``check``
    (versions, layers) before anything changes; unchanged documents are skipped.

    Raises:
        InvalidFeature: an id appears twice (and whatever ``check`` raises).
    """
    out: list[Pending] = []
    seen: set[str] = set()
    for step in steps:
        rid = step.feature_id
        if rid in seen:
            raise InvalidFeature(rid, [f"the batch names this {what} twice"])
        seen.add(rid)
        current = live.get(rid)
        check(step, current)
        document = content(current) if current is not None else None
        if step.after is None:
            if document is not None:
                out.append(Pending(rid, document, None, step.note))
        elif version_of(document) != version_of(step.after):
            out.append(Pending(rid, document, step.after, step.note))
    return out


def resolve_projects(
    steps: Sequence[BatchStep], live: Mapping[str, dict[str, Any]]
) -> list[Pending]:
    """The changes a write of projects makes to ``live`` (project id → project), in order:
    :func:`resolve_batch` for projects (``feature_id`` of a step is the project's id).

    Raises:
        ProjectConflict: a step's ``expected`` version is not the live one.
        InvalidFeature: an id appears twice.
    """

    def check(step: BatchStep, current: dict[str, Any] | None) -> None:
        if step.expected is not None and version_of(current) != step.expected:
            raise ProjectConflict(step.feature_id, step.expected, current, step.after)

    return _resolve(steps, live, lambda found: found, check, "project")


def project_action(before: dict[str, Any] | None, after: dict[str, Any] | None) -> Action:
    """What a project write did, for its history entry: create, update or delete."""
    return "delete" if after is None else "update" if before is not None else "create"


class ProjectConflict(StoreError):
    """The stored project changed since the caller read it: nothing was written. ``diff``
    lists ``(field, stored value, caller's value)`` where they differ."""

    def __init__(
        self,
        project_id: str,
        base_version: str | None,
        current: dict[str, Any] | None,
        wanted: dict[str, Any] | None,
    ) -> None:
        self.project_id = project_id
        self.clashes: tuple[str, ...] = ()
        """After a three-way merge: the fields both editors changed (see ``save_project``)."""
        self.base_version = base_version
        self.current = current
        self.wanted = wanted
        names = sorted(set(current or {}) | set(wanted or {}))
        self.diff = [
            (n, (current or {}).get(n), (wanted or {}).get(n))
            for n in names
            if canonical_json((current or {}).get(n)) != canonical_json((wanted or {}).get(n))
        ]
        changed = ", ".join(d[0] for d in self.diff) or "(deleted or created meanwhile)"
        super().__init__(
            f"project {project_id!r} was changed by someone else (you started from version "
            f"{base_version or 'none'}, it is now {version_of(current) or 'none'}); "
            f"differing: {changed}"
        )


# ----------------------------------------------------------------------------------- the store
class Store(ABC):
    """A place where the plan's features, their history and indicator values live.

    Reads are open to everyone. Writes take the acting :class:`Identity` first and are refused
    with :class:`PermissionDenied` unless it is an editor or admin. Every write is atomic (all
    or nothing) and recorded in the history with who, when, before and after.
    """

    #: Where the store is: a folder path or a ``postgresql://`` URL (without a password).
    location: str = ""
    #: Why this store refuses every write ("" when it is writable): the data shipped inside an
    #: installed package is read-only (:func:`ninohe_geo.store.registry.open_store`).
    read_only_reason: str = ""

    def _require_writable(self) -> None:
        if self.read_only_reason:
            raise StoreReadOnly(self.read_only_reason)

    # ---- reads
    @abstractmethod
    def plan_yaml(self) -> str:
        """The text of ``plan.yaml``."""

    @abstractmethod
    def layers(self) -> dict[str, dict[str, Any]]:
        """Layer ID → metadata, sorted by ID."""

    @abstractmethod
    def records(self, include_deleted: bool = False) -> list[Record]:
        """Stored features in layer and file order; soft-deleted ones only when asked."""

    def record(self, feature_id: str) -> Record | None:
        """One feature (live or soft-deleted), or None."""
        for rec in self.records(include_deleted=True):
            if rec.id == feature_id:
                return rec
        return None

    @abstractmethod
    def history(self, key: str | None = None) -> list[Change]:
        """Recorded changes, oldest first; only those of ``key`` (``feature:<id>``) when given."""

    @abstractmethod
    def indicator_values(self) -> list[IndicatorValue]:
        """Every stored indicator value, by indicator then year."""

    @abstractmethod
    def projects(self) -> list[dict[str, Any]]:
        """Every live project (事業) as stored, by id."""

    def project(self, project_id: str) -> dict[str, Any] | None:
        """One live project, or None."""
        return next((p for p in self.projects() if p.get("id") == project_id), None)

    @abstractmethod
    def snapshot(self) -> Snapshot:
        """Everything, read consistently (for copying)."""

    def revision(self) -> tuple[int, int]:
        """A cheap key that changes whenever the store does (for caches); default: history."""
        changes = self.history()
        return (changes[-1].seq if changes else 0, len(changes))

    # ---- writes (role checked here, then the backend's hook)
    def save(
        self,
        actor: Identity,
        layer: str,
        feature: dict[str, Any],
        base_version: str | None,
        note: str = "",
    ) -> Record:
        """Create (``base_version`` None) or update a feature; returns the stored record.

        Raises:
            PermissionDenied: ``actor`` is not an editor.
            ConflictError: the feature changed since ``base_version`` (or exists when creating).
            StoreFull, StoreReadOnly, StoreUnavailable: nothing was written.
        """
        require_editor(actor, "save features")
        self._require_writable()
        self.check(layer, feature)
        for _ in range(3):  # another save may land between a merge and its write: merge again
            try:
                return self._save(actor, layer, feature, base_version, note, None)
            except ConflictError as exc:
                merged = self._merge(exc, feature)
                if merged is None:
                    raise
                if version_of(merged) == exc.current_version:
                    assert exc.current is not None
                    return exc.current  # everything the caller changed is there already
                self.check(layer, merged)
                feature, base_version = merged, exc.current_version
                note = f"{note} (merged)" if note else "(merged)"
        return self._save(actor, layer, feature, base_version, note, None)

    def version_content(
        self, feature_id: str, version: str, kind: str = "feature"
    ) -> dict[str, Any] | None:
        """A past state of a feature (or, with ``kind`` ``project``, of a project), by its
        version (from the history), or None."""
        for change in reversed(self.history(f"{kind}:{feature_id}")):
            for doc in (change.after, change.before):
                if doc is not None and version_of(doc) == version:
                    return doc
        return None

    def _merge(self, exc: ConflictError, mine: dict[str, Any]) -> dict[str, Any] | None:
        """Merge the caller's change into the stored feature (three-way, against the version
        the caller started from); None when there is nothing to merge (created or deleted
        meanwhile, or the starting version is unknown). A clash raises ``exc`` with only the
        clashing fields, and the merge of the rest, for the editor to decide."""
        if exc.current is None or exc.base_version is None:
            return None
        base = self.version_content(exc.feature_id, exc.base_version)
        if base is None:
            return None
        merged, clashes = merge_features(base, exc.current.feature, mine)
        if clashes:
            exc.clashes = clashes
            exc.merged = merged
            exc.base = base
            exc.diff = [d for d in feature_diff(exc.current.feature, mine) if d[0] in clashes]
            raise exc
        return merged

    def save_batch(
        self,
        actor: Identity,
        layer: str,
        features: Sequence[dict[str, Any]],
        *,
        replace: bool = False,
        meta: dict[str, Any] | None = None,
        note: str = "",
        removed_note: str = "",
    ) -> BatchResult:
        """Create or overwrite many features of one layer in one atomic step (an import).

        Each feature whose content changes gets its own history entry (action ``import``,
        ``before`` the feature it replaced or None, ``after`` the new one), all with one
        :attr:`Change.batch`, so each can be restored alone and :meth:`undo_last` takes the
        whole batch back. With ``replace``, the layer's live features that ``features`` lacks
        are soft-deleted (recorded with ``removed_note``). ``meta`` (titles, provenance)
        becomes the layer's metadata. No base versions: an import overwrites what is there,
        and the history keeps what it overwrote.

        Raises:
            PermissionDenied: ``actor`` is not an editor.
            InvalidFeature: a feature fails the schema, or is live in another layer (nothing
                was written).
            StoreFull, StoreReadOnly, StoreUnavailable: nothing was written.
        """
        require_editor(actor, f"import into layer {layer!r}")
        self._require_writable()
        plan = self.plan()
        kind = layer_kind(meta or self.layers().get(layer) or {})
        for feature in features:
            self.check(layer, feature, plan, kind)
        steps = [BatchStep(str(f["properties"]["id"]), f, note) for f in features]
        changes = self._write_batch(
            actor, layer, steps, (removed_note or note) if replace else None, meta, "import"
        )
        ids: dict[str, list[str]] = {"created": [], "updated": [], "deleted": []}
        for c in changes:
            kind = (
                "deleted" if c.after is None else "updated" if c.before is not None else "created"
            )
            ids[kind].append(c.key.removeprefix("feature:"))
        counts = {kind: len(found) for kind, found in ids.items()}
        return BatchResult(
            batch=changes[0].batch if changes else "",
            unchanged=len(features) - counts["created"] - counts["updated"],
            ids={kind: tuple(found) for kind, found in ids.items()},
            **counts,
        )

    def check(
        self,
        layer: str,
        feature: dict[str, Any],
        plan: Plan | None = None,
        kind: str | None = None,
    ) -> None:
        """Validate a feature with the same checks as the loader and imports (``kind``: the
        layer's, ``plan`` or ``reference``; default: read from the layer's metadata).

        ``plan``: the plan to check against (default: this store's; a batch passes it once).

        Raises:
            InvalidFeature: the schema, the plan or the geometry says no (every problem listed).
        """
        from ninohe_geo.model.checks import check_feature

        label = str((feature.get("properties") or {}).get("id") or "(new feature)")
        problems = []
        if not LAYER_PATTERN.match(layer):
            problems.append(f"layer {layer!r} must be a lower-case slug (a-z, 0-9, -, _)")
        if kind is None:
            kind = layer_kind(self.layers().get(layer) or {})
        _, found = check_feature(feature, 0, plan or self.plan(), f"{layer}.geojson", kind)
        problems += [
            f"{p.field}: {p.message}" if p.field else p.message
            for p in found
            if p.severity == "error"
        ]
        if problems:
            raise InvalidFeature(label, problems)

    def layer_file(self, layer: str) -> Path | None:
        """The file that holds ``layer``, for a store kept in files (None: a database)."""
        del layer
        return None

    def plan(self) -> Plan:
        """The plan model of this store's ``plan.yaml`` (parsed again when the text changes)."""
        text = self.plan_yaml()
        cached = getattr(self, "_plan_cache", None)
        if cached is not None and cached[0] == text:
            plan: Plan = cached[1]
            return plan
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        plan = Plan.model_validate(yaml.load(text, Loader=loader))  # noqa: S506 - a safe loader
        self._plan_cache = (text, plan)
        return plan

    def delete(self, actor: Identity, feature_id: str, base_version: str, note: str = "") -> None:
        """Soft-delete: the feature leaves the map; it stays in history and can be restored."""
        require_editor(actor, "delete features")
        self._require_writable()
        self._delete(actor, feature_id, base_version, note)

    def restore(self, actor: Identity, seq: int, note: str = "") -> Record | None:
        """Bring a feature back to its state *after* change ``seq`` (None: it was deleted then).

        Restoring a deletion of a feature that is still deleted brings it back as it was
        *before* that deletion (so a feature removed by an import ``--replace``, or deleted
        before it had any other history, can be restored). Restoring is itself a recorded
        change, so it can be undone too.
        """
        require_editor(actor, "restore features")
        self._require_writable()
        change = self._change(seq)
        if not change.key.startswith("feature:"):
            raise NotFound(f"change #{seq} is not a feature's change")
        fid = change.key.removeprefix("feature:")
        current = self.record(fid)
        target = change.after
        if target is None and (current is None or current.deleted):
            target = change.before
        if target is None:
            if current is not None and not current.deleted:
                self._delete(actor, fid, current.version, note or f"restore #{seq}")
            return None
        base = current.version if current is not None and not current.deleted else None
        self.check(change.layer, target)
        return self._save(actor, change.layer, target, base, note or f"restore #{seq}", "restore")

    def undo_last(self, actor: Identity) -> Change:
        """Undo ``actor``'s most recent feature change, if nothing else touched it since.

        Raises:
            NotFound: they have no change to undo.
            ConflictError: someone changed that feature after them.
        """
        require_editor(actor, "undo changes")
        self._require_writable()
        history = self.history()
        undone = {
            int(c.note.removeprefix("undo #"))
            for c in history
            if c.action == "undo" and c.note.removeprefix("undo #").isdigit()
        }
        # Changes already undone are skipped, so pressing Undo again walks further back.
        mine = [
            c
            for c in history
            if c.user == actor.user
            and c.key.startswith(("feature:", "project:"))
            and c.action != "undo"
            and c.seq not in undone
        ]
        if not mine:
            raise NotFound(f"{actor.user} has no change to undo")
        last = mine[-1]
        if last.key.startswith("project:"):
            group = [c for c in history if c.batch == last.batch] if last.batch else [last]
            steps = [
                BatchStep(
                    c.key.removeprefix("project:"),
                    c.before,
                    f"undo #{c.seq}",
                    expected=version_of(c.after),
                )
                for c in group
                if c.key.startswith("project:")
            ]
            self._write_projects(actor, steps, "undo", new_batch_id() if last.batch else "")
            return last
        if last.batch:
            # A batch (an import) is undone as one step, all or nothing: each of its features
            # goes back to its "before", unless someone changed it since (ConflictError).
            group = [c for c in history if c.batch == last.batch and c.key.startswith("feature:")]
            steps = [
                BatchStep(
                    c.key.removeprefix("feature:"),
                    c.before,
                    f"undo #{c.seq}",
                    expected=version_of(c.after),
                )
                for c in group
            ]
            self._write_batch(actor, last.layer, steps, None, None, "undo")
            return last
        fid = last.key.removeprefix("feature:")
        current = self.record(fid)
        live = current.feature if current is not None and not current.deleted else None
        if version_of(live) != version_of(last.after):
            raise ConflictError(fid, version_of(last.after), current, last.before)
        if last.before is None:
            assert current is not None
            self._delete(actor, fid, current.version, f"undo #{last.seq}", action="undo")
        else:
            base = current.version if current is not None and live is not None else None
            self._save(actor, last.layer, last.before, base, f"undo #{last.seq}", "undo")
        return last

    def check_project(self, project: dict[str, Any], plan: Plan | None = None) -> None:
        """Validate a project (:func:`ninohe_geo.model.projects.project_problems`).

        Raises:
            InvalidFeature: every problem listed, under the project's id.
        """
        from ninohe_geo.model.projects import project_problems

        problems = project_problems(project, plan or self.plan())
        if problems:
            raise InvalidFeature(str(project.get("id") or "(new project)"), problems)

    def save_project(
        self,
        actor: Identity,
        project: dict[str, Any],
        base_version: str | None,
        note: str = "",
    ) -> str:
        """Create (``base_version`` None) or update one project; returns its new version.

        Raises:
            PermissionDenied, InvalidFeature, StoreUnavailable: nothing was written.
            ProjectConflict: the project changed (or was created) since ``base_version`` and a
                field both editors changed clashes (``clashes``); changes to different fields
                are merged, as for features.
        """
        require_editor(actor, "edit projects")
        self._require_writable()
        self.check_project(project)
        step = BatchStep(str(project["id"]), project, note, expected=base_version or "")
        try:
            self._write_projects(actor, [step], None, "")
        except ProjectConflict as exc:
            if not base_version and exc.current is not None:
                raise InvalidFeature(
                    str(project["id"]),
                    [
                        f"the id {project['id']!r} is already used by the project "
                        f"「{exc.current.get('name_ja', '')}」: choose another id"
                    ],
                ) from exc
            merged = self._merge_project(exc, project)
            if merged is None:
                raise
            self.check_project(merged)
            again = BatchStep(str(project["id"]), merged, note, expected=version_of(exc.current))
            self._write_projects(actor, [again], None, "")
            return version_of(merged)
        return version_of(project)

    def _merge_project(self, exc: ProjectConflict, mine: dict[str, Any]) -> dict[str, Any] | None:
        """Three-way merge of the caller's project into the stored one, field by field, against
        the version the caller started from (found in the history): what only one of them
        changed is kept. None when there is nothing to merge from (created or deleted
        meanwhile, or the start unknown); a field both changed differently raises ``exc`` with
        ``clashes`` naming those fields only."""
        if exc.current is None or not exc.base_version:
            return None
        base = self.version_content(exc.project_id, exc.base_version, "project")
        if base is None:
            return None
        theirs = exc.current
        merged: dict[str, Any] = {}
        clashes = []
        for key in sorted(set(base) | set(theirs) | set(mine)):
            b, t_, m = base.get(key), theirs.get(key), mine.get(key)
            same = canonical_json
            if same(m) == same(b) or same(m) == same(t_):
                value = t_
            elif same(t_) == same(b):
                value = m
            else:
                clashes.append(key)
                value = t_
            if value is not None:
                merged[key] = value
        if clashes:
            exc.clashes = tuple(clashes)
            exc.diff = [d for d in exc.diff if d[0] in clashes]
            raise exc
        return merged

    def delete_project(
        self, actor: Identity, project_id: str, base_version: str, note: str = ""
    ) -> None:
        """Remove a project (its history keeps it, and undo brings it back)."""
        require_editor(actor, "delete projects")
        self._require_writable()
        self._write_projects(actor, [BatchStep(project_id, None, note, base_version)], None, "")

    def save_projects(
        self, actor: Identity, projects: Sequence[dict[str, Any]], note: str = ""
    ) -> BatchResult:
        """Create or overwrite many projects in one atomic step (``projects import``): one
        history entry per changed project, one batch, undone together by :meth:`undo_last`.
        Every project is checked first; one bad project writes nothing."""
        require_editor(actor, "import projects")
        self._require_writable()
        plan = self.plan()
        for project in projects:
            self.check_project(project, plan)
        steps = [BatchStep(str(p["id"]), p, note) for p in projects]
        changes = self._write_projects(actor, steps, "import", new_batch_id())
        ids: dict[str, list[str]] = {"created": [], "updated": [], "deleted": []}
        for c in changes:
            ids["updated" if c.before is not None else "created"].append(
                c.key.removeprefix("project:")
            )
        return BatchResult(
            batch=changes[0].batch if changes else "",
            created=len(ids["created"]),
            updated=len(ids["updated"]),
            unchanged=len(projects) - len(changes),
            ids={kind: tuple(found) for kind, found in ids.items()},
        )

    def set_indicator_value(self, actor: Identity, value: IndicatorValue) -> None:
        """Store (or replace) one indicator's value for one year, recorded in the history."""
        require_editor(actor, "enter indicator values")
        self._require_writable()
        if not value.source.strip():
            raise InvalidFeature(
                f"{value.indicator}:{value.year}", ["an indicator value needs a source"]
            )
        self._set_indicator_value(actor, value)

    def replace_all(self, actor: Identity, snap: Snapshot) -> None:
        """Replace the store's whole content with ``snap`` in one atomic step (copying)."""
        if not actor.is_admin:
            raise PermissionDenied("only an admin may replace a whole store")
        self._require_writable()
        self._replace_all(snap)

    def _change(self, seq: int) -> Change:
        for c in self.history():
            if c.seq == seq:
                return c
        raise NotFound(f"no change #{seq}")

    # ---- backend hooks
    @abstractmethod
    def _save(
        self,
        actor: Identity,
        layer: str,
        feature: dict[str, Any],
        base_version: str | None,
        note: str,
        action: Action | None,
    ) -> Record: ...

    @abstractmethod
    def _delete(
        self,
        actor: Identity,
        feature_id: str,
        base_version: str,
        note: str,
        action: Action = "delete",
    ) -> None: ...

    @abstractmethod
    def _write_batch(
        self,
        actor: Identity,
        layer: str,
        steps: Sequence[BatchStep],
        replace_note: str | None,
        meta: dict[str, Any] | None,
        action: Action,
    ) -> list[Change]:
        """Apply ``steps`` (see :func:`resolve_batch`) to ``layer`` atomically, set ``meta`` if
        given, record one entry per change with a new batch id; returns the entries."""

    @abstractmethod
    def _set_indicator_value(self, actor: Identity, value: IndicatorValue) -> None: ...

    @abstractmethod
    def _write_projects(
        self,
        actor: Identity,
        steps: Sequence[BatchStep],
        action: Action | None,
        batch: str,
    ) -> list[Change]:
        """Apply ``steps`` (see :func:`resolve_projects`) atomically; one history entry per
        change (key ``project:<id>``, ``action`` or create/update/delete), tagged ``batch``."""

    @abstractmethod
    def _replace_all(self, snap: Snapshot) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (no-op for files)."""
