"""``ninohe-geo print``: the current view (a shared link's query) as a PDF or PNG printout."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs, urlsplit

NAME = "print"
HELP = "print a view of the map to PDF or PNG (A4/A3, portrait/landscape)"


def view_params(query: str) -> dict[str, list[str]]:
    """URL parameters from ``query``: a query string (``pillar=P3&zoom=13``) or a whole link."""
    query = query.strip()
    if "://" in query or query.startswith("/"):
        query = urlsplit(query).query
    return parse_qs(query.lstrip("?"), keep_blank_values=False)


def run(args: argparse.Namespace) -> int:
    """Render the printout and write it atomically; print what it holds."""
    from ninohe_geo.atomic import write_atomic
    from ninohe_geo.commands._options import location, tours_folder
    from ninohe_geo.model.tours import load_tours
    from ninohe_geo.output.printout import Format, PrintOptions, known_values, make_print
    from ninohe_geo.query import view as share
    from ninohe_geo.store.catalog import open_catalog

    catalog = open_catalog(location(args))
    tours = load_tours(tours_folder(args))
    view = share.from_query(view_params(args.view or ""), known_values(catalog, tours))
    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out.suffix else "pdf")
    options = PrintOptions(
        paper=args.paper.upper(),
        orientation=args.orientation,
        format=cast(Format, fmt),  # checked by PrintOptions: pdf or png
        tile_timeout_s=args.tile_timeout,
    )
    result = make_print(catalog, view, options, tours, link=args.link)
    write_atomic(args.out, result.data)
    tiles = (
        f"{result.tiles_loaded} tile(s) loaded"
        if result.tiles_loaded
        else "no base-map tiles could be loaded: printed without them"
    )
    print(
        f"wrote {args.out} ({options.paper} {options.orientation} {options.format}, "
        f"{len(result.data):,} bytes): {len(result.items)} project(s); {tiles}"
    )
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``print``."""
    from ninohe_geo.commands._options import add_location

    p.description = (
        "Print a view of the map with its title, date, legend, scale bar, north arrow, "
        "attributions and a numbered list of the projects shown (numbers match the map). "
        "Rendered by the system Chromium (headless)."
    )
    p.add_argument("--paper", choices=["A4", "A3", "a4", "a3"], default="A4")
    p.add_argument("--orientation", choices=["landscape", "portrait"], default="landscape")
    p.add_argument(
        "--format",
        choices=["pdf", "png"],
        default=None,
        help="default: from the --out suffix, else pdf",
    )
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.add_argument(
        "--view",
        default="",
        help="the query string of a shared view (e.g. 'pillar=P3&center=40.27,141.3&zoom=13') "
        "or a whole link; default: everything",
    )
    p.add_argument(
        "--link", default=None, help="a link to print under the title (e.g. the shared view's URL)"
    )
    add_location(p)
    p.add_argument(
        "--tile-timeout",
        type=float,
        default=12.0,
        help="seconds to wait for base-map tiles before printing without them (default 12)",
    )
    p.set_defaults(func=run)
