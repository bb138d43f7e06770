"""The checked catalogue, kept as GeoParquet so that a server restart does not check it again.

Loading a data folder reads every layer's GeoJSON and checks every feature against the schema
and the plan (:func:`ninohe_geo.model.catalog.load_layers`): about 10 s at 100,000 features on a
2-core machine, paid by the first visitor after every restart. The result does not change until
the files do, so it is kept in the cache folder (:func:`ninohe_geo.paths.cache_dir`), one
folder per content key:

- ``features.parquet`` and ``reference.parquet`` — the two feature tables as GeoParquet
  (columnar: read back through Arrow in a fraction of a second, the index and column types kept);
- ``meta.json`` — the layers and the problems found, and the key's parts.

The key is a SHA-256 of this module's :data:`VERSION`, the package version, ``plan.yaml`` and
every layer file's name and bytes: any edit — by hand, by ``ninohe-geo import``, by the editing
page — is a new key, so a stale catalogue can never be served, and hashing the bytes costs
~0.1 s at 100,000 features (no trust in modification times). Projects (``projects.json``, small)
are read and checked on every load (:func:`ninohe_geo.model.catalog.with_projects`).

``ninohe-geo import`` fills the cache after it writes a layer (the check then happens at import
time, not at the next start). A cache folder that cannot be written (read-only home) or read
(damaged) only costs the slow load; it never changes what is loaded. Old entries beyond
:data:`KEEP` are removed, oldest first.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd

from ninohe_geo.model.catalog import (
    COLUMNS,
    REFERENCE_COLUMNS,
    Catalog,
    LayerInfo,
    load_layers,
    with_projects,
)
from ninohe_geo.model.checks import Problem
from ninohe_geo.model.plan import load_plan
from ninohe_geo.paths import layers_dir, plan_file

#: Bump when the catalogue's tables or checks change shape (old entries are then ignored).
VERSION = "1"
#: Sub-folder of the cache folder.
FOLDER = "catalog"
#: Entries kept (one per data folder state; a few data folders or recent edits).
KEEP = 6


def _package_version() -> str:
    try:
        return metadata.version("ninohe-geo")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "0"


def _code_digest() -> bytes:
    """The checking code's own bytes (``model/``): a checkout reports one package version
    across every change, and a new check must not be answered by an entry the old code made."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256()
        model = Path(__file__).resolve().parents[1] / "model"
        for path in sorted(model.glob("*.py")):
            h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
        _CODE = h.digest()
    return _CODE


_CODE: bytes | None = None


def cache_key(root: Path) -> str:
    """The content key of a data folder (see the module docstring).

    Raises:
        OSError: a layer file that cannot be read (the caller then loads without the cache,
        and the loader reports the file).
    """
    h = hashlib.sha256(f"ninohe-catalog/{VERSION}/{_package_version()}".encode())
    h.update(_code_digest())
    plan = plan_file(root)
    h.update(b"\0plan\0" + (plan.read_bytes() if plan.is_file() else b""))
    folder = layers_dir(root)
    for path in sorted(folder.glob("*.geojson")) if folder.is_dir() else []:
        h.update(b"\0" + path.name.encode("utf-8") + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:24]


def _write(entry: Path, cat: Catalog, key: str) -> None:
    """Write one entry atomically: into a temporary folder, renamed when complete."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".tmp-"))
    try:
        cat.features.to_parquet(tmp / "features.parquet")
        cat.reference.to_parquet(tmp / "reference.parquet")
        meta: dict[str, Any] = {
            "key": key,
            "layers": [asdict(layer) for layer in cat.layers],
            "problems": [asdict(p) for p in cat.problems],
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        try:
            tmp.rename(entry)
        except OSError:  # another process wrote the same entry first: theirs is as good
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _read(entry: Path, root: Path) -> Catalog:
    """An entry's catalogue; ValueError when its tables are not the shape this code makes."""
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    features = gpd.read_parquet(entry / "features.parquet")
    reference = gpd.read_parquet(entry / "reference.parquet")
    for frame, columns in ((features, COLUMNS), (reference, REFERENCE_COLUMNS)):
        if [c for c in frame.columns if c != "geometry"] != list(columns):
            raise ValueError(f"{entry}: cached columns differ from this version's")
    return Catalog(
        plan=load_plan(plan_file(root)),
        layers=tuple(LayerInfo(**layer) for layer in meta["layers"]),
        features=features,
        problems=tuple(Problem(**p) for p in meta["problems"]),
        reference=reference,
    )


def _prune(folder: Path, keep: Path) -> None:
    entries = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in entries if p != keep][KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def load_catalog_cached(root: Path, cache: Path) -> Catalog:
    """:func:`ninohe_geo.model.catalog.load_catalog` of ``root``, from the cache when the
    folder has not changed since it was checked (and filling the cache when it has).

    Raises:
        DataFileError: only when the plan file is missing or broken (as ``load_catalog``).
    """
    try:
        key = cache_key(root)
    except OSError:  # a layer that cannot be read: the loader names it, as without a cache
        return with_projects(root, load_layers(root, load_plan(plan_file(root))))
    folder = cache / FOLDER
    entry = folder / key
    if (entry / "meta.json").is_file():
        try:
            layers = _read(entry, root)
        except (OSError, ValueError, KeyError, TypeError):
            layers = None  # damaged: load and check the files, and write the entry again
            shutil.rmtree(entry, ignore_errors=True)
        if layers is not None:
            entry.touch()  # recently used: pruned last
            return with_projects(root, layers)
    layers = load_layers(root, load_plan(plan_file(root)))
    try:
        # Written only when the files are still what the key was made of: a save between the
        # key and the read must not be stored under the old content's key.
        if not (entry / "meta.json").is_file() and cache_key(root) == key:
            _write(entry, layers, key)
        _prune(folder, entry)
    except OSError:
        pass  # a cache that cannot be written only costs the next start the slow load
    return with_projects(root, layers)
