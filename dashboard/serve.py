"""The app as an ASGI application: the Streamlit pages (``app.py``) plus the sign-in routes.

``ninohe-geo app`` runs ``streamlit run serve.py``; Streamlit finds ``app`` here and serves it
with uvicorn. The routes (:mod:`ninohe_geo.ui.auth`) set and clear the editors' HttpOnly session
cookie, which a Streamlit script cannot do itself.
"""

from __future__ import annotations

import streamlit as st

from ninohe_geo.ui.auth import auth_routes

app = st.App("app.py", routes=auth_routes(str(st.get_option("server.baseUrlPath") or "")))
