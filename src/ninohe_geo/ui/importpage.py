"""Streamlit glue of the import page: upload → mapping → report → preview → accept.

The page stays thin (it calls :func:`import_page`); the work is :mod:`ninohe_geo.io.pipeline`.
An upload is written, only while it is read, into a temporary folder that is removed right
after, under a fixed name (``upload`` plus a sanitised suffix) — the uploaded name is only
shown, never used as a path — and is read only by the safe readers. Imports are checked
against, and written into, the store the app uses (:func:`ninohe_geo.ui.session.app_store`: the data
folder or PostgreSQL), only when a signed-in editor presses accept and nothing blocks (the role
is checked again by the store itself). The write is one recorded batch: the page says so and
points to the Edit page, where the import can be undone in one step or each feature restored.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.escape import markdown_text
from ninohe_geo.i18n import t
from ninohe_geo.io import formmap
from ninohe_geo.io.formats import FORMATS
from ninohe_geo.io.formmap import FormAnswers
from ninohe_geo.io.mapping import parse_mapping
from ninohe_geo.io.pipeline import ImportPlan, prepare_import, write_import
from ninohe_geo.io.problemsummary import group_problems
from ninohe_geo.maps import mapview
from ninohe_geo.maps.reference import reference_element
from ninohe_geo.model.catalog import Catalog, LayerInfo
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.ui import common as web
from ninohe_geo.ui import session as webedit
from ninohe_geo.ui.downloads import download_buttons, reference_download

UPLOAD_TYPES = sorted({ext.lstrip(".") for f in FORMATS for ext in f.extensions} | {"zip"})
MAX_ROWS_SHOWN = 200


def save_upload(folder: Path, name: str, data: bytes) -> Path:
    """Store an upload in ``folder`` under a fixed name; only a short alphanumeric suffix of
    the uploaded name is kept (so ``../../x`` or ``a;rm`` cannot reach a path)."""
    suffix = Path(name).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ""
    path = folder / f"upload{suffix}"
    path.write_bytes(data)
    return path


def default_layer_name(file_name: str) -> str:
    """A layer-name suggestion from the uploaded file's name (ASCII slug) or 'imported'."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(file_name).stem.lower()).strip("-")
    return stem[:40] or "imported"


def report_table(prepared: ImportPlan, exclude: list[str], repair: bool, lang: Lang) -> None:
    """The validation report: verdict line, then one row per problem (text, never markup)."""
    report = prepared.report(exclude, repair)
    verdict = report.text().splitlines()[-1]
    blocking = prepared.blocking(exclude, repair)
    if blocking:
        st.error(f"{t('io_blocked', lang, count=len(blocking))}  \n{markdown_text(verdict)}")
    else:
        st.success(markdown_text(verdict))
    if not report.problems:
        st.caption(t("io_no_problems", lang))
        return
    with st.expander(t("io_report_rows", lang), expanded=False):
        _problem_rows(report, lang)


def _problem_rows(report: Any, lang: Lang) -> None:
    rows = [
        {
            t("io_col_severity", lang): p.severity,
            t("io_col_feature", lang): p.feature or "",
            t("io_col_field", lang): p.field or "",
            t("io_col_message", lang): p.message,
        }
        for p in report.problems[:MAX_ROWS_SHOWN]
    ]
    st.table(pd.DataFrame(rows))
    if len(report.problems) > MAX_ROWS_SHOWN:
        st.caption(t("io_more_problems", lang, count=len(report.problems) - MAX_ROWS_SHOWN))


def _prepare(data: bytes, name: str, layer: str, crs: str, mapping_text: str | None) -> Any:
    """Prepare once per input (kept in the session: reruns from widgets do not re-read)."""
    digest = hashlib.sha256(data).hexdigest()
    key = (digest, layer, crs, mapping_text)
    cache = st.session_state.get("io_prepared")
    if not isinstance(cache, dict):
        cache = {}
    if key in cache:
        return cache[key]
    mapping = parse_mapping(mapping_text, "mapping") if mapping_text else None
    with tempfile.TemporaryDirectory(prefix="ninohe-upload-") as tmp:
        path = save_upload(Path(tmp), name, data)
        prepared = prepare_import(
            path,
            layer,
            mapping=mapping,
            crs=crs or None,
            display_name=name,
            store=webedit.app_store(),
        )
    # The detected reading and the form's (a few entries: a form change re-reads only once).
    cache = dict(list(cache.items())[-3:])
    cache[key] = prepared
    st.session_state["io_prepared"] = cache
    return prepared


