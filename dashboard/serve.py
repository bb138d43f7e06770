"""The app as an ASGI application: the Streamlit pages (``app.py``) plus the sign-in routes.

``ninohe-geo app`` runs ``streamlit run serve.py``; Streamlit finds ``app`` here and serves it
with uvicorn. The routes (:mod:`ninohe_geo.ui.auth`) set and clear the editors' HttpOnly session
cookie, which a Streamlit script cannot do itself. At start, a thread loads the catalogue
(:func:`ninohe_geo.ui.common.warm_up`) so that the first visitor does not wait for it.
"""

from __future__ import annotations

import threading

import streamlit as st

from ninohe_geo.ui.auth import auth_routes
from ninohe_geo.ui.common import warm_up

app = st.App("app.py", routes=auth_routes(str(st.get_option("server.baseUrlPath") or "")))
# The catalogue, a large one's tiles and the map's modules, loaded while the server starts.
threading.Thread(target=warm_up, name="ninohe-warm-up", daemon=True).start()
