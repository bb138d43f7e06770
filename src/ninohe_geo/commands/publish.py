"""``ninohe-geo publish OUT``: build the residents' static site (see
:mod:`ninohe_geo.output.site`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

NAME = "publish"
HELP = "build the residents' map and list as a static site (no server needed)"


def run(args: argparse.Namespace) -> int:
    """Build the site; print what was written."""
    from ninohe_geo.commands._options import location
    from ninohe_geo.output.site import DEFAULT_BASE_URL, build_site
    from ninohe_geo.store.catalog import open_catalog

    catalog = open_catalog(location(args))
    errors = [p for p in catalog.problems if p.severity == "error"]
    for problem in errors:
        print(f"warning: left out: {problem}")
    base_url = args.base_url or os.environ.get("NINOHE_GEO_SITE_URL") or DEFAULT_BASE_URL
    report = build_site(catalog, args.out, base_url=base_url)
    print(
        f"wrote {report.out}: {report.pages} pages, {report.projects} projects, "
        f"{report.bytes / 1024:.0f} KB (sitemap URLs under {base_url})"
    )
    if base_url == DEFAULT_BASE_URL:
        print("note: pass --base-url https://your.host/path/ so sitemap.xml names the real site")
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``publish``."""
    from ninohe_geo.commands._options import add_location

    p.description = (
        "Build a self-contained static site (map, search, every project, one page per project, "
        "GeoJSON and CSV downloads, sitemap) into OUT. OUT must be new, empty, or a site built "
        "by this command; it is replaced atomically."
    )
    p.add_argument("out", type=Path, help="output folder, e.g. site/")
    add_location(p)
    p.add_argument(
        "--base-url",
        default=None,
        help="public URL of the site, for sitemap.xml (default: $NINOHE_GEO_SITE_URL or "
        "http://localhost:8000/)",
    )
    p.set_defaults(func=run)
