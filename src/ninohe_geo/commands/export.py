"""``ninohe-geo export --format F OUT [--layout L]``: write everything, or a filtered view, to a
file (GeoJSON, GeoPackage, FlatGeobuf, GeoParquet, CSV or KML: :mod:`ninohe_geo.io.export`);
a CSV in a standard open-data layout when the features come from one standard dataset
(``--layout auto``, the default; see :mod:`ninohe_geo.io.export_layouts`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ninohe_geo.model.catalog import Catalog
    from ninohe_geo.query.filters import FeatureFilter

NAME = "export"
HELP = "export features as GeoJSON, GeoPackage, FlatGeobuf, GeoParquet, CSV or KML"


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
    reference = _reference_view(catalog, args, flt)
    source = catalog.features if reference is None else catalog.reference
    view = filters.apply(catalog.features, flt) if reference is None else reference
    layout = None
    if args.format == "csv":
        layout = choose_layout(args.layout, view, layer_mappings(catalog.layers))
    out = export_file(view, args.format, args.out, layout)
    what = f" in the {layout.title_ja} layout ({layout.id})" if layout else ""
    kind = "feature(s)" if reference is None else "reference record(s)"
    print(f"wrote {len(view)} of {len(source)} {kind} to {out}{what}")
    return 0


def _reference_view(catalog: Catalog, args: argparse.Namespace, flt: FeatureFilter) -> Any:
    """The reference records of the ``--layer`` layers when every one named is a reference layer
    (the outline, shelters, AEDs: official context, not plan projects); None otherwise.

    Raises:
        ImportFileError: reference and plan layers mixed, or a plan-only filter given.
    """
    from ninohe_geo.io.errors import ImportFileError
    from ninohe_geo.query import filters

    asked = set(args.layer or [])
    kinds = {layer.id: layer.kind for layer in catalog.layers}
    ref = {lid for lid in asked if kinds.get(lid) == "reference"}
    if not ref:
        return None
    if ref != asked:
        raise ImportFileError(
            "--layer",
            f"reference layers ({', '.join(sorted(ref))}) and plan layers "
            f"({', '.join(sorted(asked - ref))}) cannot be exported together: export them "
            "one kind at a time",
        )
    plan_only = [c.param for c in filters.CRITERIA if c.param != "layer" and getattr(args, c.param)]
    if plan_only or flt.featured_only:
        named = ", ".join(f"--{p}" for p in plan_only + (["featured"] if flt.featured_only else []))
        raise ImportFileError(
            named,
            "reference layers have no policy area, measure, status or ★: only --layer and "
            "--text apply to them",
        )
    rows = catalog.reference_records(ref)
    if args.text:
        rows = rows[filters.text_mask(rows, args.text)]
    return rows


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``export``."""
    from ninohe_geo.commands._options import add_location
    from ninohe_geo.io.export import EXPORT_FORMATS
    from ninohe_geo.io.export_layouts import AUTO, LAYOUT_CHOICES
    from ninohe_geo.query.filters import CRITERIA

    p.description = (
        "Export the catalogue (or the features matching the filters) to a file; --layer with "
        "a reference layer (city-outline, aed, gsi-emergency …) exports that official data."
    )
    p.add_argument("out", type=Path, help="output file")
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        required=True,
        help="geojson, gpkg (GeoPackage), fgb (FlatGeobuf), parquet (GeoParquet), csv or kml; "
        "the file name is used as given (name it .geojson, .gpkg, .fgb, .parquet, .csv, .kml)",
    )
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
