"""Streamlit glue for community meetings: tours in the session and URL, keys, projector styling.

Pages stay thin: ``dashboard/views/present.py`` calls these helpers. The tour and stop live in
``st.session_state`` (``tour``, ``stop``) and in the URL (``?tour=featured&stop=3``), seeded
from the URL once per session like the map page's filters (:mod:`ninohe_geo.ui.common`).

Keyboard: presentation clickers send ArrowRight/ArrowLeft, PageDown/PageUp or Space. Streamlit
has no key events, so a small script (``st.html(..., unsafe_allow_javascript=True)``; our own
code, no data in it) listens on the page *and* inside the map's iframe (same origin) — after a
click on the map the iframe holds the focus, and Leaflet would otherwise pan with the arrows —
and clicks the page's own Next/Previous buttons, so keys and buttons take the same path.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ninohe_geo.escape import html_text
from ninohe_geo.i18n import t
from ninohe_geo.model.plan import Lang
from ninohe_geo.model.tours import Tour, TourSet, clamp_stop, load_tours, tours_dir
from ninohe_geo.paths import data_dir
from ninohe_geo.query import view as share
from ninohe_geo.ui import common as web

#: Keys of the Next / Previous buttons (Streamlit adds the class ``st-key-<key>``).
NEXT_KEY = "tour-next"
PREV_KEY = "tour-prev"
#: Key of the folded menu (tour, stop list, language) during a tour.
MENU_KEY = "tour-menu"

#: The projector look: no sidebar, no header, large type, black on white.
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 1.5rem 0.5rem 1.5rem; max-width: 100%; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] label,
[data-testid="stMainBlockContainer"] button { font-size: 1.25rem; }
/* Read from the back of a meeting room (issue #12): headings ≥ 48 px, text ≥ 32 px. */
[data-testid="stMainBlockContainer"] p.ninohe-stop-title { font-size: 3rem;
  line-height: 1.2; font-weight: 700; color: #000; margin: 0; }
[data-testid="stMainBlockContainer"] p.ninohe-stop-caption { font-size: 2rem;
  line-height: 1.4; color: #000; margin: 0.2rem 0; }
[data-testid="stMainBlockContainer"] p.ninohe-progress { font-size: 2.4rem; font-weight: 700;
  color: #000; text-align: center; margin: 0; }
.ninohe-keys { font-size: 1rem; color: #333; }
/* Every stop's text in one grid cell, only the current one visible: the block keeps the height
   of the tallest stop, so the map under it never moves between stops. */
.ninohe-stop-text { display: grid; }
.ninohe-stop-text > div { grid-area: 1 / 1; }
.ninohe-stop-text > .ninohe-stop-text-other { visibility: hidden; }
</style>
"""

KEYBOARD_JS = """
<script>
(function () {
  if (window.__ninoheTourKeys) { return; }
  window.__ninoheTourKeys = true;
  var NEXT = { ArrowRight: 1, PageDown: 1, " ": 1, Spacebar: 1 };
  var PREV = { ArrowLeft: 1, PageUp: 1 };
  function typing(el) {
    if (!el) { return false; }
    var tag = (el.tagName || "").toLowerCase();
    // A closed select box (the tour picker, the stop list) keeps the focus after a choice:
    // the clicker's keys must still move the tour.
    if (el.getAttribute("role") === "combobox" && el.getAttribute("aria-expanded") !== "true") {
      return false;
    }
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }
  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var which = NEXT[event.key] ? "__NEXT__" : (PREV[event.key] ? "__PREV__" : null);
    if (event.key === " " && event.shiftKey) { which = "__PREV__"; }
    if (!which) { return; }
    var button = document.querySelector(".st-key-" + which + " button");
    if (!button) { return; }
    event.preventDefault();
    event.stopPropagation();
    if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
    if (!button.disabled) { button.click(); }
  }
  window.addEventListener("keydown", onKey, true);
  function watchFrames() {
    document.querySelectorAll("iframe").forEach(function (frame) {
      try {
        var w = frame.contentWindow;
        if (w && !w.__ninoheTourKeys) {
          w.__ninoheTourKeys = true;
          w.addEventListener("keydown", onKey, true);
        }
      } catch (e) { /* another origin: not ours */ }
    });
  }
  watchFrames();
  setInterval(watchFrames, 500);
})();
</script>
""".replace("__NEXT__", NEXT_KEY).replace("__PREV__", PREV_KEY)


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    return web.files_signature(sorted(tours_dir(root).glob("*.yaml")))


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(root: str, signature: tuple[tuple[str, int, int], ...]) -> TourSet:
    del signature  # part of the cache key only: an edited tour file reloads
    return load_tours(Path(root))


