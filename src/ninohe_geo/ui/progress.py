"""The plan page's progress view (issue #14): a fiscal-year choice, a chart of each pillar's
projects by status that year (Altair, the app's chart library), a table per measure, and the
projects of the year with what happened. The counting is :mod:`ninohe_geo.query.progress`."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.fiscal import fiscal_year_label, fiscal_year_of
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.model.plans import plan_years
from ninohe_geo.model.projects import PROJECT_STATUSES, Project, status_label
from ninohe_geo.query import progress
from ninohe_geo.store import StoreError
from ninohe_geo.ui.session import app_store

#: One colour per status (colour-blind-safe Okabe–Ito), in :data:`PROJECT_STATUSES` order.
STATUS_COLOURS = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#999999")


def status_chart(plan: Plan, projects: list[Project], year: int, lang: Lang) -> alt.Chart:
    """Stacked bars: each pillar's projects in ``year`` by status."""
    tallies = progress.by_pillar(projects, plan, year)
    rows = [
        {
            "pillar": p.short(lang),
            "status": status_label(c.code, lang),
            "n": tallies[p.id].counts[c.code],
            "order": i,
        }
        for p in plan.pillars
        for i, c in enumerate(PROJECT_STATUSES)
    ]
    labels = [status_label(c.code, lang) for c in PROJECT_STATUSES]
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("pillar:N", title=None, sort=[p.short(lang) for p in plan.pillars]),
            x=alt.X("n:Q", title=t("prog_projects", lang), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=labels, range=list(STATUS_COLOURS)),
                title=t("prog_status", lang),
            ),
            order=alt.Order("order:Q"),
            tooltip=["pillar", "status", "n"],
        )
        .properties(height=40 * len(plan.pillars))
    )
    return chart


def progress_section(cat: Catalog, lang: Lang) -> None:
    """The whole progress view (nothing but a note when no project is stored)."""
    plan = cat.plan
    projects = list(cat.projects)  # checked when the catalogue loaded
    st.header(t("prog_title", lang))
    if not projects:
        st.caption(t("prog_none", lang))
        return
    years = sorted(set(plan_years(plan)) | set(progress.years_of(projects)))
    if not years:  # no period and no project with a year: nothing to choose from
        st.caption(t("prog_no_years", lang))
        return
    # Default: the current fiscal year, or the latest one before it that the list has.
    now = fiscal_year_of(dt.date.today())
    chosen = st.selectbox(
        t("prog_year", lang),
        years,
        index=max(len([y for y in years if y <= now]) - 1, 0),
        format_func=lambda y: fiscal_year_label(int(y), lang),
        key="progress-year",
    )
    year = int(chosen)
    running = [p for p in projects if p.entry(year) is not None]
    st.caption(
        t(
            "prog_caption",
            lang,
            year=fiscal_year_label(year, lang),
            running=len(running),
            total=len(projects),
        )
    )
    st.altair_chart(status_chart(plan, projects, year, lang), width="stretch")
    tallies = progress.by_measure(projects, plan, year)
    table = [
        {
            t("prog_measure", lang): ("★" if m.featured else "") + m.name(lang),
            **{status_label(c.code, lang): tallies[m.id].counts[c.code] for c in PROJECT_STATUSES},
            t("prog_not_running", lang): tallies[m.id].not_running,
        }
        for m in plan.measures
        if tallies[m.id].total
    ]
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    rows = []
    for p in running:
        entry = p.entry(year)
        rows.append(
            {
                t("prog_id", lang): p.id,
                t("prog_name", lang): p.name(lang),
                t("prog_status", lang): status_label(p.status_in(year) or "", lang),
                t("prog_before", lang): status_label(p.status_in(year - 1) or "", lang) or "—",
                t("prog_note", lang): entry.note if entry else "",
                t("prog_places", lang): len(p.features),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    report_downloads(cat, projects, year, lang)


def report_downloads(cat: Catalog, projects: list[Project], year: int, lang: Lang) -> None:
    """The council's report for ``year``: HTML at once, PDF rendered on request (Chromium)."""
    from ninohe_geo.output.printout import PrintError
    from ninohe_geo.output.report import report_html, report_pdf

    try:
        values = app_store().indicator_values()
    except StoreError:
        values = []
    html = report_html(cat, projects, year, values, lang=lang)
    stem = f"ninohe-report-{year}"
    left, right = st.columns(2)
    left.download_button(
        t("prog_report_html", lang),
        data=html.encode("utf-8"),
        file_name=f"{stem}.html",
        mime="text/html",
        key="progress-report-html",
    )
    key = f"progress-report-pdf-{year}"
    if right.button(t("prog_report_make_pdf", lang), key="progress-report-make"):
        with st.spinner(t("prog_report_making", lang)):
            try:
                st.session_state[key] = report_pdf(html)
            except PrintError as exc:
                st.error(md(str(exc)))
    if key in st.session_state:
        right.download_button(
            t("prog_report_pdf", lang),
            data=st.session_state[key],
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            key="progress-report-pdf",
        )
