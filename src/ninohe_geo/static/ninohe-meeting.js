/* ninohe-geo: what community meetings add to the map — tour stops, print labels, tile status.
 *
 * Loaded after ninohe-map.js (served from the installed package, never a CDN). Like it, every
 * string from data goes into the page with textContent only. Nothing here changes how
 * ninohe-map.js draws: these functions act on the layers it made.
 */
(function () {
  "use strict";

  /* Print: the side of a numbered marker in CSS pixels (ninohe-meeting.css draws it this size). */
  var NUMBER_PX = 22;

  /* Call fn(map) once the layer group is on a map (st_folium adds groups after creating them). */
  function withMap(group, fn) {
    if (group._map) { fn(group._map); return; }
    group.once("add", function () { fn(group._map); });
  }

  /* Every feature layer inside a group (ninohe-map.js puts one L.geoJSON in it). */
  function featureLayers(group) {
    var out = [];
    group.eachLayer(function (child) {
      if (child.feature) { out.push(child); return; }
      if (child.eachLayer) { child.eachLayer(function (l) { if (l.feature) { out.push(l); } }); }
    });
    return out;
  }

  /* Boxes {x0, y0, x1, y1} in the map container's pixels. */
  function overlaps(a, b, margin) {
    return a.x0 < b.x1 + margin && b.x0 < a.x1 + margin && a.y0 < b.y1 + margin && b.y0 < a.y1 + margin;
  }
  function inside(a, size, margin) {
    return a.x0 >= margin && a.y0 >= margin && a.x1 <= size.x - margin && a.y1 <= size.y - margin;
  }

  /* Where a label (w × h) may go around its anchor, best first: beside the place, then stacked
   * further out (above, below, right, left). A point's label never covers the point; an area's
   * or a line's may sit on its middle. */
  function candidates(a, w, h, isPoint) {
    var g = 14, step = h + 8, out = [];
    if (!isPoint) { out.push([a.x - w / 2, a.y - h / 2, 0]); }
    for (var k = 0; k < 8; k++) {
      var d = k * step;
      out.push([a.x - w / 2, a.y - g - h - d, k]);     // above
      out.push([a.x - w / 2, a.y + g + d, k]);         // below
      out.push([a.x + g, a.y - h / 2 - d, k]);         // right, then up the right side
      out.push([a.x - g - w, a.y - h / 2 - d, k]);     // left
      if (k) {
        out.push([a.x + g, a.y - h / 2 + d, k]);       // down the right side
        out.push([a.x - g - w, a.y - h / 2 + d, k]);   // down the left side
      }
    }
    return out.map(function (c) { return { x0: c[0], y0: c[1], x1: c[0] + w, y1: c[1] + h, far: c[2] > 0 }; });
  }

  /* The stop's name labels, laid out so that none overlaps another, a highlighted point, or the
   * map's controls (legend, zoom, scale), and each stays inside the map where it can (issue #12:
   * at the うるし stop four names piled up). A label moved away from its place is tied to it by a
   * leader line. Laid out again after every zoom; `done` is called after each layout. */
  function stopLabels(map, group, chosen, done) {
    var layer = L.layerGroup().addTo(group);
    var legs = L.layerGroup().addTo(layer);
    var entries = chosen.map(function (feature) {
      var el = document.createElement("span");
      el.textContent = feature.feature.properties.n;
      var marker = L.marker(anchorOf(feature), {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "ninohe-stop-label", html: el, iconSize: null })
      }).addTo(layer);
      return { feature: feature, el: el, marker: marker, point: !!feature.getLatLng };
    });
    // Points first: their labels have the least room to move; areas and lines take what is left.
    entries.sort(function (a, b) { return (b.point ? 1 : 0) - (a.point ? 1 : 0); });
    var tries = 0;
    function place() {
      if (!layer._map) { return; }
      // Not laid out yet (the map's frame still hidden, a font still loading): measure later.
      var unmeasured = entries.some(function (e) { return !e.el.offsetWidth || !e.el.offsetHeight; });
      if (unmeasured && tries++ < 100) { setTimeout(place, 100); return; }
      legs.clearLayers();
      var size = map.getSize();
      var frame = map.getContainer().getBoundingClientRect();
      var taken = [];
      map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
        var r = c.getBoundingClientRect();
        if (r.width && r.height) {
          taken.push({ x0: r.left - frame.left, y0: r.top - frame.top, x1: r.right - frame.left, y1: r.bottom - frame.top });
        }
      });
      entries.forEach(function (e) {
        if (!e.point) { return; }
        var p = map.latLngToContainerPoint(e.feature.getLatLng()), r = 12;
        taken.push({ x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r });
      });
      entries.forEach(function (e) {
        var where = anchorOf(e.feature);
        e.marker.setLatLng(where);
        var a = map.latLngToContainerPoint(where);
        var w = e.el.offsetWidth, h = e.el.offsetHeight;
        var options = candidates(a, w, h, e.point);
        var free = options.filter(function (c) {
          return !taken.some(function (t) { return overlaps(c, t, 4); });
        });
        var best = free.filter(function (c) { return inside(c, size, 4); })[0] || free[0] || options[0];
        taken.push(best);
        e.el.style.transform = "translate(" + Math.round(best.x0 - a.x) + "px, " + Math.round(best.y0 - a.y) + "px)";
        if (best.far) {
          var end = L.point(Math.max(best.x0, Math.min(a.x, best.x1)), Math.max(best.y0, Math.min(a.y, best.y1)));
          L.polyline([where, map.containerPointToLatLng(end)], {
            color: "#000000", weight: 2, opacity: 1, interactive: false
          }).addTo(legs);
        }
      });
      if (done) { done(); }
    }
    function onZoom() { place(); }
    map.on("zoomend resize", onZoom);
    group.once("remove", function () { map.off("zoomend resize", onZoom); });
    place();
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(onZoom); }
  }

  function anchorOf(layer) {
    if (layer.getLatLng) { return layer.getLatLng(); }
    if (layer.getCenter) {
      try { return layer.getCenter(); } catch (e) { /* a layer not on the map */ }
    }
    return layer.getBounds().getCenter();
  }

  /* A tour stop: frame the bounds, highlight and label the stop's features, mark the stop.
   * opts: {bounds: [[s, w], [n, e]], maxZoom, highlight: [ids], stop: n, total: n,
   *        present: bool, animate: bool}. The container's data-labels-stop says which stop's
   * labels are laid out (tests wait for it). */
  function focus(group, opts) {
    withMap(group, function (map) {
      var box = map.getContainer();
      if (opts.present) { box.classList.add("ninohe-present"); }
      box.setAttribute("data-labels-stop", "");
      var wanted = {};
      var chosen = [];
      (opts.highlight || []).forEach(function (id) { wanted[id] = true; });
      featureLayers(group).forEach(function (layer) {
        if (!wanted[layer.feature.properties.id]) { return; }
        if (layer.setStyle) { layer.setStyle({ color: "#000000", weight: 6, opacity: 1 }); }
        if (layer.bringToFront) { layer.bringToFront(); }
        var el = layer.getElement && layer.getElement();
        if (el) { el.setAttribute("data-highlight", "1"); }
        chosen.push(layer);
      });
      // Name the stop's places once the map has arrived (a label opened mid-flight is left
      // where the flight started).
      var labelled = false;
      function label() {
        if (labelled || !opts.present || !group._map) { return; }
        labelled = true;
        stopLabels(map, group, chosen, function () {
          box.setAttribute("data-labels-stop", String(opts.stop || ""));
        });
      }
      // data-labels-stop means "laid out, and the map at rest": a move clears it until the
      // labels are laid out again at the new zoom.
      function moving() { box.setAttribute("data-labels-stop", ""); }
      map.on("zoomstart", moving);
      group.once("remove", function () { map.off("zoomstart", moving); });
      map.once("moveend", label);
      setTimeout(label, 1200);
      var fit = { padding: [60, 60], animate: opts.animate !== false };
      if (opts.maxZoom) { fit.maxZoom = opts.maxZoom; }
      map.fitBounds(opts.bounds, fit);
      box.setAttribute("data-tour-stop", String(opts.stop || ""));
      box.setAttribute("data-tour-total", String(opts.total || ""));
    });
  }

  /* Print: a numbered marker on every listed feature, in its pillar's colour (dashed when the
   * place is approximate; the selected project black). Points get theirs on the spot, areas and
   * lines on their middle; markers that would touch are spread with leader lines to their true
   * place by ninohe-map.js's own spreader (the interactive map's), in "box" mode so no two
   * numbers overlap. payload: [[featureId, number], …] or {items: [[id, n], …], selected: id}. */
  function numberLabels(group, payload) {
    withMap(group, function () {
      var items = Array.isArray(payload) ? payload : (payload.items || []);
      var selected = Array.isArray(payload) ? null : payload.selected;
      var numbers = {};
      items.forEach(function (it) { numbers[it[0]] = it[1]; });
      var spreadHost = null;
      group.eachLayer(function (child) { if (child.ninoheSpread) { spreadHost = child; } });
      var marks = L.layerGroup().addTo(group);
      var points = [];
      featureLayers(group).forEach(function (layer) {
        var props = layer.feature.properties;
        var n = numbers[props.id];
        if (n === undefined) { return; }
        var el = document.createElement("span");
        el.textContent = String(n);
        var colour = layer.options && layer.options.fillColor;
        if (!colour && layer.eachLayer) {
          layer.eachLayer(function (l) { colour = colour || (l.options && l.options.fillColor); });
        }
        el.style.borderColor = colour || "#000000";
        var cls = "ninohe-number" + (props.l ? " ninohe-number-loose" : "") +
          (props.id === selected ? " ninohe-number-selected" : "");
        var spot = anchorOf(layer);
        if (layer.feature.geometry.type === "Point") {
          var c = layer.feature.geometry.coordinates;
          spot = L.latLng(c[1], c[0]);  // the true place, wherever the spreader put the dot
        }
        var marker = L.marker(spot, {
          interactive: false,
          keyboard: false,
          zIndexOffset: props.id === selected ? 1000 : 0,
          icon: L.divIcon({ className: cls, html: el, iconSize: [NUMBER_PX, NUMBER_PX],
                            iconAnchor: [NUMBER_PX / 2, NUMBER_PX / 2] })
        }).addTo(marks);
        marker.on("add", function () {
          var icon = marker.getElement();
          if (icon) { icon.setAttribute("data-number-for", props.id); }
        });
        var icon = marker.getElement();
        if (icon) { icon.setAttribute("data-number-for", props.id); }
        points.push({ layer: marker, spot: spot });
      });
      var gap = NUMBER_PX + 4;  // room for the selected marker's ring
      if (spreadHost) {
        spreadHost.ninoheSpread.reset(points, gap, "box");
      } else {
        window.ninoheGeo.spreadMarkers(marks, points, L.layerGroup().addTo(group), gap, "box");
      }
    });
  }

  /* Print: record tile loading in window.ninoheTiles so the renderer can wait for it. */
  function tileStatus(map) {
    var status = { loaded: 0, failed: 0, done: false };
    window.ninoheTiles = status;
    var layers = 0;
    map.eachLayer(function (l) {
      if (!(l instanceof L.TileLayer)) { return; }
      layers++;
      l.on("tileload", function () { status.loaded++; });
      l.on("tileerror", function () { status.failed++; });
      l.on("load", function () { status.done = true; });
    });
    if (!layers) { status.done = true; }
  }

  /* Print: a north arrow (Web Mercator: north is up) with a label ("北" / "N"). */
  function northArrow(map, label) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "ninohe-north");
      var ns = "http://www.w3.org/2000/svg";
      var svg = document.createElementNS(ns, "svg");
      svg.setAttribute("width", "22");
      svg.setAttribute("height", "30");
      svg.setAttribute("viewBox", "0 0 22 30");
      var arrow = document.createElementNS(ns, "path");
      arrow.setAttribute("d", "M11 0 L21 28 L11 21 L1 28 Z");
      arrow.setAttribute("fill", "#000000");
      svg.appendChild(arrow);
      div.appendChild(svg);
      div.appendChild(document.createTextNode(label));
      return div;
    };
    ctl.addTo(map);
  }

  window.ninoheMeeting = { focus: focus, numberLabels: numberLabels, tileStatus: tileStatus,
                           northArrow: northArrow };
})();
