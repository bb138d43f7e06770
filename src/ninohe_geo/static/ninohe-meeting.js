/* ninohe-geo: what community meetings add to the map — tour stops, print labels, tile status.
 *
 * Loaded after ninohe-map.js (served from the installed package, never a CDN). Like it, every
 * string from data goes into the page with textContent only. Nothing here changes how
 * ninohe-map.js draws: these functions act on the layers it made.
 */
(function () {
  "use strict";

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

  /* A large name label above a feature: a non-interactive marker in the group (so it goes
   * with the stop), placed at the point or the shape's centre. */
  function labelFor(group, layer, text, className, stacked) {
    var el = document.createElement("span");
    el.textContent = text;
    var where = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
    // Places drawn at the same point (e.g. a schematic marker at city hall): stack the labels.
    var key = where.lat.toFixed(5) + "," + where.lng.toFixed(5);
    var below = stacked[key] || 0;
    stacked[key] = below + 1;
    if (below) { el.style.transform = "translate(-50%, calc(-140% - " + (44 * below) + "px))"; }
    L.marker(where, {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: className, html: el, iconSize: null })
    }).addTo(group);
  }

  /* A tour stop: frame the bounds, highlight and label the stop's features, mark the stop.
   * opts: {bounds: [[s, w], [n, e]], maxZoom, highlight: [ids], stop: n, total: n,
   *        present: bool, animate: bool} */
  function focus(group, opts) {
    withMap(group, function (map) {
      var box = map.getContainer();
      if (opts.present) { box.classList.add("ninohe-present"); }
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
        if (labelled || !opts.present) { return; }
        labelled = true;
        var stacked = {};
        chosen.forEach(function (layer) {
          labelFor(group, layer, layer.feature.properties.n, "ninohe-stop-label", stacked);
        });
      }
      map.once("moveend", label);
      setTimeout(label, 1200);
      var fit = { padding: [60, 60], animate: opts.animate !== false };
      if (opts.maxZoom) { fit.maxZoom = opts.maxZoom; }
      map.fitBounds(opts.bounds, fit);
      box.setAttribute("data-tour-stop", String(opts.stop || ""));
      box.setAttribute("data-tour-total", String(opts.total || ""));
    });
  }

  /* Print: numbered labels on the features; items are [featureId, number] pairs. */
  function numberLabels(group, items) {
    withMap(group, function () {
      var numbers = {};
      items.forEach(function (it) { numbers[it[0]] = it[1]; });
      featureLayers(group).forEach(function (layer) {
        var n = numbers[layer.feature.properties.id];
        if (n === undefined) { return; }
        var el = document.createElement("span");
        el.textContent = String(n);
        var where = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
        L.marker(where, {
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "ninohe-number", html: el, iconSize: null })
        }).addTo(group);
      });
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
