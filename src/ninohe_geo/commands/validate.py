"""``ninohe-geo validate PATH``: check a data folder or a layer file (see :mod:`validate`)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "validate"
HELP = "check a data folder or a layer file"


def run(args: argparse.Namespace) -> int:
    """Print the report; exit 1 when it has errors."""
    from ninohe_geo.boundary import find_boundary
    from ninohe_geo.validate import validate_path

    boundary = find_boundary(args.boundary)
    report = validate_path(args.path, boundary, plan_path=args.plan)
    print(report.text())
    return 0 if report.ok else 1


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``validate``."""
    p.description = (
        "Check a data folder (plan.yaml + layers/) or one .geojson layer file: parsing, schema, "
        "measures, geometry validity and RFC 7946 winding, unique ids, and that every feature "
        "lies inside the city boundary."
    )
    p.add_argument("path", type=Path, help="a data folder (e.g. geodata) or a .geojson file")
    p.add_argument(
        "--boundary",
        type=Path,
        default=None,
        help="city boundary GeoJSON (N03); default: $NINOHE_GEO_BOUNDARY or "
        "../shared/reference/ninohe_boundary.geojson, else the city's bounding box",
    )
    p.add_argument(
        "--plan",
        type=Path,
        default=None,
        help="plan.yaml to check a single layer file against (default: the data folder's)",
    )
    p.set_defaults(func=run)
