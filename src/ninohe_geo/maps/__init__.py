"""Everything that draws a map: base maps (:mod:`.basemaps`) and offline tile packs
(:mod:`.tilepacks`), the files the browser is served (:mod:`.assets`), the folium map builder
(:mod:`.mapview`), overlays, drawing tools, large catalogues as vector tiles (:mod:`.vectortiles`)
and the compact geometry encoding of inline maps (:mod:`.encoding`). Maps draw what
they are given: they never filter (that is :mod:`ninohe_geo.query`).
"""
