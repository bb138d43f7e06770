"""The sections of the editing page (``dashboard/views/edit.py`` only calls these).

Each section reads widgets, calls the store, and says what happened. Store errors are shown,
never swallowed: a refused save says which field is wrong; a conflict shows both sides and lets
the editor choose; a full or read-only disk says nothing was changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import folium
import pandas as pd
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.maps import mapview
from ninohe_geo.maps.drawtools import DefaultIconPath, draw_control, last_drawing
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.model.schema import ACCURACIES, OPTIONAL_FIELDS, STATUSES
from ninohe_geo.store import (
    ConflictError,
    Identity,
    IndicatorValue,
    InvalidFeature,
    NotFound,
    Store,
    StoreError,
)
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.store.base import ROLES, resolve_conflict, version_of
from ninohe_geo.ui import common as web
from ninohe_geo.ui.forms import (
    ACTION_LABELS,
    FORM_FIELDS,
    INDICATOR_YEARS,
    checked_date,
    conflict_choices,
    feature_from_form,
    field_label,
    form_values,
    geometry_kind,
    history_rows,
    jst,
    problem_text,
    role_label,
    suggest_id,
)

MAP_HEIGHT = 480


FLASH_KEY = "ed-flash"


def flash(message: str) -> None:
    """Say something after the rerun that a save triggers (shown once by :func:`show_flash`)."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """Show (and forget) the message left by the last action."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def _counter(name: str) -> int:
    return int(st.session_state.get(name, 0))


def _bump(name: str) -> None:
    st.session_state[name] = _counter(name) + 1


def show_error(exc: StoreError, lang: Lang) -> None:
    """A store error as the page shows it (all data escaped)."""
    if isinstance(exc, InvalidFeature):
        st.error(t("ed_invalid", lang))
        st.markdown("\n".join(f"- {md(problem_text(p, lang))}" for p in exc.problems))
    else:
        st.error(f"{t('ed_store_error', lang)} {md(str(exc))}")


def edit_map(cat: Catalog, lang: Lang, geometry: dict[str, Any] | None) -> folium.Map:
    """The map with every feature for context and a Draw control (new or editable geometry).

    A large catalogue is drawn from its vector tiles, the very archive the map page reads
    (:func:`ninohe_geo.ui.common.map_dataset`): the page sends the archive's address and a mask,
    not the geometry of every feature."""
    bounds = mapview.data_bounds(cat.features)
    if geometry is not None:  # frame the feature being edited, with some room around it
        minx, miny, maxx, maxy = shape(geometry).bounds
        pad = max(maxx - minx, maxy - miny, 0.01) * 0.5
        bounds = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    m = mapview.base_map(cat.plan, lang, bounds=bounds)
    DefaultIconPath().add_to(m)  # before any marker (the drawn or edited point)
    mapview.feature_group(cat.features, cat.plan, lang, dataset=web.map_dataset(cat)).add_to(m)
    draw, editable = draw_control(geometry, lang=lang)
    if editable is not None:
        editable.add_to(m)
    draw.add_to(m)
    return m


def _edit_map(cat: Catalog, lang: Lang, geometry: dict[str, Any] | None, key: str) -> Any:
    m = edit_map(cat, lang, geometry)
    return st_folium(
        m,
        key=key,
        returned_objects=["all_drawings"],
        height=MAP_HEIGHT,
        use_container_width=True,
    )


