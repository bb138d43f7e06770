/* ninohe-geo: large catalogues as PMTiles vector tiles (ninohe_geo.maps.vectortiles).
 *
 * protomaps-leaflet (npm, served by the app itself as vendor/protomaps-leaflet) reads the
 * archive with HTTP range requests and paints canvas tiles; this file adds what the plan's map
 * needs on top of it:
 *  - the view's bit mask (one bit per catalogue feature, tile attribute ``i``): a filter change
 *    paints the tiles again from the tiles already decoded — the decoded tiles of an archive are
 *    kept per window and handed to every layer of that archive, so nothing is fetched again;
 *  - colours and dashes from the shared style table (opts.colors, opts.style);
 *  - hover → one tooltip (textContent only), click → a "click" event whose layer answers
 *    toGeoJSON() with the feature's id, as streamlit-folium reports it (as ninohe-map.js's layers do);
 *  - the selected feature's outline; a notice on the map when the archive cannot be read.
 * Names and ids come from the archive's names file (fetched once per window).
 */
(function () {
  "use strict";

  var shared = {};  // archive URL → { views, names: Promise }

  function unpackMask(b64, n) {
    if (!b64) { return null; }
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function shownIn(bits, i) {
    return !bits || ((bits[i >> 3] >> (i & 7)) & 1) === 1;
  }

  function namesOf(url) {
    var entry = shared[url];
    if (!entry.names) {
      entry.names = fetch(entry.namesUrl, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status + " for " + entry.namesUrl); }
        return r.json();
      });
      entry.names.catch(function () { entry.names = null; });  // a later hover retries
    }
    return entry.names;
  }

  function paintRules(P, opts, state) {
    var st = opts.style || {}, colors = opts.colors || [];
    function color(z, f) { return colors[f.props.p]; }
    function shown(z, f) { return shownIn(state.bits, f.props.i); }
    function exact(z, f) { return shown(z, f) && !f.props.l; }
    function loose(z, f) { return shown(z, f) && !!f.props.l; }
    function kind(k, test) { return function (z, f) { return f.geomType === k && test(z, f); }; }
    var dash = st.looseDash;
    function selected(z, f) { return f.props.i === state.selected && shown(z, f); }  // not a hidden one
    return [
      { dataLayer: "plan", filter: kind(3, shown),
        symbolizer: new P.PolygonSymbolizer({ fill: color, opacity: st.areaFillOpacity }) },
      { dataLayer: "plan", filter: kind(3, exact),
        symbolizer: new P.LineSymbolizer({ color: color, width: st.areaWeight, opacity: st.opacity }) },
      { dataLayer: "plan", filter: kind(3, loose),
        symbolizer: new P.LineSymbolizer({ color: color, width: st.areaWeight, opacity: st.opacity, dash: dash,
          dashColor: color, dashWidth: st.areaWeight }) },
      { dataLayer: "plan", filter: kind(2, exact),
        symbolizer: new P.LineSymbolizer({ color: color, width: st.lineWeight, opacity: st.opacity }) },
      { dataLayer: "plan", filter: kind(2, loose),
        symbolizer: new P.LineSymbolizer({ color: color, width: st.lineWeight, opacity: st.opacity, dash: dash,
          dashColor: color, dashWidth: st.lineWeight }) },
      { dataLayer: "plan", filter: kind(1, exact),
        symbolizer: new P.CircleSymbolizer({ radius: st.canvasPointRadius, fill: color, opacity: st.pointFillOpacity,
          stroke: st.pointOutline, width: st.canvasPointOutlineWeight }) },
      { dataLayer: "plan", filter: kind(1, loose),
        symbolizer: new P.CircleSymbolizer({ radius: st.canvasPointRadius, fill: color, opacity: st.loosePointFillOpacity,
          stroke: color, width: st.loosePointWeight }) },
      { dataLayer: "plan", filter: kind(3, selected),
        symbolizer: new P.LineSymbolizer({ color: st.selectedColor, width: st.selectedWeight }) },
      { dataLayer: "plan", filter: kind(2, selected),
        symbolizer: new P.LineSymbolizer({ color: st.selectedColor, width: st.selectedWeight }) },
      { dataLayer: "plan", filter: kind(1, selected),
        symbolizer: new P.CircleSymbolizer({ radius: st.canvasPointRadius, fill: color,
          stroke: st.selectedColor, width: st.selectedPointWeight }) }
    ];
  }

  /* The shown feature under a container point: a point before a line before an area (the
   * order they are painted in, topmost first); -1 when none. */
  function pick(layer, state, latlng) {
    var found = layer.queryTileFeaturesDebug(latlng.lng, latlng.lat, 8).get("") || [];
    var best = -1, bestKind = 99;
    for (var j = 0; j < found.length; j++) {
      var f = found[j].feature;
      if (!shownIn(state.bits, f.props.i)) { continue; }
      if (f.geomType < bestKind) { best = f.props.i; bestKind = f.geomType; }
    }
    return best;
  }

  function notice(map, message) {
    var box = L.control({ position: "topright" });
    box.onAdd = function () {
      var div = L.DomUtil.create("div", "ninohe-notice ninohe-data-error");
      div.setAttribute("role", "alert");
      div.textContent = message;
      return div;
    };
    box.addTo(map);
    return box;
  }

  /* ``ref``: { url, names, mask, count, selected, maxZoom, bounds } from
   * mapview.feature_group(dataset=…); ``opts``: the map's style and texts. */
  function addTileDataset(group, ref, opts) {
    var P = window.protomapsL;
    opts = opts || {};
    if (!shared[ref.url]) { shared[ref.url] = { views: null, names: null, namesUrl: ref.names }; }
    var entry = shared[ref.url];
    var state = { bits: unpackMask(ref.mask), selected: typeof ref.selected === "number" ? ref.selected : -1 };
    var layer = P.leafletLayer({
      url: ref.url,
      maxDataZoom: ref.maxZoom,
      paintRules: paintRules(P, opts, state),
      labelRules: [],
      attribution: "",
      pane: "overlayPane"
    });
    if (entry.views) { layer.views = entry.views; } else { entry.views = layer.views; }
    layer.ninoheState = state;
    layer.ninoheCount = ref.count;
    layer.ninoheNames = ref.names;
    /* For tests and tools: is feature i shown; which shown feature is at a place (-1: none). */
    layer.shown = function (i) { return shownIn(state.bits, i); };
    layer.pickAt = function (lat, lng) { return pick(layer, state, L.latLng(lat, lng)); };
    /* For pages that filter without a server (the published site): a new mask (base64 as
     * ref.mask, a Uint8Array of bits, or null for every feature) or selection repaints the
     * tiles already decoded; names() is the names file, fetched once per window. */
    layer.setMask = function (mask) {
      state.bits = typeof mask === "string" ? unpackMask(mask) : (mask || null);
      layer.rerenderTiles();
    };
    layer.setSelected = function (i) {
      state.selected = typeof i === "number" ? i : -1;
      layer.rerenderTiles();
    };
    layer.names = function () { return namesOf(ref.url); };
    var lang = opts.lang === "en" ? "en" : "ja";
    var tip = L.tooltip({ direction: "top", sticky: true, offset: [0, -6] });
    var hover = -1, failed = null;

    function show(map, i, latlng) {
      namesOf(ref.url).then(function (names) {
        if (hover !== i) { return; }
        var box = document.createElement("div");
        box.className = "ninohe-tooltip";
        var name = document.createElement("div");
        name.className = "ninohe-tooltip-name";
        name.textContent = (lang === "en" ? names.names_en : names.names_ja)[i] || "";
        box.appendChild(name);
        tip.setContent(box);
        tip.setLatLng(latlng);
        if (!map.hasLayer(tip)) { map.openTooltip(tip); }
      }, function () {});
    }

    var events = {
      mousemove: function (e) {
        var map = layer._map, i = pick(layer, state, e.latlng);
        if (i < 0) { if (hover >= 0) { map.closeTooltip(tip); hover = -1; } return; }
        if (i !== hover) { hover = i; show(map, i, e.latlng); } else { tip.setLatLng(e.latlng); }
      },
      mouseout: function () { if (hover >= 0 && layer._map) { layer._map.closeTooltip(tip); hover = -1; } },
      click: function (e) {
        var i = pick(layer, state, e.latlng);
        if (i < 0) { return; }
        state.selected = i;
        layer.rerenderTiles();
        namesOf(ref.url).then(function (names) {
          var id = names.ids[i], name = (lang === "en" ? names.names_en : names.names_ja)[i];
          var proxy = {
            toGeoJSON: function () { return { type: "Feature", properties: { id: id, n: name }, geometry: null }; }
          };
          layer.fire("click", { latlng: e.latlng, layer: proxy, sourceTarget: layer, originalEvent: e.originalEvent });
        });
      }
    };

    layer.on("add", function () {
      var map = layer._map, box = layer.getContainer();
      if (box) {
        L.DomUtil.addClass(box, "ninohe-tiles");
        box.setAttribute("data-feature-count", String(ref.count));
      }
      map.on(events);
      // The archive's header: read once; a file that cannot be read says so on the map.
      var source = layer.views.get("").tileCache.source;
      if (source && source.p && source.p.getHeader) {
        source.p.getHeader().catch(function (err) {
          if (window.console) { window.console.error("ninohe-geo:", err); }
          if (box) { box.setAttribute("data-error", String(err && err.message || err)); }
          if (!failed) { failed = notice(map, opts.loadError || "The map data could not be loaded."); }
        });
      }
    });
    layer.on("remove", function () {
      if (layer._ninoheMap) { layer._ninoheMap.off(events); layer._ninoheMap.closeTooltip(tip); }
      if (failed) { failed.remove(); failed = null; }
    });
    layer.on("add", function () { layer._ninoheMap = layer._map; });
    // Every tile in view painted: the map is drawn; new tiles on their way (a zoom or a pan:
    // "loading") take the mark away until they are painted too. GridLayer's own "load" is not
    // enough: when a tile still on its way is dropped (fitBounds to a fractional zoom prunes it)
    // after the others have loaded, Leaflet never fires "load" again, so the state of the tiles
    // themselves is read after every tile event.
    function painted() {
      var box = layer.getContainer();
      if (!box) { return; }
      var tiles = layer._tiles || {};
      for (var key in tiles) {
        if (Object.prototype.hasOwnProperty.call(tiles, key) && tiles[key].current && !tiles[key].loaded) {
          box.removeAttribute("data-painted");
          return;
        }
      }
      box.setAttribute("data-painted", "1");
    }
    layer.on("loading", function () {
      var box = layer.getContainer();
      if (box) { box.removeAttribute("data-painted"); }
    });
    layer.on("load tileload tileunload tileerror", painted);
    group.addLayer(layer);
    return layer;
  }

  window.ninoheGeo = window.ninoheGeo || {};
  window.ninoheGeo.addTileDataset = addTileDataset;
})();