def _mapping_editor(lang: Lang, mapping_text: str) -> None:
    """The mapping the form made, editable (for experts); an edit takes over from the form and
    re-runs the import with it, until reset."""
    if st.session_state.get("io_mapping_text") is None:
        st.session_state["io_mapping_editor"] = mapping_text
    st.text_area(
        t("io_mapping", lang),
        key="io_mapping_editor",
        height=260,
        help=t("io_mapping_help", lang),
        on_change=_take_expert_edit,
    )


def _take_expert_edit() -> None:
    """The expert's edit of the mapping takes over from the form (a callback: it runs before
    the next run reads it)."""
    st.session_state["io_mapping_text"] = st.session_state.get("io_mapping_editor")


def _css_string(text: str) -> str:
    """A CSS string literal of our own text (quotes, backslashes and newlines escaped)."""
    return '"' + "".join(f"\\{ord(ch):06x}" if ch in '"\\\n<>' else ch for ch in text) + '"'


def uploader_css(lang: Lang) -> str:
    """Streamlit's file uploader has English texts it offers no setting for ("Upload",
    "200MB per file"): show ours in their place (the widget and its keyboard use stay)."""
    from streamlit import config

    mb = int(config.get_option("server.maxUploadSize"))
    zone = '[data-testid="stFileUploaderDropzone"]'
    hint = '[data-testid="stFileUploaderDropzoneInstructions"]'
    return (
        "<style>"
        f"{zone} button * {{ display: none; }}"
        f"{zone} button::after {{ content: {_css_string(t('upload_button', lang))}; }}"
        f"{hint} * {{ display: none; }}"
        f"{hint}::after {{ content: {_css_string(t('upload_limit', lang, mb=mb))};"
        " font-size: 0.875rem; }"
        "</style>"
    )


def import_page(lang: Lang) -> None:
    """The whole import page."""
    st.title(t("io_title", lang))
    st.caption(t("io_intro", lang))
    st.html(uploader_css(lang))
    upload = st.file_uploader(t("io_upload", lang), type=UPLOAD_TYPES, key="io_file")
    if upload is not None:
        _import_section(upload.name, upload.getvalue(), lang)
    st.divider()
    st.subheader(t("io_downloads", lang))
    cat = web.catalog()
    download_buttons(cat.features, lang, key="io-download", layers=cat.layers)
    reference_download(cat, lang, key="io-reference-download")
    project_template_download(cat, lang)


@st.cache_data(show_spinner=False, max_entries=2)
def _template(plan_json: str) -> bytes:
    """The template workbook of a plan, built once per plan (not on every rerun)."""
    from ninohe_geo.io.projectbook import template_bytes

    return template_bytes(Plan.model_validate_json(plan_json))


def project_template_download(cat: Catalog, lang: Lang) -> None:
    """The empty project workbook city hall fills in (``ninohe-geo projects import`` reads it)."""
    st.markdown(f"**{t('io_projects_template_title', lang)}**")
    st.caption(t("io_projects_template_hint", lang))
    st.download_button(
        t("io_projects_template", lang),
        data=_template(cat.plan.model_dump_json()),
        file_name="ninohe-projects-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="io-projects-template",
    )


def _column_select(label: str, columns: list[str], value: str, key: str, lang: Lang) -> str:
    """A column drop-down with 「（なし）」 first; returns '' for none."""
    options = ["", *columns]
    index = options.index(value) if value in options else 0
    chosen = st.selectbox(
        label,
        options,
        index=index,
        key=key,
        format_func=lambda c: c or t("io_column_none", lang),
    )
    return str(chosen or "")


def _measure_label(plan: Plan, measure_id: str, lang: Lang) -> str:
    if not measure_id:
        return t("io_measure_none", lang)
    measure = plan.measure(measure_id)
    pillar = plan.pillar_of(measure_id)
    star = "★" if measure.featured else ""
    return f"{star}{measure.name(lang)}（{pillar.short(lang)}）"


