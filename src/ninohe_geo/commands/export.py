"""``ninohe-geo export --format F OUT [--layout L]``: write everything, or a filtered view, to a
file; a CSV in a standard open-data layout when the features come from one standard dataset
(``--layout auto``, the default; see :mod:`ninohe_geo.io.export_layouts`)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "export"
HELP = "export features as GeoJSON, GeoPackage, CSV or KML"


def run(args: argparse.Namespace) -> int:
    """Export the (filtered) catalogue."""
    from ninohe_geo.commands._options import location
    from ninohe_geo.io.errors import ImportFileError
    from ninohe_geo.io.export import export_file
    from ninohe_geo.io.export_layouts import AUTO, choose_layout, layer_mappings
    from ninohe_geo.query import filters
    from ninohe_geo.store.catalog import open_catalog

    if args.format != "csv" and args.layout != AUTO:
        raise ImportFileError(
            "--layout", f"--layout applies to --format csv only, not {args.format}"
        )

    catalog = open_catalog(location(args))
    flt = filters.FeatureFilter.of(
        featured_only=args.featured,
        text=args.text or "",
        **{c.param: getattr(args, c.param) for c in filters.CRITERIA},
    )
    view = filters.apply(catalog.features, flt)
    layout = None
    if args.format == "csv":
        layout = choose_layout(args.layout, view, layer_mappings(catalog.layers))
    out = export_file(view, args.format, args.out, layout)
    what = f" in the {layout.title_ja} layout ({layout.id})" if layout else ""
    print(f"wrote {len(view)} of {len(catalog.features)} feature(s) to {out}{what}")
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``export``."""
    from ninohe_geo.commands._options import add_location
    from ninohe_geo.io.export import EXPORT_FORMATS
    from ninohe_geo.io.export_layouts import AUTO, LAYOUT_CHOICES
    from ninohe_geo.query.filters import CRITERIA

    p.description = "Export the catalogue (or the features matching the filters) to a file."
    p.add_argument("out", type=Path, help="output file")
    p.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    p.add_argument(
        "--layout",
        choices=LAYOUT_CHOICES,
        default=AUTO,
        help="CSV layout: auto (a standard open-data layout when every feature comes from "
        "layers imported from that one dataset, else ours), ours, or a layout id",
    )
    for c in CRITERIA:
        p.add_argument(f"--{c.param}", action="append", default=[], help=c.cli_help)
    p.add_argument("--featured", action="store_true", help="only ★ measures")
    p.add_argument("--text", default=None, help="name contains")
    add_location(p)
    p.set_defaults(func=run)
