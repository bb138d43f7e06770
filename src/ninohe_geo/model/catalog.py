"""Load a data folder into a :class:`Catalog`: the plan, the layers, the features, the problems.

Data flows one way: files → :class:`Catalog` (typed, validated) → filtered view → map. Loading
never fails because of one bad layer or feature: the bad part is left out and reported as a
:class:`~ninohe_geo.model.checks.Problem` naming the file and feature, and everything else loads.
Only a missing or broken plan file is fatal, since nothing can be tied to the plan without it.

Layer files are our own GeoJSON and are read with the ``json`` module, not GDAL: a file cannot
make the loader open anything else (see GUIDE: a ``.geojson`` may be a VRT to GDAL).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ninohe_geo.errors import DataFileError
from ninohe_geo.model.checks import Problem, check_feature, duplicate_id_problems
from ninohe_geo.model.plan import Lang, Plan, load_plan
from ninohe_geo.model.projects import Project, project_problems
from ninohe_geo.model.schema import ALL_FIELDS, LAYER_KINDS, LOOSE_ACCURACIES
from ninohe_geo.paths import layers_dir, plan_file

#: A layer file larger than this is refused before it is read (the shipped ones are ~10 KB).
MAX_LAYER_BYTES = 64 * 1024 * 1024

#: Columns of :attr:`Catalog.features`, besides ``geometry``, in this order.
COLUMNS: tuple[str, ...] = (
    *ALL_FIELDS,
    "layer",
    "pillar",
    "pillar_index",
    "featured",
    "loose",
    "years",
)
#: Columns of :attr:`Catalog.reference`, besides ``geometry``.
REFERENCE_COLUMNS: tuple[str, ...] = (*ALL_FIELDS, "layer", "loose")


@dataclass(frozen=True)
class LayerInfo:
    """A layer: one file of ``geodata/layers``."""

    id: str
    """Stable layer ID (the ``layer.id`` member, else the file's stem)."""
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    file: str
    """The file name within the layers folder."""
    count: int
    """Features of this layer that loaded."""
    mapping: str = ""
    """The import mapping that made the layer (``layer.import.mapping``, written by
    ``ninohe-geo import``); '' for a layer made by hand. Tells which official dataset the layer
    holds (see :mod:`ninohe_geo.io.export_layouts`)."""
    kind: str = "plan"
    """``plan`` (the plan's projects) or ``reference`` (official context data — the outline,
    shelters, AEDs — shown in its own legend group, with no invented measure)."""
    source_ja: str = ""
    """A reference layer's attribution (出典), shown on the map and in exports."""
    licence: str = ""
    """A reference layer's licence (e.g. CC BY 4.0)."""

    def title(self, lang: Lang) -> str:
        """Title in ``lang``."""
        return self.title_ja if lang == "ja" else self.title_en

    def description(self, lang: Lang) -> str:
        """Description in ``lang``."""
        return self.description_ja if lang == "ja" else self.description_en


@dataclass(frozen=True)
class Catalog:
    """Everything the app shows, loaded once and read by every page."""

    plan: Plan
    layers: tuple[LayerInfo, ...]
    features: gpd.GeoDataFrame
    """One row per loaded feature (columns :data:`COLUMNS`), CRS EPSG:4326, index = feature id."""
    problems: tuple[Problem, ...] = field(default=())
    reference: gpd.GeoDataFrame = field(default_factory=lambda: reference_frame([]))
    """Features of the reference layers (columns :data:`REFERENCE_COLUMNS`): context, not plan
    projects, so they are not in :attr:`features` (filters, counts, the plan tree)."""
    projects: tuple[Project, ...] = ()
    """The plan's projects (事業, issue #14), by id; a project that fails its check is left out
    and reported in :attr:`problems`."""

    def projects_of(self, feature_id: str) -> tuple[Project, ...]:
        """The projects a feature (a place) belongs to."""
        return tuple(p for p in self.projects if feature_id in p.features)

    def projects_of_measure(self, measure_id: str) -> tuple[Project, ...]:
        """The projects that name a measure."""
        return tuple(p for p in self.projects if measure_id in p.measures)

    def reference_feature(self, feature_id: str) -> pd.Series | None:
        """The row of reference feature ``feature_id``, or None."""
        if feature_id in self.reference.index:
            row: pd.Series = self.reference.loc[feature_id]
            return row
        return None

    def reference_layers(self) -> tuple[LayerInfo, ...]:
        """The reference layers, in load order."""
        return tuple(layer for layer in self.layers if layer.kind == "reference")

    def reference_records(self, layer_ids: Iterable[str]) -> gpd.GeoDataFrame:
        """The reference features of the layers ``layer_ids`` (in the catalogue's order)."""
        wanted = sorted(set(layer_ids))
        rows: gpd.GeoDataFrame = self.reference[self.reference["layer"].isin(wanted)]
        return rows

    def feature(self, feature_id: str) -> pd.Series | None:
        """The row of ``feature_id``, or None."""
        if feature_id in self.features.index:
            row: pd.Series = self.features.loc[feature_id]
            return row
        return None

    def count_by_measure(self) -> dict[str, int]:
        """How many features each measure has on the map (measures without any are absent)."""
        counts = self.features["measure"].value_counts()
        return {str(k): int(v) for k, v in counts.items()}


def _read_json(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_LAYER_BYTES:
        raise DataFileError(path, f"file is {size:,} bytes; the limit is {MAX_LAYER_BYTES:,}")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(
            path, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc


def _text(value: Any, fallback: str) -> str:
    return value if isinstance(value, str) and value else fallback


def emptied_import(info: LayerInfo) -> bool:
    """Whether a layer is what an undone import left: made by an import, no feature left. Such a
    layer is gone as far as the app is concerned (issue #12: undoing an import that created a
    layer removes the layer too); importing again makes it anew."""
    return info.count == 0 and bool(info.mapping)


def layer_kind(meta: dict[str, Any]) -> str:
    """A layer's kind from its metadata (``layer.kind``): ``plan`` unless it says
    ``reference``."""
    kind = meta.get("kind")
    return kind if isinstance(kind, str) and kind in LAYER_KINDS else "plan"


def layer_info(meta: dict[str, Any], layer_id: str, file: str, count: int) -> LayerInfo:
    """A :class:`LayerInfo` from a layer's metadata (the file's ``layer`` member, or a store's
    layer record)."""
    return LayerInfo(
        id=layer_id,
        title_ja=_text(meta.get("title_ja"), layer_id),
        title_en=_text(meta.get("title_en"), layer_id),
        description_ja=_text(meta.get("description_ja"), ""),
        description_en=_text(meta.get("description_en"), ""),
        file=file,
        count=count,
        mapping=import_mapping(meta),
        kind=layer_kind(meta),
        source_ja=_text(meta.get("source_ja"), ""),
        licence=_text(meta.get("licence"), ""),
    )


def import_mapping(meta: dict[str, Any]) -> str:
    """The mapping name recorded by an import in a layer's metadata, else ''."""
    info = meta.get("import")
    return _text(info.get("mapping"), "") if isinstance(info, dict) else ""


def read_layer(
    path: Path, plan: Plan
) -> tuple[LayerInfo | None, list[dict[str, Any]], list[Problem]]:
    """Read one layer file: its info, its good features (records), and its problems.

    A record is the feature's properties plus ``geometry`` (shapely) and ``layer``.
    """
    name = path.name
    try:
        doc = _read_json(path)
    except (DataFileError, OSError) as exc:
        return None, [], [Problem(name, None, getattr(exc, "message", None) or str(exc))]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return None, [], [Problem(name, None, "expected a GeoJSON FeatureCollection")]
    if "crs" in doc:
        return (
            None,
            [],
            [
                Problem(
                    name,
                    None,
                    "has a 'crs' member: layer files are RFC 7946 GeoJSON in WGS84 lon/lat without "
                    "one (import other CRSs with 'ninohe-geo import')",
                    field="crs",
                )
            ],
        )
    meta: dict[str, Any] = doc["layer"] if isinstance(doc.get("layer"), dict) else {}
    layer_id = _text(meta.get("id"), path.stem)
    features = doc.get("features")
    if not isinstance(features, list):
        return None, [], [Problem(name, None, "'features' must be a list", field="features")]
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    kind = layer_kind(meta)
    for index, raw in enumerate(features):
        geom, found = check_feature(raw, index, plan, name, kind)
        problems.extend(found)
        if geom is None or any(p.severity == "error" for p in found):
            continue
        props = raw["properties"]
        record = {key: props.get(key) for key in ALL_FIELDS}
        record["geometry"] = geom
        record["layer"] = layer_id
        records.append(record)
    return layer_info(meta, layer_id, name, len(records)), records, problems


def reference_frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The reference features table (columns :data:`REFERENCE_COLUMNS`, index = feature id)."""
    rows = [{**rec, "loose": rec["accuracy"] in LOOSE_ACCURACIES} for rec in records]
    frame = gpd.GeoDataFrame(
        rows, columns=[*REFERENCE_COLUMNS, "geometry"], geometry="geometry", crs="EPSG:4326"
    )
    frame.index = pd.Index(frame["id"], name="fid")
    return frame


def split_records(
    records: list[dict[str, Any]], layers: list[LayerInfo] | tuple[LayerInfo, ...], plan: Plan
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(plan features, reference features) from good records, by their layer's kind."""
    reference = {layer.id for layer in layers if layer.kind == "reference"}
    plan_recs = [r for r in records if r["layer"] not in reference]
    ref_recs = [r for r in records if r["layer"] in reference]
    return features_frame(plan_recs, plan), reference_frame(ref_recs)


def features_frame(records: list[dict[str, Any]], plan: Plan) -> gpd.GeoDataFrame:
    """The features table from good records, with the plan's derived columns."""
    pillar_ids = [p.id for p in plan.pillars]
    rows = []
    for rec in records:
        pillar = plan.pillar_of(rec["measure"])
        rows.append(
            {
                **rec,
                "pillar": pillar.id,
                "pillar_index": pillar_ids.index(pillar.id),
                "featured": plan.measure(rec["measure"]).featured,
                "loose": rec["accuracy"] in LOOSE_ACCURACIES,
                "years": "",
            }
        )
    frame = gpd.GeoDataFrame(
        rows, columns=[*COLUMNS, "geometry"], geometry="geometry", crs="EPSG:4326"
    )
    frame.index = pd.Index(frame["id"], name="fid")
    return frame


def reference_link_problems(catalog: Catalog, file: str) -> list[Problem]:
    """Warnings for a measure's ``reference_layers`` that name no reference layer of the folder
    (a typo, or a layer removed): that measure then names nothing. A folder with no reference
    layer at all (the plan's projects only) is not warned about: it simply has none to name."""
    have = sorted(layer.id for layer in catalog.reference_layers())
    if not have:
        return []
    return [
        Problem(
            file,
            measure.id,
            f"measure {measure.id} names reference layer {layer_id!r}, which is not a reference "
            f"layer of this data folder (reference layers: {', '.join(have)}); its "
            "details will not name it",
            severity="warning",
            field="reference_layers",
        )
        for measure in catalog.plan.measures
        for layer_id in measure.reference_layers
        if layer_id not in have
    ]


def load_catalog(root: Path) -> Catalog:
    """Load the data folder ``root`` (``plan.yaml`` and ``layers/*.geojson``).

    Raises:
        DataFileError: only when the plan file is missing or broken.
    """
    plan = load_plan(plan_file(root))
    return with_projects(root, load_layers(root, plan))


def load_layers(root: Path, plan: Plan) -> Catalog:
    """The catalogue of ``root``'s layer files, read and checked feature by feature, without
    its projects (:func:`with_projects` adds them). This is the slow part of a load (JSON
    parsing and one check per feature), which :mod:`ninohe_geo.store.catalogcache` keeps."""
    layers: list[LayerInfo] = []
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    owners: list[tuple[str, str]] = []  # (file name, feature id), in load order
    folder = layers_dir(root)
    paths = sorted(folder.glob("*.geojson")) if folder.is_dir() else []
    if not paths:
        problems.append(Problem(str(folder), None, "no layer files (*.geojson) found"))
    for path in paths:
        info, recs, found = read_layer(path, plan)
        problems.extend(found)
        if info is not None and not emptied_import(info):
            layers.append(info)
        records.extend(recs)
        owners.extend((path.name, r["id"]) for r in recs)
    dupes = duplicate_id_problems(owners)
    if dupes:
        problems.extend(dupes)
        seen: set[str] = set()
        unique = []
        for r in records:
            if r["id"] not in seen:
                seen.add(r["id"])
                unique.append(r)
        records = unique
    features, reference = split_records(records, layers, plan)
    return Catalog(
        plan=plan,
        layers=tuple(layers),
        features=features,
        problems=tuple(problems),
        reference=reference,
    )


def with_projects(root: Path, layers: Catalog) -> Catalog:
    """``layers`` (from :func:`load_layers`) with ``root``'s projects (``projects.json``),
    checked against its plan, and the features' derived ``years`` column filled (in place:
    ``layers`` is a fresh catalogue of the caller's)."""
    raw_projects, unreadable = _projects_file(root / "projects.json")
    projects, refused = checked_projects(raw_projects, layers.plan, "projects.json")
    features = layers.features
    with_project_years(features, projects)
    return Catalog(
        plan=layers.plan,
        layers=layers.layers,
        features=features,
        problems=(*layers.problems, *unreadable, *refused),
        reference=layers.reference,
        projects=projects,
    )


def _projects_file(path: Path) -> tuple[list[dict[str, Any]], tuple[Problem, ...]]:
    """The project dicts of a data folder's ``projects.json`` ([] when there is none); a file
    that cannot be read is a problem, and the map goes on without projects."""
    if not path.is_file():
        return [], ()
    try:
        doc = _read_json(path)
    except DataFileError as exc:
        return [], (Problem(path.name, None, str(exc)),)
    items = doc.get("projects") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return [], (Problem(path.name, None, "expected an object with a 'projects' list"),)
    return [p for p in items if isinstance(p, dict)], ()


def with_project_years(features: gpd.GeoDataFrame, projects: Iterable[Project]) -> None:
    """Fill the derived ``years`` column: the fiscal years in which a project of the feature has
    an entry, as ``,2021,2023,`` (the map's 年度 filter matches ``,2023,``)."""
    years: dict[str, set[int]] = {}
    for p in projects:
        for fid in p.features:
            years.setdefault(fid, set()).update(e.year for e in p.years)
    if features.empty:
        return
    features["years"] = [
        "," + ",".join(str(y) for y in sorted(years[fid])) + "," if fid in years else ""
        for fid in features.index
    ]


def checked_projects(
    raw: Iterable[dict[str, Any]], plan: Plan, file: str
) -> tuple[tuple[Project, ...], tuple[Problem, ...]]:
    """The projects that pass their check (sorted by id), and a problem for each that does not."""
    good: list[Project] = []
    problems: list[Problem] = []
    for item in raw:
        found = project_problems(item, plan)
        if found:
            problems += [Problem(file, str(item.get("id")), m) for m in found]
        else:
            good.append(Project.from_dict(item))
    return tuple(sorted(good, key=lambda p: p.id)), tuple(problems)
