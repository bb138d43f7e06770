"""The residents' map layer: numbered marks that never hide each other, and a view that follows
the search or the area.

At phone size (360×640) the whole city fits in about 300 px, so the 23 numbered 44 px marks of
the shipped data fell on three spots. Spreading them (``ninohe-map.js`` does, for points on one
spot) needs rings wider than the map there, partly off-screen or under the controls. So below
:data:`SPLIT_ZOOM` the marks whose 44 px targets would overlap are gathered into one badge that
says how many there are (「5件」) and lists their names in its accessible name; tapping it zooms
in until they stand apart (the way Leaflet.markercluster works, in some 60 lines, with no
plug-in to serve). From :data:`SPLIT_ZOOM` up nothing is gathered: points on one spot (二戸市役所
and 防災拠点整備の検討 share a coordinate) are spread around it by ``ninohe-map.js``.

The badge is a real ``<button>`` inside a non-interactive Leaflet marker: a tap zooms the map and
is not reported to Streamlit (no rerun), keyboard users reach it with Tab.

The view: the page gives the bounds to show and a key of what is filtered; the map fits the
bounds only when the key changes, so tapping a mark (which redraws the layer with it selected)
never moves the map a resident has just panned.

This belongs with the other renderers in ``maps/`` and ``static/ninohe-map.js`` (the static site,
the presenter's view and print would share it); it lives here, as a script written by us with
every data value passed as JSON through :func:`ninohe_geo.escape.script_json` and put into the
page with ``textContent`` / ``setAttribute``, until it moves.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import folium
import geopandas as gpd
from jinja2 import Template

from ninohe_geo.escape import script_json
from ninohe_geo.i18n import t
from ninohe_geo.maps import mapview
from ninohe_geo.model.plan import Lang

#: From this zoom up no mark is gathered into a badge (spread instead): about 1.3 km across a
#: phone's map; two places 170 m apart stand as two marks.
SPLIT_ZOOM = 15
#: Centre-to-centre distance (px, both axes) below which two 44 px targets are gathered.
GAP_PX = 48
#: The tightest view the map fits to (a single result is shown at this zoom).
FIT_MAX_ZOOM = SPLIT_ZOOM
#: Room kept free around a fitted view (px), so that no fitted target lies under a control: the
#: zoom buttons and the folded legend take the left 76 px (top and bottom), the attribution the
#: bottom 20 px; plus half a target (22 px) and a margin everywhere.
FIT_PADDING_TOP_LEFT = (100, 26)
FIT_PADDING_BOTTOM_RIGHT = (26, 46)
#: The whole-city overview keeps less room (the base map's own framing, zoom 10 on a phone): its
#: badges stand in the middle, and the wider padding would drop it to zoom 9, one badge for all.
OVERVIEW_PADDING = (24, 24, 24, 24)

# Our own script (no data in it). ninoheGeo.addFeatures (ninohe-map.js) draws the marks that stand
# alone and every line and area; this script gathers the rest into badges and fits the view.
RESIDENTS_JS = """
window.ninoheResidents = window.ninoheResidents || (function () {
  "use strict";
  function pick(data, idx) {
    var out = { ids: [], names: [], pillars: [], loose: [], geoms: [] };
    idx.forEach(function (i) {
      out.ids.push(data.ids[i]); out.names.push(data.names[i]); out.pillars.push(data.pillars[i]);
      out.loose.push(data.loose[i]); out.geoms.push(data.geoms[i]);
    });
    return out;
  }
  function say(template, values) {
    return template.replace(/\\{(\\w+)\\}/g, function (_, k) { return String(values[k]); });
  }
  function draw(group, data, opts, view) {
    var points = [], others = [];
    data.geoms.forEach(function (g, i) {
      var geom = ninoheGeo.decodeGeometry(g);
      if (geom && geom.type === "Point") {
        points.push({ i: i, at: L.latLng(geom.coordinates[1], geom.coordinates[0]) });
      } else { others.push(i); }
    });
    var badges = L.layerGroup(), map = null, shownKey = null;

    /* Gather the points whose targets would overlap at this zoom. Leader clustering: the points
     * with the most close neighbours lead; every other point joins the nearest leader closer
     * than view.gap (both axes) or leads itself. Badges stand at their leader's place, so no two
     * targets overlap (leaders are view.gap apart) and a badge never drifts into a neighbour. */
    function gather() {
      var at = points.map(function (p) { return map.latLngToLayerPoint(p.at); });
      var singles = points.map(function (p, k) {
        return { members: [p], x: at[k].x, y: at[k].y };
      });
      if (map.getZoom() >= view.splitZoom) { return singles; }
      function close(a, b) {
        return Math.abs(at[a].x - at[b].x) < view.gap && Math.abs(at[a].y - at[b].y) < view.gap;
      }
      var order = points.map(function (_, k) {
        var n = 0;
        for (var j = 0; j < points.length; j++) { if (j !== k && close(k, j)) { n++; } }
        return { k: k, n: n };
      }).sort(function (a, b) { return b.n - a.n || a.k - b.k; });
      var leaders = [];
      order.forEach(function (o) {
        var best = null, bestD = Infinity;
        leaders.forEach(function (item) {
          if (close(o.k, item.k)) {
            var d = at[o.k].distanceTo(at[item.k]);
            if (d < bestD) { best = item; bestD = d; }
          }
        });
        if (best) { best.members.push(points[o.k]); }
        else { leaders.push({ k: o.k, members: [points[o.k]], x: at[o.k].x, y: at[o.k].y }); }
      });
      leaders.forEach(function (item) {
        item.members.sort(function (a, b) { return a.i - b.i; });
      });
      return leaders;
    }

    function badge(item) {
      var n = item.members.length;
      var names = item.members.map(function (p) { return data.names[p.i]; });
      var listed = names.slice(0, 5).join(opts.clusterSep) +
        (n > 5 ? say(opts.clusterMore, { n: n - 5 }) : "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ninohe-res-cluster";
      button.textContent = say(opts.clusterText, { n: n });
      button.setAttribute("aria-label", say(opts.clusterLabel, { n: n, names: listed }));
      button.title = listed;
      var ids = item.members.map(function (p) { return data.ids[p.i]; });
      button.setAttribute("data-cluster-ids", ids.join(" "));
      var chosen = item.members.some(function (p) { return data.ids[p.i] === opts.selected; });
      button.style.cssText = "width:44px;height:44px;min-width:44px;padding:0;margin:0;" +
        "border-radius:10px;border:3px solid " + (chosen ? "#ffd400" : "#ffffff") + ";" +
        "background:#1a1a1a;color:#ffffff;font:bold 14px/1 sans-serif;cursor:pointer;" +
        "box-shadow:0 0 0 1px #1a1a1a,0 1px 4px rgba(0,0,0,.5);pointer-events:auto;";
      L.DomEvent.disableClickPropagation(button);
      function zoomIn() {
        var bounds = L.latLngBounds(item.members.map(function (p) { return p.at; }));
        var room = view.tapPadding;
        var pad = { paddingTopLeft: [room[0], room[1]], paddingBottomRight: [room[2], room[3]],
                    maxZoom: view.splitZoom };
        var fitted = Math.min(view.splitZoom, map.getBoundsZoom(bounds, false,
          L.point(room[0] + room[2], room[1] + room[3])));
        if (fitted > map.getZoom()) { map.fitBounds(bounds, pad); }
        else { map.setView(bounds.getCenter(), Math.min(view.splitZoom, map.getZoom() + 1)); }
      }
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.stop(e);
        // Leaflet drops a zoom asked for during a zoom animation (the fit, a double tap): wait.
        if (map._animatingZoom) { map.once("zoomend", zoomIn); } else { zoomIn(); }
      });
      var at = map.layerPointToLatLng(L.point(item.x, item.y));
      var icon = L.divIcon({ className: "ninohe-res-cluster-icon", html: button,
                             iconSize: [44, 44], iconAnchor: [22, 22] });
      return L.marker(at, { icon: icon, interactive: false, keyboard: false, zIndexOffset: 1000 });
    }

    function render() {
      if (!map) { return; }
      var items = gather();
      var key = items.map(function (it) {
        return it.members.map(function (p) { return p.i; }).join(",");
      }).join("|");
      if (key === shownKey) { return; }
      shownKey = key;
      group.clearLayers();
      badges.clearLayers();
      var alone = others.slice();
      items.forEach(function (it) {
        if (it.members.length === 1) { alone.push(it.members[0].i); }
        else { badge(it).addTo(badges); }
      });
      alone.sort(function (a, b) { return a - b; });
      ninoheGeo.addFeatures(group, pick(data, alone), opts);
      if (view.origin) { ninoheGeo.addOrigin(badges, view.origin); }
      if (view.sites && view.sites.length) { ninoheGeo.addSiteHits(badges, view.sites); }
    }

    function fit() {
      if (map._ninoheResidentsKey === view.key) { return; }
      map._ninoheResidentsKey = view.key;
      if (!view.fit) { return; }
      var b = view.fit;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {
        paddingTopLeft: [view.padding[0], view.padding[1]],
        paddingBottomRight: [view.padding[2], view.padding[3]],
        maxZoom: view.maxZoom
      });
    }

    function start() {
      map = group._map;
      badges.addTo(map);
      map.on("zoomend", render);
      render();
      fit();
    }
    group.once("remove", function () {
      if (map) { map.off("zoomend", render); map.removeLayer(badges); }
      map = null;
    });
    if (group._map) { start(); } else { group.once("add", start); }
  }
  return { draw: draw };
})();
"""


class ResidentsLayer(mapview.PlanFeatures):
    """The residents' features, gathered or spread, and the view to fit (see the module doc)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.code }}"
        "var {{ this.get_name() }} = ninoheResidents.draw("
        "{{ this._parent.get_name() }}, {{ this.data }}, {{ this.options }}, {{ this.view }});"
        "{% endmacro %}"
    )

    def __init__(self, data: str, options: str, view: str) -> None:
        super().__init__(data, options)
        self._name = "ResidentsLayer"
        self.code = RESIDENTS_JS
        self.view = view


