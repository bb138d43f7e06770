"""Streamlit glue for editing: the store in use, who is signed in, sign-in, indicator charts.

Who someone is lives in the server-side session (``st.session_state``) or in Streamlit's OIDC
cookie (``st.user``); the browser never sends a role. Hiding widgets is only a courtesy: every
write goes through :class:`~ninohe_geo.store.Store`, which checks the role again.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.paths import data_dir
from ninohe_geo.store import Identity, Store, StoreError, configured_location, open_store
from ninohe_geo.store.accounts import AccountStore, oidc_identity
from ninohe_geo.store.catalog import store_catalog
from ninohe_geo.ui.forms import SeriesPoint, indicator_series

IDENTITY_KEY = "ninohe_identity"
FAILURES_KEY = "ninohe_signin_failures"
#: Failed local sign-ins allowed per browser session (argon2 makes each try cost ~50 ms too).
MAX_FAILURES = 5


@st.cache_resource(show_spinner=False)
def _store(location: str) -> Store:
    return open_store(location)


def app_store() -> Store:
    """The configured store (``$NINOHE_GEO_STORE``, secrets, else the data folder)."""
    return _store(configured_location())


def is_database() -> bool:
    """Whether the configured store is not the data folder the map reads (a database, or a
    folder named by ``$NINOHE_GEO_STORE``): the catalogue then comes from the store."""
    return configured_location() != str(data_dir())


@st.cache_resource(show_spinner=False, max_entries=4)
def _db_catalog(location: str, revision: tuple[int, int]) -> Catalog:
    del revision  # part of the cache key only: a new change reloads the catalogue
    return store_catalog(_store(location))


def database_catalog() -> Catalog | None:
    """The catalogue from a database store, or None when the store is the data folder."""
    if not is_database():
        return None
    location = configured_location()
    store = _store(location)
    return _db_catalog(location, store.revision())


def _secrets() -> dict[str, Any]:
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no secrets file at all is a normal setup
        return {}


def oidc_enabled() -> bool:
    """Whether an identity provider is configured (``[auth]`` in secrets)."""
    return "auth" in _secrets()


def identity() -> Identity:
    """Who is using this session: an OIDC user, a local account, or anonymous."""
    if oidc_enabled() and getattr(st.user, "is_logged_in", False):
        roles = (_secrets().get("ninohe_geo") or {}).get("roles") or {}
        return oidc_identity(st.user.to_dict(), roles)
    found = st.session_state.get(IDENTITY_KEY)
    return found if isinstance(found, Identity) else Identity.anonymous()


def sign_in_panel(lang: Lang) -> Identity:
    """Show who is signed in (with sign-out), or the sign-in form(s); returns the identity."""
    who = identity()
    if who.user:
        st.caption(t("ed_signed_in", lang, user=md(who.user), role=who.role))
        if st.button(t("ed_signout", lang), key="ed-signout"):
            st.session_state.pop(IDENTITY_KEY, None)
            if oidc_enabled() and getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
        return who
    st.info(t("ed_anonymous", lang))
    if oidc_enabled():
        if st.button(t("ed_signin_oidc", lang), key="ed-oidc"):
            st.login()
    failures = int(st.session_state.get(FAILURES_KEY, 0))
    with st.form("ed-signin"):
        name = st.text_input(t("ed_user", lang), key="ed-user")
        password = st.text_input(t("ed_password", lang), type="password", key="ed-password")
        submitted = st.form_submit_button(t("ed_signin", lang))
    if submitted:
        if failures >= MAX_FAILURES:
            st.error(t("ed_signin_locked", lang))
            return who
        try:
            found = AccountStore().verify(name.strip(), password)
        except StoreError as exc:
            st.error(md(str(exc)))
            return who
        if found is None:
            st.session_state[FAILURES_KEY] = failures + 1
            st.error(t("ed_signin_failed", lang))
            return who
        st.session_state[IDENTITY_KEY] = found
        st.session_state[FAILURES_KEY] = 0
        st.rerun()
    return who


def indicator_chart(series: list[SeriesPoint], lang: Lang) -> alt.LayerChart:
    """Bars for sourced values; every year of the axis is shown, and a year without a value
    says 未確認 / Unconfirmed in its empty slot (no line joins across it: nothing is guessed)."""
    year, value = t("ed_year", lang), t("ed_value", lang)
    frame = pd.DataFrame(
        {
            year: [str(p.year) for p in series],
            value: [p.value for p in series],
            "source": [p.source for p in series],
            "missing": [
                "" if p.value is not None else t("ind_unknown_short", lang) for p in series
            ],
        }
    )
    x = alt.X(f"{year}:O", scale=alt.Scale(domain=[str(p.year) for p in series]), title=year)
    bars = (
        alt.Chart(frame)
        .transform_filter(f"isValid(datum['{value}'])")
        .mark_bar(color="#0072B2")
        .encode(x=x, y=alt.Y(f"{value}:Q", title=value), tooltip=[year, value, "source"])
    )
    gaps = (
        alt.Chart(frame)
        .transform_filter("datum.missing != ''")
        .mark_text(baseline="bottom", dy=-3, color="#555555")
        .encode(x=x, y=alt.datum(0), text="missing:N")
    )
    return alt.LayerChart(layer=[bars, gaps], height=180)


def indicators_section(plan: Plan, lang: Lang) -> None:
    """Charts of the indicators' sourced yearly values (plan page). Missing years stay empty."""
    try:
        values = app_store().indicator_values()
    except StoreError as exc:
        st.warning(md(str(exc)))
        return
    st.header(t("ind_title", lang))
    st.caption(t("ind_missing", lang))
    for pillar in plan.pillars:
        for ind in pillar.indicators:
            series = indicator_series(values, ind.id)
            known = [p for p in series if p.value is not None]
            label = f"{pillar.short(lang)} — {ind.name(lang)}"
            if not known:
                st.markdown(f"**{md(label)}**: {md(t('ind_none', lang))}")
                continue
            unit = known[-1].unit
            st.markdown(f"**{md(label)}**" + (f" ({md(unit)})" if unit else ""))
            st.altair_chart(indicator_chart(series, lang), use_container_width=True)
            st.caption(
                " / ".join(f"{p.year}: {md(p.source)}" for p in known),
            )
