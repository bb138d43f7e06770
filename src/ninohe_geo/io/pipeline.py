"""An import, start to finish: read → map → check → (accept) write through the store.

:func:`prepare_import` reads the file through the safe readers, maps its fields, and checks
every feature exactly as the catalogue and ``ninohe-geo validate`` do (schema, measure,
geometry, RFC 7946, boundary, duplicate ids — also against the other layers already in the
store). It writes nothing. The :class:`ImportPlan` it returns is what the CLI prints and
the import page shows: per-feature problems, repairs on offer, and a preview table.

:func:`write_import` is the only step that writes, and it is all-or-nothing: while any error is
neither fixed (in the source or the mapping), repaired (``repair=True`` for invalid geometry)
nor excluded (``exclude``), it raises :class:`ImportBlockedError` and the store is untouched.
Otherwise it hands every feature to :meth:`~ninohe_geo.store.Store.save_batch` of the store in
use (the data folder or PostgreSQL): one atomic write, which checks every feature again and
records each created, replaced or (``replace=True``) removed feature in the history — who, when,
before, after — under one batch id, so the whole import can be undone in one step
(:meth:`~ninohe_geo.store.Store.undo_last`) and each feature restored on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from ninohe_geo.io.errors import ImportBlockedError, ImportFileError
from ninohe_geo.io.formats import read_source
from ninohe_geo.io.layerfile import feature_json, geometry_json, normalise
from ninohe_geo.io.limits import DEFAULT_LIMITS, Deadline, Limits
from ninohe_geo.io.mapping import Mapping, RowContext, detect_mapping, map_row, selected
from ninohe_geo.io.source import SourceTable
from ninohe_geo.model.boundary import Boundary, find_boundary
from ninohe_geo.model.catalog import features_frame, reference_frame
from ninohe_geo.model.checks import Problem, boundary_problems, check_feature
from ninohe_geo.model.plan import Plan
from ninohe_geo.model.repair import Repair, offer_repair
from ninohe_geo.model.schema import ALL_FIELDS
from ninohe_geo.store.base import (
    LAYER_PATTERN,
    BatchResult,
    Identity,
    Record,
    Store,
    require_editor,
)
from ninohe_geo.store.validate import Report

#: The validator's default tolerance (≈ 50 m) for the 1 %-simplified boundary file.
BOUNDARY_TOLERANCE_DEG = 0.0005


@dataclass
class Candidate:
    """One feature the import would write."""

    index: int
    """Its row in the source (0-based)."""
    label: str
    """Its id, or ``#N`` when it has none."""
    properties: dict[str, str]
    geometry: BaseGeometry | None
    problems: list[Problem] = field(default_factory=list)
    repair: Repair | None = None

    def errors(self, repair: bool) -> list[Problem]:
        """Blocking problems (an invalid geometry counts as fixed when repairing)."""
        out = [p for p in self.problems if p.severity == "error"]
        if repair and self.repair is not None:
            out = [p for p in out if not p.message.startswith("invalid geometry")]
        return out