def _form(detected: ImportPlan, name: str, lang: Lang) -> FormAnswers:
    """The import form (no YAML): kind, titles, measure by name, columns, source."""
    columns = list(detected.source.columns)
    known = detected.mapping if detected.mapping.name not in ("generic", "ninohe") else None
    guessed = formmap.guess(columns, known, name)
    st.subheader(t("io_form", lang))
    st.caption(t("io_form_help", lang))
    kinds = ["plan", "reference"]
    kind = st.radio(
        t("io_kind", lang),
        kinds,
        index=kinds.index(guessed.kind),
        key="io_f_kind",
        format_func=lambda k: t(f"io_kind_{k}", lang),
    )
    col_a, col_b = st.columns(2)
    title_ja = col_a.text_input(t("io_title_ja", lang), value=guessed.title_ja, key="io_f_tja")
    title_en = col_b.text_input(t("io_title_en", lang), value=guessed.title_en, key="io_f_ten")
    plan = detected.plan
    measure = ""
    if kind == "plan":
        options = ["", *(m.id for m in plan.measures)]
        measure = str(
            st.selectbox(
                t("io_measure", lang),
                options,
                index=options.index(guessed.measure) if guessed.measure in options else 0,
                key="io_f_measure",
                format_func=lambda m: _measure_label(plan, m, lang),
            )
            or ""
        )
    answers = FormAnswers(kind=kind, title_ja=title_ja, title_en=title_en, measure=measure)
    if known is None:
        col_c, col_d = st.columns(2)
        with col_c:
            name_col = _column_select(
                t("io_name_column", lang), columns, guessed.name_column, "io_f_name", lang
            )
            name_en_col = _column_select(
                t("io_name_en_column", lang), columns, guessed.name_en_column, "io_f_name_en", lang
            )
            id_col = _column_select(
                t("io_id_column", lang), columns, guessed.id_column, "io_f_id", lang
            )
        with col_d:
            summary_col = _column_select(
                t("io_summary_column", lang), columns, guessed.summary_column, "io_f_sum", lang
            )
            address_col = _column_select(
                t("io_address_column", lang), columns, guessed.address_column, "io_f_addr", lang
            )
        summary_text = ""
        if not summary_col:
            summary_text = st.text_input(
                t("io_summary_text", lang), value=title_ja, key="io_f_sum_text"
            )
        partial = FormAnswers(name_column=name_col, name_en_column=name_en_col, id_column=id_col)
        facts = st.multiselect(
            t("io_facts", lang),
            formmap.fact_candidates(columns, partial),
            default=[c for c in guessed.fact_columns if c in columns],
            key="io_f_facts",
            placeholder=t("choose_options", lang),
        )
        source = st.text_input(t("io_source", lang), value=guessed.source, key="io_f_source")
        source_url = st.text_input(t("io_source_url", lang), value="", key="io_f_source_url")
        answers = FormAnswers(
            kind=kind,
            title_ja=title_ja,
            title_en=title_en,
            measure=measure,
            name_column=name_col,
            name_en_column=name_en_col,
            summary_column=summary_col,
            summary_ja=summary_text,
            summary_en=summary_text,
            address_column=address_col,
            id_column=id_col,
            source=source.strip(),
            source_url=source_url.strip(),
            fact_columns=tuple(facts),
        )
    return answers


def _summary(prepared: ImportPlan, exclude: list[str], repair: bool, lang: Lang) -> None:
    """The grouped, translated summary of the report, each with its fix."""
    problems = list(prepared.report(exclude, repair).problems)
    groups = group_problems(problems, len(prepared.candidates), lang)
    if not groups:
        return
    st.markdown(f"**{t('io_summary', lang)}**")
    for g in groups:
        body = f"{markdown_text(g.text)}  \n{markdown_text(g.fix)}"
        if g.severity == "error":
            st.error(body)
        else:
            st.warning(body)


def _preview_rows(prepared: ImportPlan, lang: Lang, count: int = 5) -> None:
    """The first rows as they will be imported (name, summary, facts, source)."""
    rows = []
    for c in prepared.candidates[:count]:
        p = c.properties
        rows.append(
            {
                t("field_name_ja", lang): p.get("name_ja", ""),
                t("field_summary_ja", lang): p.get("summary_ja", ""),
                t("field_details_ja", lang): (p.get("details_ja") or "").replace("\n", " / "),
                t("field_source", lang): p.get("source", ""),
            }
        )
    if rows:
        st.markdown(f"**{t('io_preview_rows', lang)}**")
        st.table(pd.DataFrame(rows).set_index(t("field_name_ja", lang)))


#: Session key of the import preview's vector tiles: (file and repair key, plan, archive).
PREVIEW_TILES_KEY = "io_preview_tiles"


