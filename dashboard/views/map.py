"""The planner's map: filters in the sidebar, the map, the selected feature's details.

The whole view is in the URL (filters, base map, centre and zoom, selected feature, language),
so a copied link opens the same map; the share panel gives the link, its QR code and a print.

Order matters here, for Streamlit reasons measured in a browser:

- a click is read from the map's state at the start of the run, not answered with
  ``st.rerun()``: query-parameter changes made in a run started by ``st.rerun()`` never reached
  the address bar, so ``?feature=`` was lost;
- filter widgets have one key per language (:func:`web.widget_key`): relabelled widgets would
  otherwise come back empty after a language switch.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from ninohe_geo.i18n import t
from ninohe_geo.maps import mapview
from ninohe_geo.query import view as share
from ninohe_geo.query.details import feature_details
from ninohe_geo.ui import common as web
from ninohe_geo.ui import meeting as web_meeting

MAP_KEY = "plan-map"
#: Fits under the title and the count at 1400×900, so the map's bottom is above the fold.
#: ``dashboard/shell.css`` reserves the same height for the map (``.st-key-map-box``).
MAP_HEIGHT = 560

lang = web.current_lang()
cat = web.catalog()
flt, basemap_id = web.filter_widgets(cat, lang)
view, _, _ = share.shown_features(cat, share.View(filter=flt))
clicked = web.clicked_feature_id(st.session_state.get(MAP_KEY))
if clicked and clicked != st.session_state.get("clicked"):
    st.session_state["clicked"] = clicked
    st.session_state["selected"] = clicked
selected = st.session_state.get("selected") or st.query_params.get("feature")
if selected is not None and cat.feature(selected) is None:
    selected = None
seed_center, seed_zoom, center, zoom = web_meeting.map_view(MAP_KEY, (lang, basemap_id))
shared = share.View(
    filter=flt,
    basemap=basemap_id,
    center=center,
    zoom=zoom,
    feature=selected,
    lang=lang,
)
web.sync_url(lang, {k: v for k, v in share.to_query(shared).items() if k != "lang"})

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

# The map first (issue #12): full width until a feature is selected, then the details beside
# it. The columns always exist (so a selection never remounts the map and loses its view); with
# nothing selected, CSS hides the empty details column and lets the map take the row.
with st.container(key="map-row"):
    col_map, col_details = st.columns([3, 2], gap="medium")
if not selected:
    st.html(web.MAP_FIRST_CSS)
with col_map:
    # The box keeps the map's height while the iframe is sized (dashboard/shell.css, issue #15).
    with st.container(key="map-box"):
        st_folium(
            mapview.add_reference(
                mapview.base_map(
                    cat.plan, lang, basemap_id=basemap_id, bounds=mapview.data_bounds(cat.features)
                ),
                cat,
                lang,
                hazards=True,  # the ハザードマップポータル overlays, off until turned on
            ),
            key=MAP_KEY,
            feature_group_to_add=mapview.feature_group(
                view, cat.plan, lang, selected=selected, dataset=web.map_dataset(cat)
            ),
            # Centre and zoom too, for the URL (st_folium debounces moves by 250 ms; the rerun
            # keeps the mounted map).
            returned_objects=["last_active_drawing", "center", "zoom"],
            center=seed_center,
            zoom=seed_zoom,
            height=MAP_HEIGHT,
            use_container_width=True,
        )
    if not selected:
        st.caption(t("details_hint", lang))
    with st.expander(t("share_title", lang), icon=":material/share:"):
        web_meeting.share_panel(shared, lang)
        web_meeting.print_panel(shared, lang)
with col_details:
    if selected:
        web.details_panel(feature_details(cat, selected, lang), lang)
        st.button(t("details_close", lang), key="details-close", on_click=web.clear_selection)