def _feature_form(
    key: str,
    plan: Plan,
    layers: list[str],
    values: dict[str, str],
    lang: Lang,
    fixed_layer: str,
    checked: dt.date,
) -> tuple[bool, dict[str, Any], str, dt.date, str]:
    """The attribute form; returns (submitted, values, layer, status date, note).

    ``checked`` is the date the facts were last confirmed (``updated``): the form starts from it
    and it changes only when the editor changes it, so a name-only edit keeps an old status
    looking as old as it is (issue #10)."""
    statuses = {s.code: s.label(lang) for s in STATUSES}
    accuracies = {a.code: a.label(lang) for a in ACCURACIES}
    measures = {m.id: f"{m.id} {m.name(lang)}" for m in plan.measures}
    initiatives = {"": "—"} | {
        i.id: f"{i.id} {i.name(lang)}" for m in plan.measures for i in m.initiatives
    }
    out: dict[str, Any] = {}
    with st.form(key):
        if fixed_layer:
            layer = fixed_layer
            st.caption(f"{t('ed_layer', lang)}: {md(layer)}")
        else:
            layer = st.selectbox(t("ed_layer", lang), layers, key=f"{key}-layer")
        for name in FORM_FIELDS:
            label = field_label(name, lang) + ("" if name in OPTIONAL_FIELDS else " *")
            current = values.get(name, "")
            wkey = f"{key}-{name}"
            if name == "status":
                out[name] = st.selectbox(
                    label,
                    list(statuses),
                    format_func=statuses.__getitem__,
                    key=wkey,
                    index=list(statuses).index(current) if current in statuses else 0,
                )
            elif name == "accuracy":
                out[name] = st.selectbox(
                    label,
                    list(accuracies),
                    format_func=accuracies.__getitem__,
                    key=wkey,
                    index=list(accuracies).index(current) if current in accuracies else 0,
                )
            elif name == "measure":
                out[name] = st.selectbox(
                    label,
                    list(measures),
                    format_func=measures.__getitem__,
                    key=wkey,
                    index=list(measures).index(current) if current in measures else 0,
                )
            elif name == "initiative":
                out[name] = st.selectbox(
                    label,
                    list(initiatives),
                    format_func=initiatives.__getitem__,
                    key=wkey,
                    index=list(initiatives).index(current) if current in initiatives else 0,
                )
            elif name in ("summary_ja", "summary_en", "accuracy_note"):
                out[name] = st.text_area(label, value=current, key=wkey, height=80)
            elif name == "id" and values.get("id") and fixed_layer:
                out[name] = values["id"]
                st.caption(f"{t('field_id', lang)}: {md(values['id'])}")
            else:
                out[name] = st.text_input(label, value=current, key=wkey)
        status_date = st.date_input(
            t("ed_status_date", lang),
            value=checked,
            key=f"{key}-date",
            help=t("ed_status_date_help", lang),
        )
        note = st.text_input(t("ed_note", lang), key=f"{key}-note")
        submitted = st.form_submit_button(t("ed_save", lang), type="primary")
    return submitted, out, str(layer), status_date, note


def _save(
    store: Store,
    who: Identity,
    layer: str,
    feature: dict[str, Any],
    base: str | None,
    note: str,
    lang: Lang,
) -> bool:
    """Save and report; a conflict is parked in the session for :func:`conflict_panel`."""
    try:
        store.save(who, layer, feature, base, note)
    except ConflictError as exc:
        st.session_state["ed-conflict"] = (layer, feature, note, exc)
        st.rerun()  # the conflict panel sits above the form: show it now
    except StoreError as exc:
        show_error(exc, lang)
        return False
    st.session_state.pop("ed-conflict", None)
    flash(t("ed_saved", lang, name=md(feature["properties"].get("name_ja", ""))))
    return True


