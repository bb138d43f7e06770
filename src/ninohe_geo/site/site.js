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
  function matches(query) {
    var words = normalize(query).split(/\s+/).filter(function (w) { return w; });
    var wanted = words.map(queryForms);
    return data.index.filter(function (entry) {
      return wanted.every(function (forms) {
        return forms.some(function (f) {
          return entry[1].some(function (key) { return key.indexOf(f) >= 0; });
        });
      });
    }).map(function (entry) { return entry[0]; });
  }

  /* ---- the map ---- */
  var map = L.map("map", { gestureHandling: true, zoomControl: true });
  window.ninoheSiteMap = map;
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
  var P = data.payload, rowOf = {};
  P.ids.forEach(function (id, i) { rowOf[id] = i; });
  var selected = null, shown = P.ids.slice();

  function draw() {
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
    if (rowOf[id] === undefined) { return; }
    selected = id;
    draw();
    document.querySelectorAll(".project.selected").forEach(function (el) { el.classList.remove("selected"); });
    var item = document.getElementById("f-" + id);
    if (item) {
      item.classList.add("selected");
      if (fromMap) { item.scrollIntoView({ block: "start" }); item.querySelector("a").focus({ preventScroll: true }); }
    }
    if (!fromMap) {
      var g = L.geoJSON(ninoheGeo.decodeGeometry(P.geoms[rowOf[id]]));
      var bb = g.getBounds();
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
  var none = document.getElementById("none");
  var ranking = null; /* [[id, metres|null], …] when sorted by distance */

  function formatDistance(m) {
    if (m === null || m === undefined) { return data.schematicDistance; }
    return m < 1000 ? (Math.round(m / 10) * 10) + " m" : (m / 1000).toFixed(1) + " km";
  }

  function update() {
    var hits = matches(document.getElementById("q").value);
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
    if (!inCity(lat, lon)) { tapOutside.hidden = false; return; }
    ranking = rankFrom(lat, lon);
    area.value = "";
    note.textContent = S.res_tap_active;
    clearBtn.hidden = true;
    setOrigin({ at: [lat, lon], name: S.res_tap_point, tapped: true });
    update();
    var hits = nearestSites(lat, lon, hazardSel.value);
    var bounds = L.latLngBounds([[lat, lon]].concat(hits.map(function (h) {
      return [h.site.lat, h.site.lon];
    })));
    map.fitBounds(bounds, { padding: [40, 40], maxZoom: Math.max(map.getZoom(), 15) });
  });
  tapClear.addEventListener("click", function () {
    ranking = null; note.textContent = ""; setOrigin(null); update(); hazardSel.focus();
  });

  if (navigator.geolocation) { nearBtn.hidden = false; }
  nearBtn.addEventListener("click", function () {
    note.textContent = S.res_near_me_locating;
    navigator.geolocation.getCurrentPosition(function (p) {
      var lat = p.coords.latitude, lon = p.coords.longitude;
      if (!inCity(lat, lon)) {
        note.textContent = S.res_near_me_outside; return;
      }
      ranking = rankFrom(lat, lon);
      area.value = "";
      note.textContent = S.res_near_me_active;
      clearBtn.hidden = false;
      setOrigin({ at: [lat, lon], name: S.res_near_me_point, tapped: false });
      update();
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
  update();
  function fromHash() {
    var m = /^#f-([a-z0-9][a-z0-9\-_.]*)$/.exec(location.hash);
    if (m) { select(m[1], false); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
