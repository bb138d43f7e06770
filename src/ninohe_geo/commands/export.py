"""``ninohe-geo export --format F OUT``: write everything, or a filtered view, to a file."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "export"
HELP = "export features as GeoJSON, GeoPackage, CSV or KML"


def run(args: argparse.Namespace) -> int:
    """Export the (filtered) catalogue."""
    from ninohe_geo import filters
    from ninohe_geo.catalog import load_catalog
    from ninohe_geo.io.export import export_file
    from ninohe_geo.paths import data_dir

    catalog = load_catalog(args.data or data_dir())
    flt = filters.FeatureFilter(
        pillars=frozenset(args.pillar),
        measures=frozenset(args.measure),
        statuses=frozenset(args.status),
        layers=frozenset(args.layer),
        featured_only=args.featured,
        text=args.text or "",
    )
    view = filters.apply(catalog.features, flt)
    out = export_file(view, args.format, args.out)
    print(f"wrote {len(view)} of {len(catalog.features)} feature(s) to {out}")
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``export``."""
    from ninohe_geo.io.export import EXPORT_FORMATS

    p.description = "Export the catalogue (or the features matching the filters) to a file."
    p.add_argument("out", type=Path, help="output file")
    p.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    p.add_argument("--pillar", action="append", default=[], help="pillar ID (repeatable)")
    p.add_argument("--measure", action="append", default=[], help="measure ID (repeatable)")
    p.add_argument("--status", action="append", default=[], help="status code (repeatable)")
    p.add_argument("--layer", action="append", default=[], help="layer ID (repeatable)")
    p.add_argument("--featured", action="store_true", help="only ★ measures")
    p.add_argument("--text", default=None, help="name contains")
    p.add_argument("--data", type=Path, default=None, help="data folder")
    p.set_defaults(func=run)