def conflict_panel(store: Store, who: Identity, lang: Lang) -> None:
    """When a save met a newer version: for each field both editors changed, the stored value
    and the editor's, and a choice per field; every other change (theirs and mine) is merged
    already and saved with the choice."""
    parked = st.session_state.get("ed-conflict")
    if not parked:
        return
    layer, feature, note, exc = parked
    if exc.base_version is None and exc.current is not None:  # a new feature's id is taken
        st.error(t("ed_conflict_exists", lang, id=md(exc.feature_id)))
        if st.button(t("ed_conflict_back", lang), key="ed-conflict-theirs"):
            st.session_state.pop("ed-conflict", None)
            st.rerun()
        return
    if feature is None:  # a delete (or an undo of a creation) met a change
        _delete_conflict(store, who, note, exc, lang)
        return
    if exc.current is None:  # deleted meanwhile: bring it back with my version, or leave it
        st.warning(t("ed_conflict_gone", lang))
        left, right = st.columns(2)
        if left.button(t("ed_conflict_recreate", lang), key="ed-conflict-mine"):
            if _save(store, who, layer, feature, None, note, lang):
                _bump("ed-edit-n")
                st.rerun()
        if right.button(t("ed_conflict_keep", lang), key="ed-conflict-theirs"):
            _close_conflict()
        return
    st.warning(t("ed_conflict", lang))
    choices = conflict_choices(exc, lang)
    st.table(
        pd.DataFrame(
            [[c.label, c.stored, c.yours] for c in choices],
            columns=[t("ed_field", lang), t("ed_stored", lang), t("ed_yours", lang)],
        )
    )
    keep_mine: set[str] = set()
    for c in choices:
        options = {
            "mine": t("ed_choose_mine", lang, value=md(c.yours)),
            "theirs": t("ed_choose_theirs", lang, value=md(c.stored)),
        }
        picked = st.radio(
            c.label,
            list(options),
            format_func=options.__getitem__,
            horizontal=True,
            key=f"ed-conflict-choice-{c.field}",
        )
        if picked == "mine":
            keep_mine.add(c.field)
    left, right = st.columns(2)
    if left.button(t("ed_conflict_apply", lang), key="ed-conflict-apply", type="primary"):
        chosen = resolve_conflict(exc, frozenset(keep_mine))
        if chosen is None or version_of(chosen) == exc.current_version:
            st.session_state.pop("ed-conflict", None)  # nothing of mine is left to save
        elif not _save(store, who, layer, chosen, exc.current_version, note, lang):
            return
        _bump("ed-edit-n")
        st.rerun()
    if right.button(t("ed_conflict_cancel", lang), key="ed-conflict-cancel"):
        _close_conflict()


def _close_conflict() -> None:
    """Leave the conflict panel: forget it, redraw the form from the store, rerun."""
    st.session_state.pop("ed-conflict", None)
    _bump("ed-edit-n")
    st.rerun()


def _delete_conflict(
    store: Store, who: Identity, note: str, exc: ConflictError, lang: Lang
) -> None:
    """A deletion that met a newer version: delete that version too, or keep it."""
    st.warning(t("ed_conflict_delete", lang))
    left, right = st.columns(2)
    if left.button(t("ed_conflict_delete_anyway", lang), key="ed-conflict-mine"):
        try:
            store.delete(who, exc.feature_id, exc.current_version or "", note)
        except StoreError as err:
            show_error(err, lang)
            return
        st.session_state.pop("ed-conflict", None)
        flash(t("ed_deleted", lang))
        _bump("ed-edit-n")
        st.rerun()
    if right.button(t("ed_conflict_keep", lang), key="ed-conflict-theirs"):
        _close_conflict()


def undo_button(store: Store, who: Identity, lang: Lang) -> None:
    """Undo the signed-in editor's last change."""
    if st.button(t("ed_undo", lang), key="ed-undo", icon=":material/undo:"):
        try:
            change = store.undo_last(who)
        except NotFound:
            st.info(t("ed_nothing_to_undo", lang))
        except ConflictError as exc:
            st.session_state["ed-conflict"] = (
                exc.current.layer if exc.current else "",
                exc.wanted,
                "undo",
                exc,
            )
            st.rerun()
        except StoreError as exc:
            show_error(exc, lang)
        else:
            what = ACTION_LABELS.get(change.action, {"ja": change.action, "en": change.action})
            record = change.after or change.before or {}
            name = (record.get("properties") or record).get("name_ja")
            flash(
                t(
                    "ed_undone",
                    lang,
                    seq=change.seq,
                    what=md(what[lang]),
                    name=md(str(name or change.key.partition(":")[2])),
                )
            )
            _bump("ed-edit-n")
            st.rerun()