def preview_group(
    prepared: ImportPlan,
    preview: Any,
    repair: bool,
    lang: Lang,
    kept: MutableMapping[Any, Any],
    *,
    tiled: bool,
) -> Any:
    """The preview map's features (``feature_group_to_add``).

    For someone who may import (``tiled``), a large preview is drawn from vector tiles as the
    map page is, but from an archive of its own in the static folder's preview area
    (:func:`ninohe_geo.ui.common.preview_dataset`; never where the map page's archives are
    kept and pruned): built once for every feature that can be imported (with or without
    repairs), so that excluding rows only changes the mask the page sends, not the tiles.
    ``kept`` (the session's state) holds the archive between reruns. Anyone else's preview
    is drawn inline on Leaflet's canvas: an anonymous upload writes nothing on the server."""
    dataset = None
    if tiled and len(preview) > mapview.CANVAS_THRESHOLD:
        key = (id(prepared), repair)
        last = kept.get(PREVIEW_TILES_KEY)
        if isinstance(last, tuple) and last[0] == key and last[1] is prepared:
            dataset = last[2]
        else:
            whole = prepared.preview((), repair)
            with st.spinner(t("io_preview_tiles", lang, count=len(whole))):
                dataset = web.preview_dataset(whole)
            kept[PREVIEW_TILES_KEY] = (key, prepared, dataset)
    return mapview.feature_group(preview, prepared.plan, lang, dataset=dataset)


def _known_layer(data: bytes, name: str) -> str:
    """The store's layer an earlier import of the same known dataset made, or ''."""
    try:
        detected = _prepare(data, name, default_layer_name(name), "", None)
    except NinoheGeoError:
        return ""
    if detected.mapping.name in ("generic", "ninohe"):
        return ""
    for layer_id, meta in webedit.app_store().layers().items():
        info = meta.get("import") if isinstance(meta, dict) else None
        if isinstance(info, dict) and info.get("mapping") == detected.mapping.name:
            return str(layer_id)
    return ""


def source_confirmation(source: str, lang: Lang) -> bool:
    """「出典を確認しました：…」 and, until it is ticked, why it is needed. The hint keeps its
    slot when it goes (``st.empty``): what follows (the sign-in form) stays where it is, so a
    name typed while the tick's rerun runs is not lost with a remounted form."""
    confirmed = st.checkbox(
        t("io_source_confirm", lang, source=source or "—"),
        key="io_source_ok",
        disabled=not source,
    )
    hint = st.empty()
    if not confirmed:
        hint.caption(t("io_source_confirm_needed", lang))
    return confirmed


