"""The residents' view, phone first: search, my area or near me, the map, and every project."""

from __future__ import annotations

import dataclasses

import streamlit as st
from streamlit_folium import st_folium

from ninohe_geo.escape import html_text
from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.model import districts
from ninohe_geo.query import residents
from ninohe_geo.query.residents_map import view_key
from ninohe_geo.query.residents_view import residents_view
from ninohe_geo.query.search import build_index
from ninohe_geo.query.shelters import FINDER_HAZARDS, around, hazard_label, map_marks, nearest_sites
from ninohe_geo.ui import common as web
from ninohe_geo.ui import residents as residents_web

lang = web.current_lang()
cat = web.catalog()
residents_web.phone_styles()

if "res_q" not in st.session_state:
    st.session_state["res_q"] = str(st.query_params.get("q", ""))[:200]
if "res_area" not in st.session_state:
    url_area = st.query_params.get("area", "")
    st.session_state["res_area"] = url_area if districts.district(url_area) else ""


def _clear_tap() -> None:
    """A new area or "near me" replaces a point tapped on the map (the latest ask wins)."""
    st.session_state.pop("res_tap", None)


def _switch_language() -> None:
    st.session_state["lang"] = "en" if st.session_state.get("lang", "ja") == "ja" else "ja"


st.title(t("res_title", lang))
st.button(
    t("res_other_lang", lang),
    key="res-lang",
    on_click=_switch_language,
    help=t("res_other_lang_label", lang),
)
st.markdown(md(t("res_intro", lang)))
web.problems_panel(cat, lang)

# The search first, its results directly below it while typing (live: no Enter needed); the area
# and "near me" next, their results directly below them; then the map, fitted to what is found.
query = st.text_input(
    t("res_search", lang),
    key="res_q",
    placeholder=t("res_search_placeholder", lang),
    type="search",
    live=True,
)
query_box = st.container(key="res-after-search")
area_names = {"": t("res_area_all", lang), **{d.id: d.name(lang) for d in districts.DISTRICTS}}
area_id = st.selectbox(
    t("res_area", lang),
    list(area_names),
    format_func=area_names.__getitem__,
    key="res_area",
    placeholder=t("choose_options", lang),  # not Streamlit's English "Choose an option"
    on_change=_clear_tap,
)
st.caption(t("res_area_missing", lang))
position = residents_web.near_me_button(lang, on_change=_clear_tap)
st.caption(t("res_near_me_privacy", lang))
area_box = st.container(key="res-after-area")
map_box = st.container(key="res-map-box")
shelter_box = st.container(key="res-shelters")
rest_box = st.container(key="res-rest")

origin: tuple[float, float] | None = None
note = ""
point_name = ""
warnings: list[str] = []
if position and "lat" in position:
    lat, lon = float(position["lat"]), float(position["lon"])
    if districts.in_city_box(lat, lon):
        origin, note = (lat, lon), t("res_near_me_active", lang)
        point_name = t("res_near_me_point", lang)
    else:
        warnings.append(t("res_near_me_outside", lang))
elif position and "error" in position:
    warnings.append(t("res_near_me_failed", lang))
chosen = districts.district(area_id or "")
if origin is None and chosen is not None:
    origin = (chosen.lat, chosen.lon)
    point_name = chosen.point(lang)
    note = t("res_area_note", lang, point=point_name)
tapped = st.session_state.get("res_tap")
if tapped is not None:  # a point tapped on the map: the latest ask (an area or near me clears it)
    origin, note, point_name = tapped, t("res_tap_active", lang), t("res_tap_point", lang)

view = residents_view(cat, build_index(cat.features), query or "", origin, lang)
# The nearest designated site for a hazard, from the same point; numbered on the map, listed
# below it. Answering a tap, the map shows the point and its sites.
hazard = str(st.session_state.get("res_hazard") or FINDER_HAZARDS[0])
hits = nearest_sites(cat.reference, *origin, hazard, lang) if origin is not None else []
sites = map_marks(hits, lang)
if tapped is not None:
    view = dataclasses.replace(
        view, fit=around(tapped, hits), key=view_key(tapped, [hazard, *(h.id for h in hits)])
    )
web.sync_url(lang, {"q": (query or "").strip(), "area": area_id or ""})

# Results go directly below the control that asked for them: the search box when words are
# typed, else the area and "near me" controls. Nothing asked: the count, then the map.
with query_box if (query or "").strip() else area_box:
    for warning in warnings:
        st.warning(warning)
    count = t("res_count", lang, shown=len(view.results), total=len(cat.features))
    st.markdown(f'<p id="res-count" role="status">{html_text(count)}</p>', unsafe_allow_html=True)
    if note:
        st.info(note)
    if not view.results:
        st.warning(t("res_none", lang))
    if view.first:
        st.header(t("res_results_near" if origin else "res_results", lang))
        residents_web.cards(cat, lang, view.first, view.distances)

with map_box:
    st.subheader(t("res_map_heading", lang))
    st.caption(" ".join(t(k, lang) for k in ("res_map_hint", "res_map_clusters", "res_map_tap")))
    if origin is not None:
        st.caption(t("res_map_origin", lang, point=point_name))
    selected = st.session_state.get("res_selected")
    result = st_folium(
        residents.residents_base_map(cat, lang),
        key="residents-map",
        feature_group_to_add=residents.residents_features(
            cat,
            residents.subset(cat.features, view.results),
            lang,
            selected,
            fit=view.fit,
            key=view.key,
            origin=origin,
            overview=not view.filtered,
            sites=sites,
        ),
        returned_objects=["last_active_drawing", "last_clicked"],
        height=360,
        use_container_width=True,
    )
    clicked = web.clicked_feature_id(result)
    point = web.clicked_point(result)  # the map itself (a feature keeps its own clicks)
    if clicked and clicked != selected and cat.feature(clicked) is not None:
        st.session_state["res_selected"] = clicked
        st.session_state["res_tap_seen"] = point
        st.rerun()
    if point is not None and point != st.session_state.get("res_tap_seen"):
        st.session_state["res_tap_seen"] = point
        st.session_state.pop("res_selected", None)
        if districts.in_city_box(*point):
            st.session_state["res_tap"] = point
        else:
            st.session_state["res_tap_outside"] = True
        st.rerun()
    if selected and cat.feature(selected) is not None:
        st.subheader(t("res_selected", lang))
        card = residents.project_card(cat, selected, lang)
        st.markdown(residents_web.card_markdown(card, lang, level=3))

with shelter_box:
    st.subheader(t("res_shelter_heading", lang))
    st.selectbox(
        t("res_shelter_hazard", lang),
        list(FINDER_HAZARDS),
        format_func=lambda code: hazard_label(code, lang),
        key="res_hazard",
    )
    if st.session_state.pop("res_tap_outside", False):
        st.warning(t("res_tap_outside", lang))
    if origin is None:
        st.caption(t("res_shelter_choose", lang))
    else:
        heading = t("res_shelter_from", lang, point=point_name, hazard=hazard_label(hazard, lang))
        st.markdown(f"**{md(heading)}**")
        if not hits:
            st.warning(t("res_shelter_none", lang))
        st.markdown(residents_web.shelter_list_markdown(hits, lang))
        st.caption(t("res_shelter_crow", lang))
        if tapped is not None:
            st.button(t("res_tap_clear", lang), key="res-tap-clear", on_click=_clear_tap)

with rest_box:
    if view.rest:
        heading = "res_results_rest" if origin else "res_list_plan"
        st.header(t(heading, lang))
        residents_web.cards(cat, lang, view.rest, view.distances)
