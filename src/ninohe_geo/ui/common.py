"""Streamlit glue shared by the pages: cached data, the language switch, filter widgets, panels.

Pages stay thin: they call these helpers and render. Nothing here decides what a feature means
(that is :mod:`details`) or which features pass (that is :mod:`filters`).

The view lives in the URL: widgets start from the query string and :func:`sync_url` writes it
back, with IDs rather than labels (``?pillar=P3&measure=P3-01&lang=en``), so a link means the same
in either language and the plan page can link to a filtered map. (Streamlit's own
``bind="query-params"`` puts the displayed labels in the URL, which would tie links to a language.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from ninohe_geo.escape import markdown_text
from ninohe_geo.i18n import DEFAULT_LANG, parse_lang, t
from ninohe_geo.maps import mapview, vectortiles
from ninohe_geo.maps.assets import STREAMLIT_STATIC_URL, install_static
from ninohe_geo.maps.basemaps import DEFAULT_BASEMAP
from ninohe_geo.maps.tilesources import available_basemaps
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import LANGS, Lang
from ninohe_geo.paths import cache_dir, data_dir, layers_dir, plan_file, static_dir
from ninohe_geo.query import filters
from ninohe_geo.query.details import Details
from ninohe_geo.store.catalogcache import load_catalog_cached

if TYPE_CHECKING:
    import geopandas as gpd


@st.cache_resource(show_spinner=False)
def prepare_static(static_dir: str) -> list[str]:
    """Copy the map's JS/CSS into the app's static folder, once per server process."""
    return install_static(Path(static_dir))


def files_signature(files: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and mtimes of ``files`` (missing ones left out): a cheap cache key that
    changes when a file does."""
    out = []
    for f in files:
        try:
            st_ = f.stat()
        except OSError:
            continue
        out.append((f.name, st_.st_size, st_.st_mtime_ns))
    return tuple(out)


def _data_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """The signature of the data files: the plan, every layer and the projects."""
    layers = sorted(layers_dir(root).glob("*.geojson"))
    return files_signature([plan_file(root), *layers, root / "projects.json"])


#: Shown while the catalogue is (re)loaded — after a restart with no warm-up, or an edit or
#: import changed the data — and a large one's tiles are built: tens of seconds at 100,000
#: features. One text for both languages: a cached function's spinner cannot follow the page's.
LOADING_MESSAGE = "地図のデータを準備しています… / Preparing the map data…"


@st.cache_resource(show_spinner=LOADING_MESSAGE, max_entries=4)
def _load(root: str, signature: tuple[tuple[str, int, int], ...]) -> Catalog:
    # ``signature`` is only part of the cache key: a changed file reloads the catalogue.
    del signature
    cat = load_catalog_cached(Path(root), cache_dir())  # checked once per folder state
    map_dataset(cat)  # large: write the map's geometry file now, not in a visitor's run
    return cat


def map_dataset(cat: Catalog) -> vectortiles.TileDataset | None:
    """A large catalogue as PMTiles vector tiles (:mod:`ninohe_geo.maps.vectortiles`), for
    ``mapview.feature_group(dataset=…)``; None at city scale, where every feature is an SVG
    element. Built once per catalogue (kept across restarts; later calls are a lookup)."""
    if len(cat.features) <= mapview.CANVAS_THRESHOLD:
        return None
    return tile_dataset(cat.features)


def tile_dataset(features: gpd.GeoDataFrame) -> vectortiles.TileDataset:
    """``features`` (the catalogue's table) as vector tiles in the app's static folder, where
    the browser fetches them (built once per content: a later call is a lookup)."""
    return vectortiles.publish(features, static_dir(), STREAMLIT_STATIC_URL)


#: Where import previews' archives go, inside the app's static folder: apart from the
#: catalogue's, so that a preview never takes the place of (or prunes) the map page's archive.
PREVIEW_FOLDER = "preview"


def preview_dataset(features: gpd.GeoDataFrame) -> vectortiles.TileDataset:
    """An import preview's ``features`` as vector tiles, in the static folder's preview area
    (``/app/static/preview/tiles/…``); pruned there as the map page's are in theirs."""
    return vectortiles.publish(
        features,
        static_dir() / PREVIEW_FOLDER,
        f"{STREAMLIT_STATIC_URL.rstrip('/')}/{PREVIEW_FOLDER}",
    )


def catalog() -> Catalog:
    """The catalogue of the data folder, shared read-only by every session.

    ``cache_resource`` (not ``cache_data``): the catalogue is immutable and large data would be
    copied on every ``cache_data`` hit. A filter change never re-reads files.
    """
    from ninohe_geo.ui.session import database_catalog  # a postgresql:// store (issue #6)

    from_db = database_catalog()
    if from_db is not None:
        return from_db
    root = data_dir()
    return _load(str(root), _data_signature(root))


