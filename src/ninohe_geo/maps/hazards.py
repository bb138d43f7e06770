"""Optional hazard overlays from the ハザードマップポータルサイト (issue #13): raster tiles of the
national disaster-risk information, drawn over the base map when a user turns them on.

They are the 国土交通省's published tiles (the open data of 「重ねるハザードマップ」,
:data:`PORTAL_URL`): 洪水浸水想定区域（想定最大規模） for the whole country, and the
土砂災害警戒区域 of Iwate (prefecture code 03) by kind. Like the base
map's tiles they come from the internet (never bundled). For a meeting room without internet,
``ninohe-geo tiles pack --hazards`` saves them like the base map (one pack per tile set,
:func:`pack_names`); the app's maps then draw the saved tiles. Without a pack, offline they
are simply not drawn.

Every overlay says where it comes from (「出典：ハザードマップポータルサイト」, the site's own
credit line) and that it is **not the city's own hazard map** — the portal's FAQ says so of
重ねるハザードマップ: it is risk information made by national and prefectural bodies, not the
水防法 hazard map a municipality makes. Residents must check the city's hazard map for decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ninohe_geo.i18n import t
from ninohe_geo.maps.tilepacks import InstalledPack
from ninohe_geo.model.plan import Lang

#: The portal's open-data page: what the tiles are and how to credit them.
PORTAL_URL = "https://disaportal.gsi.go.jp/hazardmap/copyright/opendata.html"
#: The tiles' host (tests route it; the offline check lists it with the base-map hosts).
TILE_HOST = "disaportaldata.gsi.go.jp"
#: Iwate's prefecture code in the portal's per-prefecture 土砂災害警戒区域 tiles.
IWATE = "03"


@dataclass(frozen=True)
class HazardOverlay:
    """One overlay of the portal: one toggle, drawn from one or more tile sets."""

    id: str
    name_ja: str
    name_en: str
    urls: tuple[str, ...]
    max_native_zoom: int
    """The deepest zoom the portal serves; deeper zooms stretch those tiles."""

    def name(self, lang: Lang) -> str:
        """Display name in ``lang``."""
        return self.name_ja if lang == "ja" else self.name_en


_BASE = f"https://{TILE_HOST}/raster"

HAZARD_OVERLAYS: tuple[HazardOverlay, ...] = (
    HazardOverlay(
        "hazard-flood",
        "洪水浸水想定区域（想定最大規模）",
        "Flood inundation zones (largest assumed scale)",
        (f"{_BASE}/01_flood_l2_shinsuishin_data/{{z}}/{{x}}/{{y}}.png",),
        17,
    ),
    # The three kinds of 土砂災害警戒区域 (土石流・急傾斜地の崩壊・地すべり) as one toggle: each
    # colours its own zones, and a resident asks "is this a landslide area", not which kind.
    HazardOverlay(
        "hazard-sediment",
        "土砂災害警戒区域（土石流・急傾斜地・地すべり）",
        "Sediment disaster warning zones (debris flow, steep slope, landslide)",
        tuple(
            f"{_BASE}/{kind}_data/{IWATE}/{{z}}/{{x}}/{{y}}.png"
            for kind in (
                "05_dosekiryukeikaikuiki",
                "05_kyukeishakeikaikuiki",
                "05_jisuberikeikaikuiki",
            )
        ),
        17,
    ),
)

#: How opaque an overlay is: the base map's names stay readable beneath it.
OPACITY = 0.6


def hazard_overlay(overlay_id: str) -> HazardOverlay | None:
    """The overlay with ``overlay_id``, or None."""
    return next((o for o in HAZARD_OVERLAYS if o.id == overlay_id), None)


def attribution(lang: Lang) -> str:
    """The overlays' credit line for the map's attribution control: HTML written here (never
    from data), with the note that this is not the city's hazard map."""
    return (
        f'<a href="{PORTAL_URL}" target="_blank" rel="noopener">'
        f"{t('hazard_source', lang)}</a>{t('hazard_not_city', lang)}"
    )


def pack_names(overlay: HazardOverlay) -> tuple[str, ...]:
    """The tile-pack folder of each of ``overlay``'s tile sets, in the order of its URLs."""
    if len(overlay.urls) == 1:
        return (overlay.id,)
    return tuple(f"{overlay.id}-{i}" for i in range(1, len(overlay.urls) + 1))


def _tiles(overlay: HazardOverlay, packs: Sequence[InstalledPack]) -> tuple[list[str], int]:
    """The overlay's tile URLs and deepest zoom: the saved packs when every tile set of it is
    packed (offline), else the portal's."""
    by_name = {p.name: p for p in packs if p.overlay == overlay.id}
    saved = [by_name.get(name) for name in pack_names(overlay)]
    if saved and all(p is not None for p in saved):
        present = [p for p in saved if p is not None]
        deepest = min([overlay.max_native_zoom, *(p.maxzoom for p in present)])
        return [p.url for p in present], deepest
    return list(overlay.urls), overlay.max_native_zoom


def hazard_layers(lang: Lang, packs: Sequence[InstalledPack] = ()) -> list[dict[str, Any]]:
    """The overlays as ``ninoheReference.addReference`` layers: off until turned on, drawn as
    tiles under the plan's features, credited while shown.

    ``packs``: the installed tile packs (the app passes them; the static site, served
    elsewhere, does not): an overlay whose tile sets are all packed is drawn from them."""
    layers = []
    for o in HAZARD_OVERLAYS:
        urls, deepest = _tiles(o, packs)
        layers.append(
            {
                "id": o.id,
                "title": o.name(lang),
                "label": t("hazard_label", lang, name=o.name(lang)),
                "shown": False,
                "tiles": {
                    "urls": urls,
                    "maxNativeZoom": deepest,
                    "opacity": OPACITY,
                    "attribution": attribution(lang),
                },
            }
        )
    return layers
