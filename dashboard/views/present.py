"""Presentation mode (/present): a full-width map for a projector, and guided tours.

No sidebar, large type, high contrast. Next / Previous by buttons or by a clicker's keys; the
map moves between stops without reloading (the base map stays the same; the stop rides in the
feature group). The tour and stop are in the URL, so a link opens the same stop.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from ninohe_geo.escape import markdown_text
from ninohe_geo.i18n import t
from ninohe_geo.maps import mapview, overlays
from ninohe_geo.model.boundary import CITY_BBOX
from ninohe_geo.model.tours import StopView, stop_view
from ninohe_geo.query import view as share
from ninohe_geo.ui import common as web
from ninohe_geo.ui import meeting as web_meeting

#: At 1920×1080 the bar, the tallest stop's text and the map fit the projector's screen.
MAP_HEIGHT = 740

lang = web.current_lang()
cat = web.catalog()
tours = web_meeting.tour_set()
web_meeting.present_chrome()
web_meeting.seed_tour(tours)
basemap_id = st.query_params.get("basemap", "")
everything = mapview.data_bounds(cat.features)

# Before a tour, its picker is open on the page; once a tour runs, one compact bar (Previous,
# progress, Next, and a folded menu for the tour and stop lists) leaves the screen to the stop.
tour = web_meeting.running_tour(tours)
if tour is not None:
    stop = web_meeting.stop_controls(tour, tours, lang)
    current = tour.stops[stop - 1]
    sview = stop_view(current, cat)
    texts = [(s.title(lang), s.caption(lang)) for s in tour.stops]
    total = len(tour.stops)
else:
    web_meeting.tour_picker(tours, lang)  # a choice reruns the page with the tour running
    stop, total = 0, 0
    sview = StopView(everything or CITY_BBOX, None, (), frozenset())
    texts = [(cat.plan.title(lang), t("present_overview_caption", lang))]

st.markdown(web_meeting.stop_text_html(texts, max(stop - 1, 0)), unsafe_allow_html=True)
web.sync_url(
    lang,
    {
        "tour": tour.id if tour else "",
        "stop": str(stop) if tour else "",
        "basemap": basemap_id,
    },
)
shown = share.View(tour=tour.id if tour else None, stop=stop if tour else None)
view, _, _ = share.shown_features(cat, shown, tours)
group = mapview.feature_group(view, cat.plan, lang, dataset=web.map_dataset(cat))
overlays.add_focus(group, sview, stop, total, present=True)
st_folium(
    mapview.add_reference(  # the city outline, so the city shows even when tiles do not
        mapview.base_map(cat.plan, lang, basemap_id=basemap_id or "gsi-std", bounds=everything),
        cat,
        lang,
        outlines_only=True,
    ),
    key="present-map",
    feature_group_to_add=group,
    returned_objects=[],
    height=MAP_HEIGHT,
    use_container_width=True,
)
st.caption(markdown_text(t("present_keys", lang)))
for problem in tours.problems:
    st.warning(f"{t('tours_problems', lang)}: {markdown_text(str(problem))}")