def warm_up() -> None:
    """Do the first visitor's waiting at server start (``serve.py`` runs this in a thread):
    import the chart module, load the catalogue into the shared cache (and a
    large one's vector tiles, :func:`map_dataset`), and compile folium's templates by drawing
    one base map. Measured at 100,000 features: 2–3 s that the first visitor after a restart
    otherwise waited for. A failure here is only logged: the first visitor's run then does the
    same work and shows any error as usual."""
    import logging

    # The catalogue's loading spinner has no page to go to here: Streamlit says so ("missing
    # ScriptRunContext … can be ignored") once per call; not worth a line in the server's log.
    context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = context_log.level
    context_log.setLevel(logging.ERROR)
    try:
        # Not streamlit_folium: a component declared outside a script run is never drawn.
        import altair  # noqa: F401 - the plan page's charts

        cat = catalog()
        mapview.base_map(cat.plan, DEFAULT_LANG).get_root().render()
    except Exception:
        logging.getLogger(__name__).warning("warm-up failed", exc_info=True)
    finally:
        context_log.setLevel(level)


def _seed(key: str, value: object) -> None:
    """Give a widget its first value (from the URL) unless it already has one this session."""
    if key not in st.session_state:
        st.session_state[key] = value


def session_lang() -> Lang:
    """The language of this run, known before the switch is drawn: the session's choice (a click
    on the switch is in the session when the run starts), else the URL's ``?lang=``, else
    Japanese. ``app.py`` titles the navigation with it and draws the switch after it."""
    if st.session_state.get("lang") not in LANGS:
        st.session_state["lang"] = parse_lang(st.query_params.get("lang", DEFAULT_LANG))
    return current_lang()


def language_switch() -> Lang:
    """The language control (sidebar); Japanese by default, kept in the URL as ``?lang=``."""
    session_lang()
    chosen = st.sidebar.segmented_control(
        "Language / 言語",
        options=list(LANGS),
        format_func=lambda code: {"ja": "日本語", "en": "English"}[code],
        key="lang",
        required=True,
    )
    if chosen is None:
        # On a first visit the browser can send the control back with nothing selected (seen
        # with Streamlit 1.67 when another widget, the map, reruns the page): the control then
        # showed no language although the page stayed Japanese. Forget the empty value and run
        # again: the line above restores the language from the URL (or the default).
        del st.session_state["lang"]
        st.rerun()
    return current_lang()


def current_lang() -> Lang:
    """The language chosen by :func:`language_switch` in this run."""
    return parse_lang(st.session_state.get("lang", DEFAULT_LANG))


def known_values(cat: Catalog) -> dict[str, frozenset[str]]:
    """The values each URL filter parameter may take (anything else in a link is dropped)."""
    return filters.known_values(cat)


def widget_key(name: str, lang: Lang) -> str:
    """The session key of a filter widget in ``lang`` (e.g. ``pillar.en``).

    Streamlit sends a multiselect's or selectbox's value as its displayed *labels*, so after a
    language switch the browser's old value no longer matches the relabelled options and comes
    back empty (measured in Chromium, Streamlit 1.67: the next map click showed the map
    unfiltered). One key per language makes the switched widgets new widgets, seeded from the
    URL, which always holds the view as IDs (:func:`sync_url`).
    """
    return f"{name}.{lang}"


def filter_widgets(cat: Catalog, lang: Lang) -> tuple[filters.FeatureFilter, str]:
    """The sidebar filters and base-map choice; returns the filter state and base map ID.

    Widgets start from the URL (``?pillar=P3&measure=P3-01&q=…``: IDs, not labels, so a link
    works in either language) and the URL follows the widgets (:func:`sync_url`).
    """
    names = {b.id: b.name(lang) for b in available_basemaps()}
    criteria = filters.CRITERIA
    key = {
        n: widget_key(n, lang) for n in ("q", *(c.param for c in criteria), "featured", "basemap")
    }
    start = filters.from_query(st.query_params.to_dict(), known_values(cat))
    _seed(key["q"], start.text)
    for c in criteria:
        _seed(key[c.param], sorted(start.values(c.param)))
    _seed(key["featured"], start.featured_only)
    url_basemap = st.query_params.get("basemap", DEFAULT_BASEMAP)
    _seed(key["basemap"], url_basemap if url_basemap in names else DEFAULT_BASEMAP)

    sb = st.sidebar
    sb.header(t("filters", lang))
    text = sb.text_input(t("filter_text", lang), key=key["q"], help=t("filter_text_help", lang))
    chosen: dict[str, list[str]] = {}
    for c in criteria:
        options = c.options(cat, lang)
        chosen[c.param] = sb.multiselect(
            t(c.label_key, lang),
            list(options),
            format_func=lambda v, o=options: o.get(v, v),  # type: ignore[misc]
            key=key[c.param],
            placeholder=t("choose_options", lang),
            select_all=False,  # its label is Streamlit's English "Select all"
        )
    featured = sb.checkbox(t("filter_featured", lang), key=key["featured"])
    basemap_id = sb.selectbox(
        t("basemap", lang), list(names), format_func=names.__getitem__, key=key["basemap"]
    )
    flt = filters.FeatureFilter.of(featured_only=bool(featured), text=text or "", **chosen)
    return flt, str(basemap_id or DEFAULT_BASEMAP)


