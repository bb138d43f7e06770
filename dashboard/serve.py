"""The app as an ASGI application: the Streamlit pages (``app.py``) plus the sign-in routes.

``ninohe-geo app`` runs ``streamlit run serve.py``; Streamlit finds ``app`` here and serves it
with uvicorn. The routes (:mod:`ninohe_geo.ui.auth`) set and clear the editors' HttpOnly session
cookie, which a Streamlit script cannot do itself. At start, a thread loads the catalogue
(:func:`ninohe_geo.ui.common.warm_up`) so that the first visitor does not wait for it.

Served as Streamlit leaves it, the map page moved while it loaded and waited ~40 ms per file
(issue #15). So the app's connections send at once (``enable_tcp_nodelay``) and ``shell.css``
is in the page's HTML from the start (``ShellMiddleware``), both in :mod:`ninohe_geo.ui.server`.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ninohe_geo.ui.auth import auth_routes
from ninohe_geo.ui.common import warm_up
from ninohe_geo.ui.server import ShellMiddleware, enable_tcp_nodelay, map_page_preload

enable_tcp_nodelay()  # before uvicorn accepts the first connection
_BASE_URL = str(st.get_option("server.baseUrlPath") or "")
_SHELL_CSS = (Path(__file__).parent / "shell.css").read_text(encoding="utf-8")
_PRELOAD = map_page_preload(Path(st.__file__).parent / "static")  # Streamlit's frontend
_SHELL = Middleware(ShellMiddleware, css=_SHELL_CSS, preload=_PRELOAD)  # type: ignore[arg-type]
app = st.App("app.py", routes=auth_routes(_BASE_URL), middleware=[_SHELL])
# The catalogue, a large one's tiles and the map's modules, loaded while the server starts.
threading.Thread(target=warm_up, name="ninohe-warm-up", daemon=True).start()