def tour_set() -> TourSet:
    """The data folder's tours, shared read-only by every session, reloaded when a file changes."""
    root = data_dir()
    return _load(str(root), _signature(root))


def present_chrome() -> None:
    """Hide the sidebar and header, enlarge the type, and install the keyboard shortcuts."""
    st.html(PRESENT_CSS)
    st.html(KEYBOARD_JS, unsafe_allow_javascript=True)


def seed_tour(tours: TourSet) -> None:
    """Start the session's tour and stop from the URL (once); unknown tours fall back to none."""
    if "tour" not in st.session_state:
        wanted = st.query_params.get("tour", "")
        st.session_state["tour"] = wanted if tours.get(wanted) is not None else ""
        try:
            stop = int(st.query_params.get("stop", "1"))
        except ValueError:
            stop = 1
        st.session_state["stop"] = stop
    tour = tours.get(st.session_state.get("tour"))
    if tour is not None:
        st.session_state["stop"] = clamp_stop(tour, st.session_state.get("stop"))


# The tour and stop live in plain session keys ("tour", "stop"); the select boxes that change
# them have keys of their own that name what they were made for ("tour-pick-featured",
# "stop-pick-featured-3"), so each is made with the current value as its default. A select box
# bound to "tour" itself lost the value when it moved into the folded menu: Streamlit mounts a
# popover's widgets when it is first opened, and a widget mounted late starts from its default.


def _go(tour: Tour, stop: int) -> None:
    st.session_state["stop"] = clamp_stop(tour, stop)


def _on_tour_pick(key: str) -> None:
    st.session_state["tour"] = str(st.session_state.get(key) or "")
    st.session_state["stop"] = 1


def _on_stop_pick(key: str) -> None:
    st.session_state["stop"] = int(st.session_state.get(key) or 1)


def _toggle_lang() -> None:
    st.session_state["lang"] = "en" if st.session_state.get("lang") != "en" else "ja"


def _tour_select(tours: TourSet, lang: Lang) -> None:
    options = ["", *(tour.id for tour in tours.tours)]
    titles = {tour.id: tour.title(lang) for tour in tours.tours}
    current = str(st.session_state.get("tour") or "")
    key = f"tour-pick-{current}"
    st.selectbox(
        t("present_tour", lang),
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda tid: titles.get(tid, t("present_overview", lang)),
        key=key,
        on_change=_on_tour_pick,
        args=(key,),
    )


def tour_picker(tours: TourSet, lang: Lang) -> None:
    """Before a tour: the tour choice (or the overview), the language toggle and a link back to
    the map, open on the page. Once a tour runs they fold into :func:`stop_controls`' menu."""
    pick, other, back = st.columns([4, 1, 1], vertical_alignment="bottom")
    with pick:
        _tour_select(tours, lang)
    other.button(t("present_other_lang", lang), on_click=_toggle_lang, key="present-lang")
    back.page_link("views/map.py", label=t("present_back", lang), icon=":material/map:")


def running_tour(tours: TourSet) -> Tour | None:
    """The tour the session runs (chosen by the picker's callback before this run), or None."""
    return tours.get(st.session_state.get("tour"))