def view_key(origin: tuple[float, float] | None, ids: list[str]) -> str:
    """A short key of what is filtered: the map refits only when it changes."""
    text = json.dumps([origin, ids], ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def view_options(
    fit: tuple[float, float, float, float] | None,
    key: str,
    origin: tuple[float, float] | None = None,
    overview: bool = False,
    sites: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``view`` argument of ``ninoheResidents.draw``: bounds to fit, key, origin, settings.

    ``overview``: the whole city (nothing asked), framed with :data:`OVERVIEW_PADDING`. A tapped
    badge always zooms to its marks with the controls' room (:data:`FIT_PADDING_TOP_LEFT` …).
    ``sites``: the nearest designated evacuation sites, numbered on the map
    (``ninoheGeo.addSiteHits``: ``{id, lat, lon, label}``).
    """
    padding = OVERVIEW_PADDING if overview else (*FIT_PADDING_TOP_LEFT, *FIT_PADDING_BOTTOM_RIGHT)
    return {
        "fit": list(fit) if fit else None,
        "key": key,
        "origin": list(origin) if origin else None,
        "splitZoom": SPLIT_ZOOM,
        "maxZoom": FIT_MAX_ZOOM,
        "gap": GAP_PX,
        "padding": list(padding),
        "tapPadding": [*FIT_PADDING_TOP_LEFT, *FIT_PADDING_BOTTOM_RIGHT],
        "sites": sites or [],
    }


def cluster_strings(lang: Lang) -> dict[str, str]:
    """The badge's text and accessible name (templates filled in the browser)."""
    return {
        "clusterText": t("res_cluster_text", lang),
        "clusterLabel": t("res_cluster_label", lang),
        "clusterMore": t("res_cluster_more", lang),
        "clusterSep": t("res_cluster_sep", lang),
    }


def residents_layer(
    view: gpd.GeoDataFrame,
    lang: Lang,
    options: dict[str, Any],
    fit: tuple[float, float, float, float] | None = None,
    key: str = "",
    origin: tuple[float, float] | None = None,
    overview: bool = False,
    sites: list[dict[str, Any]] | None = None,
) -> folium.FeatureGroup:
    """The features of ``view`` for ``st_folium(feature_group_to_add=…)``: ``options`` are the
    ``ninoheGeo.addFeatures`` options (marks, colours, selection); a click on a feature is the
    feature's only (``ownClicks``), so a tap on the map itself means a place."""
    group = folium.FeatureGroup(name="plan", control=False)
    group.add_child(
        ResidentsLayer(
            script_json(mapview.features_payload(view, lang)),
            script_json({**options, **cluster_strings(lang), "ownClicks": True}),
            script_json(view_options(fit, key, origin, overview, sites)),
        )
    )
    return group
