"""Editing projects (事業) in the app, and "what changed" (issue #14).

The same store path as features: :meth:`Store.save_project` with the version the form started
from, so a project changed meanwhile is refused with what differs (and nothing is lost: the
form keeps the editor's values); the page's Undo button takes back the last change, project or
feature. The years are a table (年度, 状況, 金額, 金額の種類, 金額の出典, 実績・変化); a year
is typed as 令和5年度, R5 or 2023.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.fiscal import FiscalYearError, fiscal_year_label, parse_fiscal_year
from ninohe_geo.model.plan import Lang
from ninohe_geo.model.projects import AMOUNT_KINDS, PROJECT_STATUSES, Project, status_label
from ninohe_geo.query.progress import JST, changes_between
from ninohe_geo.store import Identity, Store, StoreError
from ninohe_geo.store.base import ProjectConflict, version_of

NEW = ""
YEAR_COLUMNS = ("year", "status", "amount_yen", "amount_kind", "amount_source", "note")


def _years_frame(project: Project | None, lang: Lang) -> pd.DataFrame:
    rows = [
        {
            "year": fiscal_year_label(e.year, lang),
            "status": status_label(e.status, lang),
            "amount_yen": e.amount_yen,
            "amount_kind": next(
                (k.label(lang) for k in AMOUNT_KINDS if k.code == e.amount_kind), ""
            ),
            "amount_source": e.amount_source,
            "note": e.note,
        }
        for e in (project.years if project else ())
    ]
    frame = pd.DataFrame(rows, columns=list(YEAR_COLUMNS))
    frame["amount_yen"] = frame["amount_yen"].astype("Int64")
    return frame


def _text(value: Any) -> str:
    """A table cell as text: '' for an empty cell (None, NaN)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def years_from_frame(frame: pd.DataFrame, lang: Lang) -> tuple[list[dict[str, Any]], list[str]]:
    """The table's rows as year entries, and what is wrong with them (row by row)."""
    status_codes = {status_label(c.code, lang): c.code for c in PROJECT_STATUSES}
    kind_codes = {k.label(lang): k.code for k in AMOUNT_KINDS}
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, row in enumerate(frame.to_dict("records"), start=1):
        text = _text(row.get("year"))
        if not text and not any(_text(row.get(c)) for c in YEAR_COLUMNS[1:]):
            continue
        try:
            year = parse_fiscal_year(text)
        except FiscalYearError as exc:
            problems.append(f"{n}: {exc}")
            continue
        entry: dict[str, Any] = {
            "year": year,
            "status": status_codes.get(str(row.get("status") or ""), ""),
        }
        amount = row.get("amount_yen")
        if amount is not None and not pd.isna(amount):
            entry["amount_yen"] = int(amount)
            entry["amount_kind"] = kind_codes.get(_text(row.get("amount_kind")), "")
            entry["amount_source"] = _text(row.get("amount_source"))
        note = _text(row.get("note"))
        if note:
            entry["note"] = note
        entries.append(entry)
    return entries, problems


