"""``ninohe-geo fetch SOURCE``: download an official source and import it (see io/fetch.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "fetch"
HELP = "download an official source (N03, GSI shelters) and import it"


def run(args: argparse.Namespace) -> int:
    """Download, then the same steps as ``import``."""
    from ninohe_geo.commands._options import location
    from ninohe_geo.commands.import_layer import print_plan
    from ninohe_geo.io.fetch import fetch_to_temp, new_temp_dir, source_by_name
    from ninohe_geo.io.mapping import load_mapping, mapping_by_name
    from ninohe_geo.io.pipeline import prepare_import, write_import
    from ninohe_geo.model.boundary import find_boundary
    from ninohe_geo.store import open_store

    source = source_by_name(args.source)
    store = open_store(location(args))
    layer = args.layer or source.layer
    with new_temp_dir() as tmp:
        path, provenance = fetch_to_temp(source, args.url, Path(tmp))
        print(f"downloaded {provenance['url']} ({path.stat().st_size:,} bytes)")
        mapping = (
            load_mapping(Path(args.mapping)) if args.mapping else mapping_by_name(source.mapping)
        )
        prepared = prepare_import(
            path,
            layer,
            mapping=mapping,
            boundary=find_boundary(args.boundary),
            display_name=path.name,
            store=store,
        )
        if not print_plan(prepared, args.exclude, False):
            print("nothing was written: fix the errors or --exclude ID")
            return 1
        if args.dry_run:
            print("dry run: nothing was written")
            return 0
        result = write_import(
            prepared,
            exclude=args.exclude,
            replace=args.replace,
            provenance=provenance,
            store=store,
        )
    print(f"{result.describe()} (attribution: {provenance['attribution']})")
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``fetch``."""
    from ninohe_geo.commands._options import add_location
    from ninohe_geo.io.fetch import SOURCES

    p.description = "Download an official source and import it: " + "; ".join(
        f"{s.name} = {s.title}" for s in SOURCES
    )
    p.add_argument("source", choices=[s.name for s in SOURCES])
    p.add_argument("--url", default=None, help="download from this URL instead of the default")
    p.add_argument("--layer", default=None, help="layer name (default: the source's)")
    p.add_argument("--mapping", default=None, help="mapping YAML file (default: the source's)")
    p.add_argument("--dry-run", action="store_true", help="download and report; write nothing")
    p.add_argument("--exclude", action="append", default=[], metavar="ID")
    p.add_argument("--replace", action="store_true", help="replace an existing layer (recorded)")
    add_location(p)
    p.add_argument("--boundary", type=Path, default=None, help="city boundary GeoJSON (N03)")
    p.set_defaults(func=run)
