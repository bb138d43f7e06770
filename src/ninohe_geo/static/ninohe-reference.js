/* ninohe-geo: official context data on the map (issue #13), beside the plan's projects.
 *
 * - addReference(map, data, opts): the reference layers (the city outline, shelters, AEDs):
 *   points as small grey circles under the plan's points (pane z 425: above lines, below the
 *   plan's points, so a plan point is never hidden by context), the outline as a line under
 *   everything; a layers control toggles each layer; a click opens a popup with the facts. A
 *   layer with `tiles` is a hazard overlay (ハザードマップポータルサイト): tiles at z 350, under
 *   the plan's features, off until turned on, its credit in the attribution while shown.
 * - addAccuracy(map, data, opts): for each point whose place is uncertain, a dashed circle of its
 *   uncertainty (accuracy_m), drawn where the circle is at least a few pixels wide.
 *
 * Every string from data reaches the page through textContent, never as markup.
 */
(function () {
  "use strict";

  function pane(map, name, zIndex, events) {
    var p = map.getPane(name);
    if (!p) {
      p = map.createPane(name);
      p.style.zIndex = String(zIndex);
      if (!events) { p.style.pointerEvents = "none"; }
    }
    return name;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /* A popup body: name, layer title, each "label: value" line, source and licence. */
  function popupBody(point, layer, opts) {
    var box = el("div", "ninohe-ref-popup");
    box.appendChild(el("strong", null, point.name));
    box.appendChild(el("div", "ninohe-ref-layer", layer.title));
    var lines = point.details || [];
    if (lines.length) {
      var list = el("ul");
      lines.forEach(function (line) { list.appendChild(el("li", null, line)); });
      box.appendChild(list);
    }
    if (point.accuracy) { box.appendChild(el("div", "ninohe-ref-accuracy", point.accuracy)); }
    box.appendChild(el("div", "ninohe-ref-source", (opts.sourceLabel || "") + layer.source));
    return box;
  }

  function addReference(map, data, opts) {
    opts = opts || {};
    var refPane = pane(map, "ninohe-reference", 425, true);
    var outlinePane = pane(map, "ninohe-outline", 405, false);
    var overlays = {};
    var renderer = L.svg({ pane: refPane, padding: 0.5 });
    (data.layers || []).forEach(function (layer) {
      var group = L.featureGroup();
      if (layer.tiles) {  // a hazard overlay's tile sets (maps/hazards.py), credited while shown
        layer.tiles.urls.forEach(function (url, i) {
          L.tileLayer(url, {
            pane: pane(map, "ninohe-hazard", 350, false), opacity: layer.tiles.opacity,
            maxNativeZoom: layer.tiles.maxNativeZoom, maxZoom: 19,
            // One credit per overlay (the attribution control lists each distinct text once).
            attribution: i === 0 ? layer.tiles.attribution : null,
            className: "ninohe-hazard-tiles"
          }).addTo(group);
        });
      }
      (layer.outlines || []).forEach(function (rings) {
        L.polyline(rings, {
          pane: outlinePane, color: layer.color || "#333333", weight: 2.5, opacity: 0.85,
          dashArray: "8 4", interactive: false
        }).addTo(group);
      });
      (layer.points || []).forEach(function (point) {
        var marker = L.circleMarker([point.lat, point.lon], {
          renderer: renderer, pane: refPane, radius: opts.radius || 5, weight: 1.5,
          color: "#ffffff", fillColor: layer.color || "#555555", fillOpacity: 0.9
        });
        marker.bindTooltip(el("span", null, point.name), { direction: "top" });
        marker.bindPopup(function () { return popupBody(point, layer, opts); });
        marker.on("add", function () {
          var path = marker.getElement && marker.getElement();
          if (path) {
            path.setAttribute("data-ref-id", point.id);
            path.setAttribute("role", "img");
            path.setAttribute("aria-label", point.name);
            path.classList.add("ninohe-ref-point");
          }
        });
        marker.addTo(group);
      });
      if (layer.shown !== false) { group.addTo(map); }
      overlays[layer.label || layer.title] = group;
    });
    if (opts.control !== false && Object.keys(overlays).length) {
      // On a narrow map (a phone) the open list would cover it: folded to a button that names
      // it (opts.title; Leaflet's own icon image is not served), opened by a tap.
      var narrow = map.getSize().x < 600;
      var control = L.control.layers(null, overlays, { collapsed: narrow || !!opts.collapsed, position: opts.position || "bottomright" });
      control.addTo(map);
      var box = control.getContainer();
      if (box) {
        box.classList.add("ninohe-ref-control");
        box.setAttribute("aria-label", opts.title || "");
        var toggle = box.querySelector(".leaflet-control-layers-toggle");
        if (toggle) { toggle.textContent = opts.title || ""; toggle.title = opts.title || ""; }
      }
    }
    return overlays;
  }

  /* parent: the map, or the plan's feature group (the circles then follow the features when
   * streamlit-folium swaps the group); drawn in Leaflet's overlay pane (z 400), under the plan's
   * own panes (410+), never interactive. */
  function addAccuracy(parent, data, opts) {
    opts = opts || {};
    var onMap = parent instanceof L.Map;
    var accPane = onMap ? pane(parent, "ninohe-accuracy", 407, false) : "overlayPane";
    (data.circles || []).forEach(function (c) {
      L.circle([c.lat, c.lon], {
        pane: accPane, radius: c.metres, color: c.color || "#555555", weight: 1.5,
        dashArray: "5 5", fillColor: c.color || "#555555", fillOpacity: 0.08, interactive: false,
        className: "ninohe-accuracy-circle"
      }).addTo(parent);
    });
    return parent;
  }

  window.ninoheReference = { addReference: addReference, addAccuracy: addAccuracy };
})();
