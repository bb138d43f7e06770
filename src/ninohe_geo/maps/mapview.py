"""Build the folium map: a base map that stays put, and a feature layer that follows filters.

The map is split in two so that a filter change does not reload Leaflet or reset the view:

- :func:`base_map` — tiles, scale, legend, attributions; the same for every filter, so
  streamlit-folium keeps the mounted map;
- :func:`feature_group` — the filtered features as one :class:`PlanFeatures` element, handed
  to ``st_folium(feature_group_to_add=…)``, which swaps it in place.

This module never filters: it draws the view it is given. Strings from data reach the page only
through :func:`ninohe_geo.escape.script_json` (and ``textContent`` in the browser).
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from ninohe_geo.escape import script_json
from ninohe_geo.i18n import t
from ninohe_geo.maps.assets import STREAMLIT_STATIC_URL, offline_links
from ninohe_geo.maps.basemaps import BASEMAPS, DEFAULT_BASEMAP, Basemap
from ninohe_geo.maps.encoding import encode_geometries
from ninohe_geo.maps.hazards import hazard_layers
from ninohe_geo.maps.reference import (
    accuracy_element,
    area_layers,
    reference_element,
    without_merged,
)
from ninohe_geo.maps.style import style_options
from ninohe_geo.maps.tilepacks import installed_packs
from ninohe_geo.maps.tilesources import basemap
from ninohe_geo.maps.vectortiles import MAX_ZOOM, TileDataset
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang, Plan

#: City hall (FACTS.md: ja.wikipedia 二戸市), the default centre; zoom 11 shows the whole city.
DEFAULT_CENTER: tuple[float, float] = (40.2300, 141.2500)
DEFAULT_ZOOM = 11
#: Above this many features a map is drawn from the catalogue's PMTiles vector tiles
#: (:mod:`ninohe_geo.maps.vectortiles`, ``ninohe-tiles.js``) when it has them, and otherwise on
#: Leaflet's canvas renderer. At or below it every feature is an SVG element (addressable,
#: accessible).
CANVAS_THRESHOLD = 2000


#: The browser functions a :class:`PlanFeatures` may call.
DRAW_FUNCTIONS = ("addFeatures", "addTileDataset")


class _ScriptText(Element):
    """Script text that is already rendered: written out as is, not compiled as a template."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "ScriptText"
        self.text = text


class PlanFeatures(MacroElement):
    """The plan's features as compact column arrays, drawn by ``ninoheGeo.addFeatures``."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = ninoheGeo.{{ this.draw }}("
        "{{ this._parent.get_name() }}, {{ this.data }}, {{ this.options }});"
        "{% endmacro %}"
    )

    def __init__(self, data: str, options: str, draw: str = "addFeatures") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PlanFeatures"
        self.data = data
        self.options = options
        #: The drawing function: ``addFeatures`` (inline data, ninohe-map.js: SVG, or Leaflet's
        #: canvas renderer with ``canvas``) or ``addTileDataset`` (PMTiles vector tiles and a mask).
        self.draw = draw if draw in DRAW_FUNCTIONS else "addFeatures"

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the script to the figure without branca's second Jinja pass over the data.

        ``MacroElement.render`` wraps the rendered script in ``Element(template=...)``, which
        makes Jinja lex (and evaluate) the whole payload again: slow for large maps, and any
        ``{{``/``{%`` in data would be template code.
        """
        figure = self.get_root()
        assert isinstance(figure, Figure), "PlanFeatures must be in a Figure to render"
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_ScriptText(script(self, kwargs)), name=self.get_name())


class Legend(MacroElement):
    """The app's legend (policy colours and the dashed 位置は概略 line), drawn in the map."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "ninoheGeo.addLegend({{ this._parent.get_name() }}, {{ this.options }});"
        "ninoheGeo.watchTiles({{ this._parent.get_name() }}, {{ this.tiles_message }});"
        "{% endmacro %}"
    )

    def __init__(self, options: str, tiles_message: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.options = options
        self.tiles_message = tiles_message


def simplify(features: gpd.GeoDataFrame, tolerance_deg: float) -> gpd.GeoSeries:
    """Geometries simplified for drawing at a zoom; points pass through unchanged."""
    if tolerance_deg <= 0:
        return features.geometry
    return features.geometry.simplify(tolerance_deg, preserve_topology=True)


def features_payload(
    features: gpd.GeoDataFrame, lang: Lang, tolerance_deg: float = 0.0
) -> dict[str, Any]:
    """The column arrays ``ninohe-map.js`` draws: ids, names, pillar indexes, loose flags, geoms."""
    name_col = "name_ja" if lang == "ja" else "name_en"
    geoms = simplify(features, tolerance_deg)
    return {
        "ids": features["id"].tolist(),
        "names": features[name_col].tolist(),
        "pillars": features["pillar_index"].astype(int).tolist(),
        "loose": features["loose"].astype(int).tolist(),
        "geoms": encode_geometries(geoms.values),
    }


def legend_options(plan: Plan, lang: Lang) -> dict[str, Any]:
    """Legend entries from the plan's pillars."""
    return {
        "title": t("legend_title", lang),
        "items": [
            {"color": p.color, "label": f"{p.short(lang)} {p.name(lang)}"} for p in plan.pillars
        ],
        "looseNote": t("legend_loose", lang),
        # A <details>, folded on maps narrower than 1100 px (the planner's map at 1400×900,
        # full width or beside its details): open, it covered about 40 % of the map in English
        # and hid the points under it (issue #12). One click on 凡例 opens it.
        "collapsible": True,
        "openFrom": 1100,
    }


