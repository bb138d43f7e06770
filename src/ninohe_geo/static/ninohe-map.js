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
    var renderer = opts.canvas ? L.canvas({ padding: 0.5 }) : L.svg({ padding: 0.5 });
    var selected = opts.selected || null;
    var st = opts.style;  // ninohe_geo.maps.style: the one table of how features look
    function style(f) {
      var sel = f.properties.id === selected;
      return {
        renderer: renderer,
        color: sel ? st.selectedColor : opts.colors[f.properties.p],
        fillColor: opts.colors[f.properties.p],
        weight: sel ? st.selectedWeight : (f.geometry.type.indexOf("LineString") >= 0 ? st.lineWeight : st.areaWeight),
        opacity: st.opacity,
        fillOpacity: f.geometry.type.indexOf("Polygon") >= 0 ? st.areaFillOpacity : st.pointFillOpacity,
        dashArray: f.properties.l ? st.looseDash.join(" ") : null,
        className: "ninohe-feature ninohe-p" + f.properties.p + (f.properties.l ? " ninohe-loose" : "")
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
        return L.circleMarker(latlng, s);
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
    layer.addTo(group);
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
          /* Optional: a <details> with a 44 px summary, closed on narrow maps (phones) so the
           * legend does not cover the map; open where there is room. */
          body = document.createElement("details");
          body.open = map.getSize().x >= 500;
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

  window.ninoheGeo = { addFeatures: addFeatures, addLegend: addLegend, watchTiles: watchTiles,
                       decodeGeometry: decodeGeometry };
})();
