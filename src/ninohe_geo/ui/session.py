"""Streamlit glue for editing: the store in use, who is signed in, sign-in, indicator charts.

Who someone is comes from a signed, expiring, HttpOnly session cookie set by the sign-in route
(:mod:`ninohe_geo.ui.auth`) and checked on every run, so a reload keeps an editor signed in; from
Streamlit's OIDC cookie (``st.user``); or from a sign-in kept in the server-side session
(``st.session_state``: pages where a reload would lose work, and a bare ``streamlit run``). The
browser never sends a role. Hiding widgets is only a courtesy: every write goes through
:class:`~ninohe_geo.store.Store`, which checks the role again.
"""

from __future__ import annotations

import time
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ninohe_geo import escape
from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Indicator, Lang, Plan, Reference
from ninohe_geo.paths import data_dir
from ninohe_geo.store import Identity, Store, StoreError, configured_location, open_store
from ninohe_geo.store.accounts import AccountStore, oidc_identity
from ninohe_geo.store.catalog import store_catalog
from ninohe_geo.ui import auth
from ninohe_geo.ui.forms import SeriesPoint, indicator_series

IDENTITY_KEY = "ninohe_identity"


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


def request_cookies() -> dict[str, str]:
    """The cookies the browser sent when this session's page was loaded."""
    return dict(st.context.cookies)


def now() -> float:
    """The clock of session expiry (a seam for tests)."""
    return time.time()


def _oidc_user() -> bool:
    return oidc_enabled() and bool(getattr(st.user, "is_logged_in", False))


def cookie_identity() -> Identity | None:
    """The local account the session cookie signs in, checked now (signature, expiry,
    revocation, current role); None without a valid one."""
    token = request_cookies().get(auth.COOKIE)
    if not token:
        return None
    try:
        return AccountStore().session_identity(token, now())
    except StoreError:
        return None


def identity() -> Identity:
    """Who is using this session: an OIDC user, a local account (the signed session cookie, or a
    sign-in made in this browser session only), or anonymous."""
    if _oidc_user():
        roles = (_secrets().get("ninohe_geo") or {}).get("roles") or {}
        return oidc_identity(st.user.to_dict(), roles)
    found = cookie_identity()
    if found is not None:
        return found
    kept = st.session_state.get(IDENTITY_KEY)
    return kept if isinstance(kept, Identity) else Identity.anonymous()


#: Messages for the ``signin=`` outcome the sign-in route redirects with.
SIGNIN_MESSAGES = {
    "failed": "ed_signin_failed",
    "locked": "ed_signin_locked",
    "unavailable": "ed_signin_unavailable",
}


def _route(path: str) -> str:
    return auth.base_path(str(st.get_option("server.baseUrlPath") or "")) + path


def signin_form_html(action: str, lang: Lang) -> str:
    """The sign-in form: a plain HTML form POSTed to the sign-in route, which checks the password
    and sets the HttpOnly cookie (the page reloads signed in)."""
    h = escape.html_text
    return (
        f'<form class="ng-signin" method="post" action="{h(action)}">'
        f'<label for="ng-account">{h(t("ed_user", lang))}</label>'
        '<input id="ng-account" name="account" type="text" autocomplete="username" '
        'autocapitalize="none" spellcheck="false" required maxlength="40">'
        f'<label for="ng-password">{h(t("ed_password", lang))}</label>'
        '<input id="ng-password" name="password" type="password" '
        'autocomplete="current-password" required maxlength="1024">'
        f'<input type="hidden" name="lang" value="{h(lang)}">'
        f'<button type="submit">{h(t("ed_signin", lang))}</button>'
        "</form>"
        f"<style>{FORM_CSS}</style>"
    )


def signout_form_html(action: str, lang: Lang) -> str:
    """Sign-out: a POST to the sign-out route (it revokes the session and clears the cookie)."""
    h = escape.html_text
    return (
        f'<form class="ng-signout" method="post" action="{h(action)}">'
        f'<input type="hidden" name="lang" value="{h(lang)}">'
        f'<button type="submit">{h(t("ed_signout", lang))}</button>'
        "</form>"
        f"<style>{FORM_CSS}</style>"
    )


#: Plain forms styled like Streamlit's own widgets (labels above, full-width inputs).
FORM_CSS = (
    ".ng-signin,.ng-signout{display:flex;flex-direction:column;gap:.35rem;max-width:28rem}"
    ".ng-signin label{font-size:.875rem;margin-top:.4rem}"
    ".ng-signin input{font:inherit;padding:.45rem .6rem;border:1px solid #c4c6cc;"
    "border-radius:.5rem;background:#f0f2f6;color:inherit}"
    ".ng-signin button,.ng-signout button{font:inherit;align-self:flex-start;margin-top:.6rem;"
    "padding:.4rem .9rem;border:1px solid #c4c6cc;border-radius:.5rem;background:#fff;"
    "color:inherit;cursor:pointer}"
    ".ng-signin button:hover,.ng-signout button:hover{border-color:#a3152a;color:#a3152a}"
)