def project_section(store: Store, cat: Catalog, who: Identity, lang: Lang) -> None:
    """Choose a project (or a new one), edit it in a form, save or delete it."""
    try:
        stored = {str(p["id"]): p for p in store.projects()}
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    plan = cat.plan
    names = {pid: f"{pid} — {p.get('name_ja', '')}" for pid, p in stored.items()}
    chosen = str(
        st.selectbox(
            t("pe_choose", lang),
            [NEW, *sorted(stored)],
            format_func=lambda pid: t("pe_new", lang) if pid == NEW else names[str(pid)],
            key="pe-choose",
        )
    )
    # The version the form starts from is pinned when the project is chosen: a save or delete
    # is checked against it (someone else's save meanwhile is merged or refused, never lost).
    pin = f"pe-pin-{chosen}"
    if chosen in stored and pin not in st.session_state:
        st.session_state[pin] = stored[chosen]
    pinned = st.session_state.get(pin) if chosen in stored else None
    current = Project.from_dict(pinned) if pinned else None
    base = version_of(pinned) if pinned else None
    measures = {m.id: f"{m.id} {'★' if m.featured else ''}{m.name(lang)}" for m in plan.measures}
    initiatives = {"": "—"} | {
        i.id: f"{i.id} {i.name(lang)}" for m in plan.measures for i in m.initiatives
    }
    features = {
        str(fid): f"{fid} — {name}"
        for fid, name in zip(cat.features.index, cat.features["name_ja"], strict=True)
    }
    suffix = chosen or "new"
    with st.form(f"pe-form-{suffix}"):
        pid = st.text_input(
            t("pe_id", lang), value=current.id if current else "", disabled=current is not None
        )
        name_ja = st.text_input(t("pe_name_ja", lang), value=current.name_ja if current else "")
        name_en = st.text_input(t("pe_name_en", lang), value=current.name_en if current else "")
        chosen_measures = st.multiselect(
            t("pe_measures", lang),
            list(measures),
            default=list(current.measures) if current else [],
            format_func=measures.__getitem__,
        )
        initiative = st.selectbox(
            t("pe_initiative", lang),
            list(initiatives),
            index=list(initiatives).index(current.initiative)
            if current and current.initiative in initiatives
            else 0,
            format_func=initiatives.__getitem__,
        )
        department = st.text_input(
            t("pe_department", lang), value=current.department if current else ""
        )
        summary_ja = st.text_area(
            t("pe_summary_ja", lang), value=current.summary_ja if current else ""
        )
        places = st.multiselect(
            t("pe_places", lang),
            list(features),
            default=[f for f in (current.features if current else ()) if f in features],
            format_func=features.__getitem__,
        )
        source = st.text_input(t("pe_source", lang), value=current.source if current else "")
        st.caption(t("pe_years_hint", lang))
        years = st.data_editor(
            _years_frame(current, lang),
            num_rows="dynamic",
            hide_index=True,
            key=f"pe-years-{suffix}",
            column_config={
                "year": st.column_config.TextColumn(t("pe_col_year", lang)),
                "status": st.column_config.SelectboxColumn(
                    t("pe_col_status", lang),
                    options=[status_label(c.code, lang) for c in PROJECT_STATUSES],
                ),
                "amount_yen": st.column_config.NumberColumn(
                    t("pe_col_amount", lang), min_value=0, step=1
                ),
                "amount_kind": st.column_config.SelectboxColumn(
                    t("pe_col_kind", lang), options=[k.label(lang) for k in AMOUNT_KINDS]
                ),
                "amount_source": st.column_config.TextColumn(t("pe_col_amount_source", lang)),
                "note": st.column_config.TextColumn(t("pe_col_note", lang)),
            },
        )
        saved = st.form_submit_button(t("ed_save", lang), type="primary")
    if saved:
        entries, problems = years_from_frame(years, lang)
        if problems:
            st.error(t("pe_year_problems", lang))
            st.markdown("\n".join(f"- {md(p)}" for p in problems))
            return
        project: dict[str, Any] = {
            **(current.as_dict() if current else {}),
            "id": (current.id if current else pid.strip()),
            "name_ja": name_ja.strip(),
            "name_en": name_en.strip(),
            "measures": list(chosen_measures),
            "years": entries,
        }
        for key, value in (
            ("initiative", initiative),
            ("department", department.strip()),
            ("summary_ja", summary_ja.strip()),
            ("source", source.strip()),
        ):
            if value:
                project[key] = value
            else:
                project.pop(key, None)
        if places:
            project["features"] = list(places)
        else:
            project.pop("features", None)
        try:
            canonical = Project.from_dict(project).as_dict()
        except (KeyError, TypeError, ValueError):
            canonical = project  # the store's check names what is wrong
        try:
            store.save_project(who, canonical, base)
        except ProjectConflict as exc:
            st.session_state.pop(pin, None)  # the next look shows the stored project
            st.error(t("pe_conflict", lang, fields=md("、".join(d[0] for d in exc.diff))))
            return
        except StoreError as exc:
            from ninohe_geo.ui.editpage import show_error

            show_error(exc, lang)
            return
        st.session_state.pop(pin, None)
        st.session_state["ed-flash"] = t(
            "ed_saved", lang, name=md(project["name_ja"] or project["id"])
        )
        st.rerun()
    if current is not None:
        confirm = st.checkbox(t("pe_delete_confirm", lang), key=f"pe-del-ok-{suffix}")
        if st.button(t("pe_delete", lang), disabled=not confirm, key=f"pe-del-{suffix}"):
            try:
                store.delete_project(who, current.id, str(base))
            except StoreError as exc:
                st.session_state.pop(pin, None)
                st.error(md(str(exc)))
            else:
                st.session_state.pop(pin, None)
                st.session_state["ed-flash"] = t("pe_deleted", lang, name=md(current.name_ja))
                st.rerun()


def changes_section(store: Store, lang: Lang, today: dt.date | None = None) -> None:
    """Projects and features added, changed, completed or removed between two dates."""
    end_default = today or dt.datetime.now(JST).date()
    left, right = st.columns(2)
    start = left.date_input(
        t("pe_since", lang), value=end_default - dt.timedelta(days=30), key="pe-since"
    )
    end = right.date_input(t("pe_until", lang), value=end_default, key="pe-until")
    try:
        found = changes_between(store.history(), start, end, features=True)
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    if not found:
        st.info(t("pe_no_changes", lang))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("pe_col_what", lang): t(f"pe_what_{c.what}", lang),
                    t("pe_col_kind_record", lang): t(f"pe_kind_{c.kind}", lang),
                    "ID": c.project_id,
                    t("pe_col_name", lang): c.name_ja,
                    t("pe_col_fields", lang): "、".join(c.fields),
                    t("pe_col_at", lang): c.at,
                    t("pe_col_user", lang): c.user,
                }
                for c in found
            ]
        ),
        hide_index=True,
        width="stretch",
    )
