/* ninohe-geo published site: the map, search, "my area" and "near me" on a static page.
 *
 * Our own code, served beside Leaflet from the site's static/ folder (no CDN). Reads the JSON
 * that `ninohe-geo publish` put in #site-data; draws with ninoheGeo.addFeatures (ninohe-map.js,
 * the same drawing code as the app). Every string from data goes in with textContent.
 *
 * The evacuation-site finder (issue #13): from a point tapped on the map, "near me" or the chosen
 * area, the three nearest GSI designated emergency evacuation sites for the chosen hazard, in a
 * straight line (equirectangular metres, as for the projects), numbered on the map and listed.
 *
 * A large catalogue (data.tiles; ninohe_geo.output.site.TILED_THRESHOLD) is not in the page:
 * the map draws it from the site's PMTiles archive with ninoheGeo.addTileDataset (ninohe-tiles.js,
 * as the app does), a search repaints it through the tile layer's mask, and the ids and names,
 * the search keys and the features' boxes are fetched from the site's data/ folder only when a
 * search, an area, a tap or "near me" first needs them. The list then shows up to
 * data.tiles.listMax projects; a distance to a feature's box is "at least" that far (a box is
 * never farther than the feature inside it), to a point exactly that far.
 *
 * Search folds the query with the same rules as ninohe_geo/search.py (normalize, fold_romaji)
 * over the keys precomputed there (names, readings in hiragana, romaji). Location is read only
 * when the "near me" button is pressed and never leaves the browser.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("site-data").textContent);
  var S = data.strings;
  var LONG_VOWELS = [["ou", "o"], ["oo", "o"], ["uu", "u"], ["aa", "a"], ["ee", "e"], ["ii", "i"]];
  var KANA_OR_KANJI = /[\u3040-\u30ff\u3400-\u9fff]/;

  /* = search.normalize: NFKC, case, katakana → hiragana. */
  function normalize(s) {
    s = s.normalize("NFKC").toLowerCase();
    return s.replace(/[\u30a1-\u30f6]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0x60);
    });
  }
  function compact(s) { return normalize(s).replace(/\s+/g, ""); }
  /* = search.fold_romaji: no accents, letters and digits only, long vowels shortened. */
  function foldRomaji(s) {
    s = s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "");
    LONG_VOWELS.forEach(function (p) { s = s.split(p[0]).join(p[1]); });
    return s;
  }
  function queryForms(word) {
    var forms = [compact(word)];
    if (!KANA_OR_KANJI.test(word)) { forms.push(foldRomaji(word)); }
    return forms.filter(function (f) { return f; });
  }
  function matches(query, index) {
    var words = normalize(query).split(/\s+/).filter(function (w) { return w; });
    var wanted = words.map(queryForms);
    return index.filter(function (entry) {
      return wanted.every(function (forms) {
        return forms.some(function (f) {
          return entry[1].some(function (key) { return key.indexOf(f) >= 0; });
        });
      });
    }).map(function (entry) { return entry[0]; });
  }

  /* ---- the map ---- */
  var map = L.map("map", { gestureHandling: true, zoomControl: true });
  window.ninoheSiteMap = map;  // for tests and tools, as window.ninoheSiteTiles (a tiled site)
  L.tileLayer(data.basemap.url, {
    attribution: data.basemap.attribution, maxZoom: data.basemap.maxZoom,
    maxNativeZoom: data.basemap.maxZoom
  }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  ninoheGeo.addLegend(map, data.legend);
  if (data.reference && window.ninoheReference) {  // the city outline (N03), under everything,
    // and the hazard overlays, each toggled in a folded control (S.reference_title)
    ninoheReference.addReference(map, data.reference, { collapsed: true, title: S.reference_title });
  }
  ninoheGeo.watchTiles(map, S.tiles_unavailable);
  var b = data.bounds;
  if (b) { map.fitBounds([[b[1], b[0]], [b[3], b[2]]]); } else { map.setView([40.23, 141.25], 11); }
  var group = L.featureGroup().addTo(map);
  var T = data.tiles || null, P = data.payload || null, rowOf = {};
  var total = T ? T.count : P.ids.length;
  if (P) { P.ids.forEach(function (id, i) { rowOf[id] = i; }); }
  var selected = null, shown = P ? P.ids.slice() : [];

  /* ---- a tiled site's data: the tile layer, and the files fetched when first needed ---- */
  var tileLayer = null, loaded = {}, files = {};
  if (T) {
    tileLayer = ninoheGeo.addTileDataset(group, {
      url: T.url, names: T.names, mask: null, count: T.count, selected: -1, maxZoom: T.maxZoom
    }, data.tileOptions);
    window.ninoheSiteTiles = tileLayer;
    tileLayer.on("click", function (e) {
      var props = e.layer && e.layer.toGeoJSON().properties;
      // The list's entry (if listed) is found by id: the names file maps ids to positions.
      if (props) { need("names").then(function () { select(props.id, true); }, function () {}); }
    });
  }
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status + " for " + url); }
      return r.json();
    });
  }
  /* "names" (ids and names, in tile order), "search" (the keys), "places" (boxes). */
  function need(key) {
    if (!files[key]) {
      files[key] = (key === "names" ? tileLayer.names() : fetchJson(T[key])).then(function (doc) {
        loaded[key] = doc;
        if (key === "names") { doc.ids.forEach(function (id, i) { rowOf[id] = i; }); }
        return doc;
      });
      files[key].catch(function (err) {
        files[key] = null;  // a later search retries
        if (window.console) { window.console.error("ninohe-geo:", err); }
        note.textContent = data.tileOptions.loadError;
      });
    }
    return files[key];
  }
  function nameOf(i) {
    var names = loaded.names;
    return (data.lang === "en" ? names.names_en : names.names_ja)[i] || "";
  }
  function maskOf(ids) {
    var bits = new Uint8Array((T.count + 7) >> 3);
    ids.forEach(function (id) { var i = rowOf[id]; bits[i >> 3] |= 1 << (i & 7); });
    return bits;
  }
  function boxOf(i) {
    var b = loaded.places.boxes, u = loaded.places.unit;
    return [b[4 * i] * u, b[4 * i + 1] * u, b[4 * i + 2] * u, b[4 * i + 3] * u];
  }

  function draw() {
    if (T) { return; }  // the tile layer repaints itself (setMask, setSelected)
    group.clearLayers();
    var sub = { ids: [], names: [], pillars: [], loose: [], geoms: [] };
    shown.forEach(function (id) {
      var i = rowOf[id];
      sub.ids.push(id); sub.names.push(P.names[i]); sub.pillars.push(P.pillars[i]);
      sub.loose.push(P.loose[i]); sub.geoms.push(P.geoms[i]);
    });
    // ownClicks: a click on a feature selects it and is not also a tap on the map.
    var opts = Object.assign({}, data.options, { selected: selected, ownClicks: true });
    var layer = ninoheGeo.addFeatures(group, sub, opts);
    layer.eachLayer(function (l) {
      l.on("click", function () { select(l.feature.properties.id, true); });
      l.on("keypress", function (e) {
        if (e.originalEvent && e.originalEvent.key === "Enter") { select(l.feature.properties.id, true); }
      });
    });
  }

  function select(id, fromMap) {
    if (T && !fromMap && !(loaded.names && loaded.places)) {
      Promise.all([need("names"), need("places")]).then(function () { select(id, fromMap); }, function () {});
      return;
    }
    if (rowOf[id] === undefined) { return; }
    selected = id;
    if (T) { tileLayer.setSelected(rowOf[id]); } else { draw(); }
    document.querySelectorAll(".project.selected").forEach(function (el) { el.classList.remove("selected"); });
    // A tiled site's list is written by updateTiled (its entries carry no id: the page's sample
    // has the f-<id> ones).
    var item = T && !sorted.hidden ? sorted.querySelector('li[data-id="' + CSS.escape(id) + '"]')
      : document.getElementById("f-" + id);
    if (item) {
      item.classList.add("selected");
      if (fromMap) { item.scrollIntoView({ block: "start" }); item.querySelector("a").focus({ preventScroll: true }); }
    }
    if (!fromMap) {
      var bb;
      if (T) {
        var box = boxOf(rowOf[id]);
        bb = L.latLngBounds([[box[1], box[0]], [box[3], box[2]]]);
      } else {
        bb = L.geoJSON(ninoheGeo.decodeGeometry(P.geoms[rowOf[id]])).getBounds();
      }
      if (bb.isValid()) { map.fitBounds(bb, { maxZoom: 15 }); }
    }
  }

  /* ---- the list ---- */
  var items = Array.prototype.slice.call(document.querySelectorAll(".project"));
  var home = items.map(function (li) { return li.parentNode; });
  var byId = {};
  items.forEach(function (li) { byId[li.getAttribute("data-id")] = li; });
  var grouped = document.getElementById("grouped");
  var sorted = document.getElementById("sorted-list");
  var heading = document.getElementById("list-heading");
  var count = document.getElementById("count");
  var note = document.getElementById("note");
  var listNote = document.getElementById("list-note");
  var none = document.getElementById("none");
  var ranking = null; /* [[id, metres|null], …] when sorted by distance */

  function formatDistance(m) {
    if (m === null || m === undefined) { return data.schematicDistance; }
    return m < 1000 ? (Math.round(m / 10) * 10) + " m" : (m / 1000).toFixed(1) + " km";
  }

  var updating = 0;
  function update() {
    if (T) { updateTiled(); return; }
    var hits = matches(document.getElementById("q").value, data.index);
    var hitSet = {};
    hits.forEach(function (id) { hitSet[id] = true; });
    if (ranking) {
      shown = ranking.map(function (r) { return r[0]; }).filter(function (id) { return hitSet[id]; });
      ranking.forEach(function (r) {
        var li = byId[r[0]];
        var d = li.querySelector(".distance");
        d.hidden = false;
        d.querySelector("dd").textContent = formatDistance(r[1]);
        sorted.appendChild(li);
      });
      sorted.hidden = false; grouped.hidden = true;
      heading.textContent = S.res_list_near;
    } else {
      shown = P.ids.filter(function (id) { return hitSet[id]; });
      items.forEach(function (li, i) {
        li.querySelector(".distance").hidden = true;
        home[i].appendChild(li);
      });
      sorted.hidden = true; grouped.hidden = false;
      heading.textContent = S.res_list_plan;
    }
    items.forEach(function (li) { li.hidden = !hitSet[li.getAttribute("data-id")]; });
    document.querySelectorAll("#grouped ol").forEach(function (ol) {
      var any = Array.prototype.some.call(ol.children, function (li) { return !li.hidden; });
      ol.hidden = !any;
      ol.previousElementSibling.hidden = !any;
    });
    count.textContent = S.count.replace("{shown}", shown.length).replace("{total}", P.ids.length);
    none.hidden = shown.length > 0;
    draw();
  }

  /* A tiled site: the map shows every match (the mask); the list, when there is a search or a
   * place to sort from, up to T.listMax of them, written here (the page lists a sample). */
  function updateTiled() {
    var query = document.getElementById("q").value.trim();
    var seq = ++updating;
    var wanted = query || ranking ? [need("names")] : [];
    if (query) { wanted.push(need("search")); }
    Promise.all(wanted).then(function () {
      if (seq !== updating) { return; }  // a newer update is on its way
      var hits = query ? matches(query, loaded.search) : null, hitSet = null;
      if (hits) {
        hitSet = {};
        hits.forEach(function (id) { hitSet[id] = true; });
      }
      tileLayer.setMask(hits ? maskOf(hits) : null);
      var count_ = hits ? hits.length : total;
      var rows = null;
      if (ranking) {
        rows = ranking.filter(function (r) { return !hitSet || hitSet[r[0]]; });
      } else if (hits) {
        rows = hits.map(function (id) { return [id]; });
      }
      sorted.textContent = "";
      if (rows) {
        rows.slice(0, T.listMax).forEach(function (r) { sorted.appendChild(listItem(r)); });
        heading.textContent = ranking ? S.res_list_near : S.res_list_plan;
      } else {
        heading.textContent = S.res_list_plan;
      }
      sorted.hidden = !rows; grouped.hidden = !!rows;
      listNote.hidden = !(rows && rows.length > T.listMax);
      listNote.textContent = rows ? say(S.listFirst, { listed: T.listMax, shown: rows.length }) : "";
      count.textContent = S.count.replace("{shown}", count_).replace("{total}", total);
      none.hidden = count_ > 0;
    }, function () {});
  }
  /* One list entry of a tiled site: [id, metres|undefined, at least?] → <li>, text only. */
  function listItem(r) {
    var id = r[0], li = document.createElement("li");
    li.className = "project" + (id === selected ? " selected" : "");
    li.setAttribute("data-id", id);
    var h = document.createElement("h4"), a = document.createElement("a");
    a.href = "p/" + encodeURIComponent(id) + ".html";
    a.textContent = nameOf(rowOf[id]);
    h.appendChild(a); li.appendChild(h);
    if (r.length > 1) {
      var dl = document.createElement("dl"), div = document.createElement("div");
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      div.className = "distance";
      dt.textContent = S.res_distance;
      dd.textContent = r[2] ? say(S.res_distance_at_least, { distance: formatDistance(r[1]) })
        : formatDistance(r[1]);
      div.appendChild(dt); div.appendChild(dd); dl.appendChild(div); li.appendChild(dl);
    }
    return li;
  }

  /* ---- my area, near me ---- */
  var area = document.getElementById("area");
  var nearBtn = document.getElementById("near-me");
  var clearBtn = document.getElementById("near-clear");
  area.addEventListener("change", function () {
    var a = data.areas[area.value];
    ranking = a ? a.rank : null;
    note.textContent = a ? a.note : "";
    clearBtn.hidden = true;
    setOrigin(a ? { at: a.at, name: a.point, tapped: false } : null);
    update();
  });

  function metres(lat, lon, lat2, lon2) {
    /* Straight-line metres (equirectangular; within a few metres of the truth in a city). */
    var k = Math.cos(lat * Math.PI / 180);
    var dx = (lon2 - lon) * k * 111320, dy = (lat2 - lat) * 110540;
    return Math.sqrt(dx * dx + dy * dy);
  }
  function metresTo(lat, lon, id) {
    /* Nearest vertex of the feature. Schematic: none. */
    var i = rowOf[id];
    var g = ninoheGeo.decodeGeometry(P.geoms[i]);
    var best = Infinity;
    JSON.stringify(g.coordinates, function (key, v) {
      if (Array.isArray(v) && typeof v[0] === "number") {
        best = Math.min(best, metres(lat, lon, v[1], v[0]));
        return undefined;
      }
      return v;
    });
    return best;
  }
  function inCity(lat, lon) {
    var box = data.cityBox;
    return lon >= box[0] && lat >= box[1] && lon <= box[2] && lat <= box[3];
  }
  /* A tiled site: every placed feature by the distance to its box — exact for a point, a lower
   * bound for a line or an area (flagged "at least"); schematic ones are not ranked. */
  function rankBoxes(lat, lon) {
    var boxes = loaded.places.boxes, u = loaded.places.unit, skip = {}, out = [];
    loaded.places.schematic.forEach(function (i) { skip[i] = true; });
    var k = Math.cos(lat * Math.PI / 180);
    for (var i = 0; i < T.count; i++) {
      if (skip[i]) { continue; }
      var x0 = boxes[4 * i] * u, y0 = boxes[4 * i + 1] * u, x1 = boxes[4 * i + 2] * u, y1 = boxes[4 * i + 3] * u;
      var dx = Math.max(x0 - lon, 0, lon - x1) * k * 111320, dy = Math.max(y0 - lat, 0, lat - y1) * 110540;
      out.push([loaded.names.ids[i], Math.sqrt(dx * dx + dy * dy), x0 !== x1 || y0 !== y1]);
    }
    out.sort(function (x, y) { return x[1] - y[1]; });
    return out;
  }
  /* Ranking from a place: at once (in the page), or once the tiled site's files are here. */
  function rankThen(lat, lon, then) {
    if (!T) { ranking = rankFrom(lat, lon); then(); return; }
    Promise.all([need("names"), need("places")]).then(function () {
      ranking = rankBoxes(lat, lon); then();
    }, function () {});
  }
  function rankFrom(lat, lon) {
    var placed = [], unplaced = [];
    P.ids.forEach(function (id) {
      var m = data.schematic[id] ? null : metresTo(lat, lon, id);
      (m === null ? unplaced : placed).push([id, m]);
    });
    placed.sort(function (x, y) { return x[1] - y[1]; });
    return placed.concat(unplaced);
  }

  /* ---- the nearest designated evacuation sites ---- */
  var hazardSel = document.getElementById("hazard");
  var answer = document.getElementById("shelter-answer");
  var choose = document.getElementById("shelter-choose");
  var siteList = document.getElementById("shelter-list");
  var siteFrom = document.getElementById("shelter-from");
  var siteNone = document.getElementById("shelter-none");
  var tapClear = document.getElementById("tap-clear");
  var tapOutside = document.getElementById("tap-outside");
  var marks = L.layerGroup().addTo(map);
  var origin = null; /* {at: [lat, lon], name, tapped} */
  var SEP = data.lang === "ja" ? "、" : ", ";

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return String(values[k]); });
  }
  function nearestSites(lat, lon, hazard) {
    return data.sites.filter(function (site) { return site.hazards.indexOf(hazard) >= 0; })
      .map(function (site) { return { site: site, m: metres(lat, lon, site.lat, site.lon) }; })
      .sort(function (a, b) { return a.m - b.m; }).slice(0, 3)
      .map(function (h) {  // 「約 150 m」, as the list and the map's marks say it
        h.crow = say(S.about_distance, { distance: formatDistance(h.m) });
        return h;
      });
  }
  function showSites() {
    marks.clearLayers();
    tapClear.hidden = !(origin && origin.tapped);
    answer.hidden = !origin;
    choose.hidden = !!origin;
    if (!origin) { return; }
    var hazard = hazardSel.value;
    var hits = nearestSites(origin.at[0], origin.at[1], hazard);
    siteFrom.textContent = say(S.res_shelter_from, { point: origin.name, hazard: data.hazardLabels[hazard] });
    siteList.textContent = "";
    hits.forEach(function (h) {
      var li = document.createElement("li");
      li.setAttribute("data-site-id", h.site.id);
      li.textContent = say(S.res_shelter_line, {
        name: h.site.name,
        distance: h.crow,
        hazards: h.site.hazards.map(function (c) { return data.hazardLabels[c]; }).join(SEP)
      });
      siteList.appendChild(li);
    });
    siteNone.hidden = hits.length > 0;
    ninoheGeo.addOrigin(marks, origin.at);
    ninoheGeo.addSiteHits(marks, hits.map(function (h, i) {
      return { id: h.site.id, lat: h.site.lat, lon: h.site.lon, label: say(S.res_site_mark, {
        n: i + 1, name: h.site.name, distance: h.crow
      }) };
    }));
    return hits;
  }
  function setOrigin(o) { origin = o; tapOutside.hidden = true; showSites(); }
  hazardSel.addEventListener("change", showSites);

  /* A tap on the map itself (features keep their own clicks): the nearest sites from there,
   * and the projects sorted from there, with the point and its sites in view. */
  map.on("click", function (e) {
    var lat = e.latlng.lat, lon = e.latlng.lng;
    if (tileLayer && tileLayer.pickAt(lat, lon) >= 0) { return; }  // a feature's own click
    if (!inCity(lat, lon)) { tapOutside.hidden = false; return; }
    area.value = "";
    note.textContent = S.res_tap_active;
    clearBtn.hidden = true;
    setOrigin({ at: [lat, lon], name: S.res_tap_point, tapped: true });
    rankThen(lat, lon, update);
    var hits = nearestSites(lat, lon, hazardSel.value);
    var bounds = L.latLngBounds([[lat, lon]].concat(hits.map(function (h) {
      return [h.site.lat, h.site.lon];
    })));
    map.fitBounds(bounds, { padding: [40, 40], maxZoom: Math.max(map.getZoom(), 15) });
  });
  tapClear.addEventListener("click", function () {
    ranking = null; note.textContent = ""; setOrigin(null); update(); hazardSel.focus();
  });

  // Shown from the start (no layout shift); hidden where the browser cannot locate at all.
  if (!navigator.geolocation) { nearBtn.hidden = true; }
  nearBtn.addEventListener("click", function () {
    note.textContent = S.res_near_me_locating;
    navigator.geolocation.getCurrentPosition(function (p) {
      var lat = p.coords.latitude, lon = p.coords.longitude;
      if (!inCity(lat, lon)) {
        note.textContent = S.res_near_me_outside; return;
      }
      area.value = "";
      note.textContent = S.res_near_me_active;
      clearBtn.hidden = false;
      setOrigin({ at: [lat, lon], name: S.res_near_me_point, tapped: false });
      rankThen(lat, lon, update);
      map.setView([lat, lon], 14);
    }, function () {
      note.textContent = S.res_near_me_failed;
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 60000 });
  });
  clearBtn.addEventListener("click", function () {
    ranking = null; note.textContent = ""; clearBtn.hidden = true; setOrigin(null); update();
    nearBtn.focus();
  });

  document.getElementById("finder").addEventListener("submit", function (e) { e.preventDefault(); update(); });
  document.getElementById("q").addEventListener("input", update);

  /* ?q= and ?area= in the link preset the view; #f-<id> selects a project. */
  var params = new URLSearchParams(location.search);
  if (params.get("q")) { document.getElementById("q").value = params.get("q").slice(0, 200); }
  if (params.get("area") && data.areas[params.get("area")]) {
    area.value = params.get("area");
    ranking = data.areas[area.value].rank;
    note.textContent = data.areas[area.value].note;
    setOrigin({ at: data.areas[area.value].at, name: data.areas[area.value].point, tapped: false });
  }
  // The page as written already shows everything in plan order: only a preset view (or a tiled
  // site's layer) needs the full update; otherwise drawing the map is all (less start-up work).
  if (T || ranking || document.getElementById("q").value) { update(); } else { draw(); }
  function fromHash() {
    var m = /^#f-([a-z0-9][a-z0-9\-_.]*)$/.exec(location.hash);
    if (m) { select(m[1], false); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
