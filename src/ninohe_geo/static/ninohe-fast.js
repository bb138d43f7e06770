/* ninohe-geo: a canvas layer for large maps (thousands to 100,000+ features).
 *
 * ninohe-map.js turns every feature into a Leaflet layer object (L.geoJSON): right for the
 * city's few hundred features (SVG elements that tests, screen readers and CSS can address),
 * but in Chromium on a 2-core machine 10,000 features took 2.4 s and 100,000 took 24 s to
 * draw. This layer keeps the features as flat typed arrays and paints them all on one canvas:
 *
 *  - decode once: the compact column arrays (ninohe_geo.encoding; quantised by data.scale)
 *    are projected to Web Mercator pixels at zoom 0 into one Float64Array;
 *  - draw in batches: one canvas path per (pillar, accuracy flag, geometry kind), so a redraw
 *    is a handful of fill/stroke calls, and features off screen are skipped by bounding box;
 *  - features smaller than a pixel at the zoom shown are painted as a 2-pixel dot: nothing
 *    disappears, nothing is spent on invisible vertices;
 *  - hover and click are answered by a grid index: one tooltip (textContent only) and a
 *    "click" event whose layer answers toGeoJSON() with the feature's id, as streamlit-folium
 *    expects (last_active_drawing).
 *
 * Used for standalone pages (published site, print) of large views; the app's map draws large
 * catalogues from PMTiles vector tiles instead (ninohe-tiles.js, ninohe_geo.maps.vectortiles).
 *
 * Trade-off: canvas-drawn features have no DOM element (no data-feature-id, no CSS classes, no
 * keyboard focus), so the app uses this layer only above a size threshold
 * (ninohe_geo.mapview.FAST_THRESHOLD); the list views stay the accessible path.
 * Built on L.Canvas, so panning, zoom animation and retina scaling are Leaflet's own.
 */
