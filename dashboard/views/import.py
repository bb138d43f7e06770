"""Import a file as a layer (upload → mapping → report → preview → accept) and export data."""

from __future__ import annotations

from ninohe_geo.ui import common as web
from ninohe_geo.ui import importpage as importui

importui.import_page(web.current_lang())