def sign_in_panel(lang: Lang, outcome: str = "", *, persistent: bool = False) -> Identity:
    """Show who is signed in (with sign-out), or the sign-in form(s); returns the identity.

    ``persistent`` (the edit page): the form posts to the sign-in route, which sets the signed
    HttpOnly cookie, so the editor stays signed in across reloads; the page reloads once.
    Otherwise (a page whose state a reload would lose, such as an upload being imported), or when
    the app runs without its routes (a bare ``streamlit run app.py``), the sign-in lasts for this
    browser session only. ``outcome`` is the ``signin=`` parameter the route redirected with
    (read by the page before it tidies the URL): a refused sign-in says so, never which part.
    """
    who = identity()
    if who.user:
        st.caption(t("ed_signed_in", lang, user=md(who.user), role=who.role))
        if _oidc_user():
            if st.button(t("ed_signout", lang), key="ed-signout"):
                st.logout()
        elif auth.MOUNTED and request_cookies().get(auth.COOKIE):
            st.html(signout_form_html(_route(auth.SIGNOUT_PATH), lang))
        elif st.button(t("ed_signout", lang), key="ed-signout"):
            st.session_state.pop(IDENTITY_KEY, None)
            st.rerun()
        return who
    st.info(t("ed_anonymous", lang))
    if oidc_enabled():
        if st.button(t("ed_signin_oidc", lang), key="ed-oidc"):
            st.login()
    if outcome in SIGNIN_MESSAGES:
        st.error(t(SIGNIN_MESSAGES[outcome], lang))
    if persistent and auth.MOUNTED:
        st.html(signin_form_html(_route(auth.SIGNIN_PATH), lang))
        return who
    return _session_sign_in(lang, who)


def _session_sign_in(lang: Lang, who: Identity) -> Identity:
    """The sign-in form kept in this browser session (a reload signs out). Wrong passwords count
    in the same limiter as the sign-in route's (per address and per account)."""
    with st.form("ed-signin"):
        name = st.text_input(t("ed_user", lang), key="ed-user")
        password = st.text_input(t("ed_password", lang), type="password", key="ed-password")
        submitted = st.form_submit_button(t("ed_signin", lang))
    if not submitted:
        return who
    name = name.strip()[:64]
    address = st.context.ip_address
    keys = (f"account:{name}", *([f"ip:{address}"] if address else []))
    if auth.LIMITER.blocked(*keys):
        st.error(t("ed_signin_locked", lang))
        return who
    try:
        found = AccountStore().verify(name, password)
    except StoreError:
        st.error(t("ed_signin_unavailable", lang))
        return who
    if found is None:
        auth.LIMITER.failed(*keys)
        st.error(t("ed_signin_failed", lang))
        return who
    st.session_state[IDENTITY_KEY] = found
    st.rerun()


def indicator_chart(
    series: list[SeriesPoint], lang: Lang, target: Reference | None = None
) -> alt.LayerChart:
    """Bars for sourced values; every year of the axis is shown, and a year without a value
    says 未確認 / Unconfirmed in its empty slot (no line joins across it: nothing is guessed).
    A sourced target (目標値) is a dashed rule across the chart, labelled with its year."""
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
    layers: list[Any] = [bars, gaps]
    if target is not None:
        label = t(
            "ind_target_label", lang, value=f"{target.value:g}{target.unit}", year=target.year
        )
        goal = pd.DataFrame({"target": [target.value], "label": [label]})
        rule = alt.Chart(goal).mark_rule(color="#D55E00", strokeDash=[6, 4]).encode(y="target:Q")
        text = (
            alt.Chart(goal)
            .mark_text(align="left", dx=4, dy=-6, color="#D55E00")
            .encode(y="target:Q", x=alt.value(0), text="label:N")
        )
        layers += [rule, text]
    return alt.LayerChart(layer=layers, height=180)


def reference_text(indicator: Indicator, lang: Lang) -> str:
    """「基準値：1.50（2017年、出典…）／目標値：未確認」: both always said, unknown as 未確認."""
    parts = []
    for key, ref in (("ind_baseline", indicator.baseline), ("ind_target", indicator.target)):
        if ref is None:
            value = t("ind_unknown_short", lang)
        else:
            value = f"{ref.value:g}{ref.unit} ({ref.year}; {ref.source})"
        parts.append(f"{t(key, lang)}: {value}")
    return " / ".join(parts)


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
                st.caption(md(reference_text(ind, lang)))
                continue
            unit = known[-1].unit
            st.markdown(f"**{md(label)}**" + (f" ({md(unit)})" if unit else ""))
            st.caption(md(reference_text(ind, lang)))
            st.altair_chart(indicator_chart(series, lang, ind.target), width="stretch")
            st.caption(
                " / ".join(f"{p.year}: {md(p.source)}" for p in known),
            )
