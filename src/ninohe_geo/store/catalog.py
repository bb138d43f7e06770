"""The one door to the data: :func:`open_catalog` gives the catalogue of any store.

The app, every command (``export``, ``print``, ``publish``, ``validate``, ``import``) and the
site builder read the plan and its features through here, so what is imported into a store —
a data folder or PostgreSQL — is what is shown, exported, printed and published (issue #10:
on a PostGIS store, ``export`` and ``publish`` used to read the ``geodata/`` files instead).

A folder store is read from its files (:func:`ninohe_geo.model.catalog.load_catalog`, which reports
a
broken file by name and loads the rest); any other store through its records
(:func:`store_catalog`), with the same feature checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ninohe_geo.model.catalog import (
    Catalog,
    checked_projects,
    emptied_import,
    layer_info,
    layer_kind,
    split_records,
    with_project_years,
)
from ninohe_geo.model.checks import Problem, check_feature, duplicate_id_problems
from ninohe_geo.model.plan import Plan
from ninohe_geo.model.schema import ALL_FIELDS
from ninohe_geo.paths import cache_dir
from ninohe_geo.store.base import Store
from ninohe_geo.store.catalogcache import load_catalog_cached
from ninohe_geo.store.registry import configured_location, open_store


def store_catalog(store: Store) -> Catalog:
    """A :class:`Catalog` from any store's records.

    Features pass the same checks as in :func:`ninohe_geo.model.catalog.load_catalog`; bad ones are
    left out and reported, the rest load.
    """
    plan = Plan.model_validate(yaml.safe_load(store.plan_yaml()))
    metas = store.layers()
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    for rec in store.records():
        file = f"{rec.layer} ({store.location})"
        kind = layer_kind(metas.get(rec.layer) or {})
        geom, found = check_feature(rec.feature, 0, plan, file, kind)
        problems.extend(found)
        if geom is None or any(p.severity == "error" for p in found):
            continue
        props = rec.feature["properties"]
        record = {key: props.get(key) for key in ALL_FIELDS}
        record["geometry"] = geom
        record["layer"] = rec.layer
        records.append(record)
        counts[rec.layer] = counts.get(rec.layer, 0) + 1
    problems.extend(duplicate_id_problems((r["layer"], r["id"]) for r in records))
    layers = []
    for layer_id in sorted(set(metas) | set(counts)):
        meta = metas.get(layer_id) or {}
        info = layer_info(meta, layer_id, f"{layer_id}.geojson", counts.get(layer_id, 0))
        if not emptied_import(info):
            layers.append(info)
    features, reference = split_records(records, layers, plan)
    projects, refused = checked_projects(store.projects(), plan, f"projects ({store.location})")
    with_project_years(features, projects)
    return Catalog(plan, tuple(layers), features, (*problems, *refused), reference, projects)


def is_folder(location: str | Path) -> bool:
    """Whether a store location is a data folder (no URL scheme, or ``file://``)."""
    text = str(location)
    return "://" not in text or text.lower().startswith("file://")


def folder_of(location: str | Path) -> Path:
    """The folder of a folder location (``file://`` stripped)."""
    text = str(location)
    return Path(text.split("://", 1)[1]) if "://" in text else Path(text)


def open_catalog(location: str | Path | None = None) -> Catalog:
    """The catalogue of the store at ``location`` (default: the configured store —
    ``$NINOHE_GEO_STORE``, secrets, else the data folder).

    Raises:
        StoreUnavailable: an unknown scheme, or a database that cannot be reached.
    """
    loc = location if location is not None else configured_location()
    if is_folder(loc):
        return load_catalog_cached(folder_of(loc), cache_dir())
    store = open_store(loc)
    try:
        return store_catalog(store)
    finally:
        store.close()
