"""``ninohe-geo projects``: the plan's projects (事業) — import a city sheet, export, template,
list by fiscal year (issue #14)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ninohe_geo.model.plan import Plan
    from ninohe_geo.model.projects import Project
    from ninohe_geo.store import Store

NAME = "projects"
HELP = "projects (事業): import an Excel/CSV list, export it, the empty template, list by 年度"


def run_import(args: argparse.Namespace) -> int:
    """Read the sheet; report every problem (nothing written) or write all projects at once."""
    from ninohe_geo.commands._options import location
    from ninohe_geo.io.pipeline import local_identity
    from ninohe_geo.io.projectsheet import ProjectSheetError, check_against_plan, read_projects
    from ninohe_geo.io.projectsheet import summary as sheet_summary
    from ninohe_geo.store import open_store

    store = open_store(location(args))
    plan = store.plan()
    read = read_projects(args.file, plan, sheet=args.sheet, default_source=args.source or "")
    if not read.problems:
        check_against_plan(read, plan)
    if read.problems:
        raise ProjectSheetError(args.file, read.problems)
    for line in sheet_summary(read):
        print(line)
    stored = {str(p["id"]): p for p in store.projects()}
    new = [p for p in read.projects if p["id"] not in stored]
    changed = [p for p in read.projects if p["id"] in stored and stored[p["id"]] != p]
    print(
        f"{len(new)} new, {len(changed)} changed, "
        f"{len(read.projects) - len(new) - len(changed)} unchanged"
    )
    for p in changed[:20]:
        print(f"  changed: {p['id']} {p['name_ja']}")
    if args.dry_run:
        print("dry run: nothing was written")
        return 0
    result = store.save_projects(local_identity(), read.projects, note=f"import {args.file.name}")
    print(
        f"wrote {result.created} new and {result.updated} changed project(s) to {store.location}"
        + (f" (batch {result.batch}; 'undo' takes it back)" if result.batch else "")
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write every project to an .xlsx that re-imports unchanged."""
    from ninohe_geo.atomic import write_atomic
    from ninohe_geo.commands._options import location
    from ninohe_geo.io.projectbook import workbook_bytes
    from ninohe_geo.model.catalog import checked_projects
    from ninohe_geo.model.plans import plan_years
    from ninohe_geo.store import open_store

    store = open_store(location(args))
    plan = store.plan()
    projects, refused = checked_projects(store.projects(), plan, "projects")
    for problem in refused:
        print(f"skipped: {problem.feature}: {problem.message}", file=sys.stderr)
    write_atomic(args.out, workbook_bytes(projects, plan, plan_years(plan)))
    print(f"wrote {len(projects)} project(s) to {args.out}")
    return 0


def run_template(args: argparse.Namespace) -> int:
    """Write the empty template workbook."""
    from ninohe_geo.atomic import write_atomic
    from ninohe_geo.commands._options import location
    from ninohe_geo.io.projectbook import template_bytes
    from ninohe_geo.store import open_store

    plan = open_store(location(args)).plan()
    write_atomic(args.out, template_bytes(plan))
    print(f"wrote the empty template to {args.out} (sheets 事業一覧, 説明, 選択肢)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """One line per project: id, name, measure, status in the year (or its period)."""
    from ninohe_geo.commands._options import location
    from ninohe_geo.model.fiscal import fiscal_year_label, parse_fiscal_year
    from ninohe_geo.model.projects import status_label
    from ninohe_geo.store import open_store

    store = open_store(location(args))
    projects = _checked(store, store.plan())
    year = parse_fiscal_year(args.year) if args.year else None
    lang = args.lang
    for p in projects:
        if year is None:
            when = p.period(lang)
        else:
            status = p.status_in(year)
            when = status_label(status, lang) if status else "—"
        print(f"{p.id}\t{p.name(lang)}\t{'、'.join(p.measures)}\t{when}")
    what = f" in {fiscal_year_label(year, lang)}" if year is not None else ""
    print(f"{len(projects)} project(s){what}", file=sys.stderr)
    return 0


def _checked(store: Store, plan: Plan) -> list[Project]:
    """The store's projects that pass their check; each one that does not is named on stderr."""
    from ninohe_geo.model.catalog import checked_projects

    projects, refused = checked_projects(store.projects(), plan, "projects")
    for problem in refused:
        print(f"skipped: {problem.feature}: {problem.message}", file=sys.stderr)
    return list(projects)


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``projects``."""
    from ninohe_geo.commands._options import add_location

    sub = p.add_subparsers(dest="projects_command", required=True)
    imp = sub.add_parser(
        "import",
        help="import a project list (.xlsx or .csv) as city hall keeps it",
        description=(
            "Read a project sheet: title rows, merged headers, 和暦 years, measures by name, "
            "notes columns. Every problem is listed with its sheet, row and column, and nothing "
            "is written until there is none; then all projects are written at once (one "
            "history batch: 'undo' takes it back). Formulas are never evaluated, external "
            "links never followed, macro workbooks refused."
        ),
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--sheet", default=None, help="sheet name (default: the first)")
    imp.add_argument(
        "--source",
        default=None,
        help="source of the sheet's amounts when it has no 出典 column "
        "(e.g. 令和5年度 主要な施策の成果に関する説明書)",
    )
    imp.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    add_location(imp)
    imp.set_defaults(func=run_import)
    exp = sub.add_parser("export", help="write every project to an .xlsx (re-imports unchanged)")
    exp.add_argument("out", type=Path)
    add_location(exp)
    exp.set_defaults(func=run_export)
    tpl = sub.add_parser("template", help="write the empty template workbook to fill in")
    tpl.add_argument("out", type=Path)
    add_location(tpl)
    tpl.set_defaults(func=run_template)
    ls = sub.add_parser("list", help="list the projects (with --year, their status that 年度)")
    ls.add_argument("--year", default=None, help="a fiscal year: 令和5年度, R5, 2023 …")
    ls.add_argument("--lang", choices=("ja", "en"), default="ja")
    add_location(ls)
    ls.set_defaults(func=run_list)
