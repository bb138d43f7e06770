"""Which plan is in force (issue #14), said on the plan page: the plan the data is kept against,
whether it covers today, and the plan before it (from the data folder's ``plans/``)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.model.fiscal import fiscal_year_label, fiscal_year_of
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.model.plans import (
    PlanVersion,
    in_force,
    latest_before,
    load_versions,
    plan_years,
    previous,
)
from ninohe_geo.store import configured_location
from ninohe_geo.store.catalog import folder_of, is_folder


def app_versions(current: Plan) -> tuple[PlanVersion, ...]:
    """The plan versions of the data in use (a database store holds its one plan)."""
    location = configured_location()
    if is_folder(location):
        try:
            return load_versions(folder_of(location))
        except (NinoheGeoError, OSError) as exc:  # a broken plans/*.yaml: say so, go on
            st.warning(md(str(exc)))
    return (PlanVersion(current, "plan.yaml", plan_years(current), True),)


def plan_notice(current: Plan, lang: Lang, today: dt.date | None = None) -> None:
    """Say whether the plan covers today; list the plan before it, if the data keeps one."""
    day = today or dt.date.today()
    versions = app_versions(current)
    now = in_force(versions, day)
    year = fiscal_year_label(fiscal_year_of(day), lang)
    if now is None:
        ended = latest_before(versions, day)
        st.info(
            t(
                "pv_none_in_force",
                lang,
                day=day.isoformat(),
                year=year,
                ended=md(ended.plan.title(lang)) if ended else "—",
                end=fiscal_year_label(ended.years[-1], lang) if ended and ended.years else "—",
            )
        )
    elif not now.current:
        st.warning(t("pv_other_in_force", lang, title=md(now.plan.title(lang)), year=year))
    current_version = next(v for v in versions if v.current)
    before = previous(versions, current_version)
    if before is not None:
        with st.expander(
            t("pv_previous", lang, title=md(before.plan.title(lang)), period=before.plan.period_ja)
        ):
            for pillar in before.plan.pillars:
                st.markdown(f"**{md(pillar.short(lang))} {md(pillar.name(lang))}**")
                st.markdown("\n".join(f"- {md(m.name(lang))}" for m in pillar.measures))