@dataclass
class ImportPlan:
    """A prepared import: what would be written and what is wrong with it."""

    source: SourceTable
    mapping: Mapping
    layer: str
    candidates: list[Candidate]
    file_problems: list[Problem]
    boundary: Boundary
    plan: Plan
    existing_features: int | None
    """Live features of the layer this import would replace (None: a new layer)."""

    @property
    def file(self) -> str:
        """The source's display name."""
        return self.source.file

    def labels(self) -> set[str]:
        """Every candidate's label."""
        return {c.label for c in self.candidates}

    def kept(self, exclude: Iterable[str] = ()) -> list[Candidate]:
        """Candidates not excluded."""
        skip = set(exclude)
        return [c for c in self.candidates if c.label not in skip]

    def blocking(self, exclude: Iterable[str] = (), repair: bool = False) -> list[Problem]:
        """Errors that stop the import (file-level ones, and those of kept features)."""
        exclude = list(exclude)
        unknown = sorted(set(exclude) - self.labels())
        out = [p for p in self.file_problems if p.severity == "error"]
        out += [
            Problem(self.file, x, "--exclude names no feature of this import", field="id")
            for x in unknown
        ]
        for c in self.kept(exclude):
            out.extend(c.errors(repair))
        return out

    def report(self, exclude: Iterable[str] = (), repair: bool = False) -> Report:
        """The validation report (the same class ``ninohe-geo validate`` prints)."""
        exclude = list(exclude)
        problems = list(self.file_problems)
        skip = set(exclude)
        for c in self.candidates:
            if c.label in skip:
                problems.append(Problem(self.file, c.label, "excluded from the import", "warning"))
                continue
            problems.extend(c.problems)
        problems.extend(
            p for p in self.blocking(exclude, repair) if p.message.startswith("--exclude")
        )
        if not self.boundary.exact:
            problems.append(
                Problem(self.file, None, f"checked against the {self.boundary.source}", "warning")
            )
        return Report(self.file, len(self.candidates), tuple(problems), self.boundary.source)

    def summary(self) -> str:
        """One paragraph: source, format, CRS, mapping, counts, target layer."""
        action = (
            f"replaces layer {self.layer!r} ({self.existing_features} features)"
            if self.existing_features is not None
            else f"new layer {self.layer!r}"
        )
        return (
            f"{self.file}: {self.source.format}, {len(self.source)} row(s) read in "
            f"{self.source.crs}, mapping {self.mapping.name!r} → {len(self.candidates)} "
            f"feature(s); {action}"
        )

    def preview(self, exclude: Iterable[str] = (), repair: bool = False) -> gpd.GeoDataFrame:
        """The features that would be written and pass every check, as the catalogue's table
        (for the map preview)."""
        records: list[dict[str, Any]] = []
        for c in self.kept(exclude):
            if c.errors(repair) or c.geometry is None:
                continue
            geom = c.repair.geometry if repair and c.repair is not None else c.geometry
            records.append(
                {
                    **{k: c.properties.get(k) for k in ALL_FIELDS},
                    "geometry": geom,
                    "layer": self.layer,
                }
            )
        if self.mapping.kind == "reference":
            return reference_frame(records)
        return features_frame(records, self.plan)

    def document(
        self,
        exclude: Iterable[str] = (),
        repair: bool = False,
        provenance: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The layer file's content (RFC 7946 FeatureCollection with our ``layer`` member)."""
        kept = self.kept(exclude)
        features = []
        repaired = []
        for c in kept:
            assert c.geometry is not None  # checked by blocking()
            if repair and c.repair is not None and not c.geometry.is_valid:
                repaired.append(c.label)
                features.append(feature_json(c.label, c.properties, c.repair.geometry))
            else:  # already normalised when prepared
                features.append(feature_json(c.label, c.properties, c.geometry, normalised=True))
        info = {
            "file": self.file,
            "format": self.source.format,
            "crs": self.source.crs,
            "mapping": self.mapping.name,
            "imported": dt.date.today().isoformat(),
            "features": str(len(features)),
        }
        excluded = sorted(set(exclude))
        if excluded:
            info["excluded"] = ", ".join(excluded)
        if repaired:
            info["repaired"] = ", ".join(repaired)
        info.update(provenance or {})
        return {
            "type": "FeatureCollection",
            "layer": {
                "id": self.layer,
                "title_ja": self.mapping.title_ja,
                "title_en": self.mapping.title_en,
                "description_ja": self.mapping.description_ja,
                "description_en": self.mapping.description_en,
                **({"kind": self.mapping.kind} if self.mapping.kind != "plan" else {}),
                **({"source_ja": self.mapping.attribution} if self.mapping.attribution else {}),
                **({"licence": self.mapping.licence} if self.mapping.licence else {}),
                "import": info,
            },
            "features": features,
        }


@dataclass(frozen=True)
class ImportResult:
    """What an accepted import did."""

    layer: str
    location: str
    """The store written (a folder, or a ``postgresql://`` URL without its password)."""
    batch: BatchResult
    """Counts, and the batch id shared by the import's history entries."""
    path: Path | None
    """The layer file, when the store is a data folder."""

    def describe(self) -> str:
        """One line for the command line."""
        b, ids = self.batch, self.batch.ids
        return (
            f"imported into layer {self.layer!r} of {self.location}: "
            f"{b.created} created{_named(ids.get('created', ()))}, "
            f"{b.updated} updated{_named(ids.get('updated', ()))}, "
            f"{b.deleted} removed{_named(ids.get('deleted', ()))}, "
            f"{b.unchanged} unchanged; recorded in "
            f"the history as batch {b.batch or '(no change)'} (undo it, or restore single "
            "features, on the app's Edit page)"
        )


def keep_check_dates(
    features: list[dict[str, Any]], live: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """``features`` with the stored ``updated`` date kept wherever nothing else differs from
    the live feature of the same id: a re-import of the same official file then changes
    nothing (it used to mark every record "updated" because the import date changed)."""
    out = []
    for feature in features:
        props = feature.get("properties") or {}
        old = live.get(str(props.get("id")))
        if old is not None and "updated" in (old.get("properties") or {}):
            old_props = old["properties"]
            same = {k: v for k, v in props.items() if k != "updated"} == {
                k: v for k, v in old_props.items() if k != "updated"
            } and feature.get("geometry") == old.get("geometry")
            if same:
                feature = {**feature, "properties": {**props, "updated": old_props["updated"]}}
        out.append(feature)
    return out


#: How many ids of each kind the command line names (the rest are counted).
DESCRIBE_IDS = 10


def _named(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:DESCRIBE_IDS])
    more = f" and {len(ids) - DESCRIBE_IDS} more" if len(ids) > DESCRIBE_IDS else ""
    return f" ({shown}{more})" if ids else ""


def local_identity() -> Identity:
    """Who writes from the command line: whoever has the machine's shell, as its admin (the
    same identity ``ninohe-geo users`` and ``store copy`` use): ``cli:<os user>``."""
    from ninohe_geo.store.registry import os_user

    return Identity(f"cli:{os_user()}", "admin")


def target_store(store: Store | str | Path | None = None) -> Store:
    """The store to import into: ``store`` itself, the store at that location, or the
    configured one (:func:`~ninohe_geo.store.registry.configured_location`), always opened
    through the registry (so the shipped data is read-only, whatever the caller)."""
    from ninohe_geo.store.registry import open_store

    return store if isinstance(store, Store) else open_store(store)


def check_layer_name(layer: str) -> None:
    """A layer name is a slug (it becomes ``layers/NAME.geojson`` in a data folder)."""
    if not LAYER_PATTERN.match(layer):
        raise ImportFileError(
            "--layer", f"layer name {layer!r} must be a lower-case slug (a-z, 0-9, -, _)"
        )


def prepare_import(
    path: Path,
    layer: str,
    *,
    fmt: str | None = None,
    mapping: Mapping | None = None,
    crs: str | None = None,
    store: Store | str | Path | None = None,
    boundary: Boundary | None = None,
    limits: Limits = DEFAULT_LIMITS,
    display_name: str | None = None,
) -> ImportPlan:
    """Read, map and check ``path`` for layer ``layer`` of ``store`` (a store or its location;
    default: the configured one); writes nothing."""
    check_layer_name(layer)
    target = target_store(store)
    plan = target.plan()
    bnd = boundary or find_boundary()
    deadline = Deadline(display_name or path.name, limits.time_limit_s)
    source = read_source(
        path, fmt=fmt, crs=crs, display_name=display_name, limits=limits, deadline=deadline
    )
    chosen = mapping or detect_mapping(source.columns, source.format)
    file = source.file
    file_problems: list[Problem] = []
    missing = chosen.missing_fields(source.columns)
    if missing:
        file_problems.append(
            Problem(
                file,
                None,
                f"the mapping refers to field(s) the source lacks: {', '.join(missing)}",
                "warning",
                field="mapping",
            )
        )
    rows = [i for i, row in enumerate(source.rows) if selected(row, chosen)]
    if chosen.select and not rows:
        wanted = ", ".join(f"{k} = {v!r}" for k, v in chosen.select.items())
        raise ImportFileError(file, f"no row has {wanted} (the mapping's select)")
    groups: list[list[int]] = [rows] if chosen.dissolve and rows else [[i] for i in rows]
    candidates: list[Candidate] = []
    for n, group in enumerate(groups):
        if n % 1000 == 0:
            deadline.check("mapping and checking features")
        first = group[0]
        ctx = RowContext(file=file, row=first + 1)
        fid, props = map_row(source.rows[first], chosen, ctx)
        label = fid or f"#{first + 1}"
        parts = [source.geometries[i] for i in group if source.geometries[i] is not None]
        geom: BaseGeometry | None
        if not parts:
            geom = None
        elif len(parts) == 1:
            geom = normalise(parts[0])
        else:
            geom = normalise(shapely.union_all(parts))
        cand = Candidate(first, label, props, geom)
        for i in group:
            if i in source.geometry_errors:
                cand.problems.append(
                    Problem(file, label, source.geometry_errors[i], field="geometry")
                )
        raw = {
            "type": "Feature",
            "id": fid or None,
            "properties": props,
            "geometry": geometry_json(geom) if geom is not None else None,
        }
        if not fid:
            raw.pop("id")
        _, found = check_feature(raw, n, plan, file, chosen.kind)
        for p in found:
            if p.feature != label:
                p = Problem(p.file, label, p.message, p.severity, p.field)
            cand.problems.append(p)
        if geom is not None:
            # The validator's invalid-geometry message already describes this repair.
            cand.repair = offer_repair(geom)
        candidates.append(cand)
    if chosen.drop_repeated_rows:
        candidates = _drop_repeated_rows(candidates, file_problems, file)
    _boundary_checks(candidates, bnd, file)
    _refuse_other_municipality(source, candidates, file)
    live = target.records()
    _duplicates(candidates, live, layer, file)
    # A layer an undone import left empty counts as gone (issue #12): importing again makes it
    # anew, with no "replace" asked.
    existing = sum(1 for r in live if r.layer == layer) if layer in target.layers() else 0
    return ImportPlan(source, chosen, layer, candidates, file_problems, bnd, plan, existing or None)


def _drop_repeated_rows(
    candidates: list[Candidate], file_problems: list[Problem], file: str
) -> list[Candidate]:
    """Rows that repeat an earlier row (every mapped field and the place the same; only the
    id differs — a running number) are reported once and kept once: real lists have them
    (the city's AED list has 天台の湯 twice, as NO 41 and 42)."""
    first: dict[tuple[Any, ...], Candidate] = {}
    kept: list[Candidate] = []
    for c in candidates:
        props = tuple(sorted((k, v) for k, v in c.properties.items() if k != "id"))
        key = (props, c.geometry.wkb if c.geometry is not None else None)
        earlier = first.get(key)
        if earlier is None:
            first[key] = c
            kept.append(c)
            continue
        file_problems.append(
            Problem(
                file,
                c.label,
                f"row {c.index + 1} repeats row {earlier.index + 1} ({earlier.label}): the same "
                "facility and place under another number, kept once",
                "warning",
            )
        )
    return kept


#: Columns of the open-data layouts that hold the publishing municipality's code and name.
CODE_COLUMNS = ("全国地方公共団体コード", "都道府県コード又は市区町村コード")
NAME_COLUMNS = ("地方公共団体名", "市区町村名")
CITY_CODE6 = "032131"


def municipality_code(value: str) -> str:
    """A municipality code as six digits (a spreadsheet drops the leading zero: 32131 →
    032131); a five-digit code starting with 0 is the code without its check digit."""
    text = value.strip()
    if len(text) == 5 and text.startswith("0"):
        return text  # 03213: compared on its first five digits
    return text.zfill(6) if text.isdigit() else text


def _refuse_other_municipality(source: SourceTable, candidates: list[Candidate], file: str) -> None:
    """A whole list from another municipality is refused with one summary (issue #13), not
    drowned in per-row "outside the city" errors: every place lies outside and the list's own
    code says whose it is."""
    placed = [c for c in candidates if c.geometry is not None]
    outside = [
        c for c in placed if any(p.message.startswith("outside the city") for p in c.problems)
    ]
    if not placed or len(outside) < len(placed):
        return
    column = next((c for c in CODE_COLUMNS if c in source.columns), None)
    if column is None:
        return
    codes = {municipality_code(row.get(column) or "") for row in source.rows} - {""}
    if not codes or any(CITY_CODE6.startswith(code) for code in codes):
        return
    names = sorted(
        {
            (row.get(name) or "").strip()
            for row in source.rows
            for name in NAME_COLUMNS
            if (row.get(name) or "").strip()
        }
    )
    whose = "・".join(names) or "another municipality"
    code_text = ", ".join(sorted(codes))
    raise ImportFileError(
        file,
        f"この一覧は{whose}（{code_text}）のものです。{len(placed)}か所すべてが二戸市の外にあります"
        f"（二戸市は {CITY_CODE6}）。/ This list is {whose}'s ({code_text}); all {len(placed)} "
        f"points lie outside 二戸市 (032131): import a list of Ninohe City.",
    )


def _boundary_checks(candidates: list[Candidate], bnd: Boundary, file: str) -> None:
    """The validator's boundary check, run only on features not plainly inside (one vectorised
    ``contains`` against the prepared, buffered boundary first: 100,000 points in milliseconds
    instead of a buffer per feature)."""
    area = bnd.geometry.buffer(BOUNDARY_TOLERANCE_DEG)
    shapely.prepare(area)
    checked = [c for c in candidates if c.geometry is not None and c.geometry.is_valid]
    inside = shapely.contains(area, [c.geometry for c in checked]) if checked else []
    for cand, ok in zip(checked, inside, strict=True):
        if not ok:
            assert cand.geometry is not None
            cand.problems.extend(boundary_problems(file, cand.label, cand.geometry, bnd.geometry))


def _duplicates(candidates: list[Candidate], live: list[Record], layer: str, file: str) -> None:
    """Duplicate ids within the import and against the other layers of the store."""
    taken = {r.id: r.layer for r in live if r.layer != layer}
    seen: dict[str, int] = {}
    for c in candidates:
        if c.label.startswith("#"):
            continue
        if c.label in seen:
            c.problems.append(
                Problem(
                    file,
                    c.label,
                    f"duplicate id: row {seen[c.label] + 1} of this import has it too",
                    field="id",
                )
            )
        else:
            seen[c.label] = c.index
        if c.label in taken:
            c.problems.append(
                Problem(
                    file,
                    c.label,
                    f"duplicate id: already used in layer {taken[c.label]!r}",
                    field="id",
                )
            )


def write_import(
    prepared: ImportPlan,
    store: Store | str | Path | None = None,
    exclude: Iterable[str] = (),
    repair: bool = False,
    replace: bool = False,
    provenance: dict[str, str] | None = None,
    actor: Identity | None = None,
) -> ImportResult:
    """Write the import into ``store`` (a store or its location; default: the configured one)
    if nothing blocks; raise ImportBlockedError (writing nothing) otherwise.

    ``actor``: who asks. From the app, the signed-in identity — anyone but an editor or admin
    is refused (:class:`~ninohe_geo.store.PermissionDenied`) before anything else, as on every
    write path (issue #6). None means the command line: :func:`local_identity`.

    A new layer gets the mapping's titles and the import's provenance as its metadata; an
    existing one is refused unless ``replace``, which overwrites changed features and
    soft-deletes those the import lacks — all recorded, one batch (see the module docstring).
    """
    who = actor if actor is not None else local_identity()
    require_editor(who, f"import layer {prepared.layer!r}")
    exclude = list(exclude)
    blocking = prepared.blocking(exclude, repair)
    if blocking:
        raise ImportBlockedError(
            prepared.file,
            f"{len(blocking)} error(s) block the import; nothing was written. Fix the source or "
            "the mapping, repair invalid geometry (--repair), or exclude features "
            "(--exclude ID). First: " + str(blocking[0]),
        )
    if not prepared.kept(exclude):
        raise ImportBlockedError(prepared.file, "no feature left to import; nothing was written")
    target = target_store(store)
    # An existing layer is refused unless replaced — but one an undone import left empty is
    # gone (the store is read again only in that case, not on every import).
    if (
        not replace
        and prepared.layer in target.layers()
        and any(r.layer == prepared.layer for r in target.records())
    ):
        raise ImportFileError(
            f"{target.location} layer {prepared.layer}",
            f"layer {prepared.layer!r} exists: pass --replace to replace it",
        )
    document = prepared.document(exclude, repair, provenance)
    if replace:
        live = {r.id: r.feature for r in target.records() if r.layer == prepared.layer}
        document["features"] = keep_check_dates(document["features"], live)
    source = f"{prepared.file} ({prepared.source.format}, mapping {prepared.mapping.name})"
    result = target.save_batch(
        who,
        prepared.layer,
        document["features"],
        replace=replace,
        meta=document["layer"],
        note=f"import {source}",
        removed_note=f"import {source}: not in the file, removed (replace)",
    )
    return ImportResult(prepared.layer, target.location, result, target.layer_file(prepared.layer))
