"""``ninohe-geo import FILE --layer NAME``: read, map, check and (unless --dry-run) write a layer.

Prints the same per-feature report as ``ninohe-geo validate``. Exit codes: 0 written (or a dry
run without errors), 1 errors block the import (nothing written), 2 the file cannot be read at
all (unsafe, unsupported, wrong CRS …; nothing written).

The import goes into the store in use (``--store``, else ``--data``, else the configured one:
``$NINOHE_GEO_STORE``, secrets, the data folder) as one recorded batch, written as
``cli:<os user>`` (see :func:`ninohe_geo.io.pipeline.local_identity`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "import"
HELP = "import a GeoJSON/GeoPackage/Shapefile/KML/CSV/GTFS file as a layer"


def print_plan(prepared: object, exclude: list[str], repair: bool) -> bool:
    """Print summary, notes and report; True when nothing blocks."""
    from ninohe_geo.io.pipeline import ImportPlan

    assert isinstance(prepared, ImportPlan)
    print(prepared.summary())
    for note in prepared.source.notes:
        print(f"NOTE: {note}")
    print(prepared.report(exclude, repair).text())
    return not prepared.blocking(exclude, repair)


def run(args: argparse.Namespace) -> int:
    """Run the import."""
    from ninohe_geo.commands._options import location
    from ninohe_geo.io.mapping import load_mapping, mapping_by_name
    from ninohe_geo.io.pipeline import prepare_import, write_import
    from ninohe_geo.model.boundary import find_boundary
    from ninohe_geo.store import open_store

    mapping = None
    if args.mapping:
        candidate = Path(args.mapping)
        mapping = load_mapping(candidate) if candidate.exists() else mapping_by_name(args.mapping)
    store = open_store(location(args))
    prepared = prepare_import(
        args.file,
        args.layer,
        fmt=args.format,
        mapping=mapping,
        crs=args.crs,
        boundary=find_boundary(args.boundary),
        store=store,
    )
    ok = print_plan(prepared, args.exclude, args.repair)
    if not ok:
        print("nothing was written: fix the errors, --repair, or --exclude ID")
        return 1
    if args.dry_run:
        print("dry run: nothing was written")
        return 0
    result = write_import(
        prepared, exclude=args.exclude, repair=args.repair, replace=args.replace, store=store
    )
    print(result.describe())
    from ninohe_geo.store.file import FileStore

    if isinstance(store, FileStore):
        try:
            prepare_map(store.root)
        except Exception as err:
            print(
                f"warning: the import is saved, but the map could not be prepared now ({err}); "
                "the app prepares it when it next starts (the first visitor waits longer)"
            )
    return 0


def prepare_map(folder: Path) -> None:
    """Check the data folder once now and keep the result (the next app start reads it as
    GeoParquet instead of checking every feature), and build a large catalogue's vector tiles
    where the app serves them: the waiting happens at import, not for the first visitor."""
    from ninohe_geo.maps import mapview, vectortiles
    from ninohe_geo.maps.assets import STREAMLIT_STATIC_URL
    from ninohe_geo.paths import cache_dir, static_dir
    from ninohe_geo.store.catalogcache import load_catalog_cached

    cat = load_catalog_cached(folder, cache_dir())
    if len(cat.features) > mapview.CANVAS_THRESHOLD:
        tiles = vectortiles.publish(cat.features, static_dir(), STREAMLIT_STATIC_URL)
        print(f"map tiles ready: {tiles.path} ({len(cat.features)} features)")


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``import``."""
    from ninohe_geo.commands._options import add_location
    from ninohe_geo.io.formats import FORMAT_NAMES

    p.description = (
        "Import a file as a layer of the data folder. The format is decided by the content "
        "(--format only confirms it); fields are mapped onto the feature schema by a mapping "
        "(a shipped one chosen by the source's fields, or --mapping FILE|NAME); every feature is "
        "checked. All or nothing: one error blocks the import unless it is repaired (--repair) "
        "or the feature is excluded (--exclude ID)."
    )
    p.add_argument("file", type=Path, help="the file to import")
    p.add_argument("--layer", required=True, help="layer name (writes layers/NAME.geojson)")
    p.add_argument("--format", choices=FORMAT_NAMES, default=None, help="expected format")
    p.add_argument("--mapping", default=None, help="mapping YAML file or shipped mapping name")
    p.add_argument("--crs", default=None, help="CRS when the file has none, e.g. EPSG:6678")
    p.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID",
        help="leave this feature out (repeatable)",
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="accept the offered repair of invalid polygons (area change reported)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing layer: changed features are overwritten and those the file "
        "lacks soft-deleted, all recorded in the history (restorable, undoable)",
    )
    add_location(p)
    p.add_argument("--boundary", type=Path, default=None, help="city boundary GeoJSON (N03)")
    p.set_defaults(func=run)