def new_feature_section(store: Store, cat: Catalog, who: Identity, lang: Lang) -> None:
    """Draw a point, line or polygon, then fill the form and save."""
    st.caption(t("ed_draw_hint", lang))
    n = _counter("ed-new-n")
    result = _edit_map(cat, lang, None, key=f"ed-new-map-{n}")
    geometry = last_drawing(result)
    if geometry is None:
        return
    st.success(t("ed_drawn", lang, kind=geometry_kind(geometry["type"], lang)))
    layers = sorted(store.layers()) or ["projects"]
    taken = [r.id for r in store.records(include_deleted=True)]
    values = form_values(None)
    values["id"] = suggest_id("new-project", taken)
    submitted, out, layer, date, note = _feature_form(
        f"ed-new-form-{n}", cat.plan, layers, values, lang, "", dt.date.today()
    )
    if submitted:
        feature = feature_from_form(out, geometry, date)
        if _save(store, who, layer, feature, None, note, lang):
            _bump("ed-new-n")
            st.rerun()


def edit_feature_section(store: Store, cat: Catalog, who: Identity, lang: Lang) -> None:
    """Pick a feature; move or reshape it on the map; edit its attributes; delete; history."""
    records = store.records()
    if not records:
        return
    names = {r.id: f"{r.feature['properties'].get('name_ja', r.id)} ({r.id})" for r in records}
    fid = st.selectbox(
        t("ed_pick", lang), list(names), format_func=names.__getitem__, key="ed-pick"
    )
    rec = next(r for r in records if r.id == fid)
    # The version this editor started from is kept until they save or reload the feature.
    base_key = f"ed-base-{fid}-{_counter('ed-edit-n')}"
    if base_key not in st.session_state:
        st.session_state[base_key] = (rec.version, rec.feature)
    base_version, base_feature = st.session_state[base_key]
    st.caption(t("ed_reshape_hint", lang))
    result = _edit_map(
        cat, lang, base_feature["geometry"], key=f"ed-edit-map-{fid}-{_counter('ed-edit-n')}"
    )
    geometry = last_drawing(result) or base_feature["geometry"]
    if geometry != base_feature["geometry"]:
        st.info(t("ed_reshaped", lang))
    submitted, out, layer, date, note = _feature_form(
        f"ed-edit-form-{fid}-{_counter('ed-edit-n')}",
        cat.plan,
        [rec.layer],
        form_values(base_feature),
        lang,
        rec.layer,
        checked_date(base_feature, dt.date.today()),
    )
    if submitted:
        feature = feature_from_form(out, geometry, date)
        if _save(store, who, layer, feature, base_version, note, lang):
            _bump("ed-edit-n")
            st.rerun()
    with st.expander(t("ed_delete", lang)):
        del_note = st.text_input(t("ed_note", lang), key=f"ed-del-note-{fid}")
        if st.button(t("ed_delete", lang), key=f"ed-del-{fid}", type="secondary"):
            try:
                store.delete(who, fid, base_version, del_note)
            except ConflictError as exc:
                st.session_state["ed-conflict"] = (rec.layer, None, del_note, exc)
                st.rerun()
            except StoreError as exc:
                show_error(exc, lang)
            else:
                flash(t("ed_deleted", lang))
                _bump("ed-edit-n")
                st.rerun()
    history_section(store, who, f"feature:{fid}", rec.feature, lang)


def history_section(
    store: Store, who: Identity, key: str, current: dict[str, Any] | None, lang: Lang
) -> None:
    """A feature's changes, newest first, each restorable."""
    st.subheader(t("ed_history", lang))
    rows = history_rows(store.history(key), current, lang)
    if not rows:
        st.caption(t("ed_history_empty", lang))
        return
    for row in rows:
        cols = st.columns([5, 2], vertical_alignment="center")
        cols[0].markdown(
            f"**#{row.seq}** {md(row.at)} — {md(row.user)} — {md(row.action)}"
            + (f"  \n{md(row.note)}" if row.note else "")
            + "".join(f"  \n{md(v)}" for v in row.shown),
        )
        if row.restorable and cols[1].button(
            t("ed_restore", lang, seq=row.seq), key=f"ed-restore-{row.seq}"
        ):
            try:
                store.restore(who, row.seq)
            except ConflictError as exc:
                st.session_state["ed-conflict"] = (
                    exc.current.layer if exc.current else "",
                    exc.wanted,
                    "restore",
                    exc,
                )
            except StoreError as exc:
                show_error(exc, lang)
                return
            else:
                flash(t("ed_restored", lang))
            _bump("ed-edit-n")
            st.rerun()


