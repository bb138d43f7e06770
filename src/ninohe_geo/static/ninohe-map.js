/* ninohe-geo: draws the plan's features and the legend on a Leaflet map.
 *
 * Our own code, served from the installed package beside Leaflet (no CDN). Every string from
 * data is put into the page with textContent, never innerHTML: the server escapes too
 * (ninohe_geo.escape), this is the second wall.
 */
(function () {
  "use strict";

  function textDiv(className, text) {
    var el = document.createElement("div");
    if (className) { el.className = className; }
    el.textContent = text;
    return el;
  }

  /* Expand the compact coordinates: integers in 1e-6 degrees, delta-encoded along each ring. */
  function decodeRing(flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) {
      x += flat[i]; y += flat[i + 1];
      out.push([x / 1e6, y / 1e6]);
    }
    return out;
  }

  function decodeGeometry(g) {
    // g = [typeCode, parts]; 0 Point, 1 LineString, 2 Polygon (rings), 3 Multi* (list of those)
    var t = g[0], c = g[1];
    if (t === 0) { return { type: "Point", coordinates: decodeRing(c)[0] }; }
    if (t === 1) { return { type: "LineString", coordinates: decodeRing(c) }; }
    if (t === 2) { return { type: "Polygon", coordinates: c.map(decodeRing) }; }
    if (t === 3) { return { type: "MultiPoint", coordinates: c.map(function (p) { return decodeRing(p)[0]; }) }; }
    if (t === 4) { return { type: "MultiLineString", coordinates: c.map(decodeRing) }; }
    if (t === 5) { return { type: "MultiPolygon", coordinates: c.map(function (poly) { return poly.map(decodeRing); }) }; }
    return null;
  }

  /* Optional (opts.marks = [{text, fg, bg}] per pillar): a point drawn as a round badge with its
   * pillar's mark inside, so policy areas differ without colour (1, 2, 3, 土). The badge is a
   * 44 px tap target; the name is its title (accessible name) and tooltip. Dashed when loose. */
  function markMarker(f, latlng, opts, selected) {
    var m = opts.marks[f.properties.p] || { text: "", fg: "#000000", bg: opts.colors[f.properties.p] };
    var badge = document.createElement("span");
    badge.className = "ninohe-mark-badge";
    badge.textContent = m.text;
    badge.style.background = m.bg;
    badge.style.color = m.fg;
    var cls = "ninohe-mark ninohe-p" + f.properties.p + (f.properties.l ? " ninohe-mark-loose" : "") +
      (f.properties.id === selected ? " ninohe-mark-selected" : "");
    var icon = L.divIcon({ className: cls, html: badge, iconSize: [44, 44], iconAnchor: [22, 22] });
    return L.marker(latlng, { icon: icon, title: f.properties.n, keyboard: true, riseOnHover: true });
  }

  /* Points above lines above areas (issue #12): each kind is drawn in a pane of its own, so a
   * route never covers a facility's centre and every feature can be hovered and clicked. The
   * panes sit between Leaflet's overlay pane (400) and its marker pane (600). */
  var KIND_PANES = { area: ["ninohe-areas", 410], line: ["ninohe-lines", 420], point: ["ninohe-points", 430] };
  function ensurePane(map, name, zIndex) {
    if (!map.getPane(name)) { map.createPane(name).style.zIndex = String(zIndex); }
  }
  var PaneSVG = L.SVG.extend({
    beforeAdd: function (map) { ensurePane(map, this.options.pane, this.options.zIndex); }
  });
  var PaneCanvas = L.Canvas.extend({
    beforeAdd: function (map) { ensurePane(map, this.options.pane, this.options.zIndex); }
  });
  function kindOf(type) {
    if (type.indexOf("Point") >= 0) { return "point"; }
    return type.indexOf("LineString") >= 0 ? "line" : "area";
  }

  /* Points that fall on (nearly) one spot at the zoom shown — a facility and a study placed at
   * it, or neighbours at the whole-city zoom — would hide each other. At every zoom, points
   * closer than `gap` pixels are gathered and spread around their middle, each tied to its
   * true place by a thin leg (as spiderfying plugins do), so each can be hovered, clicked and
   * tapped; zoomed in far enough, they stand where they are again. A spread group that lands
   * on another point (or group) takes it in, until nothing shown is closer than `gap`.
   *
   * spreadMarkers(host, points, legsGroup, gap, shape) does it for any markers: points are
   * [{layer, spot}] (a layer with setLatLng, its true L.latLng), laid out whenever `host` is
   * added to a map or the map zooms. shape "box" (square markers of side < gap, e.g. print's
   * numbers) measures closeness as max(|dx|, |dy|) so their boxes never overlap; the default
   * "circle" measures the straight distance. Returns {place, reset(points, gap, shape)}:
   * reset puts the old points back where they belong and spreads a new set instead. */
  function spreadMarkers(host, points, legsGroup, gap, shape) {
    var state = { points: points, gap: gap, box: shape === "box" };
    function near(a, b) {
      var dx = Math.abs(a.x - b.x), dy = Math.abs(a.y - b.y);
      return (state.box ? Math.max(dx, dy) : Math.sqrt(dx * dx + dy * dy)) < state.gap;
    }
    function place() {
      var map = host._map;
      if (!map) { return; }
      ensurePane(map, KIND_PANES.line[0], KIND_PANES.line[1]);  // the legs' pane (a map may have no line)
      legsGroup.clearLayers();
      var pts = state.points, g = state.gap, n = pts.length;
      var at = pts.map(function (p) { return map.latLngToLayerPoint(p.spot); });
      var group = pts.map(function (_, i) { return i; });
      function root(i) { while (group[i] !== i) { i = group[i] = group[group[i]]; } return i; }
      function join(i, j) { var a = root(i), b = root(j); if (a === b) { return false; } group[a] = b; return true; }
      var i, j;
      for (i = 0; i < n; i++) { for (j = i + 1; j < n; j++) { if (near(at[i], at[j])) { join(i, j); } } }
      // Up to 8 on a ring whose neighbours are an arc of `g` apart (boxes: a chord of g·√2, so
      // that max(|dx|, |dy|) ≥ g whatever the angle); more on a spiral whose turns and steps
      // keep that spacing (as Leaflet.markercluster does), far more compact than a wide ring.
      function slots(m) {
        var step = state.box ? Math.SQRT2 * g : g, out = [], angle, r;
        if (m <= 8) {
          r = state.box ? Math.max(g, step / (2 * Math.sin(Math.PI / m))) : Math.max(g, (m * g) / (2 * Math.PI));
          for (var q = 0; q < m; q++) {
            angle = -Math.PI + (2 * Math.PI * (q + 0.5)) / m;
            out.push(L.point(r * Math.cos(angle), r * Math.sin(angle)));
          }
          return out;
        }
        var c = (1.05 * step) / (2 * Math.PI);  // the turns are 1.05 steps apart
        angle = g / c;  // start one gap out from the middle
        for (var s = 0; s < m; s++) {
          r = c * angle;
          out.push(L.point(r * Math.cos(angle), r * Math.sin(angle)));
          angle += (1.05 * step) / r;
        }
        // Slots in order of their bearing, like the members they are given to.
        out.sort(function (a, b) { return Math.atan2(a.y, a.x) - Math.atan2(b.y, b.x); });
        return out;
      }
      function layout() {
        var shown = at.slice(), stacks = {};
        for (var k = 0; k < n; k++) { (stacks[root(k)] = stacks[root(k)] || []).push(k); }
        Object.keys(stacks).forEach(function (key) {
          var members = stacks[key], m = members.length;
          if (m === 1) { return; }
          var cx = 0, cy = 0;
          members.forEach(function (k) { cx += at[k].x; cy += at[k].y; });
          cx /= m; cy /= m;
          // Each takes the slot on the side of its true place, so the legs do not cross.
          function bearing(k) { return Math.atan2(at[k].y - cy, at[k].x - cx); }
          members.sort(function (a, b) { return bearing(a) - bearing(b) || a - b; });
          slots(m).forEach(function (s, idx) {
            shown[members[idx]] = L.point(cx + s.x, cy + s.y);
          });
        });
        return shown;
      }
      var shown = layout();
      for (var round = 0; round < n; round++) {
        var merged = false;
        for (i = 0; i < n; i++) {
          for (j = i + 1; j < n; j++) {
            if (root(i) !== root(j) && near(shown[i], shown[j])) { merged = join(i, j) || merged; }
          }
        }
        if (!merged) { break; }
        shown = layout();
      }
      pts.forEach(function (p, k) {
        if (shown[k] === at[k]) { p.layer.setLatLng(p.spot); return; }
        var where = map.layerPointToLatLng(shown[k]);
        p.layer.setLatLng(where);
        L.polyline([p.spot, where], { color: "#1a1a1a", weight: 1, opacity: 0.8,
          interactive: false, pane: KIND_PANES.line[0] }).addTo(legsGroup);
      });
    }
    function reset(newPoints, newGap, newShape) {
      state.points.forEach(function (p) { p.layer.setLatLng(p.spot); });
      state.points = newPoints;
      state.gap = newGap;
      state.box = newShape === "box";
      place();
    }
    host.on("add", function () { host._map.on("zoomend", place); place(); });
    host.on("remove", function (e) { if (e.target._map) { e.target._map.off("zoomend", place); } });
    if (host._map) { host._map.on("zoomend", place); place(); }
    return { place: place, reset: reset };
  }

  /* The points of a GeoJSON layer, spread by spreadMarkers; the spreader is kept on the layer
   * (layer.ninoheSpread) so print can hand it its numbered markers instead. */
  function spreadTwins(layer, legsGroup, gap) {
    var points = [];
    layer.eachLayer(function (lyr) {
      if (lyr.getLatLng && lyr.feature && lyr.feature.geometry.type === "Point") {
        var c = lyr.feature.geometry.coordinates;
        points.push({ layer: lyr, spot: L.latLng(c[1], c[0]) });
      }
    });
    layer.ninoheSpread = spreadMarkers(layer, points, legsGroup, gap);
    return layer.ninoheSpread;
  }

  /* data: {ids, names, pillars, loose, geoms} column arrays; opts: colors, labels, renderer. */
  function addFeatures(group, data, opts) {
    var features = [];
    for (var i = 0; i < data.ids.length; i++) {
      features.push({
        type: "Feature",
        geometry: decodeGeometry(data.geoms[i]),
        properties: { id: data.ids[i], n: data.names[i], p: data.pillars[i], l: data.loose[i] }
      });
    }
    var renderers = {};
    function rendererFor(type) {
      var kind = kindOf(type);
      if (!renderers[kind]) {
        var Renderer = opts.canvas ? PaneCanvas : PaneSVG;
        renderers[kind] = new Renderer({ padding: 0.5, pane: KIND_PANES[kind][0], zIndex: KIND_PANES[kind][1] });
      }
      return renderers[kind];
    }
    var selected = opts.selected || null;
    var st = opts.style;  // ninohe_geo.maps.style: the one table of how features look
    function style(f) {
      var sel = f.properties.id === selected;
      return {
        renderer: rendererFor(f.geometry.type),
        color: sel ? st.selectedColor : opts.colors[f.properties.p],
        fillColor: opts.colors[f.properties.p],
        weight: sel ? st.selectedWeight : (f.geometry.type.indexOf("LineString") >= 0 ? st.lineWeight : st.areaWeight),
        opacity: st.opacity,
        fillOpacity: f.geometry.type.indexOf("Polygon") >= 0 ? st.areaFillOpacity : st.pointFillOpacity,
        dashArray: f.properties.l ? st.looseDash.join(" ") : null,
        className: "ninohe-feature ninohe-p" + f.properties.p + (f.properties.l ? " ninohe-loose" : ""),
        // opts.ownClicks: a click on a line or area is the feature's alone, not also the map's
        // (where a tap on the map itself means a place: the residents' evacuation-site finder).
        bubblingMouseEvents: !opts.ownClicks
      };
    }
    var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: style,
      pointToLayer: function (f, latlng) {
        if (opts.marks) { return markMarker(f, latlng, opts, selected); }
        var s = style(f);
        s.radius = opts.radius || st.pointRadius;
        s.fillOpacity = f.properties.l ? st.loosePointFillOpacity : st.pointFillOpacity;
        s.color = f.properties.id === selected ? st.selectedColor : st.pointOutline;
        s.weight = f.properties.id === selected ? st.selectedPointWeight : st.pointOutlineWeight;
        if (f.properties.l) { s.color = opts.colors[f.properties.p]; s.weight = st.loosePointWeight; }
        return L.circleMarker(latlng, s);  // s carries bubblingMouseEvents (style above)
      },
      onEachFeature: function (f, lyr) {
        var box = document.createElement("div");
        box.className = "ninohe-tooltip";
        box.appendChild(textDiv("ninohe-tooltip-name", f.properties.n));
        if (f.properties.l) { box.appendChild(textDiv("ninohe-tooltip-note", opts.looseLabel)); }
        lyr.bindTooltip(box, { sticky: true, direction: "top" });
        // Name the SVG element after the feature (ids are validated slugs) for tests and
        // assistive tools; canvas-drawn layers have no element.
        lyr.on("add", function () {
          var el = lyr.getElement && lyr.getElement();
          if (el) { el.setAttribute("data-feature-id", f.properties.id); }
        });
      }
    });
    var legs = L.layerGroup().addTo(group);
    layer.addTo(group);
    spreadTwins(layer, legs, opts.marks ? 46 : 2 * (opts.radius || opts.style.pointRadius) + 6);
    return layer;
  }

  /* A legend control drawn from plain data: [{color, label}], a dashed-line note, a title. */
  function addLegend(map, opts) {
    var Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "ninohe-legend leaflet-bar");
        var body = div;
        if (opts.collapsible) {
          /* Optional: a <details> with a 44 px summary, closed on maps narrower than
           * opts.openFrom px (default 500: phones) so the legend does not cover the map and
           * what it would hide can be clicked; open where there is room. */
          body = document.createElement("details");
          body.open = map.getSize().x >= (opts.openFrom || 500);
          var summary = document.createElement("summary");
          summary.className = "ninohe-legend-title ninohe-legend-summary";
          summary.textContent = opts.title;
          body.appendChild(summary);
          div.appendChild(body);
        } else {
          div.appendChild(textDiv("ninohe-legend-title", opts.title));
        }
        opts.items.forEach(function (item) {
          var row = textDiv("ninohe-legend-row", "");
          var swatch = document.createElement("span");
          swatch.className = "ninohe-swatch";
          swatch.style.background = item.color;
          if (item.mark) {
            swatch.className += " ninohe-swatch-mark";
            swatch.textContent = item.mark;
            swatch.style.color = item.fg || "#000000";
          }
          row.appendChild(swatch);
          row.appendChild(document.createTextNode(item.label));
          body.appendChild(row);
        });
        var loose = textDiv("ninohe-legend-row", "");
        var dash = document.createElement("span");
        dash.className = "ninohe-swatch ninohe-swatch-dashed";
        loose.appendChild(dash);
        loose.appendChild(document.createTextNode(opts.looseNote));
        body.appendChild(loose);
        L.DomEvent.disableClickPropagation(div);
        return div;
      }
    });
    new Legend().addTo(map);
  }

  /* Say so on the map when no tile has loaded (offline meeting room): the layers still draw. */
  function watchTiles(map, message) {
    var loaded = 0, failed = 0, box = null;
    map.eachLayer(function (l) {
      if (!(l instanceof L.TileLayer)) { return; }
      l.on("tileload", function () { loaded++; if (box) { box.remove(); box = null; } });
      l.on("tileerror", function () {
        failed++;
        if (!loaded && failed >= 4 && !box) {
          box = L.control({ position: "topright" });
          box.onAdd = function () { return textDiv("ninohe-notice", message); };
          box.addTo(map);
        }
      });
    });
  }

  /* The point an answer is measured from (near me, an area's point, a tapped point): a small
   * double ring under every mark, not interactive. */
  function addOrigin(group, at) {
    var ring = document.createElement("span");
    ring.className = "ninohe-res-origin";
    ring.setAttribute("aria-hidden", "true");
    ring.style.cssText = "display:block;width:18px;height:18px;box-sizing:border-box;" +
      "border-radius:50%;border:5px double #1a1a1a;background:#ffffff;";
    L.marker(at, { icon: L.divIcon({ className: "ninohe-res-origin-icon", html: ring,
      iconSize: [18, 18], iconAnchor: [9, 9] }), interactive: false, keyboard: false,
      zIndexOffset: -1000 }).addTo(group);
  }

  /* The nearest designated evacuation sites of an answer (issue #13), numbered 1, 2, 3 in black
   * squares (not the plan's round marks, whose numbers and colours are the policy areas): sites = [{id, lat, lon, label}], label the number,
   * name and distance, given as the mark's accessible name and tooltip. A tap on a mark shows
   * its tooltip and is not a tap on the map (markers keep their clicks). */
  function addSiteHits(group, sites) {
    sites.forEach(function (site, i) {
      var box = document.createElement("span");
      box.className = "ninohe-site-hit";
      box.setAttribute("data-site-id", site.id);
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", site.label);
      box.textContent = String(i + 1);
      box.style.cssText = "display:flex;align-items:center;justify-content:center;width:30px;" +
        "height:30px;box-sizing:border-box;border:2px solid #ffffff;border-radius:4px;" +
        "background:#1a1a1a;color:#ffffff;font:bold 16px/1 sans-serif;" +
        "box-shadow:0 0 0 1px #1a1a1a,0 1px 4px rgba(0,0,0,.5);";
      var icon = L.divIcon({ className: "ninohe-site-hit-icon", html: box, iconSize: [30, 30],
                             iconAnchor: [15, 15] });
      var mark = L.marker([site.lat, site.lon], { icon: icon, keyboard: false,
                                                  zIndexOffset: 800 });
      mark.bindTooltip(textDiv("ninohe-tooltip-name", site.label), { direction: "top" });
      mark.addTo(group);
    });
  }

  window.ninoheGeo = { addFeatures: addFeatures, addLegend: addLegend, watchTiles: watchTiles,
                       decodeGeometry: decodeGeometry, spreadMarkers: spreadMarkers,
                       addSiteHits: addSiteHits, addOrigin: addOrigin };
})();
