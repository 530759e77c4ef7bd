/*
 * The atlas's maps, on top of Leaflet and the map definitions generated with folium (/theme/maps/*.js).
 *
 * One map per page, in the element [data-atlas-map]:
 * - "network" (home, places index, country pages): markers from /data/places.<lang>.geojson, grouped in
 *   clusters, drawn only for the places of the page's HTML list; the filters (country, kind, discipline,
 *   programme) show and hide list items and markers together and live in the query string;
 * - "place" (place pages): one marker, or the area of an approximate position, from data attributes.
 * Embedded maps (/<lang>/embed/...) are the same two kinds; a network map without a list shows every place
 * of its data (within data-scope-country).
 * Natural Earth outlines (/data/outlines.geojson) are drawn under the tiles, so the map reads without them.
 * Everything on the map is also in the HTML, which works without this script.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-atlas-map]");
  var definitions = window.AtlasMapDefinitions || {};
  if (!root || !window.L || !definitions[root.getAttribute("data-definition")]) {
    return;
  }
  var L = window.L;
  function afterPaint(callback) { // the frame after the one that draws what was just added
    window.requestAnimationFrame(function () { window.requestAnimationFrame(callback); });
  }
  function mark(name) {
    if (window.performance && performance.mark) { performance.mark("atlas:" + name); }
  }
  mark("start");
  var strings = JSON.parse(root.getAttribute("data-strings") || "{}");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var rtl = root.getAttribute("data-dir") === "rtl";
  var dir = rtl ? "rtl" : "ltr";
  var pluralRules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var numbers = window.Intl ? new Intl.NumberFormat(lang, { numberingSystem: "latn" }) : null;
  var KIND_COLOURS = {
    ccr: "#133a6b", associate: "#1d4d26", "international-member": "#4a2469",
    "rehabilitation-project": "#6a3a00"
  };

  // -- small helpers -------------------------------------------------------------------------
  function number(n) {
    return numbers ? numbers.format(n) : String(n);
  }

  function plural(forms, n) {
    var form = (forms && pluralRules && forms[pluralRules.select(n)]) || (forms && forms.other) || "";
    return form.replace("%(num)s", number(n));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  function focusWithoutScroll(node) {
    if (node && node.isConnected) {
      try { node.focus({ preventScroll: true }); } catch (error) { node.focus(); }
      return true;
    }
    return false;
  }

  // -- the map itself (folium's definition), controls and outlines ----------------------------------
  function makeMap() {
    var waiting = root.querySelector("[data-map-waiting]");
    if (waiting) { root.removeChild(waiting); }
    var made = definitions[root.getAttribute("data-definition")]();
    var map = made.map;
    L.control.zoom({
      position: rtl ? "topright" : "topleft",
      zoomInTitle: strings.zoomIn || "+",
      zoomOutTitle: strings.zoomOut || "-"
    }).addTo(map);
    if (rtl && map.attributionControl) { map.attributionControl.setPosition("bottomleft"); }
    map.createPane("atlas-outlines").style.zIndex = 150; // under the tiles: seen only when they are missing
    // Two levels of detail: the small world outlines while zoomed out (network map), the detailed ones
    // from the first zoom past data-outlines-world-zoom (and at once on country and place maps).
    var style = function (feature) {
      return feature.properties.layer === "land"
        ? { color: "#8a8272", weight: 0.6, fillColor: "#f2efe8", fillOpacity: 1 }
        : { color: "#8a8272", weight: 0.8, fill: false };
    };
    var levels = { world: root.getAttribute("data-outlines-world"), detail: root.getAttribute("data-outlines") };
    var worldZoom = parseInt(root.getAttribute("data-outlines-world-zoom"), 10);
    var drawn = {};
    var load = function (level) {
      if (!levels[level] || drawn[level]) { return; }
      drawn[level] = true;
      getJSON(levels[level]).then(function (data) {
        var layer = L.geoJSON(data, { pane: "atlas-outlines", interactive: false, style: style }).addTo(map);
        if (level === "detail" && drawn.world instanceof L.Layer) { map.removeLayer(drawn.world); }
        drawn[level] = layer;
        if (level === "world" && drawn.detail instanceof L.Layer) { map.removeLayer(layer); }
      }).catch(function () { drawn[level] = false; });
    };
    var choose = function () {
      load(levels.world && !(map.getZoom() > worldZoom) ? "world" : "detail");
    };
    map.whenReady(choose);
    map.on("zoomend", choose);
    return made;
  }

  function markerIcon(kind, approximate, label, slug) {
    return L.divIcon({
      className: "atlas-marker atlas-marker--" + kind + (approximate ? " atlas-marker--area" : ""),
      html: label ? '<span class="atlas-vh" data-place="' + escapeHtml(slug) + '">' + escapeHtml(label) + "</span>" : "",
      iconSize: [24, 24]
    });
  }

  function areaCircle(latlng, radius, kind) {
    return L.circle(latlng, {
      radius: radius, interactive: false, color: KIND_COLOURS[kind] || "#1c1b19", weight: 1.5,
      dashArray: "5 4", fillColor: KIND_COLOURS[kind] || "#1c1b19", fillOpacity: 0.12
    });
  }

  // -- place pages ------------------------------------------------------------------------------
  function placeMap() {
    var made = makeMap();
    var map = made.map;
    var latlng = L.latLng(parseFloat(root.getAttribute("data-lat")), parseFloat(root.getAttribute("data-lon")));
    var kind = root.getAttribute("data-kind");
    map.setView(latlng, parseInt(root.getAttribute("data-zoom"), 10) || 10, { animate: false });
    if (root.getAttribute("data-precision") === "site") {
      L.marker(latlng, { icon: markerIcon(kind, false, "", ""), keyboard: false, interactive: false }).addTo(map);
    } else {
      // Only the town or city is known: an area of the real uncertainty, never a pin.
      areaCircle(latlng, parseFloat(root.getAttribute("data-radius")) || 3000, kind).addTo(map);
    }
    zoomOutWithoutTiles(map, latlng, parseInt(root.getAttribute("data-zoom-without-tiles"), 10));
    root.setAttribute("data-ready", "true");
  }

  // Without tiles (offline, blocked, a tile server refusing the site), a place's map at the place's zoom is
  // land from edge to edge: a marker on a blank. When none of the first tiles loaded, the map goes out to a
  // zoom where the outlines show the region (data-tiles="missing"), unless the reader has moved it already.
  function zoomOutWithoutTiles(map, latlng, zoom) {
    if (!(zoom > 0) || map.getZoom() <= zoom) { return; }
    var moved = false;
    ["pointerdown", "keydown", "wheel"].forEach(function (type) {
      map.getContainer().addEventListener(type, function () { moved = true; }, { once: true, passive: true });
    });
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) { return; }
      var loaded = false;
      layer.on("tileload", function () { loaded = true; });
      layer.once("load", function () { // every tile of the first view is done, loaded or failed
        if (loaded || moved) { return; }
        root.setAttribute("data-tiles", "missing");
        map.setView(latlng, zoom, { animate: false });
      });
    });
  }

  // -- network and country maps -------------------------------------------------------------------
  var FILTERS = ["country", "kind", "discipline", "programme"];

  function networkMap() {
    // The script runs right after the map, while the (possibly long) list is still being parsed: the
    // markers come from the GeoJSON at once, and the list joins them when it is complete.
    var section = root.closest("[data-map-section]") || document;
    var form = section.querySelector("[data-map-filters]");
    var status = section.querySelector("[data-map-status]");
    var scope = root.getAttribute("data-scope-country") || "";
    var list = null;
    var empty = null;
    var listed = false;
    var total = 0;
    var state = readState();

    if (form) {
      FILTERS.forEach(function (name) {
        var select = form.elements[name];
        if (!select) { state[name] = ""; return; }
        var known = Array.prototype.some.call(select.options, function (o) { return o.value === state[name]; });
        state[name] = known ? state[name] : "";
        select.value = state[name];
      });
    } else {
      FILTERS.forEach(function (name) { state[name] = ""; });
    }

    var entries = [];
    var bySlug = {};

    // The list is the reference: every list item has an entry, with what the filters look at.
    function readList() {
      list = section.querySelector("[data-map-list]");
      empty = section.querySelector("[data-map-empty]");
      var items = list ? list.querySelectorAll("li[data-place]") : [];
      var listedEntries = [];
      Array.prototype.forEach.call(items, function (item) {
        var slug = item.getAttribute("data-place");
        var entry = bySlug[slug] || (bySlug[slug] = { slug: slug, marker: null });
        entry.item = item;
        entry.country = item.getAttribute("data-country") || "";
        entry.kind = item.getAttribute("data-kind") || "";
        entry.discipline = (item.getAttribute("data-discipline") || "").split(" ");
        entry.programme = (item.getAttribute("data-programme") || "").split(" ");
        listedEntries.push(entry);
      });
      entries = listedEntries;
      total = entries.length;
      listed = true;
    }

    var made = makeMap();
    var map = made.map;
    var group = made.cluster;
    var labels = {};
    var radius = {};
    var shown = [];
    var areas = L.layerGroup().addTo(map);
    var popup = L.popup({
      className: "atlas-popup" + (rtl ? " atlas-popup--rtl" : ""), maxWidth: 280, offset: [0, -6],
      autoPanPadding: [24, 24]
    });
    var tooltip = L.tooltip({ className: "atlas-tooltip", direction: "top", offset: [0, -10] });
    var opener = null;
    var focusInMap = false;

    group.options.iconCreateFunction = function (cluster) {
      var n = cluster.getChildCount();
      return L.divIcon({
        className: "atlas-cluster",
        html: '<span aria-hidden="true">' + escapeHtml(number(n)) + '</span><span class="atlas-vh">' +
          escapeHtml(plural(strings.cluster, n)) + "</span>",
        iconSize: [36, 36]
      });
    };

    function matches(entry) {
      return (!state.country || entry.country === state.country) &&
        (!state.kind || entry.kind === state.kind) &&
        (!state.discipline || (entry.discipline || []).indexOf(state.discipline) !== -1) &&
        (!state.programme || (entry.programme || []).indexOf(state.programme) !== -1);
    }

    function entryOf(layer) {
      return layer && layer.atlasEntry;
    }

    function popupContent(entry) {
      var p = entry.properties;
      var box = element("div", "atlas-popup__body");
      box.lang = lang;
      box.dir = dir;
      var title = element("p", "atlas-popup__title");
      var link = element("a", null, p.name);
      link.href = p.url;
      if (p.lang) { link.lang = p.lang; }
      title.appendChild(link);
      box.appendChild(title);
      box.appendChild(element("p", "atlas-popup__kind", labels.kinds[p.kind] || p.kind));
      box.appendChild(element("p", null, p.town + (strings.comma || ", ") + (labels.countries[p.country] || p.country)));
      if (p.precision !== "site") {
        box.appendChild(element("p", "atlas-popup__approximate",
          (labels.approximate || "%(precision)s").replace("%(precision)s", labels.precision[p.precision] || "")));
      }
      return box;
    }

    function openPopup(marker, fromKeyboard) {
      var entry = entryOf(marker);
      if (!entry) { return; }
      opener = marker;
      map.closeTooltip(tooltip);
      popup.setLatLng(marker.getLatLng()).setContent(popupContent(entry));
      map.openPopup(popup);
      var node = popup.getElement();
      if (!node) { return; }
      var close = node.querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", strings.close || "×");
        close.title = strings.close || "";
      }
      if (fromKeyboard) { focusWithoutScroll(node.querySelector(".atlas-popup__title a")); }
    }

    function showTooltip(marker) {
      var entry = entryOf(marker);
      if (!entry || map.hasLayer(popup) && opener === marker) { return; }
      var content = element("span", null, entry.properties.name);
      content.lang = entry.properties.lang || lang;
      content.dir = entry.properties.lang ? (entry.properties.lang === "ar" ? "rtl" : "ltr") : dir;
      tooltip.setLatLng(marker.getLatLng()).setContent(content);
      map.openTooltip(tooltip);
      var node = tooltip.getElement();
      if (node) { node.setAttribute("aria-hidden", "true"); } // the marker's own text already says it
    }

    function isEnter(event) {
      var original = event.originalEvent || event;
      return original.key === "Enter" || original.keyCode === 13;
    }

    function layerOfIcon(node) {
      var icon = node && node.closest && node.closest(".leaflet-marker-icon");
      var slug = icon && icon.querySelector("[data-place]");
      return slug ? bySlug[slug.getAttribute("data-place")].marker : null;
    }

    // Keyboard: Enter on a marker opens its popup; on a cluster, zooms in (or spreads it at the last
    // zoom) and then moves the focus to what the cluster became, never to the top of the page.
    group.on("click", function (event) { openPopup(event.layer, false); });
    group.on("keypress", function (event) {
      if (isEnter(event)) { openPopup(event.layer, true); }
    });
    group.on("clusterkeypress", function (event) {
      if (!isEnter(event)) { return; }
      var cluster = event.layer;
      var child = cluster.getAllChildMarkers()[0];
      var done = false;
      var after = function () {
        if (done) { return; }
        done = true;
        var target = group.getVisibleParent(child);
        if (!focusWithoutScroll(target && target.getElement && target.getElement())) {
          focusWithoutScroll(root);
        }
      };
      group.once("animationend spiderfied", function () { window.setTimeout(after, 0); });
      window.setTimeout(after, 900);
      if (map.getZoom() >= map.getMaxZoom() || cluster.getBounds().getNorthEast().equals(cluster.getBounds().getSouthWest())) {
        cluster.spiderfy();
      } else {
        cluster.zoomToBounds({ padding: [40, 40] });
      }
    });
    group.on("mouseover", function (event) { showTooltip(event.layer); });
    group.on("mouseout", function () { map.closeTooltip(tooltip); });
    root.addEventListener("focusin", function (event) {
      focusInMap = true;
      var marker = layerOfIcon(event.target);
      if (marker) { showTooltip(marker); } else { map.closeTooltip(tooltip); }
    });
    root.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !root.contains(event.relatedTarget)) {
        focusInMap = false;
        map.closeTooltip(tooltip);
      }
    });
    root.addEventListener("keydown", function (event) {
      if ((event.key === "Escape" || event.keyCode === 27) && map.hasLayer(popup)) {
        event.preventDefault();
        event.stopPropagation();
        map.closePopup(popup);
      }
    });
    document.addEventListener("mousedown", function (event) {
      if (!root.contains(event.target)) { focusInMap = false; }
    });
    map.on("popupclose", function (event) {
      if (event.popup !== popup) { return; }
      var active = document.activeElement;
      if (!active || active === document.body || root.contains(active)) {
        var icon = opener && opener.getElement && opener.getElement();
        if (!focusWithoutScroll(icon && icon.isConnected ? icon : null) && focusInMap) { focusWithoutScroll(root); }
      }
    });

    // When clusters re-form, a focused marker may leave the page: give the focus back to the map.
    function keepFocus() {
      if (focusInMap && (!document.activeElement || document.activeElement === document.body)) {
        focusWithoutScroll(root);
      }
    }

    // Approximate places (town or city): a circle of the real uncertainty around each unclustered one.
    function drawAreas() {
      areas.clearLayers();
      shown.forEach(function (entry) {
        if (entry.properties.precision === "site") { return; }
        if (group.getVisibleParent(entry.marker) !== entry.marker) { return; }
        if (!entry.area) {
          entry.area = areaCircle(entry.marker.getLatLng(), radius[entry.properties.precision] || 3000, entry.kind);
        }
        areas.addLayer(entry.area);
      });
    }

    map.on("moveend", function () { drawAreas(); keepFocus(); });
    group.on("animationend", function () { drawAreas(); keepFocus(); });

    function readState() {
      var params = new URLSearchParams(window.location.search);
      var read = {};
      FILTERS.forEach(function (name) { read[name] = params.get(name) || ""; });
      return read;
    }

    function writeState() {
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) {
        if (state[name]) { params.set(name, state[name]); } else { params.delete(name); }
      });
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
    }

    function filtered() {
      return FILTERS.some(function (name) { return state[name]; });
    }

    function showMarkers(wanted) {
      shown.forEach(function (entry) { entry.onMap = false; });
      wanted.forEach(function (entry) { entry.onMap = true; });
      shown = wanted;
      group.clearLayers();
      areas.clearLayers();
      group.addLayers(shown.map(function (entry) { return entry.marker; }));
      root.setAttribute("data-markers", String(group.getLayers().length));
    }

    function fit() {
      if (shown.length) {
        var bounds = L.latLngBounds(shown.map(function (entry) { return entry.marker.getLatLng(); }));
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 9, animate: false });
      }
    }

    // Filters: list items and markers together; markers are re-added only when their set changes.
    function apply(initial) {
      var wanted = [];
      var count = 0;
      entries.forEach(function (entry) {
        var visible = matches(entry);
        if (entry.item && entry.item.hidden === visible) { entry.item.hidden = !visible; } // only what changes
        if (visible) {
          count += 1;
          if (entry.marker) { wanted.push(entry); }
        }
      });
      var same = wanted.length === shown.length && wanted.every(function (entry) { return entry.onMap; });
      if (!same) { showMarkers(wanted); }
      root.setAttribute("data-markers", String(group.getLayers().length));
      if (empty) { empty.hidden = count !== 0; }
      if (status && (!initial || filtered())) {
        status.textContent = plural(strings.status, count).replace("%(total)s", number(total));
      }
      if (!initial || (filtered() && !same)) { fit(); }
      drawAreas();
      if (!initial) { writeState(); }
    }

    if (form) {
      form.addEventListener("change", function (event) {
        if (FILTERS.indexOf(event.target.name) === -1) { return; }
        state[event.target.name] = event.target.value;
        apply(false);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.addEventListener("reset", function () {
        window.setTimeout(function () {
          FILTERS.forEach(function (name) { state[name] = ""; });
          apply(false);
        }, 0);
      });
    }

    function whenListed(callback) {
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", callback);
      } else {
        callback();
      }
    }

    var data = getJSON(root.getAttribute("data-places")).then(function (collection) {
      mark("data");
      labels = collection.labels || { kinds: {}, countries: {}, precision: {} };
      radius = collection.radius || {};
      var made = [];
      collection.features.forEach(function (feature) {
        var p = feature.properties;
        if (!feature.geometry || (scope && p.country !== scope)) { return; }
        var c = feature.geometry.coordinates;
        var entry = bySlug[feature.id] || (bySlug[feature.id] = { slug: feature.id, country: p.country, kind: p.kind });
        entry.properties = p;
        entry.marker = L.marker([c[1], c[0]], {
          icon: markerIcon(p.kind, p.precision !== "site", p.name + " — " + (labels.kinds[p.kind] || p.kind), feature.id),
          keyboard: true,
          riseOnHover: true
        });
        entry.marker.atlasEntry = entry;
        made.push(entry);
      });
      mark("built");
      // First drawing, before the list is complete when the filters allow it (discipline and programme
      // are known from the list only).
      if (!listed && !state.discipline && !state.programme) {
        showMarkers(made.filter(matches));
        if (filtered()) { fit(); }
        drawAreas();
        afterPaint(function () { mark("markers"); });
      }
    });

    whenListed(function () {
      readList();
      data.then(function () {
        if (!list) { // an embedded map (/<lang>/embed/...) has no list: every place of the data is shown
          entries = Object.keys(bySlug).map(function (slug) { return bySlug[slug]; })
            .filter(function (entry) { return entry.marker; });
          total = entries.length;
        }
        var first = !shown.length;
        apply(true);
        root.setAttribute("data-ready", "true");
        if (first) { afterPaint(function () { mark("markers"); }); }
      }).catch(function (error) {
        root.setAttribute("data-error", String(error));
      });
    });
  }

  if (root.getAttribute("data-atlas-map") === "place") {
    placeMap();
  } else {
    networkMap();
  }
}());
