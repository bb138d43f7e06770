"""Streamlit glue of the residents' page: the "near me" button, phone-sized styles, the cards.

"Near me" is a small ``st.components.v2`` component (inline HTML and JS, no build step, no
external file): a real ``<button>`` that calls ``navigator.geolocation`` only when pressed and
hands the coordinates back as component state. Chosen over a button inside the map iframe
because the list, not only the map, is sorted by distance, which needs the point on the server.
The coordinates live in the session only: never written to the URL, a log or a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang
from ninohe_geo.query.residents import ProjectCard, project_cards
from ninohe_geo.query.shelters import SiteHit, crow_text

_NEAR_ME_HTML = (
    '<div class="near"><button type="button" class="near-btn"></button>'
    '<p class="near-status" role="status" aria-live="polite"></p></div>'
)
_NEAR_ME_CSS = """
.near-btn { min-height: 44px; min-width: 44px; padding: 8px 16px; font: inherit; font-size: 16px;
  color: #ffffff; background: #a3152a; border: none; border-radius: 8px; cursor: pointer; }
.near-btn:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
.near-status { margin: 4px 0 0; color: #1a1a1a; font-size: 14px; min-height: 1em; }
"""
# Labels arrive as component data and are set with textContent (never innerHTML).
_NEAR_ME_JS = """
export default function (component) {
  const { parentElement, data, setStateValue } = component;
  const button = parentElement.querySelector(".near-btn");
  const status = parentElement.querySelector(".near-status");
  button.textContent = data.label;
  button.onclick = () => {
    if (!navigator.geolocation) { setStateValue("position", { error: "unsupported" }); return; }
    status.textContent = data.locating;
    navigator.geolocation.getCurrentPosition(
      (p) => { status.textContent = ""; setStateValue("position",
        { lat: p.coords.latitude, lon: p.coords.longitude, at: Date.now() }); },
      (e) => { status.textContent = ""; setStateValue("position",
        { error: String(e.code), at: Date.now() }); },
      { enableHighAccuracy: false, timeout: 20000, maximumAge: 60000 }
    );
  };
}
"""


@st.cache_resource(show_spinner=False)
def _near_me_component() -> Any:
    """Register the component once per server process (re-registering logs a warning)."""
    return st.components.v2.component(
        "ninohe_near_me", html=_NEAR_ME_HTML, css=_NEAR_ME_CSS, js=_NEAR_ME_JS
    )


def near_me_button(
    lang: Lang, on_change: Callable[[], None] | None = None
) -> dict[str, Any] | None:
    """The "near me" button; returns ``{lat, lon}`` or ``{error}`` once pressed, else None.
    ``on_change`` runs when a new position (or error) arrives."""
    result = _near_me_component()(
        key="near-me",
        data={"label": t("res_near_me", lang), "locating": t("res_near_me_locating", lang)},
        on_position_change=on_change or (lambda: None),
    )
    position = getattr(result, "position", None)
    return position if isinstance(position, dict) else None


#: Phone-first styles of the residents' page (our own constant CSS; no data in it).
PHONE_CSS = """
<style>
/* Tap targets at least 44 px (WCAG 2.5.5) for the page's own controls. */
.stMain button, .stMain .stSelectbox [role="combobox"], .stMain input { min-height: 44px; }
.stMain .stTextInput input { font-size: 16px; }
.stMain .stSelectbox button { min-width: 44px; min-height: 44px; }
/* Heading anchor links are 16 px targets: hidden on this page (the list has no use for them). */
.stMain [data-testid="stHeaderActionElements"] { display: none; }
.res-card h3 { margin-bottom: 0.2rem; }
/* Phone: less empty space above the title and smaller headings, so the search box and what it
   finds come into the first screen. */
@media (max-width: 640px) {
  .stMainBlockContainer { padding-top: 3.75rem; }
  .stMain h1 { font-size: 1.75rem; padding-top: 0.5rem; }
  .stMain h2 { font-size: 1.4rem; }
  .stMain h3 { font-size: 1.2rem; }
}
</style>
"""


def phone_styles() -> None:
    """Apply :data:`PHONE_CSS` (constant, written by us)."""
    st.markdown(PHONE_CSS, unsafe_allow_html=True)


def card_markdown(card: ProjectCard, lang: Lang, level: int = 3) -> str:
    """One project as escaped markdown: heading (name), summary, then labelled rows."""
    heading = "#" * level
    lines = [f"{heading} {md(card.name)}", "", md(card.other_name), "", md(card.summary), ""]
    rows = [f"- **{md(label)}**: {md(value)}" for label, value in card.rows(lang)]
    return "\n".join(lines + rows)


def cards(
    catalog: Catalog, lang: Lang, ids: Iterable[str], distances: dict[str, str] | None = None
) -> None:
    """One bordered card per project of ``ids``, in that order (``.st-key-res-card-<id>``)."""
    for card in project_cards(catalog, lang, ids, distances):
        with st.container(border=True, key=f"res-card-{card.id}"):
            st.markdown(card_markdown(card, lang, level=3))


def shelter_list_markdown(hits: list[SiteHit], lang: Lang) -> str:
    """The nearest designated sites as an escaped numbered list (the numbers on the map)."""
    sep = "、" if lang == "ja" else ", "
    return "\n".join(
        f"{n}. "
        + md(
            t(
                "res_shelter_line",
                lang,
                name=hit.name,
                distance=crow_text(hit.distance_m, lang),
                hazards=sep.join(hit.hazards),
            )
        )
        for n, hit in enumerate(hits, start=1)
    )
