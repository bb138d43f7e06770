"""Which base maps a map may use: the online ones (:data:`~.basemaps.BASEMAPS`) and one
"offline" map per installed tile pack (:mod:`.tilepacks`), and the lookup by id that every
renderer uses. Its own module so that the base-map table and the tile packs do not import each
other (the packs name the table's attributions; this names both).
"""

from __future__ import annotations

from ninohe_geo.maps.basemaps import BASEMAPS, Basemap
from ninohe_geo.maps.tilepacks import offline_basemaps


def available_basemaps() -> tuple[Basemap, ...]:
    """:data:`BASEMAPS` plus an "offline" one per installed tile pack (``ninohe-geo tiles``)."""
    return BASEMAPS + offline_basemaps()


def basemap(basemap_id: str) -> Basemap:
    """The base map with ``basemap_id``, or the default one if unknown."""
    for b in BASEMAPS:
        if b.id == basemap_id:
            return b
    for b in available_basemaps():
        if b.id == basemap_id:
            return b
    return BASEMAPS[0]