def base_map(
    plan: Plan,
    lang: Lang,
    basemap_id: str = DEFAULT_BASEMAP,
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    static_url: str = STREAMLIT_STATIC_URL,
    gesture_handling: bool = False,
    bounds: tuple[float, float, float, float] | None = None,
    legend: dict[str, Any] | None = None,
) -> folium.Map:
    """The map without features: one base map, scale bar, legend; assets served locally.

    ``legend`` replaces the default legend's options (:func:`legend_options`; the residents'
    map passes one whose swatches carry the pillar marks).

    ``bounds`` (minx, miny, maxx, maxy), when given, frames the view instead of centre and zoom:
    pass the whole catalogue's bounds, not the filtered view's, so the base map stays the same
    across filter changes (and the mounted map is kept).
    """
    chosen: Basemap = basemap(basemap_id)
    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        max_zoom=chosen.max_zoom,
        gestureHandling=gesture_handling,
    )
    js, css = offline_links(static_url)
    m.default_js = js
    m.default_css = css
    folium.TileLayer(
        tiles=chosen.url,
        attr=chosen.attribution,
        name=chosen.name(lang),
        max_zoom=chosen.max_zoom,
        max_native_zoom=chosen.max_zoom,
    ).add_to(m)
    m.add_child(
        Legend(
            script_json(legend if legend is not None else legend_options(plan, lang)),
            script_json(t("tiles_unavailable", lang)),
        )
    )
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def feature_group(
    features: gpd.GeoDataFrame,
    plan: Plan,
    lang: Lang,
    selected: str | None = None,
    tolerance_deg: float = 0.0,
    dataset: TileDataset | None = None,
) -> folium.FeatureGroup:
    """The filtered features, ready for ``feature_group_to_add`` (or ``add_to(map)``).

    With ``dataset`` (the whole catalogue as PMTiles vector tiles,
    :mod:`ninohe_geo.maps.vectortiles`; the app, the presenter view, print, the editing page
    and a signed-in editor's import preview pass it for large catalogues) a view of more than
    :data:`CANVAS_THRESHOLD` features is sent as the archive's URL and a bit mask of the
    features shown — a few kilobytes instead of the geometry — and drawn by
    ``ninoheGeo.addTileDataset``, each zoom from its own tiles.

    Otherwise the view is sent inline (ids, names and compactly encoded geometry, simplified by
    a positive ``tolerance_deg``) and drawn by ``ninoheGeo.addFeatures``: one SVG element per
    feature, or above :data:`CANVAS_THRESHOLD` on Leaflet's canvas renderer — the fallback for a
    large view the archive does not hold (features not in the catalogue, or no archive).
    """
    group = folium.FeatureGroup(name="plan", control=False)
    large = len(features) > CANVAS_THRESHOLD
    options = {
        **style_options(plan),
        "looseLabel": t("loose_label", lang),
        "selected": selected,
        "canvas": large,
        "lang": lang,
        "loadError": t("map_data_error", lang),
    }
    mask = dataset.mask(features) if large and dataset is not None else None
    if dataset is not None and mask is not None:
        ref = {
            "url": dataset.url,
            "names": dataset.names_url,
            "mask": mask,
            "count": len(features),
            "selected": dataset.position(selected),
            "maxZoom": MAX_ZOOM,
        }
        group.add_child(PlanFeatures(script_json(ref), script_json(options), draw="addTileDataset"))
        return group
    circles = accuracy_element(features, plan) if not large else None
    if circles is not None:
        group.add_child(circles)
    group.add_child(
        PlanFeatures(
            script_json(features_payload(features, lang, tolerance_deg)), script_json(options)
        )
    )
    return group


def add_reference(
    m: folium.Map,
    catalog: Catalog,
    lang: Lang,
    outlines_only: bool = False,
    hazards: bool = False,
) -> folium.Map:
    """Draw the catalogue's reference layers (outline, shelters, AEDs) on ``m``, each with
    its own toggle; they do not follow the plan's filters (see :mod:`ninohe_geo.maps.reference`).

    ``outlines_only``: only the areas' outlines (the city boundary), no points and no toggle —
    for print and the presenter, where context points would crowd the plan's numbered marks.
    ``hazards``: the ハザードマップポータル overlays too, off until turned on in the same control
    (with ``outlines_only``, a control of the outline and the overlays: the residents' map).
    """
    reference, layers = (
        without_merged(catalog.reference, catalog.features),
        catalog.reference_layers(),
    )
    if outlines_only:
        reference, layers = area_layers(reference, layers)
    overlays = hazard_layers(lang, installed_packs()) if hazards else []
    element = reference_element(
        reference, layers, lang, control=not outlines_only or bool(overlays), overlays=overlays
    )
    if element is not None:
        m.add_child(element)
    return m


def standalone_map(
    features: gpd.GeoDataFrame,
    plan: Plan,
    lang: Lang,
    static_url: str,
    basemap_id: str = DEFAULT_BASEMAP,
    fit: bool = True,
    catalog: Catalog | None = None,
) -> folium.Map:
    """A complete map in one HTML page, its features inline (tests and the folium benchmark,
    :mod:`bench.measure`); with ``catalog``, its reference layers too."""
    m = base_map(
        plan,
        lang,
        basemap_id=basemap_id,
        static_url=static_url,
        bounds=data_bounds(features) if fit else None,
    )
    if catalog is not None:
        add_reference(m, catalog, lang)
    feature_group(features, plan, lang).add_to(m)
    return m


def data_bounds(features: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) of the features, or None when there are none."""
    if features.empty:
        return None
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(features.geometry.values))
    return minx, miny, maxx, maxy


__all__ = ["BASEMAPS", "base_map", "feature_group", "features_payload", "standalone_map"]
