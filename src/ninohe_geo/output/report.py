"""The council's progress report for one fiscal year (issue #14): HTML for the web, PDF (A4
portrait, Japanese typography) through the same headless Chromium as the printouts.

Contents: a cover, a table of contents, a summary per pillar, then per pillar a map of its
places (the city outline and the pillar's features, drawn as SVG here: no tiles, so the report
renders offline and the same every time), its measures with their projects by status, each
project's status against the year before and what happened that year, and the indicators
against their targets (未確認 where no sourced value exists). With a start date, a last section
lists what changed in the projects since then (from the store's history).

Everything from data is escaped by Jinja's autoescape; the SVG is built from numbers only.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import jinja2
from shapely.geometry.base import BaseGeometry

from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.fiscal import fiscal_year_label
from ninohe_geo.model.plan import Lang, Pillar
from ninohe_geo.model.projects import Project, status_label
from ninohe_geo.paths import PACKAGE_DIR
from ninohe_geo.query import progress
from ninohe_geo.query.progress import STATUS_ORDER, ProjectChange, Tally

TEMPLATES = PACKAGE_DIR / "templates"
MAP_W, MAP_H = 520.0, 360.0


@dataclass(frozen=True)
class ProjectLine:
    """One project in a pillar's table."""

    id: str
    name: str
    department: str
    measures: str
    before: str
    """Its status the year before ('—' when it did not run)."""
    now: str
    note: str
    amount: str


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator with its known values (未確認 when there is none)."""

    name: str
    values: tuple[str, ...]
    baseline: str = "未確認"
    target: str = "未確認"


@dataclass(frozen=True)
class PillarSection:
    """Everything the report says about one pillar."""

    pillar: Pillar
    label: str
    """「政策1 しごと・産業・交流」 / "Policy 1 …"."""
    anchor: str
    tally: Tally
    measures: tuple[tuple[str, Tally], ...]
    projects: tuple[ProjectLine, ...]
    indicators: tuple[IndicatorLine, ...]
    map_svg: str
    places: int


def _yen(value: int) -> str:
    return f"{value:,} 円"


def _project_line(p: Project, year: int, catalog: Catalog, lang: Lang) -> ProjectLine:
    entry = p.entry(year)
    before = p.status_in(year - 1)
    amount = ""
    if entry is not None and entry.amount_yen is not None:
        kind = t("rep_budget" if entry.amount_kind == "budget" else "rep_settled", lang)
        amount = f"{_yen(entry.amount_yen)} ({kind})"
    names = "、".join(
        catalog.plan.measure(m).name(lang) if catalog.plan.has_measure(m) else m for m in p.measures
    )
    return ProjectLine(
        id=p.id,
        name=p.name(lang),
        department=p.department,
        measures=names,
        before=status_label(before, lang) if before else "—",
        now=status_label(entry.status, lang) if entry else "—",
        note=entry.note if entry else "",
        amount=amount,
    )


def _indicators(pillar: Pillar, values: Sequence[Any], lang: Lang) -> list[IndicatorLine]:
    unknown, source = t("unconfirmed", lang), t("rep_source", lang)
    out = []
    for ind in pillar.indicators:
        known = [
            f"{v.year}: {v.value:g}{v.unit} ({source}: {v.source})"
            for v in values
            if v.indicator == ind.id
        ]
        if ind.known_value:
            known.append(f"{ind.known_value} ({source}: {ind.known_value_source or '-'})")
        refs = [
            f"{r.value:g}{r.unit} ({r.year}; {source}: {r.source})" if r is not None else unknown
            for r in (ind.baseline, ind.target)
        ]
        out.append(IndicatorLine(ind.name(lang), tuple(known) or (unknown,), *refs))
    return out


def _project_xy(
    lon: float, lat: float, box: tuple[float, float, float, float]
) -> tuple[float, float]:
    west, south, east, north = box
    k = math.cos(math.radians((south + north) / 2))
    sx = MAP_W / ((east - west) * k)
    sy = MAP_H / (north - south)
    s = min(sx, sy)
    return ((lon - west) * k * s, (north - lat) * s)


def _path(geom: BaseGeometry, box: tuple[float, float, float, float]) -> str:
    """SVG path data of a line or polygon geometry (numbers only)."""
    parts = []
    geoms = getattr(geom, "geoms", [geom])
    for g in geoms:
        rings = [g.exterior, *g.interiors] if g.geom_type == "Polygon" else [g]
        for ring in rings:
            pts = [_project_xy(x, y, box) for x, y, *_ in ring.coords]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts))
            if g.geom_type == "Polygon":
                parts.append("Z")
    return " ".join(parts)


def pillar_map(catalog: Catalog, features: gpd.GeoDataFrame, colour: str) -> str:
    """An SVG map of the city outline and ``features`` (points as dots, lines and areas drawn)."""
    outline = catalog.reference[catalog.reference["layer"] == "city-outline"]
    frame = outline if not outline.empty else features
    if frame.empty:
        return ""
    west, south, east, north = (float(v) for v in frame.total_bounds)
    box = (west, south, east, north)
    shapes = []
    for geom in outline.geometry:
        shapes.append(
            f'<path d="{_path(geom, box)}" fill="#f4f4f4" stroke="#555" stroke-width="1.2"/>'
        )
    for geom in features.geometry:
        if geom is None or geom.is_empty:
            continue
        kind = geom.geom_type
        if kind in ("Point", "MultiPoint"):
            for pt in getattr(geom, "geoms", [geom]):
                x, y = _project_xy(pt.x, pt.y, box)
                shapes.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" stroke="#fff"/>'
                )
        elif "Polygon" in kind:
            shapes.append(
                f'<path d="{_path(geom, box)}" fill="{colour}" fill-opacity="0.35" '
                f'stroke="{colour}" stroke-width="1.5"/>'
            )
        else:
            shapes.append(
                f'<path d="{_path(geom, box)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_W:.0f} {MAP_H:.0f}" '
        f'role="img">{"".join(shapes)}</svg>'
    )


def sections(
    catalog: Catalog, projects: Sequence[Project], year: int, values: Sequence[Any], lang: Lang
) -> list[PillarSection]:
    """One section per pillar, in plan order."""
    plan = catalog.plan
    measures = progress.by_measure(projects, plan, year)
    pillars = progress.by_pillar(projects, plan, year)
    out = []
    for n, pillar in enumerate(plan.pillars, start=1):
        ids = {m.id for m in pillar.measures}
        mine = [p for p in projects if ids & set(p.measures) and p.entry(year) is not None]
        feats = catalog.features[catalog.features["pillar"] == pillar.id]
        colour = pillar.color if pillar.color.startswith("#") else "#333"
        out.append(
            PillarSection(
                pillar=pillar,
                label=f"{pillar.short(lang)} {pillar.name(lang)}",
                anchor=f"pillar-{n}",
                tally=pillars[pillar.id],
                measures=tuple((m.name(lang), measures[m.id]) for m in pillar.measures),
                projects=tuple(_project_line(p, year, catalog, lang) for p in mine),
                indicators=tuple(_indicators(pillar, values, lang)),
                map_svg=pillar_map(catalog, feats, colour),
                places=len(feats),
            )
        )
    return out


def report_html(
    catalog: Catalog,
    projects: Sequence[Project],
    year: int,
    values: Sequence[Any] = (),
    changes: Sequence[ProjectChange] = (),
    since: dt.date | None = None,
    today: dt.date | None = None,
    lang: Lang = "ja",
) -> str:
    """The whole report as one HTML document (styles inline, no external files)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True
    )
    made = today or dt.date.today()
    running = [p for p in projects if p.entry(year) is not None]
    words = {key: t(key, lang) for key in _WORDS}
    words["rep_total"] = t("rep_total", lang, total=len(running))
    words["rep_made"] = t("rep_made", lang, made=made.isoformat())
    words["rep_unplaced"] = t("rep_unplaced", lang, n=len([p for p in running if not p.features]))
    words["rep_changes"] = t("rep_changes", lang, since=since.isoformat() if since else "")
    return env.get_template("report.html").render(
        lang=lang,
        w=words,
        plan=catalog.plan,
        plan_title=catalog.plan.title(lang),
        period=catalog.plan.period_ja if lang == "ja" else catalog.plan.period_en,
        year_label=fiscal_year_label(year, lang),
        sections=sections(catalog, projects, year, values, lang),
        statuses=[(code, status_label(code, lang)) for code in STATUS_ORDER],
        changes=changes,
        since=since.isoformat() if since else "",
        made=made.isoformat(),
        unplaced=len([p for p in running if not p.features]),
        yen=_yen,
        what_label={
            w: t(f"pe_what_{w}", lang) for w in ("added", "removed", "completed", "changed")
        },
        kind_label={k: t(f"pe_kind_{k}", lang) for k in ("project", "feature")},
    )