def stop_controls(tour: Tour, tours: TourSet, lang: Lang) -> int:
    """During a tour, one compact bar: Previous / progress / Next, and a menu (folded: the
    projector shows the map and the stop, issue #12) holding the tour choice, the stop list to
    jump, the language toggle and the link back to the map. Returns the 1-based stop.
    """
    stop = clamp_stop(tour, st.session_state.get("stop"))
    total = len(tour.stops)
    prev, progress, nxt, menu = st.columns([2, 1, 2, 2], vertical_alignment="center")
    prev.button(
        t("present_prev", lang),
        key=PREV_KEY,
        on_click=_go,
        args=(tour, stop - 1),
        disabled=stop <= 1,
        use_container_width=True,
    )
    progress.markdown(
        f'<p id="tour-progress" class="ninohe-progress">'
        f"{t('present_progress', lang, stop=stop, total=total)}</p>",
        unsafe_allow_html=True,
    )
    nxt.button(
        t("present_next", lang),
        key=NEXT_KEY,
        on_click=_go,
        args=(tour, stop + 1),
        disabled=stop >= total,
        use_container_width=True,
        type="primary",
    )
    numbers = list(range(1, total + 1))
    with menu.popover(
        t("present_menu", lang), icon=":material/tune:", width="stretch", key=MENU_KEY
    ):
        _tour_select(tours, lang)
        key = f"stop-pick-{tour.id}-{stop}"
        st.selectbox(
            t("present_jump", lang),
            numbers,
            index=stop - 1,
            format_func=lambda n: f"{n}. {tour.stops[n - 1].title(lang)}",
            key=key,
            on_change=_on_stop_pick,
            args=(key,),
        )
        st.button(t("present_other_lang", lang), on_click=_toggle_lang, key="present-lang")
        st.page_link("views/map.py", label=t("present_back", lang), icon=":material/map:")
    return stop


def stop_text_html(texts: list[tuple[str, str]], current: int) -> str:
    """The heading and caption of the stop ``current`` (0-based) of ``texts`` (title, caption).

    Every stop's text is laid in the same grid cell and only the current one is visible, so the
    block is as tall as the tallest stop at whatever width and language: the map below it stays
    put from stop to stop (issue #12: it jumped a caption line). The others are hidden from
    sight and from assistive tools (``visibility: hidden``, ``aria-hidden``); only the current
    one carries the ids ``tour-title`` and ``tour-caption``. Every string is escaped.
    """
    cells = []
    for index, (title, caption) in enumerate(texts):
        if index == current:
            cells.append(
                '<div class="ninohe-stop-text-now">'
                f'<p id="tour-title" class="ninohe-stop-title">{html_text(title)}</p>'
                f'<p id="tour-caption" class="ninohe-stop-caption">{html_text(caption)}</p></div>'
            )
        else:
            cells.append(
                '<div class="ninohe-stop-text-other" aria-hidden="true">'
                f'<p class="ninohe-stop-title">{html_text(title)}</p>'
                f'<p class="ninohe-stop-caption">{html_text(caption)}</p></div>'
            )
    # One line of HTML: a blank line would end Markdown's HTML block.
    return f'<div class="ninohe-stop-text">{"".join(cells)}</div>'.replace("\n", " ")


#: Session keys of the map page's view: the seed handed to st_folium, and what it was seeded for.
_SEED = "map_seed"
_SEED_FOR = "map_seed_for"


def _reported_view(map_key: str) -> tuple[tuple[float, float] | None, int | None]:
    """The centre and zoom the map last reported (st_folium keeps its value under its key)."""
    value = st.session_state.get(map_key)
    if not isinstance(value, dict):
        return None, None
    center, zoom = value.get("center"), value.get("zoom")
    latlon = None
    if isinstance(center, dict) and isinstance(center.get("lat"), int | float):
        latlon = share.parse_center(f"{center['lat']},{center.get('lng')}")
    return latlon, share.parse_zoom(str(zoom)) if isinstance(zoom, int | float) else None


def map_view(
    map_key: str, remount_key: tuple[str, ...]
) -> tuple[tuple[float, float] | None, int | None, tuple[float, float] | None, int | None]:
    """The map page's view: (seed centre, seed zoom, current centre, current zoom).

    The *current* view is the last one the map reported (st_folium ``returned_objects``
    ``center``/``zoom``, debounced by st_folium), else the seed. The *seed* is what
    ``st_folium(center=, zoom=)`` gets: taken from the URL once, and kept constant while the
    same map stays mounted — st_folium moves the map whenever the value it is given changes,
    so feeding back every pan would fight the user. When the base map itself changes
    (``remount_key``: language, base map), the map is rebuilt and the seed becomes the current
    view, so the rebuilt map opens where the user was.
    """
    reported_center, reported_zoom = _reported_view(map_key)
    if _SEED not in st.session_state:
        st.session_state[_SEED] = (
            share.parse_center(st.query_params.get("center", "")),
            share.parse_zoom(st.query_params.get("zoom", "")),
        )
        st.session_state[_SEED_FOR] = remount_key
    elif st.session_state.get(_SEED_FOR) != remount_key:
        if reported_center is not None and reported_zoom is not None:
            st.session_state[_SEED] = (reported_center, reported_zoom)
        st.session_state[_SEED_FOR] = remount_key
    seed_center, seed_zoom = st.session_state[_SEED]
    current_center = reported_center if reported_center is not None else seed_center
    current_zoom = reported_zoom if reported_zoom is not None else seed_zoom
    return seed_center, seed_zoom, current_center, current_zoom


