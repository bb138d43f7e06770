"""PostgreSQL + PostGIS store, for a city's server: ``postgresql://user@host:5432/dbname``.

Tables (created on first use, in the schema named by ``?schema=`` in the URL, default
``ninohe``; the ``postgis`` extension must exist in the database)::

    ninohe_meta              key → text (the plan's YAML)
    ninohe_layers            id, metadata (jsonb), position
    ninohe_features          id, layer, position, feature (jsonb, exact GeoJSON), geom (PostGIS,
                             EPSG:4326, GiST-indexed, derived from the feature), version, deleted
    ninohe_history           seq, key, action, user, at, layer, before, after, note, batch
    ninohe_indicator_values  indicator, year, value, unit, source, source_url, note
    ninohe_projects          id, project (jsonb): the plan's projects (事業), issue #14

Every write is one transaction: the row is read ``FOR UPDATE``, its version compared with the
caller's, the row and its history entry written, then committed — so a ``kill -9`` of the
writer or a lost connection leaves the old or the new state, and two editors saving the same
feature are serialised by the row lock (the second gets :class:`ConflictError`). A batch (an
import of up to 100,000 features) is one transaction too: the layer's rows and the named ones
are locked, then rows and history entries are written with ``executemany`` (pipelined). The exact
GeoJSON is kept in ``feature`` (jsonb) so versions match the file backend's after a copy;
``geom`` is there for spatial queries and indexing by other tools (QGIS can open the table).

A connection is opened per operation: simple and safe across Streamlit's threads, at the cost
of a few milliseconds per call, negligible at a city's scale of edits.
"""

# ruff: noqa: S608 - table names are "<schema>.<fixed name>", and the schema is checked against
# SCHEMA_PATTERN (lower-case identifier) before any query; every value is a bound parameter.
from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pgerrors
from psycopg.types.json import Jsonb

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
from ninohe_geo.store.registry import redact as redact

SCHEMA_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
DEFAULT_SCHEMA = "ninohe"

DDL = (
    """
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.ninohe_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.ninohe_layers (
    id text PRIMARY KEY, meta jsonb NOT NULL, pos integer NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS {s}.ninohe_features (
    id text PRIMARY KEY,
    layer text NOT NULL,
    pos bigint NOT NULL,
    feature jsonb NOT NULL,
    geom public.geometry(Geometry, 4326) NOT NULL,
    version text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS ninohe_features_geom ON {s}.ninohe_features USING gist (geom);
CREATE TABLE IF NOT EXISTS {s}.ninohe_history (
    seq bigserial PRIMARY KEY,
    key text NOT NULL,
    action text NOT NULL,
    user_name text NOT NULL,
    at text NOT NULL,
    layer text NOT NULL DEFAULT '',
    before jsonb,
    after jsonb,
    note text NOT NULL DEFAULT '',
    batch text NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS ninohe_history_key ON {s}.ninohe_history (key, seq);
CREATE INDEX IF NOT EXISTS ninohe_history_batch ON {s}.ninohe_history (batch) WHERE batch <> '';
CREATE TABLE IF NOT EXISTS {s}.ninohe_indicator_values (
    indicator text NOT NULL,
    year integer NOT NULL,
    value double precision NOT NULL,
    unit text NOT NULL DEFAULT '',
    source text NOT NULL CHECK (source <> ''),
    source_url text NOT NULL DEFAULT '',
    note text NOT NULL DEFAULT '',
    PRIMARY KEY (indicator, year));
"""
    + """
CREATE TABLE IF NOT EXISTS {s}.ninohe_projects (id text PRIMARY KEY, project jsonb NOT NULL);
"""
)
#: Added after the first release: created in stores made before it, too.
PROJECTS_DDL = (
    "CREATE TABLE IF NOT EXISTS {s}.ninohe_projects (id text PRIMARY KEY, project jsonb NOT NULL)"
)


