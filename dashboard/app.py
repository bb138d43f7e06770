"""ninohe-geo — the Streamlit app. Run: ``ninohe-geo app`` (``./run app`` in a checkout).

Thin: page config, static assets, the language switch and our CSS (``app.css``), navigation.
Each page is a file in ``views/``; the logic lives in the ``ninohe_geo`` package.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ninohe_geo.i18n import t
from ninohe_geo.ui import common as web

st.set_page_config(
    page_title="二戸市総合計画マップ / Ninohe Plan Map",
    page_icon=str(Path(__file__).parent / "favicon.png"),
    layout="wide",
)
web.prepare_static(str(Path(__file__).parent / "static"))
# The navigation before the language switch (issue #15): the page list, drawn above the switch
# and the filters, is then sent first; sent second it pushed them down (shell.css also keeps
# them out of sight until it is drawn). The language is known before the switch is drawn.
lang = web.session_lang()

pages = [
    st.Page(
        "views/map.py",
        title=t("nav_map", lang),
        icon=":material/map:",
        url_path="map",
        default=True,
    ),
    st.Page(
        "views/plan.py", title=t("nav_plan", lang), icon=":material/account_tree:", url_path="plan"
    ),
    st.Page(
        "views/present.py",
        title=t("nav_present", lang),
        icon=":material/slideshow:",
        url_path="present",
    ),
    st.Page(
        "views/residents.py", title=t("res_nav", lang), icon=":material/home:", url_path="residents"
    ),
    st.Page(
        "views/import.py",
        title=t("io_nav_import", lang),
        icon=":material/upload_file:",
        url_path="import",
    ),
    st.Page("views/edit.py", title=t("nav_edit", lang), icon=":material/edit:", url_path="edit"),
]
page = st.navigation(pages)
web.language_switch()
st.html(Path(__file__).parent / "app.css")  # our styles: the selected language stands out
page.run()
