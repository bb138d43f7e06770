"""Download buttons for a set of features (the filtered view or everything), for any page.

One format at a time (a select box, then one button), so a rerun builds one export, not six
(GeoJSON, GeoPackage, FlatGeobuf, GeoParquet, CSV and KML, as
:data:`~ninohe_geo.io.export.EXPORT_FORMATS` lists them; each file named with its own suffix).
When every feature comes from layers imported from one standard open-data dataset (the ``auto``
rule of :mod:`ninohe_geo.io.export_layouts`), the choice also offers a CSV in that dataset's
layout, labelled with the dataset's name. The map page can offer the filtered view with one
call::

    downloads.download_buttons(view, lang, key="map-download", layers=catalog.layers)

The official reference layers have their own choice (:func:`reference_download`): they are
context, not plan projects, so they are never mixed into the plan's download.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import streamlit as st

from ninohe_geo.i18n import t
from ninohe_geo.io.export import EXPORT_FORMATS, EXTENSIONS, MEDIA_TYPES, export_bytes
from ninohe_geo.io.export_layouts import LAYOUTS, Layout, fitting_layout, layer_mappings
from ninohe_geo.model.catalog import Catalog, LayerInfo
from ninohe_geo.model.plan import Lang

#: The interface string naming each export format in the select box (``locales/io.yaml``).
LABEL_KEYS = {fmt: f"io_format_{fmt}" for fmt in EXPORT_FORMATS}
#: The select box's value for a CSV in a standard layout: this prefix + the layout id.
LAYOUT_OPTION = "csv:"


def download_options(features: gpd.GeoDataFrame, layers: Iterable[LayerInfo] = ()) -> list[str]:
    """The formats on offer: ours, then the standard-layout CSV when one fits every feature."""
    options = list(EXPORT_FORMATS)
    layout = fitting_layout(features, layer_mappings(layers))
    if layout is not None:
        options.append(LAYOUT_OPTION + layout.id)
    return options


def option_label(option: str, lang: Lang) -> str:
    """What the select box shows for ``option``."""
    if option.startswith(LAYOUT_OPTION):
        layout = LAYOUTS[option.removeprefix(LAYOUT_OPTION)]
        return t("io_download_layout", lang, title=layout.title(lang))
    return t(LABEL_KEYS[option], lang)


def download_buttons(
    features: gpd.GeoDataFrame,
    lang: Lang,
    key: str = "download",
    file_stem: str = "ninohe-geo",
    layers: Iterable[LayerInfo] = (),
) -> None:
    """A format choice and a download button for ``features`` (nothing when empty); ``layers``
    (the catalogue's) tell which features come from a standard dataset."""
    if features.empty:
        return
    option = str(
        st.selectbox(
            t("io_download_format", lang),
            download_options(features, layers),
            format_func=lambda o: option_label(str(o), lang),
            key=f"{key}-format",
        )
    )
    fmt, layout, name = _chosen(option, file_stem)
    st.download_button(
        t("io_download_button", lang, count=len(features)),
        data=export_bytes(features, fmt, layout),
        file_name=name,
        mime=MEDIA_TYPES[fmt],
        key=f"{key}-button",
    )


def _chosen(option: str, file_stem: str) -> tuple[str, Layout | None, str]:
    """(export format, standard layout or None, file name) of a select-box ``option``."""
    if option.startswith(LAYOUT_OPTION):
        layout = LAYOUTS[option.removeprefix(LAYOUT_OPTION)]
        return "csv", layout, f"{file_stem}-{layout.id}.csv"
    return option, None, f"{file_stem}{EXTENSIONS[option]}"


def reference_download(catalog: Catalog, lang: Lang, key: str = "reference-download") -> None:
    """The official reference data (the outline, shelters, AEDs): a layer choice, its source and
    terms, a format choice (with the dataset's standard layout when it has one) and a download
    button (nothing when the catalogue has none)."""
    layers = [layer for layer in catalog.reference_layers() if layer.count]
    if not layers:
        return
    st.markdown(f"**{t('io_reference_downloads', lang)}**")
    layer_id = str(
        st.selectbox(
            t("io_reference_layer", lang),
            [layer.id for layer in layers],
            format_func=lambda i: _layer_label(layers, str(i), lang),
            key=f"{key}-layer",
        )
    )
    layer = next(x for x in layers if x.id == layer_id)
    st.caption(t("io_reference_source", lang, source=layer.source_ja, licence=layer.licence))
    rows = catalog.reference_records([layer_id])
    option = str(
        st.selectbox(
            t("io_download_format", lang),
            download_options(rows, catalog.layers),
            format_func=lambda o: option_label(str(o), lang),
            key=f"{key}-format",
        )
    )
    fmt, layout, name = _chosen(option, f"ninohe-geo-{layer_id}")
    st.download_button(
        t("io_reference_button", lang, count=len(rows)),
        data=export_bytes(rows, fmt, layout),
        file_name=name,
        mime=MEDIA_TYPES[fmt],
        key=f"{key}-button",
    )


def _layer_label(layers: list[LayerInfo], layer_id: str, lang: Lang) -> str:
    layer = next(x for x in layers if x.id == layer_id)
    return t("io_reference_option", lang, title=layer.title(lang), count=layer.count)