def page_url(path: str = "") -> str:
    """The app's address as the browser sees it, without query, for links and QR codes.

    ``path`` replaces the page part (``"present"``); empty keeps the page as it is.
    """
    try:
        url = str(st.context.url or "")
    except (AttributeError, RuntimeError):
        url = ""
    url = url.split("?", 1)[0].split("#", 1)[0] or "http://localhost:8501/"
    if path:
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0]
        url = f"{scheme}://{host}/{path}"
    return url


def share_panel(view: share.View, lang: Lang, path: str = "") -> None:
    """The link to this view and its QR code (PNG), made when asked.

    The map's centre and zoom reach the server with the next rerun (see :data:`VIEW_URL_JS`),
    so the link is made on a click, which is that rerun: it always matches the map on screen.
    """
    if not st.button(t("share_make", lang), key="share-make", icon=":material/qr_code:"):
        return
    url = share.share_url(page_url(path), view)
    st.caption(t("share_link", lang))
    st.code(url, language=None, wrap_lines=True)
    st.caption(t("share_qr", lang))
    st.image(share.qr_png(url, scale=5), width=220)
    st.download_button(
        t("share_qr_download", lang),
        data=share.qr_png(url, scale=10),
        file_name="ninohe-map-qr.png",
        mime="image/png",
        key="share-qr-download",
    )


def _render_print(view: share.View, paper: str, orientation: str, fmt: str, link: str) -> bytes:
    """Render the printout of ``view`` (printing runs Chromium in a worker thread)."""
    from ninohe_geo.output import printout as printing

    options = printing.PrintOptions(paper, orientation, fmt)  # type: ignore[arg-type]
    return printing.make_print(web.catalog(), view, options, tour_set(), link).data


def print_panel(view: share.View, lang: Lang, path: str = "") -> None:
    """Paper, orientation and format; a button that renders (seconds: a spinner), then download.

    The file is made only when asked (rendering takes seconds) and kept in the session for the
    view it was made from; a changed view or option drops it, so a download is never stale.
    """
    from ninohe_geo.output.printout import PrintError

    paper_col, orient_col, fmt_col = st.columns(3)
    paper = paper_col.selectbox(t("print_paper", lang), ["A4", "A3"], key="print-paper")
    orientation = orient_col.selectbox(
        t("print_orientation", lang),
        ["landscape", "portrait"],
        format_func=lambda o: t(f"print_{o}", lang),
        key="print-orientation",
    )
    fmt = fmt_col.selectbox(
        t("print_format", lang), ["pdf", "png"], format_func=str.upper, key="print-format"
    )
    link = share.share_url(page_url(path), view)
    wanted = (link, paper, orientation, fmt)
    made = st.session_state.get("print-made")
    if made is not None and made[0] != wanted:
        made = None
    if st.button(t("print_make", lang), key="print-make", icon=":material/print:"):
        with st.spinner(t("print_working", lang)):
            try:
                data = _render_print(view, str(paper), str(orientation), str(fmt), link)
            except PrintError as exc:
                st.error(f"{t('print_failed', lang)}: {exc}")
                data = None
        if data is not None:
            made = (wanted, data)
            st.session_state["print-made"] = made
    if made is not None:
        st.download_button(
            t("print_download", lang),
            data=made[1],
            file_name=f"ninohe-plan-map-{paper}-{orientation}.{fmt}",
            mime="application/pdf" if fmt == "pdf" else "image/png",
            key="print-download",
            icon=":material/download:",
        )