def deleted_section(store: Store, who: Identity, lang: Lang) -> None:
    """Soft-deleted features, each with its history (restore brings it back)."""
    deleted = [r for r in store.records(include_deleted=True) if r.deleted]
    if not deleted:
        return
    with st.expander(f"{t('ed_deleted_features', lang)} ({len(deleted)})"):
        for rec in deleted:
            st.markdown(
                f"**{md(rec.feature['properties'].get('name_ja', rec.id))}** ({md(rec.id)})"
            )
            history_section(store, who, f"feature:{rec.id}", None, lang)


def indicator_form(store: Store, plan: Plan, who: Identity, lang: Lang) -> None:
    """Enter one indicator's value for one year, with its source (required)."""
    indicators = {i.id: f"{i.id} {i.name(lang)}" for i in plan.indicators}
    with st.form("ed-indicator"):
        ind = st.selectbox(
            t("ed_indicator", lang), list(indicators), format_func=indicators.__getitem__
        )
        year = st.selectbox(t("ed_year", lang), INDICATOR_YEARS, index=INDICATOR_YEARS.index(2021))
        value = st.number_input(t("ed_value", lang), value=0.0, format="%.3f")
        unit = st.text_input(t("ed_unit", lang))
        source = st.text_input(t("ed_source", lang))
        source_url = st.text_input(t("ed_source_url", lang))
        note = st.text_input(t("ed_note", lang))
        submitted = st.form_submit_button(t("ed_save", lang), type="primary")
    if submitted:
        try:
            store.set_indicator_value(
                who,
                IndicatorValue(
                    str(ind),
                    int(year),
                    float(value),
                    unit.strip(),
                    source.strip(),
                    source_url.strip(),
                    note.strip(),
                ),
            )
        except StoreError as exc:
            show_error(exc, lang)
        else:
            st.success(t("ed_saved", lang, name=md(indicators[str(ind)])))
    values = store.indicator_values()
    if values:
        frame = pd.DataFrame([v.as_dict() for v in values])
        st.dataframe(
            frame.rename(columns={c: t(f"ind_col_{c}", lang) for c in frame.columns}),
            hide_index=True,
            use_container_width=True,
        )


def accounts_section(who: Identity, lang: Lang) -> None:
    """Admins add accounts and see who has which role (the store checks the role again)."""
    accounts = AccountStore()
    with st.form("ed-account"):
        name = st.text_input(t("ed_user", lang))
        role = st.selectbox(
            t("ed_role", lang), ROLES, index=1, format_func=lambda r: role_label(r, lang)
        )
        password = st.text_input(t("ed_password", lang), type="password")
        submitted = st.form_submit_button(t("ed_add_account", lang))
    if submitted:
        try:
            accounts.add(who, name.strip(), role, password)
        except StoreError as exc:
            show_error(exc, lang)
        else:
            st.success(t("ed_account_added", lang, name=md(name)))
    st.table(
        pd.DataFrame(
            [(a.name, role_label(a.role, lang), jst(a.created)) for a in accounts.accounts()],
            columns=[t("ed_user", lang), t("ed_role", lang), t("ed_created", lang)],
        )
    )


__all__ = [
    "accounts_section",
    "conflict_panel",
    "deleted_section",
    "edit_feature_section",
    "indicator_form",
    "new_feature_section",
    "show_flash",
    "undo_button",
]