(function () {
  "use strict";

  var KIND_POINT = 0, KIND_LINE = 1, KIND_POLYGON = 2;
  var GRID_ZOOM = 16;              // hit-test grid cell: one zoom-16 tile (~470 m here)
  var CELL = 256 / Math.pow(2, GRID_ZOOM);
  var MAX_CELLS = 64;              // features covering more cells go to a list checked always
  var MAX_LAT = 85.0511287798;
  var CHUNK = 512;                 // features per canvas path
  var SHAPE_BUDGET = 25000;        // above this many features in view, draw dots (see _paintDots)

  function worldX(lon) { return 256 * (0.5 + lon / 360); }
  function worldY(lat) {
    var phi = Math.max(Math.min(lat, MAX_LAT), -MAX_LAT) * Math.PI / 180;
    return 256 * (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI));
  }

  /* Per-feature bounding boxes (zoom-0 pixels) and bounding-box centres. */
  function finish(geo) {
    var n = geo.n, coords = geo.coords, parts = geo.parts, featPart = geo.featPart;
    var bbox = new Float64Array(4 * n);
    for (var f = 0; f < n; f++) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var p = parts[featPart[f]]; p < parts[featPart[f + 1]]; p++) {
        var px = coords[2 * p], py = coords[2 * p + 1];
        if (px < x0) { x0 = px; } if (px > x1) { x1 = px; }
        if (py < y0) { y0 = py; } if (py > y1) { y1 = py; }
      }
      bbox[4 * f] = x0; bbox[4 * f + 1] = y0; bbox[4 * f + 2] = x1; bbox[4 * f + 3] = y1;
    }
    geo.bbox = bbox;
    geo.grid = null;   // built on the first hover or click (see gridOf)
    geo.byId = null;   // id → index, built on first use (see indexOf)
    return geo;
  }

  /* Inline data (column arrays; ninohe_geo.encoding, quantised by data.scale): coordinates in
   * zoom-0 pixels, parts, per-feature kind/bbox. */
  function decode(data) {
    var scale = data.scale || 1e6;
    var n = data.ids.length;
    var xy = [], partStart = [], featPart = new Int32Array(n + 1);
    var kind = new Uint8Array(n);
    function addSeq(flat) {
      partStart.push(xy.length / 2);
      var x = 0, y = 0;
      for (var i = 0; i < flat.length; i += 2) {
        x += flat[i]; y += flat[i + 1];
        xy.push(worldX(x / scale), worldY(y / scale));
      }
    }
    for (var f = 0; f < n; f++) {
      featPart[f] = partStart.length;
      var g = data.geoms[f], t = g[0], c = g[1], j;
      if (t === 0 || t === 1) { addSeq(c); }
      else if (t === 2 || t === 3 || t === 4) { for (j = 0; j < c.length; j++) { addSeq(c[j]); } }
      else if (t === 5) { for (j = 0; j < c.length; j++) { c[j].forEach(addSeq); } }
      kind[f] = (t === 0 || t === 3) ? KIND_POINT : (t === 1 || t === 4) ? KIND_LINE : KIND_POLYGON;
    }
    featPart[n] = partStart.length;
    partStart.push(xy.length / 2);
    return finish({
      n: n, coords: new Float64Array(xy), parts: new Int32Array(partStart), featPart: featPart,
      kind: kind, ids: data.ids, names: data.names, pillars: data.pillars, loose: data.loose
    });
  }

  function indexOf(geo, id) {
    if (!geo.byId) {
      geo.byId = new Map();
      for (var i = 0; i < geo.n; i++) { geo.byId.set(geo.ids[i], i); }
    }
    var f = geo.byId.get(id);
    return f === undefined ? -1 : f;
  }

  function gridOf(geo) {
    if (!geo.grid) { geo.grid = buildGrid(geo); }
    return geo.grid;
  }

  /* Grid of zoom-12 cells → feature indexes, for hit tests. */
  function buildGrid(geo) {
    var cells = new Map(), big = [];
    for (var f = 0; f < geo.n; f++) {
      var b = 4 * f;
      var cx0 = Math.floor(geo.bbox[b] / CELL), cy0 = Math.floor(geo.bbox[b + 1] / CELL);
      var cx1 = Math.floor(geo.bbox[b + 2] / CELL), cy1 = Math.floor(geo.bbox[b + 3] / CELL);
      if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > MAX_CELLS) { big.push(f); continue; }
      for (var cx = cx0; cx <= cx1; cx++) {
        for (var cy = cy0; cy <= cy1; cy++) {
          var key = cx * 65536 + cy, list = cells.get(key);
          if (!list) { cells.set(key, [f]); } else { list.push(f); }
        }
      }
    }
    return { cells: cells, big: big };
  }

  function segDist2(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, t = 0;
    if (l2 > 0) { t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)); }
    var qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
  }

  var FastFeatures = L.Canvas.extend({
    options: { padding: 0.2, tolerance: 0 },

    /* ``geo``: decoded features (decode or parseDataset), or null until a file arrives;
     * ``visible``: one byte per feature (1 = shown) or null for all, with its ``count``. */
    initialize: function (geo, opts, visible, count) {
      L.Canvas.prototype.initialize.call(this, {});
      this._opts = opts || {};
      this._geo = null;
      this._hover = -1;
      this._selected = -1;
      this._count = 0;
      this._buckets = [];
      if (geo) { this._setGeo(geo, visible || null, count); }
    },

    /* The features to draw (now, or when their file has been fetched). */
    _setGeo: function (geo, visible, count) {
      this._geo = geo;
      this._visible = visible;
      this._count = visible ? count : geo.n;
      var lang = this._opts.lang === "en" ? "en" : "ja";
      this._names = geo.names || (lang === "en" ? geo.namesEn : geo.namesJa);
      this._selected = this._opts.selected ? indexOf(geo, this._opts.selected) : -1;
      if (this._selected >= 0 && !this._shown(this._selected)) { this._selected = -1; }
      this._buckets = this._makeBuckets();
      if (this._container) {
        this._container.setAttribute("data-feature-count", String(this._count));
        this._container.removeAttribute("data-error");
      }
      if (this._map) { this._update(); }
    },

    /* The file could not be fetched or read: say so on the map (the rest keeps working). */
    _fail: function (err) {
      if (window.console) { window.console.error("ninohe-geo:", err); }
      if (this._container) { this._container.setAttribute("data-error", String(err && err.message || err)); }
      if (this._map && !this._notice) {
        var message = this._opts.loadError || "The map data could not be loaded.";
        this._notice = L.control({ position: "topright" });
        this._notice.onAdd = function () {
          var box = L.DomUtil.create("div", "ninohe-notice ninohe-data-error");
          box.setAttribute("role", "alert");
          box.textContent = message;
          return box;
        };
        this._notice.addTo(this._map);
      }
    },

    _shown: function (f) { return !this._visible || this._visible[f] === 1; },

    /* Shown feature indexes grouped by (kind, pillar, loose): one canvas path each. */
    _makeBuckets: function () {
      var byKey = {}, order = [], geo = this._geo;
      for (var f = 0; f < geo.n; f++) {
        if (!this._shown(f)) { continue; }
        var key = geo.kind[f] + ":" + geo.pillars[f] + ":" + (geo.loose[f] ? 1 : 0);
        if (!byKey[key]) {
          byKey[key] = { kind: geo.kind[f], pillar: geo.pillars[f], loose: !!geo.loose[f], items: [] };
          order.push(key);
        }
        byKey[key].items.push(f);
      }
      // Polygons under lines under points, as SVG stacking would put them.
      order.sort(function (a, b) { return byKey[b].kind - byKey[a].kind; });
      return order.map(function (k) { return byKey[k]; });
    },

    onAdd: function (map) {
      L.Canvas.prototype.onAdd.call(this, map);
      L.DomUtil.addClass(this._container, "ninohe-fast");
      this._container.style.pointerEvents = "none";  // the map answers mouse events
      if (this._geo) { this._container.setAttribute("data-feature-count", String(this._count)); }
      this._tip = L.tooltip({ direction: "top", sticky: true, offset: [0, -6] });
    },

    onRemove: function (map) {
      if (this._tip) { map.closeTooltip(this._tip); }
      if (this._notice) { this._notice.remove(); this._notice = null; }
      map.getContainer().style.cursor = "";
      L.Canvas.prototype.onRemove.call(this, map);
    },

    getEvents: function () {
      var events = L.Canvas.prototype.getEvents.call(this);
      events.mousemove = this._onMapMove;
      events.mouseout = this._onMapOut;
      events.click = this._onMapClick;
      return events;
    },

    getBounds: function () {
      var geo = this._geo, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      if (!geo || !this._count) { return L.latLngBounds([]); }
      for (var f = 0; f < geo.n; f++) {
        if (!this._shown(f)) { continue; }
        x0 = Math.min(x0, geo.bbox[4 * f]); y0 = Math.min(y0, geo.bbox[4 * f + 1]);
        x1 = Math.max(x1, geo.bbox[4 * f + 2]); y1 = Math.max(y1, geo.bbox[4 * f + 3]);
      }
      var crs = L.CRS.EPSG3857;
      return L.latLngBounds(crs.pointToLatLng(L.point(x0, y1), 0), crs.pointToLatLng(L.point(x1, y0), 0));
    },

    /* Leaflet calls _update after every move and zoom: size the canvas, then paint it all. */
    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      L.Canvas.prototype._update.call(this);
      this._paint();
    },
    _redraw: function () { if (this._map) { this._paint(); } },
    _draw: function () {},

    _paint: function () {
      var map = this._map, ctx = this._ctx, b = this._bounds;
      if (!map || !ctx || !b || !this._geo) { return; }
      var geo = this._geo, opts = this._opts, colors = opts.colors || [];
      var k = Math.pow(2, map.getZoom()), o = map.getPixelOrigin();
      var ox = o.x, oy = o.y;
      // The visible range (plus padding) in zoom-0 pixels.
      var vx0 = (b.min.x + ox) / k, vy0 = (b.min.y + oy) / k;
      var vx1 = (b.max.x + ox) / k, vy1 = (b.max.y + oy) / k;
      var radius = opts.radius || opts.style.canvasPointRadius, dot = 2 / k, painted = 0;
      var inView = [];
      for (var fi = 0; fi < geo.n; fi++) {
        if (!this._shown(fi)) { continue; }
        var qq = 4 * fi;
        if (geo.bbox[qq + 2] < vx0 || geo.bbox[qq] > vx1 || geo.bbox[qq + 3] < vy0 || geo.bbox[qq + 1] > vy1) { continue; }
        inView.push(fi);
      }
      ctx.save();
      ctx.clearRect(b.min.x, b.min.y, b.max.x - b.min.x, b.max.y - b.min.y);
      if (inView.length > (opts.shapeBudget || SHAPE_BUDGET)) {
        this._paintDots(inView, k, ox, oy);
        ctx.restore();
        return;
      }
      this._container.setAttribute("data-mode", "shapes");
      ctx.lineJoin = "round"; ctx.lineCap = "round";
      for (var bi = 0; bi < this._buckets.length; bi++) {
        var bucket = this._buckets[bi], items = bucket.items, color = colors[bucket.pillar] || "#555555";
        ctx.beginPath();
        for (var ii = 0, inPath = 0; ii < items.length; ii++) {
          var f = items[ii], q = 4 * f;
          if (geo.bbox[q + 2] < vx0 || geo.bbox[q] > vx1 || geo.bbox[q + 3] < vy0 || geo.bbox[q + 1] > vy1) { continue; }
          painted++;
          if (++inPath > CHUNK) {  // Skia rasterises many short paths faster than one huge one
            this._style(ctx, bucket.kind, color, bucket.loose, false);
            ctx.beginPath();
            inPath = 1;
          }
          if (bucket.kind === KIND_POINT) { this._pointPath(ctx, f, k, ox, oy, radius); continue; }
          if (geo.bbox[q + 2] - geo.bbox[q] < dot && geo.bbox[q + 3] - geo.bbox[q + 1] < dot) {
            ctx.rect(geo.bbox[q] * k - ox - 1, geo.bbox[q + 1] * k - oy - 1, 2, 2);  // sub-pixel
            continue;
          }
          this._shapePath(ctx, f, k, ox, oy, bucket.kind === KIND_POLYGON);
        }
        this._style(ctx, bucket.kind, color, bucket.loose, false);
      }
      if (this._selected >= 0) {
        ctx.beginPath();
        var s = this._selected, sk = geo.kind[s];
        if (sk === KIND_POINT) { this._pointPath(ctx, s, k, ox, oy, radius + 2); }
        else { this._shapePath(ctx, s, k, ox, oy, sk === KIND_POLYGON); }
        this._style(ctx, sk, colors[geo.pillars[s]], !!geo.loose[s], true);
      }
      ctx.restore();
      this._painted = painted;
      this._container.setAttribute("data-painted", String(painted));
      this.fire("painted", { count: painted });
    },

    /* Too many features in view to draw as shapes in time (100,000 at the whole-city zoom cost
     * Chromium ~8 s of rasterising on 2 loaded cores): each feature becomes a 3×3-pixel dot of
     * its policy colour at its bounding-box centre, written straight into the pixel buffer
     * (O(n), tens of milliseconds). Zooming in below the budget brings the shapes back; hover
     * and click work the same in both modes. */
    _paintDots: function (inView, k, ox, oy) {
      var b = this._bounds, geo = this._geo, cv = this._container, ctx = this._ctx;
      var w = cv.width, h = cv.height, m = w / Math.max(1, b.max.x - b.min.x);
      var img = ctx.createImageData(w, h), px = img.data, rgb = [];
      (this._opts.colors || []).forEach(function (c, i) {
        var v = parseInt(String(c).replace("#", ""), 16);
        rgb[i] = [(v >> 16) & 255, (v >> 8) & 255, v & 255];
      });
      for (var j = 0; j < inView.length; j++) {
        var f = inView[j], q = 4 * f, col = rgb[geo.pillars[f]] || [85, 85, 85];
        var cx = Math.round((((geo.bbox[q] + geo.bbox[q + 2]) / 2) * k - ox - b.min.x) * m);
        var cy = Math.round((((geo.bbox[q + 1] + geo.bbox[q + 3]) / 2) * k - oy - b.min.y) * m);
        for (var dy = -1; dy <= 1; dy++) {
          var y = cy + dy;
          if (y < 0 || y >= h) { continue; }
          for (var dx = -1; dx <= 1; dx++) {
            var x = cx + dx;
            if (x < 0 || x >= w) { continue; }
            var o = 4 * (y * w + x);
            px[o] = col[0]; px[o + 1] = col[1]; px[o + 2] = col[2]; px[o + 3] = 235;
          }
        }
      }
      ctx.putImageData(img, 0, 0);
      this._painted = inView.length;
      cv.setAttribute("data-mode", "dots");
      cv.setAttribute("data-painted", String(inView.length));
      this.fire("painted", { count: inView.length });
    },

    _pointPath: function (ctx, f, k, ox, oy, r) {
      var geo = this._geo;
      for (var p = geo.featPart[f]; p < geo.featPart[f + 1]; p++) {
        var i = geo.parts[p], x = geo.coords[2 * i] * k - ox, y = geo.coords[2 * i + 1] * k - oy;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
    },

    _shapePath: function (ctx, f, k, ox, oy, closed) {
      var geo = this._geo, c = geo.coords;
      for (var p = geo.featPart[f]; p < geo.featPart[f + 1]; p++) {
        var i0 = geo.parts[p], i1 = geo.parts[p + 1];
        if (i1 <= i0) { continue; }
        ctx.moveTo(c[2 * i0] * k - ox, c[2 * i0 + 1] * k - oy);
        for (var i = i0 + 1; i < i1; i++) { ctx.lineTo(c[2 * i] * k - ox, c[2 * i + 1] * k - oy); }
        if (closed) { ctx.closePath(); }
      }
    },

    _style: function (ctx, kind, color, loose, selected) {
      var st = this._opts.style;  // ninohe_geo.maps.style, as the SVG renderer reads it
      ctx.setLineDash(loose ? st.looseDash : []);
      if (kind === KIND_POLYGON) {
        ctx.globalAlpha = st.areaFillOpacity; ctx.fillStyle = color; ctx.fill("evenodd");
        ctx.globalAlpha = st.opacity; ctx.strokeStyle = selected ? st.selectedColor : color;
        ctx.lineWidth = selected ? st.selectedWeight : st.areaWeight; ctx.stroke();
      } else if (kind === KIND_LINE) {
        ctx.globalAlpha = st.opacity; ctx.strokeStyle = selected ? st.selectedColor : color;
        ctx.lineWidth = selected ? st.selectedWeight : st.lineWeight; ctx.stroke();
      } else {
        ctx.globalAlpha = loose ? st.loosePointFillOpacity : st.pointFillOpacity; ctx.fillStyle = color; ctx.fill();
        ctx.globalAlpha = st.opacity;
        ctx.strokeStyle = selected ? st.selectedColor : (loose ? color : st.pointOutline);
        ctx.lineWidth = selected ? st.selectedPointWeight : (loose ? st.loosePointWeight : st.canvasPointOutlineWeight);
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
    },

    /* The feature under a container point (points before lines before polygons), or -1. */
    hitTest: function (containerPoint) {
      var map = this._map;
      if (!map || !this._geo) { return -1; }
      var k = Math.pow(2, map.getZoom()), grid = gridOf(this._geo);
      var wp = map.containerPointToLayerPoint(containerPoint).add(map.getPixelOrigin());
      var wx = wp.x / k, wy = wp.y / k;
      var radius = (this._opts.radius || this._opts.style.canvasPointRadius) + 2, tol = Math.max(radius, 4) / k;
      var geo = this._geo, c = geo.coords, best = -1, bestRank = 9;
      var cx0 = Math.floor((wx - tol) / CELL), cx1 = Math.floor((wx + tol) / CELL);
      var cy0 = Math.floor((wy - tol) / CELL), cy1 = Math.floor((wy + tol) / CELL);
      var seen = new Set(), candidates = grid.big.slice();
      if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) <= 400) {
        for (var cx = cx0; cx <= cx1; cx++) {
          for (var cy = cy0; cy <= cy1; cy++) {
            var list = grid.cells.get(cx * 65536 + cy);
            if (list) { candidates.push.apply(candidates, list); }
          }
        }
      } else {
        for (var all = 0; all < geo.n; all++) { candidates.push(all); }
      }
      for (var ci = 0; ci < candidates.length; ci++) {
        var f = candidates[ci], q = 4 * f;
        if (seen.has(f) || !this._shown(f)) { continue; }
        seen.add(f);
        if (wx < geo.bbox[q] - tol || wx > geo.bbox[q + 2] + tol ||
            wy < geo.bbox[q + 1] - tol || wy > geo.bbox[q + 3] + tol) { continue; }
        var kind = geo.kind[f], rank = kind === KIND_POINT ? 0 : kind === KIND_LINE ? 1 : 2;
        if (rank >= bestRank) { continue; }
        if (this._hits(f, wx, wy, k, radius)) { best = f; bestRank = rank; }
      }
      return best;
    },

    _hits: function (f, wx, wy, k, radius) {
      var geo = this._geo, c = geo.coords, kind = geo.kind[f], p, i, i0, i1;
      var lineTol = (kind === KIND_POINT ? radius : 4) / k, lt2 = lineTol * lineTol;
      var inside = false;
      for (p = geo.featPart[f]; p < geo.featPart[f + 1]; p++) {
        i0 = geo.parts[p]; i1 = geo.parts[p + 1];
        if (kind === KIND_POINT) {
          var dx = c[2 * i0] - wx, dy = c[2 * i0 + 1] - wy;
          if (dx * dx + dy * dy <= lt2) { return true; }
          continue;
        }
        for (i = i0 + 1; i < i1; i++) {
          var ax = c[2 * i - 2], ay = c[2 * i - 1], bx = c[2 * i], by = c[2 * i + 1];
          if (segDist2(wx, wy, ax, ay, bx, by) <= lt2) { return true; }
          if (kind === KIND_POLYGON && ((ay > wy) !== (by > wy)) &&
              wx < (bx - ax) * (wy - ay) / (by - ay) + ax) { inside = !inside; }
        }
      }
      if (kind === KIND_POLYGON && geo.bbox[4 * f + 2] - geo.bbox[4 * f] < 2 / k) {
        return true;  // drawn as a dot: the bbox test was the hit
      }
      return inside;
    },

    _onMapMove: function (e) {
      var f = this.hitTest(e.containerPoint), map = this._map;
      map.getContainer().style.cursor = f >= 0 ? "pointer" : "";
      if (f < 0) { if (this._hover >= 0) { map.closeTooltip(this._tip); this._hover = -1; } return; }
      if (f !== this._hover) {
        var box = document.createElement("div"), name = document.createElement("div");
        box.className = "ninohe-tooltip";
        name.className = "ninohe-tooltip-name";
        name.textContent = this._names[f];
        box.appendChild(name);
        if (this._geo.loose[f]) {
          var note = document.createElement("div");
          note.className = "ninohe-tooltip-note";
          note.textContent = this._opts.looseLabel || "";
          box.appendChild(note);
        }
        this._tip.setContent(box);
        this._hover = f;
      }
      this._tip.setLatLng(e.latlng);
      if (!map.hasLayer(this._tip)) { map.openTooltip(this._tip); }
    },

    _onMapOut: function () {
      if (this._hover >= 0 && this._map) { this._map.closeTooltip(this._tip); this._hover = -1; }
    },

    _onMapClick: function (e) {
      var f = this.hitTest(e.containerPoint);
      if (f < 0) { return; }
      this._selected = f;
      this._paint();
      var id = this._geo.ids[f], name = this._names[f];
      var proxy = {
        feature: { type: "Feature", properties: { id: id, n: name }, geometry: null },
        toGeoJSON: function () { return { type: "Feature", properties: { id: id, n: name }, geometry: null }; }
      };
      this.fire("click", { latlng: e.latlng, layer: proxy, sourceTarget: this, originalEvent: e.originalEvent });
    },

    /* For tests and tools: the container point of a feature's first vertex, by id. */
    pointOf: function (id) {
      var f = this._geo ? indexOf(this._geo, id) : -1;
      if (f < 0 || !this._shown(f) || !this._map) { return null; }
      var k = Math.pow(2, this._map.getZoom()), i = this._geo.parts[this._geo.featPart[f]];
      var lp = L.point(this._geo.coords[2 * i] * k, this._geo.coords[2 * i + 1] * k).subtract(this._map.getPixelOrigin());
      return this._map.layerPointToContainerPoint(lp);
    }
  });

  /* Same signature as ninoheGeo.addFeatures: the layer is added to ``group``. */
  function addFastFeatures(group, data, opts) {
    var layer = new FastFeatures(decode(data), opts);
    group.addLayer(layer);
    return layer;
  }

  window.ninoheGeo = window.ninoheGeo || {};
  window.ninoheGeo.addFastFeatures = addFastFeatures;
  window.ninoheGeo.FastFeatures = FastFeatures;
})();
