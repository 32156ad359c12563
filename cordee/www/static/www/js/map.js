/*
 * Cordée — public places pages: maps, "Autour de moi", commune suggestions, print button.
 * Progressive enhancement only: every page works without this file. Hooks are data-cordee-* attributes.
 * No inline script, no third-party request: Leaflet is vendored, tiles come from MAP_TILE_URL (if any),
 * the départements' outlines and the communes' names from the site itself.
 */
(function () {
  "use strict";

  var maps = [];

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function popupContent(place) {
    var wrapper = document.createElement("div");
    var title = document.createElement(place.url ? "a" : "strong");
    title.textContent = place.name;
    if (place.url) {
      title.href = place.url;
    }
    wrapper.appendChild(title);
    if (place.address) {
      var address = document.createElement("p");
      address.className = "fr-text--sm fr-mb-0";
      address.textContent = place.address;
      wrapper.appendChild(address);
    }
    return wrapper;
  }

  // Outlines of the départements, fetched once per page and shared by its maps.
  var outlines = null;

  function loadOutlines(url) {
    if (!outlines && url && typeof window.fetch === "function") {
      outlines = window
        .fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .catch(function () {
          return null;
        });
    }
    return outlines || Promise.resolve(null);
  }

  function drawOutlines(map, url) {
    loadOutlines(url).then(function (geojson) {
      if (!geojson) {
        return;
      }
      window.L.geoJSON(geojson, {
        interactive: false,
        style: { color: "#000091", weight: 1.5, opacity: 0.7, fill: false },
      }).addTo(map);
    });
  }

  // Names of the communes around, written on the map (not focusable: the list says the same).
  function drawCommuneNames(map, communes) {
    (communes || []).forEach(function (commune) {
      var text = document.createElement("span");
      text.className = "cordee-map-label__text";
      text.setAttribute("aria-hidden", "true");
      text.textContent = commune.name;
      window.L.marker([commune.lat, commune.lon], {
        icon: window.L.divIcon({ className: "cordee-map-label", html: text, iconSize: null }),
        interactive: false,
        keyboard: false,
        pane: "overlayPane",
      }).addTo(map);
    });
  }

  function drawMap(container) {
    if (typeof window.L === "undefined") {
      return;
    }
    var data = readJson(container.getAttribute("data-cordee-map"));
    if (!data || !data.places) {
      return;
    }
    container.hidden = false;
    var tileUrl = container.getAttribute("data-tile-url");
    var note = container.parentNode.querySelector("[data-cordee-map-note]");
    var map = window.L.map(container, { scrollWheelZoom: false, maxZoom: 19, minZoom: 3 });
    // Without tiles, a town-wide view with the names of the communes around says more than a street.
    var closest = tileUrl ? 15 : 11;
    if (tileUrl && /\.pmtiles$/.test(tileUrl) && window.pmtiles) {
      // A PMTiles file served by the site: the vendored reader fetches byte ranges of it.
      window.pmtiles
        .leafletRasterLayer(new window.pmtiles.PMTiles(tileUrl), {
          attribution: container.getAttribute("data-tile-attribution") || "",
          maxZoom: 19,
        })
        .addTo(map);
    } else if (tileUrl) {
      window.L.tileLayer(tileUrl, {
        attribution: container.getAttribute("data-tile-attribution") || "",
        maxZoom: 19,
      }).addTo(map);
    } else {
      container.classList.add("cordee-map--plain");
      if (note) {
        note.hidden = false;
      }
    }
    drawOutlines(map, container.getAttribute("data-outlines-url"));
    drawCommuneNames(map, data.communes);
    if (data.radius_km && data.center) {
      window.L.circle(data.center, {
        radius: data.radius_km * 1000,
        interactive: false,
        color: "#000091",
        weight: 1,
        dashArray: "4 6",
        fill: false,
      }).addTo(map);
    }
    var layer =
      typeof window.L.markerClusterGroup === "function" && data.places.length > 1
        ? window.L.markerClusterGroup({ showCoverageOnHover: false })
        : window.L.featureGroup();
    data.places.forEach(function (place) {
      if (place.lat === null || place.lon === null) {
        return;
      }
      var marker = window.L.marker([place.lat, place.lon], { alt: place.name, title: place.name });
      marker.bindPopup(popupContent(place));
      layer.addLayer(marker);
    });
    map.addLayer(layer);
    if (layer.getLayers().length) {
      // Fit to the places found, with the searched point (a single result may be far from the town centre).
      var bounds = layer.getBounds();
      if (data.center) {
        bounds.extend(data.center);
      }
      map.fitBounds(bounds, { padding: [32, 32], maxZoom: closest });
    } else if (data.center) {
      map.setView(data.center, 11);
    } else {
      map.setView([46.6, 2.4], 5);
    }
    maps.push(map);
  }

  function drawMaps(root) {
    root.querySelectorAll("[data-cordee-map]").forEach(drawMap);
  }

  function setUpGeolocation(form) {
    var button = form.querySelector("[data-cordee-geolocate]");
    var message = form.querySelector("[data-cordee-geolocate-message]");
    if (!button || !("geolocation" in navigator)) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      message.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(5);
          form.elements.lon.value = position.coords.longitude.toFixed(5);
          form.elements.ou.value = "";
          message.textContent = "Position trouvée : recherche des lieux autour de vous…";
          form.submit();
        },
        function () {
          message.textContent =
            "Nous n'avons pas pu connaître votre position (vous l'avez peut-être refusé). " +
            "Indiquez plutôt votre commune ou votre code postal dans le champ « Où ? ».";
        },
        { timeout: 10000, maximumAge: 300000 }
      );
    });
    // A place typed in "Où ?" replaces a position found earlier.
    form.addEventListener("submit", function () {
      if (form.elements.ou.value.trim()) {
        form.elements.lat.value = "";
        form.elements.lon.value = "";
      }
    });
  }

  function setUpSuggestions(form) {
    var input = form.elements.ou;
    var url = form.getAttribute("data-cordee-communes-url");
    if (!input || !url || typeof window.fetch !== "function") {
      return;
    }
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    form.appendChild(list);
    input.setAttribute("list", list.id);
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      window.clearTimeout(timer);
      if (text.length < 2 || /^\d+$/.test(text) || text === lastQuery) {
        return;
      }
      timer = window.setTimeout(function () {
        lastQuery = text;
        window
          .fetch(url + "?page_size=8&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (payload) {
            list.textContent = "";
            (payload.results || []).forEach(function (commune) {
              var option = document.createElement("option");
              var postalCode = (commune.codes_postaux || [])[0];
              option.value = postalCode ? commune.nom + " " + postalCode : commune.nom;
              list.appendChild(option);
            });
          })
          .catch(function () {
            list.textContent = "";
          });
      }, 250);
    });
  }

  function setUpPrint() {
    document.querySelectorAll("[data-cordee-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function init() {
    drawMaps(document);
    document.querySelectorAll("[data-cordee-search-form]").forEach(function (form) {
      setUpGeolocation(form);
      setUpSuggestions(form);
    });
    setUpPrint();
    // Pages of results loaded by HTMX: draw the new map, then bring the reader to the new results.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      maps = maps.filter(function (map) {
        if (!document.body.contains(map.getContainer())) {
          map.remove();
          return false;
        }
        return true;
      });
      drawMaps(event.detail.target);
      var title = event.detail.target.querySelector("[data-cordee-results-title]");
      if (title) {
        title.focus();
        title.scrollIntoView();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
