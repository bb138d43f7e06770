"""Editing (issues #6, #14): sign in, draw and edit features, history and restore, indicator
values, projects (事業), what changed.

Thin: every section lives in :mod:`ninohe_geo.ui.editpage`; the store checks every write's role.
"""

from __future__ import annotations

import streamlit as st

from ninohe_geo.i18n import t
from ninohe_geo.ui import common as web
from ninohe_geo.ui import editpage, projectedit
from ninohe_geo.ui import session as webedit

lang = web.current_lang()
outcome = str(st.query_params.get("signin", ""))  # what the sign-in route redirected with
web.sync_url(lang)  # …then dropped from the URL, so a reload does not repeat it
st.title(t("ed_title", lang))
who = webedit.sign_in_panel(lang, outcome, persistent=True)
if who.user and not who.can_edit:
    st.warning(t("ed_viewer", lang))
if who.can_edit:
    store = webedit.app_store()
    cat = web.catalog()
    tasks = {
        "new": t("ed_mode_new", lang),
        "edit": t("ed_mode_edit", lang),
        "indicators": t("ed_mode_indicators", lang),
        "projects": t("ed_mode_projects", lang),
        "changes": t("ed_mode_changes", lang),
    }
    if who.is_admin:
        tasks["accounts"] = t("ed_mode_accounts", lang)
    task = st.segmented_control(
        t("ed_mode", lang),
        list(tasks),
        format_func=tasks.__getitem__,
        key="ed-task",
        default="new",
    )
    editpage.show_flash()
    editpage.undo_button(store, who, lang)
    editpage.conflict_panel(store, who, lang)
    if task == "new":
        editpage.new_feature_section(store, cat, who, lang)
    elif task == "edit":
        editpage.edit_feature_section(store, cat, who, lang)
        editpage.deleted_section(store, who, lang)
    elif task == "indicators":
        editpage.indicator_form(store, cat.plan, who, lang)
    elif task == "projects":
        projectedit.project_section(store, cat, who, lang)
    elif task == "changes":
        projectedit.changes_section(store, lang)
    elif task == "accounts":
        editpage.accounts_section(who, lang)
