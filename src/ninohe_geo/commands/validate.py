"""``ninohe-geo validate [PATH]``: check a store or a layer file (see :mod:`validate`)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "validate"
HELP = "check a data folder or a layer file"


def run(args: argparse.Namespace) -> int:
    """Print the report; exit 1 when it has errors."""
    from ninohe_geo.commands._options import location
    from ninohe_geo.errors import NinoheGeoError
    from ninohe_geo.model.boundary import find_boundary
    from ninohe_geo.store.validate import validate_path, validate_store

    boundary = find_boundary(args.boundary)
    target = args.path or location(args)
    if "://" in target or Path(target).is_dir():
        report = validate_store(target, boundary)
    else:
        plan = args.plan
        if plan is None and (args.store or args.data):
            from ninohe_geo.paths import plan_file
            from ninohe_geo.store.catalog import folder_of, is_folder

            loc = location(args)
            if not is_folder(loc):
                raise NinoheGeoError("check one layer file against a folder's plan: --data DIR")
            plan = plan_file(folder_of(loc))
        report = validate_path(Path(target), boundary, plan_path=plan)
    print(report.text())
    return 0 if report.ok else 1


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``validate``."""
    p.description = (
        "Check a store (a data folder with plan.yaml + layers/, or postgresql://…) or one "
        ".geojson layer file: parsing, schema, "
        "measures, geometry validity and RFC 7946 winding, unique ids, and that every feature "
        "lies inside the city boundary."
    )
    from ninohe_geo.commands._options import add_location

    p.add_argument(
        "path",
        nargs="?",
        default=None,
        help="a data folder, a postgresql:// store or a .geojson file (default: the store in "
        "use, as --store/--data below)",
    )
    add_location(p)
    p.add_argument(
        "--boundary",
        type=Path,
        default=None,
        help="city boundary GeoJSON (N03); default: $NINOHE_GEO_BOUNDARY, else the city's "
        "bounding box (a warning says so)",
    )
    p.add_argument(
        "--plan",
        type=Path,
        default=None,
        help="plan.yaml to check a single layer file against (default: the data folder's)",
    )
    p.set_defaults(func=run)
