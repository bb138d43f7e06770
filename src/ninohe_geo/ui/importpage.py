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
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.escape import markdown_text
from ninohe_geo.i18n import t
from ninohe_geo.io.formats import FORMATS
from ninohe_geo.io.mapping import parse_mapping
from ninohe_geo.io.pipeline import ImportPlan, prepare_import, write_import
from ninohe_geo.maps import mapview
from ninohe_geo.model.plan import Lang
from ninohe_geo.ui import common as web
from ninohe_geo.ui import session as webedit
from ninohe_geo.ui.downloads import download_buttons

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
    cached = st.session_state.get("io_prepared")
    if cached is not None and cached[0] == key:
        return cached[1]
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
    st.session_state["io_prepared"] = (key, prepared)
    return prepared


def _mapping_editor(lang: Lang) -> None:
    """The editable mapping; an edit re-runs the import with it."""
    edited = st.text_area(
        t("io_mapping", lang),
        key="io_mapping_editor",
        height=260,
        help=t("io_mapping_help", lang),
    )
    if edited != st.session_state.get("io_mapping_text"):
        st.session_state["io_mapping_text"] = edited
        st.rerun()


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


def _import_section(name: str, data: bytes, lang: Lang) -> None:
    marker = (name, len(data), hashlib.sha256(data).hexdigest())
    if st.session_state.get("io_file_seen") != marker:
        # A new file: forget the previous file's choices before their widgets are drawn.
        for key in ("io_layer", "io_exclude", "io_repair", "io_replace", "io_mapping_text"):
            st.session_state.pop(key, None)
        st.session_state["io_file_seen"] = marker
    col_a, col_b = st.columns(2)
    layer = col_a.text_input(t("io_layer", lang), value=default_layer_name(name), key="io_layer")
    crs = col_b.text_input(t("io_crs", lang), value="", key="io_crs")
    mapping_text = st.session_state.get("io_mapping_text")
    try:
        prepared = _prepare(data, name, layer.strip(), crs.strip(), mapping_text)
    except NinoheGeoError as exc:
        st.error(f"{t('io_read_error', lang)}: {markdown_text(str(exc))}")
        if mapping_text is not None:
            # The edited mapping may be what is wrong: keep it editable, and offer a reset.
            _mapping_editor(lang)
            if st.button(t("io_mapping_reset", lang), key="io_mapping_reset"):
                st.session_state.pop("io_mapping_text", None)
                st.rerun()
        return
    if mapping_text is None:
        st.session_state["io_mapping_text"] = prepared.mapping.yaml_text
        st.session_state["io_mapping_editor"] = prepared.mapping.yaml_text
    st.markdown(
        f"**{t('io_detected', lang)}**: {markdown_text(prepared.summary())}",
    )
    if prepared.source.notes:
        with st.expander(t("io_notes", lang)):
            st.markdown("\n".join(f"- {markdown_text(n)}" for n in prepared.source.notes))
    _mapping_editor(lang)
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
    report_table(prepared, exclude, repair, lang)
    preview = prepared.preview(exclude, repair)
    st.subheader(t("io_preview", lang))
    if not preview.empty:
        st_folium(
            mapview.base_map(prepared.plan, lang, bounds=mapview.data_bounds(preview)),
            key="io-preview-map",
            feature_group_to_add=mapview.feature_group(preview, prepared.plan, lang),
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
    if not webedit.identity().can_edit:
        st.info(t("io_sign_in", lang))
    who = webedit.sign_in_panel(lang)  # who is signed in (with sign-out), or the sign-in form
    blocked = (
        bool(prepared.blocking(exclude, repair))
        or (prepared.existing_features is not None and not replace)
        or not who.can_edit
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