#: The report's interface strings (``locales/core.yaml``); three take numbers (set above).
_WORDS = (
    "rep_title",
    "rep_unofficial",
    "rep_contents",
    "rep_summary",
    "rep_pillar",
    "rep_sum",
    "rep_amount_known",
    "rep_places",
    "rep_map_credit",
    "rep_no_map",
    "rep_by_measure",
    "rep_measure",
    "rep_projects",
    "rep_id",
    "rep_name",
    "rep_department",
    "rep_before",
    "rep_note",
    "rep_amount",
    "rep_no_projects",
    "rep_indicators",
    "rep_indicator",
    "rep_baseline",
    "rep_target",
    "rep_values",
    "rep_change",
    "rep_kind",
    "rep_fields",
    "rep_at",
    "rep_by",
    "rep_no_changes",
    "unconfirmed",
)


def report_pdf(html: str, chromium: str | None = None) -> bytes:
    """Render the report to A4 portrait PDF with headless Chromium (a thread of its own)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ninohe-report") as pool:
        return pool.submit(_pdf_here, html, chromium).result()


def _pdf_here(html: str, chromium: str | None) -> bytes:
    from ninohe_geo.output.printout import (
        CHROMIUM_ARGS,
        MISSING_PRINT_EXTRA,
        PrintError,
        chromium_path,
    )

    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PrintError(MISSING_PRINT_EXTRA) from exc
    with tempfile.TemporaryDirectory(prefix="ninohe-report-") as tmp:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(html, encoding="utf-8")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=chromium or chromium_path(), args=list(CHROMIUM_ARGS)
                )
                try:
                    page = browser.new_page()
                    page.goto(page_file.as_uri(), wait_until="load")
                    page.evaluate("() => document.fonts.ready.then(() => true)")
                    page.emulate_media(media="print")
                    data: bytes = page.pdf(
                        format="A4", prefer_css_page_size=True, print_background=True
                    )
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise PrintError(f"Chromium could not render the report: {exc}") from exc
    return data