def sync_url(lang: Lang, extra: dict[str, str] | None = None) -> None:
    """Make the URL say what is shown: the language plus ``extra`` (filters, base map …).

    Parameters equal to their defaults are left out, so the plain URL is the default view.
    """
    wanted: dict[str, str] = {} if lang == DEFAULT_LANG else {"lang": lang}
    wanted.update({k: v for k, v in (extra or {}).items() if v})
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def problems_panel(cat: Catalog, lang: Lang) -> None:
    """Say which files and features could not be loaded; the rest of the app keeps working."""
    errors = [p for p in cat.problems if p.severity == "error"]
    if not errors:
        return
    with st.expander(f"⚠️ {t('data_problems', lang)} ({len(errors)})", expanded=True):
        st.markdown("\n".join(f"- {markdown_text(str(p))}" for p in errors[:50]))


def details_panel(details: Details | None, lang: Lang) -> None:
    """The selected feature's details beside the map (every value escaped for markdown)."""
    st.subheader(t("details", lang))
    if details is None:
        st.info(t("details_hint", lang))
        return
    st.markdown(f"### {markdown_text(details.name)}")
    st.caption(markdown_text(details.other_name))
    if details.loose:
        st.warning(f"{t('loose_label', lang)} — {markdown_text(details.accuracy)}")
    lines = []
    for label, value in details.rows(lang):
        lines.append(f"**{markdown_text(label)}**: {markdown_text(value)}")
    st.markdown("  \n".join(lines))
    if details.source_url and details.source_url.startswith(("https://", "http://")):
        st.link_button(t("source", lang), details.source_url)
    st.markdown(f"**{markdown_text(t('projects_of_place', lang))}**")
    if details.projects:
        st.markdown("\n".join(f"- {markdown_text(line)}" for line in details.projects))
    else:
        st.caption(t("projects_none", lang))
    st.caption(t("projects_of_measure", lang, n=details.measure_projects))
    if details.measure_progress:
        st.caption("  \n".join(markdown_text(line) for line in details.measure_progress))
    st.markdown(f"**{markdown_text(t('indicators', lang))}**")
    st.markdown(
        "\n".join(f"- {markdown_text(n)}: {markdown_text(v)}" for n, v in details.indicators)
    )


#: With nothing selected, the map takes the whole row (the details column is empty).
MAP_FIRST_CSS = (
    "<style>"
    ".st-key-map-row [data-testid='stColumn']:nth-child(2) { display: none; }"
    ".st-key-map-row [data-testid='stColumn']:first-child"
    " { flex: 1 1 100% !important; width: 100% !important; max-width: 100% !important; }"
    "</style>"
)


def clear_selection() -> None:
    """Close the details (a button's callback): the map fills the page again."""
    st.session_state["selected"] = None
    st.query_params.pop("feature", None)


def clicked_point(result: dict[str, Any] | None) -> tuple[float, float] | None:
    """(lat, lon) of the last click on the map itself (not on a feature), from st_folium's
    ``last_clicked``; None when there was none."""
    point = result.get("last_clicked") if result else None
    if not isinstance(point, dict):
        return None
    lat, lng = point.get("lat"), point.get("lng")
    if not isinstance(lat, int | float) or not isinstance(lng, int | float):
        return None
    return float(lat), float(lng)


def clicked_feature_id(result: dict[str, Any] | None) -> str | None:
    """The id of the feature the user clicked, from st_folium's return value."""
    if not result:
        return None
    drawing = result.get("last_active_drawing")
    if not isinstance(drawing, dict):
        return None
    props = drawing.get("properties")
    fid = props.get("id") if isinstance(props, dict) else None
    return fid if isinstance(fid, str) else None
