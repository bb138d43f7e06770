"""Download buttons for a set of features (the filtered view or everything), for any page.

One format at a time (a select box, then one button), so a rerun builds one export, not four.
The map page can offer the filtered view with one call::

    downloads.download_buttons(view, lang, key="map-download")
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from ninohe_geo.i18n import t
from ninohe_geo.io.export import EXPORT_FORMATS, MEDIA_TYPES, export_bytes
from ninohe_geo.plan import Lang

LABELS = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "csv": "CSV", "kml": "KML"}


def download_buttons(
    features: gpd.GeoDataFrame, lang: Lang, key: str = "download", file_stem: str = "ninohe-geo"
) -> None:
    """A format choice and a download button for ``features`` (nothing when empty)."""
    if features.empty:
        return
    fmt = st.selectbox(
        t("io_download_format", lang),
        EXPORT_FORMATS,
        format_func=LABELS.__getitem__,
        key=f"{key}-format",
    )
    st.download_button(
        t("io_download_button", lang, count=len(features)),
        data=export_bytes(features, str(fmt)),
        file_name=f"{file_stem}.{fmt}",
        mime=MEDIA_TYPES[str(fmt)],
        key=f"{key}-button",
    )
