"""``ninohe-geo report --year R5 --out report.pdf``: the council's progress report (issue #14)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

NAME = "report"
HELP = "the council's progress report for a fiscal year (PDF, A4 portrait, or HTML)"


def run(args: argparse.Namespace) -> int:
    """Build the report from the store's projects, history and indicator values."""
    from ninohe_geo.atomic import write_atomic
    from ninohe_geo.commands._options import location
    from ninohe_geo.model.fiscal import fiscal_year_label, parse_fiscal_year
    from ninohe_geo.output.report import report_html, report_pdf
    from ninohe_geo.query.progress import changes_between
    from ninohe_geo.store import open_store
    from ninohe_geo.store.catalog import open_catalog

    year = parse_fiscal_year(args.year)
    loc = location(args)
    store = open_store(loc)
    catalog = open_catalog(loc)
    projects = list(catalog.projects)  # checked: a project that fails is reported by validate
    from ninohe_geo.query.progress import JST

    today = dt.date.fromisoformat(args.today) if args.today else dt.datetime.now(JST).date()
    since = dt.date.fromisoformat(args.since) if args.since else None
    changes = changes_between(store.history(), since, today, features=True) if since else []
    html = report_html(
        catalog, projects, year, store.indicator_values(), changes, since, today, args.lang
    )
    pdf = args.out.suffix.lower() == ".pdf"
    write_atomic(args.out, report_pdf(html) if pdf else html.encode("utf-8"))
    running = sum(1 for p in projects if p.entry(year) is not None)
    print(
        f"wrote the {fiscal_year_label(year, args.lang)} report to {args.out}: "
        f"{running} of {len(projects)} project(s) ran that year"
        + (f"; {len(changes)} change(s) since {since}" if since else "")
    )
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``report``."""
    from ninohe_geo.commands._options import add_location

    p.description = (
        "The progress report for the council and the 総合計画推進委員会: a cover, contents, a "
        "summary per pillar, then per pillar a map of its places, its measures and projects "
        "by status, what changed in the year, and its indicators. .pdf (A4 portrait, rendered "
        "by headless Chromium) or .html."
    )
    p.add_argument("--year", required=True, help="the fiscal year: R5, 令和5年度, 2023 …")
    p.add_argument("--out", type=Path, required=True, help="report.pdf or report.html")
    p.add_argument(
        "--since", default=None, help="also list what changed since this date (YYYY-MM-DD)"
    )
    p.add_argument("--today", default=None, help="the report's date (YYYY-MM-DD; default: today)")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language (default ja)")
    add_location(p)
    p.set_defaults(func=run)
