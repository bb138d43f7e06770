"""The planner's map: filters in the sidebar, the map, the selected feature's details."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from ninohe_geo import filters, mapview, web
from ninohe_geo.basemaps import DEFAULT_BASEMAP
from ninohe_geo.details import feature_details
from ninohe_geo.i18n import t

lang = web.current_lang()
cat = web.catalog()
flt, basemap_id = web.filter_widgets(cat, lang)
view = filters.apply(cat.features, flt)
selected = st.session_state.get("selected") or st.query_params.get("feature")
if selected is not None and cat.feature(selected) is None:
    selected = None
web.sync_url(
    lang,
    {
        **filters.to_query(flt),
        "basemap": "" if basemap_id == DEFAULT_BASEMAP else basemap_id,
        "feature": selected or "",
    },
)

st.title(t("app_title", lang))
st.caption(t("app_subtitle", lang))
web.problems_panel(cat, lang)
st.markdown(
    f'<p id="feature-count" class="feature-count">'
    f"{t('count', lang, shown=len(view), total=len(cat.features))}</p>",
    unsafe_allow_html=True,
)
if view.empty:
    st.warning(t("none_match", lang))

col_map, col_details = st.columns([3, 2], gap="medium")
with col_map:
    result = st_folium(
        mapview.base_map(
            cat.plan, lang, basemap_id=basemap_id, bounds=mapview.data_bounds(cat.features)
        ),
        key="plan-map",
        feature_group_to_add=mapview.feature_group(view, cat.plan, lang, selected=selected),
        returned_objects=["last_active_drawing"],
        height=640,
        use_container_width=True,
    )
clicked = web.clicked_feature_id(result)
if clicked and clicked != selected:
    st.session_state["selected"] = clicked
    st.rerun()
with col_details:
    web.details_panel(feature_details(cat, selected, lang) if selected else None, lang)