def _import_section(name: str, data: bytes, lang: Lang) -> None:
    marker = (name, len(data), hashlib.sha256(data).hexdigest())
    if st.session_state.get("io_file_seen") != marker:
        # A new file: forget the previous file's choices before their widgets are drawn.
        for key in [k for k in st.session_state if str(k).startswith("io_f_")] + [
            "io_layer",
            "io_exclude",
            "io_repair",
            "io_replace",
            "io_mapping_text",
            "io_mapping_editor",
            "io_source_ok",
            PREVIEW_TILES_KEY,
        ]:
            st.session_state.pop(key, None)
        st.session_state["io_file_seen"] = marker
        # A newer copy of a dataset already in the store (the shipped AEDs, say) goes to the
        # layer it made before, so re-importing updates it and says what changed (issue #13).
        st.session_state["io_layer"] = _known_layer(data, name) or default_layer_name(name)
    col_a, col_b = st.columns(2)
    layer = col_a.text_input(t("io_layer", lang), key="io_layer")
    crs = col_b.text_input(t("io_crs", lang), value="", key="io_crs")
    expert_text = st.session_state.get("io_mapping_text")
    try:
        detected = _prepare(data, name, layer.strip(), crs.strip(), None)
    except NinoheGeoError as exc:
        st.error(f"{t('io_read_error', lang)}: {markdown_text(str(exc))}")
        return
    is_known = detected.mapping.name not in ("generic", "ninohe")
    if is_known:
        st.success(t("io_known_dataset", lang, title=detected.mapping.title_ja))
    else:
        st.info(t("io_unknown_dataset", lang))
    answers = _form(detected, name, lang)
    try:
        if expert_text:
            mapping_text = expert_text
        elif is_known:
            mapping_text = formmap.apply_answers(detected.mapping, answers).yaml_text
        else:
            mapping_text = formmap.form_mapping(answers, layer.strip() or "imported").yaml_text
        prepared = _prepare(data, name, layer.strip(), crs.strip(), mapping_text)
    except NinoheGeoError as exc:
        st.error(f"{t('io_read_error', lang)}: {markdown_text(str(exc))}")
        with st.expander(t("io_expert", lang), expanded=expert_text is not None):
            _mapping_editor(lang, mapping_text=expert_text or "")
            if st.button(t("io_mapping_reset", lang), key="io_mapping_reset"):
                st.session_state.pop("io_mapping_text", None)
                st.session_state.pop("io_mapping_editor", None)
                st.rerun()
        return
    st.markdown(
        f"**{t('io_detected', lang)}**: {markdown_text(prepared.summary())}",
    )
    if prepared.source.notes:
        with st.expander(t("io_notes", lang)):
            st.markdown("\n".join(f"- {markdown_text(n)}" for n in prepared.source.notes))
    with st.expander(t("io_expert", lang), expanded=expert_text is not None):
        _mapping_editor(lang, mapping_text=prepared.mapping.yaml_text)
        if expert_text is not None and st.button(
            t("io_mapping_reset", lang), key="io_mapping_reset"
        ):
            st.session_state.pop("io_mapping_text", None)
            st.session_state.pop("io_mapping_editor", None)
            st.rerun()
    labels_with_errors = [c.label for c in prepared.candidates if c.errors(False)]
    exclude = st.multiselect(
        t("io_exclude", lang),
        labels_with_errors,
        key="io_exclude",
        placeholder=t("choose_options", lang),
        select_all=False,
    )
    repair = False
    if any(c.repair for c in prepared.candidates):
        repair = st.checkbox(t("io_repair", lang), key="io_repair")
    st.subheader(t("io_report", lang))
    _summary(prepared, exclude, repair, lang)
    report_table(prepared, exclude, repair, lang)
    preview = prepared.preview(exclude, repair)
    st.subheader(t("io_preview", lang))
    _preview_rows(prepared, lang)
    if prepared.mapping.kind == "reference" and not preview.empty:
        m = mapview.base_map(prepared.plan, lang, bounds=mapview.data_bounds(preview))
        info = LayerInfo(
            prepared.layer, prepared.mapping.title_ja, prepared.mapping.title_en, "", "", "", 0
        )
        element = reference_element(preview, [info], lang)
        if element is not None:
            m.add_child(element)
        st_folium(
            m, key="io-preview-ref-map", returned_objects=[], height=420, use_container_width=True
        )
    elif not preview.empty:
        st_folium(
            mapview.base_map(prepared.plan, lang, bounds=mapview.data_bounds(preview)),
            key="io-preview-map",
            feature_group_to_add=preview_group(
                prepared,
                preview,
                repair,
                lang,
                st.session_state,
                tiled=webedit.identity().can_edit,
            ),
            returned_objects=[],
            height=420,
            use_container_width=True,
        )
    replace = False
    if prepared.existing_features is not None:
        replace = st.checkbox(
            t("io_replace", lang, layer=prepared.layer, count=prepared.existing_features),
            key="io_replace",
        )
    first_source = next(
        (c.properties.get("source", "") for c in prepared.candidates if c.properties.get("source")),
        "",
    )
    source_ok = source_confirmation(first_source, lang)
    if not webedit.identity().can_edit:
        st.info(t("io_sign_in", lang))
    who = webedit.sign_in_panel(lang)  # who is signed in (with sign-out), or the sign-in form
    blocked = (
        bool(prepared.blocking(exclude, repair))
        or (prepared.existing_features is not None and not replace)
        or not who.can_edit
        or not source_ok
    )
    if st.button(t("io_accept", lang), type="primary", disabled=blocked, key="io_accept"):
        try:
            # The role is checked again by the store itself (server side), not only here.
            result = write_import(
                prepared,
                exclude=exclude,
                repair=repair,
                replace=replace,
                actor=webedit.identity(),
                store=webedit.app_store(),
            )
        except NinoheGeoError as exc:
            st.error(markdown_text(str(exc)))
            return
        st.session_state.pop("io_prepared", None)
        st.session_state.pop(PREVIEW_TILES_KEY, None)
        st.success(t("io_written", lang, layer=prepared.layer, count=len(prepared.kept(exclude))))
        batch = result.batch
        st.info(
            t(
                "io_recorded",
                lang,
                created=batch.created,
                updated=batch.updated,
                deleted=batch.deleted,
                unchanged=batch.unchanged,
            )
        )
        for kind in ("created", "updated", "deleted"):  # what changed, by id (first ten)
            changed = batch.ids.get(kind, ())
            if changed:
                more = t("io_changed_more", lang, n=len(changed) - 10) if len(changed) > 10 else ""
                st.caption(
                    markdown_text(f"{t('io_changed_' + kind, lang)}: {', '.join(changed[:10])}")
                    + markdown_text(more)
                )
