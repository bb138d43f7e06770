"""The ``ninohe-geo`` command line.

Sub-commands are thin: they parse arguments, call the library, print, and exit non-zero on
failure with a message that names the file and feature.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ninohe_geo.boundary import find_boundary
from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.validate import validate_path


def _validate(args: argparse.Namespace) -> int:
    boundary = find_boundary(args.boundary)
    report = validate_path(args.path, boundary, plan_path=args.plan)
    print(report.text())
    return 0 if report.ok else 1


def parser() -> argparse.ArgumentParser:
    """The argument parser (documented in the README)."""
    p = argparse.ArgumentParser(
        prog="ninohe-geo", description="The map of Ninohe City's comprehensive plan."
    )
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser(
        "validate",
        help="check a data folder or a layer file",
        description="Check a data folder (plan.yaml + layers/) or one .geojson layer file: "
        "parsing, schema, measures, geometry validity and RFC 7946 winding, unique ids, "
        "and that every feature lies inside the city boundary.",
    )
    v.add_argument("path", type=Path, help="a data folder (e.g. geodata) or a .geojson file")
    v.add_argument(
        "--boundary",
        type=Path,
        default=None,
        help="city boundary GeoJSON (N03); default: $NINOHE_GEO_BOUNDARY or "
        "../shared/reference/ninohe_boundary.geojson, else the city's bounding box",
    )
    v.add_argument(
        "--plan",
        type=Path,
        default=None,
        help="plan.yaml to check a single layer file against (default: the data folder's)",
    )
    v.set_defaults(func=_validate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ninohe-geo`` console script."""
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except NinoheGeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