def split_url(url: str) -> tuple[str, str]:
    """The libpq URL without our ``schema`` parameter, and that schema (checked)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = DEFAULT_SCHEMA
    rest = []
    for key, value in query:
        if key == "schema":
            schema = value
        else:
            rest.append((key, value))
    if not SCHEMA_PATTERN.match(schema):
        raise StoreUnavailable(f"schema {schema!r} in the store URL must be a lower-case name")
    return urlunsplit(parts._replace(query=urlencode(rest, quote_via=quote))), schema


class PostGISStore(Store):
    """The store in a PostgreSQL database with PostGIS (see the module docstring)."""

    def __init__(self, url: str) -> None:
        self.dsn, self.schema = split_url(url)
        self.location = redact(url)
        self._ready = False

    # ------------------------------------------------------------------- connections
    @contextlib.contextmanager
    def _conn(self, what: str) -> Iterator[psycopg.Connection[Any]]:
        """A connection in one transaction (committed on success), errors made typed."""
        try:
            with psycopg.connect(self.dsn, connect_timeout=10, autocommit=True) as conn:
                conn.execute("SET TIME ZONE 'UTC'")
                if not self._ready:
                    self._ensure_schema(conn)
                with conn.transaction():
                    yield conn
        except (pgerrors.ReadOnlySqlTransaction, pgerrors.InsufficientPrivilege) as exc:
            raise StoreReadOnly(
                f"{what}: the database {self.location} is read-only for this connection "
                f"({exc.diag.message_primary}); nothing was changed"
            ) from exc
        except (pgerrors.DiskFull, pgerrors.OutOfMemory) as exc:
            raise StoreFull(
                f"{what}: the database server has no space left ({exc.diag.message_primary}); "
                "nothing was changed"
            ) from exc
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"{what}: cannot reach the database {self.location}: {exc}"
            ) from exc
        except psycopg.Error as exc:
            raise StoreUnavailable(f"{what}: database error at {self.location}: {exc}") from exc

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        """Create the tables if they are missing (idempotent; one transaction)."""
        exists = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (f"{self.schema}.ninohe_indicator_values",)
        ).fetchone()
        if not (exists and exists[0]):
            with conn.transaction():
                conn.execute(DDL.format(s=self.schema))  # schema name checked by SCHEMA_PATTERN
        has_batch = conn.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'ninohe_history' AND column_name = 'batch'",
            (self.schema,),
        ).fetchone()
        has_projects = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (f"{self.schema}.ninohe_projects",)
        ).fetchone()
        if not (has_projects and has_projects[0]):
            with conn.transaction():
                conn.execute(PROJECTS_DDL.format(s=self.schema))
        if has_batch is None:  # a store created before batches (imports) were recorded
            with conn.transaction():
                conn.execute(
                    f"ALTER TABLE {self._t('ninohe_history')} "
                    "ADD COLUMN IF NOT EXISTS batch text NOT NULL DEFAULT ''"
                )
                conn.execute(
                    "CREATE INDEX IF NOT EXISTS ninohe_history_batch ON "
                    f"{self._t('ninohe_history')} (batch) WHERE batch <> ''"
                )
        self._ready = True

    def _t(self, table: str) -> str:
        return f"{self.schema}.{table}"

    # ------------------------------------------------------------------------- reads
    def plan_yaml(self) -> str:
        with self._conn("reading the plan") as conn:
            row = conn.execute(
                f"SELECT value FROM {self._t('ninohe_meta')} WHERE key = 'plan.yaml'"
            ).fetchone()
        if row is None:
            raise StoreUnavailable(
                f"{self.location} holds no plan yet: copy a data folder into it with "
                "'ninohe-geo store copy --from geodata --to URL'"
            )
        return str(row[0])

    def layers(self) -> dict[str, dict[str, Any]]:
        with self._conn("reading layers") as conn:
            rows = conn.execute(f"SELECT id, meta FROM {self._t('ninohe_layers')} ORDER BY id")
            return {str(r[0]): dict(r[1]) for r in rows}

    def records(self, include_deleted: bool = False) -> list[Record]:
        where = "" if include_deleted else "WHERE NOT deleted"
        with self._conn("reading features") as conn:
            rows = conn.execute(
                f"SELECT layer, feature, deleted FROM {self._t('ninohe_features')} {where} "
                "ORDER BY layer, pos"
            ).fetchall()
        return [Record(str(r[0]), r[1], bool(r[2])) for r in rows]

    def record(self, feature_id: str) -> Record | None:
        with self._conn("reading a feature") as conn:
            row = conn.execute(
                f"SELECT layer, feature, deleted FROM {self._t('ninohe_features')} WHERE id = %s",
                (feature_id,),
            ).fetchone()
        return Record(str(row[0]), row[1], bool(row[2])) if row else None

    def history(self, key: str | None = None) -> list[Change]:
        sql = (
            "SELECT seq, key, action, user_name, at, layer, before, after, note, batch "
            f"FROM {self._t('ninohe_history')}"
        )
        with self._conn("reading history") as conn:
            if key is None:
                rows = conn.execute(sql + " ORDER BY seq").fetchall()
            else:
                rows = conn.execute(sql + " WHERE key = %s ORDER BY seq", (key,)).fetchall()
        return [
            Change(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows
        ]

    def indicator_values(self) -> list[IndicatorValue]:
        with self._conn("reading indicator values") as conn:
            rows = conn.execute(
                "SELECT indicator, year, value, unit, source, source_url, note "
                f"FROM {self._t('ninohe_indicator_values')} ORDER BY indicator, year"
            ).fetchall()
        return [IndicatorValue(r[0], int(r[1]), float(r[2]), r[3], r[4], r[5], r[6]) for r in rows]

    def projects(self) -> list[dict[str, Any]]:
        with self._conn("reading projects") as conn:
            rows = conn.execute(
                f"SELECT project FROM {self._t('ninohe_projects')} ORDER BY id"
            ).fetchall()
        return [dict(r[0]) for r in rows]

    def snapshot(self) -> Snapshot:
        # Read everything in one REPEATABLE READ transaction: a consistent picture.
        try:
            with psycopg.connect(self.dsn, connect_timeout=10, autocommit=True) as conn:
                conn.execute("SET TIME ZONE 'UTC'")
                if not self._ready:
                    self._ensure_schema(conn)
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                with conn.transaction():
                    plan = conn.execute(
                        f"SELECT value FROM {self._t('ninohe_meta')} WHERE key = 'plan.yaml'"
                    ).fetchone()
                    layers = conn.execute(
                        f"SELECT id, meta FROM {self._t('ninohe_layers')} ORDER BY id"
                    ).fetchall()
                    feats = conn.execute(
                        f"SELECT layer, feature, deleted FROM {self._t('ninohe_features')} "
                        "ORDER BY layer, pos"
                    ).fetchall()
                    hist = conn.execute(
                        "SELECT seq, key, action, user_name, at, layer, before, after, note, "
                        f"batch FROM {self._t('ninohe_history')} ORDER BY seq"
                    ).fetchall()
                    inds = conn.execute(
                        "SELECT indicator, year, value, unit, source, source_url, note "
                        f"FROM {self._t('ninohe_indicator_values')} ORDER BY indicator, year"
                    ).fetchall()
                    projs = conn.execute(
                        f"SELECT project FROM {self._t('ninohe_projects')} ORDER BY id"
                    ).fetchall()
        except psycopg.Error as exc:
            raise StoreUnavailable(f"reading {self.location}: {exc}") from exc
        if plan is None:
            raise StoreUnavailable(f"{self.location} holds no plan: nothing to copy")
        return Snapshot(
            plan_yaml=str(plan[0]),
            layers={str(r[0]): dict(r[1]) for r in layers},
            records=tuple(Record(str(r[0]), r[1], bool(r[2])) for r in feats),
            history=tuple(
                Change(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
                for r in hist
            ),
            indicators=tuple(
                IndicatorValue(r[0], int(r[1]), float(r[2]), r[3], r[4], r[5], r[6]) for r in inds
            ),
            projects=tuple(dict(r[0]) for r in projs),
        )

    def revision(self) -> tuple[int, int]:
        """(last change's seq, number of changes): changes whenever anything is saved."""
        with self._conn("reading the revision") as conn:
            row = conn.execute(
                f"SELECT coalesce(max(seq), 0), count(*) FROM {self._t('ninohe_history')}"
            ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # ------------------------------------------------------------------------ writes
    def _history(
        self,
        conn: psycopg.Connection[Any],
        key: str,
        action: str,
        actor: Identity,
        layer: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        note: str,
        batch: str = "",
        at: str | None = None,
    ) -> int:
        """Record one change; returns its ``seq``."""
        row = conn.execute(
            f"INSERT INTO {self._t('ninohe_history')} "
            "(key, action, user_name, at, layer, before, after, note, batch) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING seq",
            (
                key,
                action,
                actor.user,
                at or now_iso(),
                layer,
                Jsonb(before) if before is not None else None,
                Jsonb(after) if after is not None else None,
                note,
                batch,
            ),
        ).fetchone()
        assert row is not None
        return int(row[0])

    def _ensure_layer(self, conn: psycopg.Connection[Any], layer: str) -> None:
        conn.execute(
            f"INSERT INTO {self._t('ninohe_layers')} (id, meta) VALUES (%s, %s) "
            "ON CONFLICT (id) DO NOTHING",
            (layer, Jsonb({"id": layer})),
        )

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
        table = self._t("ninohe_features")
        with self._conn(f"saving feature {fid!r}") as conn:
            row = conn.execute(
                f"SELECT layer, feature, deleted FROM {table} WHERE id = %s FOR UPDATE", (fid,)
            ).fetchone()
            live = row is not None and not row[2]
            current = Record(str(row[0]), row[1], bool(row[2])) if row else None
            stored_version = version_of(row[1]) if live and row else None
            if stored_version != base_version:
                raise ConflictError(fid, base_version, current if live else None, feature)
            if row is not None and live and row[0] != layer:
                raise InvalidFeature(
                    fid, [f"it is in layer {row[0]!r}; moving it to {layer!r} is not supported"]
                )
            self._ensure_layer(conn, layer)
            geom = json.dumps(feature["geometry"])
            if row is None:
                inserted = conn.execute(
                    f"INSERT INTO {table} (id, layer, pos, feature, geom, version) "
                    f"SELECT %s, %s, coalesce(max(pos), 0) + 1, %s, "
                    f"public.ST_SetSRID(public.ST_GeomFromGeoJSON(%s), 4326), %s "
                    f"FROM {table} WHERE layer = %s ON CONFLICT (id) DO NOTHING",
                    (fid, layer, Jsonb(feature), geom, version_of(feature), layer),
                )
                if inserted.rowcount != 1:  # created by someone else meanwhile
                    raise ConflictError(fid, base_version, self.record(fid), feature)
            else:
                conn.execute(
                    f"UPDATE {table} SET layer = %s, feature = %s, "
                    "geom = public.ST_SetSRID(public.ST_GeomFromGeoJSON(%s), 4326), version = %s, "
                    "deleted = false, updated_at = now() WHERE id = %s",
                    (layer, Jsonb(feature), geom, version_of(feature), fid),
                )
            before = row[1] if live and row else None
            self._history(
                conn,
                f"feature:{fid}",
                action or ("update" if live else "create"),
                actor,
                layer,
                before,
                feature,
                note,
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
        table = self._t("ninohe_features")
        with self._conn(f"deleting feature {feature_id!r}") as conn:
            row = conn.execute(
                f"SELECT layer, feature, deleted FROM {table} WHERE id = %s FOR UPDATE",
                (feature_id,),
            ).fetchone()
            if row is None or row[2]:
                raise NotFound(f"no live feature {feature_id!r}")
            if version_of(row[1]) != base_version:
                raise ConflictError(feature_id, base_version, Record(row[0], row[1]), None)
            conn.execute(
                f"UPDATE {table} SET deleted = true, updated_at = now() WHERE id = %s",
                (feature_id,),
            )
            self._history(conn, f"feature:{feature_id}", action, actor, row[0], row[1], None, note)

    def _write_batch(
        self,
        actor: Identity,
        layer: str,
        steps: Sequence[BatchStep],
        replace_note: str | None,
        meta: dict[str, Any] | None,
        action: Action,
    ) -> list[Change]:
        table = self._t("ninohe_features")
        ids = [s.feature_id for s in steps]
        batch, at = new_batch_id(), now_iso()
        with self._conn(f"writing {len(steps)} feature(s) into layer {layer!r}") as conn:
            rows = conn.execute(
                f"SELECT id, layer, feature, deleted FROM {table} "
                "WHERE layer = %s OR id = ANY(%s) ORDER BY layer, pos FOR UPDATE",
                (layer, ids),
            ).fetchall()
            stored = {str(r[0]) for r in rows}
            live = {str(r[0]): (str(r[1]), r[2]) for r in rows if not r[3]}
            pending = resolve_batch(layer, steps, live, replace_note)
            if meta is not None:
                conn.execute(
                    f"INSERT INTO {self._t('ninohe_layers')} (id, meta) VALUES (%s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET meta = excluded.meta",
                    (layer, Jsonb(meta)),
                )
            else:
                self._ensure_layer(conn, layer)
            saves = [p for p in pending if p.after is not None]
            new = [p for p in saves if p.feature_id not in stored]
            with conn.cursor() as cur:
                cur.executemany(
                    f"UPDATE {table} SET layer = %s, feature = %s, "
                    "geom = public.ST_SetSRID(public.ST_GeomFromGeoJSON(%s), 4326), "
                    "version = %s, deleted = false, updated_at = now() WHERE id = %s",
                    [
                        (
                            layer,
                            Jsonb(p.after),
                            json.dumps(p.after["geometry"]),
                            version_of(p.after),
                            p.feature_id,
                        )
                        for p in saves
                        if p.after is not None and p.feature_id in stored
                    ],
                )
                start = conn.execute(
                    f"SELECT coalesce(max(pos), 0) FROM {table} WHERE layer = %s", (layer,)
                ).fetchone()
                first = int(start[0]) + 1 if start else 1
                try:
                    cur.executemany(
                        f"INSERT INTO {table} (id, layer, pos, feature, geom, version) VALUES "
                        "(%s, %s, %s, %s, public.ST_SetSRID(public.ST_GeomFromGeoJSON(%s), 4326), "
                        "%s)",
                        [
                            (
                                p.feature_id,
                                layer,
                                first + n,
                                Jsonb(p.after),
                                json.dumps(p.after["geometry"]),
                                version_of(p.after),
                            )
                            for n, p in enumerate(new)
                            if p.after is not None
                        ],
                    )
                except pgerrors.UniqueViolation as exc:  # created by someone else meanwhile
                    raise ConflictError(layer, None, None, None) from exc
                gone = [p.feature_id for p in pending if p.after is None]
                if gone:
                    cur.execute(
                        f"UPDATE {table} SET deleted = true, updated_at = now() WHERE id = ANY(%s)",
                        (gone,),
                    )
                entries = [
                    (
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
                    for p in pending
                ]
                self._history_rows(cur, entries)
                history = self._t("ninohe_history")
                seqs = conn.execute(
                    f"SELECT seq FROM {history} WHERE batch = %s ORDER BY seq", (batch,)
                ).fetchall()
        # The entries are in Change's field order after ``seq``.
        return [Change(int(seq[0]), *entry) for seq, entry in zip(seqs, entries, strict=True)]

    def _history_rows(self, cur: psycopg.Cursor[Any], rows: list[tuple[Any, ...]]) -> None:
        """Insert many history entries (key, action, user, at, layer, before, after, note, batch)
        in the order given (a separate method so the tests can make it fail mid-transaction)."""
        if not rows:
            return
        cur.executemany(
            f"INSERT INTO {self._t('ninohe_history')} "
            "(key, action, user_name, at, layer, before, after, note, batch) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    *row[:5],
                    Jsonb(row[5]) if row[5] is not None else None,
                    Jsonb(row[6]) if row[6] is not None else None,
                    *row[7:],
                )
                for row in rows
            ],
        )

    def _set_indicator_value(self, actor: Identity, value: IndicatorValue) -> None:
        table = self._t("ninohe_indicator_values")
        key = f"indicator:{value.indicator}:{value.year}"
        with self._conn(f"saving {key}") as conn:
            row = conn.execute(
                "SELECT indicator, year, value, unit, source, source_url, note "
                f"FROM {table} WHERE indicator = %s AND year = %s FOR UPDATE",
                (value.indicator, value.year),
            ).fetchone()
            before = IndicatorValue(*row).as_dict() if row else None
            conn.execute(
                f"INSERT INTO {table} (indicator, year, value, unit, source, source_url, note) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (indicator, year) DO UPDATE SET "
                "value = excluded.value, unit = excluded.unit, source = excluded.source, "
                "source_url = excluded.source_url, note = excluded.note",
                (
                    value.indicator,
                    value.year,
                    value.value,
                    value.unit,
                    value.source,
                    value.source_url,
                    value.note,
                ),
            )
            self._history(
                conn,
                key,
                "update" if before else "create",
                actor,
                "",
                before,
                value.as_dict(),
                value.note,
            )

    def _write_projects(
        self,
        actor: Identity,
        steps: Sequence[BatchStep],
        action: Action | None,
        batch: str,
    ) -> list[Change]:
        table = self._t("ninohe_projects")
        ids = [s.feature_id for s in steps]
        with self._conn(f"writing {len(steps)} project(s)") as conn:
            # One writer of projects at a time (rows being created cannot be locked yet).
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{table}:write",))
            rows = conn.execute(
                f"SELECT id, project FROM {table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                (ids,),
            ).fetchall()
            pending = resolve_projects(steps, {str(r[0]): dict(r[1]) for r in rows})
            if not pending:
                return []
            at = now_iso()
            out = []
            for p in pending:
                what = action or project_action(p.before, p.after)
                if p.after is None:
                    conn.execute(f"DELETE FROM {table} WHERE id = %s", (p.feature_id,))
                else:
                    conn.execute(
                        f"INSERT INTO {table} (id, project) VALUES (%s, %s) "
                        "ON CONFLICT (id) DO UPDATE SET project = excluded.project",
                        (p.feature_id, Jsonb(p.after)),
                    )
                key = f"project:{p.feature_id}"
                seq = self._history(
                    conn, key, what, actor, "", p.before, p.after, p.note, batch, at
                )
                out.append(
                    Change(seq, key, what, actor.user, at, "", p.before, p.after, p.note, batch)
                )
        return out

    def _replace_all(self, snap: Snapshot) -> None:
        """Everything replaced in one transaction: an interrupted copy changes nothing."""
        with self._conn(f"copying into {self.location}") as conn:
            for table in (
                "ninohe_meta",
                "ninohe_layers",
                "ninohe_features",
                "ninohe_history",
                "ninohe_indicator_values",
                "ninohe_projects",
            ):
                conn.execute(f"DELETE FROM {self._t(table)}")
            conn.execute(
                f"INSERT INTO {self._t('ninohe_meta')} (key, value) VALUES ('plan.yaml', %s)",
                (snap.plan_yaml,),
            )
            with conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {self._t('ninohe_layers')} (id, meta) VALUES (%s, %s)",
                    [(k, Jsonb(v)) for k, v in snap.layers.items()],
                )
                missing = {r.layer for r in snap.records} - set(snap.layers)
                cur.executemany(
                    f"INSERT INTO {self._t('ninohe_layers')} (id, meta) VALUES (%s, %s)",
                    [(k, Jsonb({"id": k})) for k in sorted(missing)],
                )
                cur.executemany(
                    f"INSERT INTO {self._t('ninohe_features')} "
                    "(id, layer, pos, feature, geom, version, deleted) VALUES "
                    "(%s, %s, %s, %s, public.ST_SetSRID(public.ST_GeomFromGeoJSON(%s), 4326), "
                    "%s, %s)",
                    [
                        (
                            r.id,
                            r.layer,
                            n,
                            Jsonb(r.feature),
                            json.dumps(r.feature["geometry"]),
                            r.version,
                            r.deleted,
                        )
                        for n, r in enumerate(snap.records)
                    ],
                )
                cur.executemany(
                    f"INSERT INTO {self._t('ninohe_history')} "
                    "(seq, key, action, user_name, at, layer, before, after, note, batch) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            c.seq,
                            c.key,
                            c.action,
                            c.user,
                            c.at,
                            c.layer,
                            Jsonb(c.before) if c.before is not None else None,
                            Jsonb(c.after) if c.after is not None else None,
                            c.note,
                            c.batch,
                        )
                        for c in snap.history
                    ],
                )
                cur.executemany(
                    f"INSERT INTO {self._t('ninohe_indicator_values')} "
                    "(indicator, year, value, unit, source, source_url, note) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (v.indicator, v.year, v.value, v.unit, v.source, v.source_url, v.note)
                        for v in snap.indicators
                    ],
                )
                cur.executemany(
                    f"INSERT INTO {self._t('ninohe_projects')} (id, project) VALUES (%s, %s)",
                    [(str(p["id"]), Jsonb(p)) for p in snap.projects],
                )
            seq = self._t("ninohe_history_seq_seq")
            conn.execute(
                f"SELECT setval('{seq}', "
                f"greatest((SELECT max(seq) FROM {self._t('ninohe_history')}), 1))"
            )

    def drop(self) -> None:
        """Remove this store's schema and everything in it (tests, decommissioning)."""
        with self._conn("dropping the store") as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        self._ready = False
