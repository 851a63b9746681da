/*
 * stylegraph explorer: product photos as a vis-network graph.
 *
 * Reads the shop API: /api/graph/neighborhood (nodes + scored edges),
 * /api/products/<id> (details panel) and the explorer's /api/search/text.
 * Loaded edges are kept in vis DataSets; what is drawn is a DataView over
 * them, filtered by edge type and minimum score, so the controls act at
 * once and only go back to the server when a filter asks for edges that
 * were not fetched yet. Styling constants come from the page config,
 * shared with the exported pages (explorer_style.py), and nodes and edges are
 * styled by the same step as there (graph_style.js).
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("explorer-config").textContent);
  var EDGE_TYPES = cfg.edgeTypes || Object.keys(cfg.edgeStyles);
  var $ = function (id) { return document.getElementById(id); };

  var state = {
    root: null,
    selected: null,
    minScore: cfg.defaults.minScore,
    limit: cfg.defaults.limit,
    types: {},
    expanded: new Map(),   // id -> {edge, minScore, limit} the node was expanded with
    endpoints: new Set(),  // ids touched by a visible edge
    busy: 0,
    generation: 0          // bumped by loadRoot so stale answers are dropped
  };
  EDGE_TYPES.forEach(function (t) { state.types[t] = true; });

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var nodesView = new vis.DataView(nodes, { filter: nodeVisible });
  var edgesView = new vis.DataView(edges, { filter: edgeVisible });
  var network = new vis.Network($("network"), { nodes: nodesView, edges: edgesView }, cfg.visOptions);

  // ---------------------------------------------------------------- helpers

  function edgeParam() {
    var on = EDGE_TYPES.filter(function (t) { return state.types[t]; });
    if (on.length === 0) { return null; }
    return on.length === EDGE_TYPES.length ? "all" : on.join(",");
  }

  function setStatus(text, isError) {
    var el = $("status");
    el.textContent = text;
    el.classList.toggle("error", !!isError);
  }

  function updateCounts() {
    var shown = nodesView.length, links = edgesView.length;
    $("legend-counts").textContent = shown + " products \u00b7 " + links + " edges shown (" +
      nodes.length + " / " + edges.length + " loaded)";
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) {
          var err = new Error((body && body.error) || ("HTTP " + r.status));
          err.status = r.status;
          throw err;
        }
        return body;
      });
    });
  }

  function track(promise) {
    state.busy += 1;
    document.body.classList.add("busy");
    return promise.finally(function () {
      state.busy -= 1;
      if (!state.busy) { document.body.classList.remove("busy"); }
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "on") { Object.keys(attrs.on).forEach(function (ev) { node.addEventListener(ev, attrs.on[ev]); }); }
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  // ---------------------------------------------------------------- filtering

  function edgeVisible(e) {
    if (state.types[e.type] === false) { return false; }
    return !(state.minScore > 0) || e.score >= state.minScore;
  }

  function nodeVisible(n) {
    return n.id === state.root || state.expanded.has(n.id) || state.endpoints.has(n.id);
  }

  function refreshViews() {
    var ends = new Set();
    edges.forEach(function (e) {
      if (edgeVisible(e)) { ends.add(e.from); ends.add(e.to); }
    });
    state.endpoints = ends;
    nodesView.refresh();
    edgesView.refresh();
    updateCounts();
  }

  // ---------------------------------------------------------------- graph data

  function styleNode(p) {
    var id = String(p.id);
    return stylegraphStyle.node(p, cfg, { root: id === state.root, expanded: state.expanded.has(id) });
  }

  function styleEdge(e) { return stylegraphStyle.edge(e, cfg); }

  /* Merge a neighbourhood answer; new nodes start next to ``near``. Returns how many nodes are new. */
  function merge(data, near) {
    var origin = near && nodesView.get(near) ? network.getPosition(near) : null;
    var fresh = 0;
    var edgeItems = (data.edges || []).map(styleEdge);
    var nodeItems = (data.nodes || []).map(function (p) {
      var item = styleNode(p);
      if (!nodes.get(item.id)) {
        fresh += 1;
        if (origin) {
          var angle = Math.random() * 2 * Math.PI;
          item.x = origin.x + 90 * Math.cos(angle);
          item.y = origin.y + 90 * Math.sin(angle);
        }
      }
      return item;
    });
    edges.update(edgeItems);
    nodes.update(nodeItems);
    refreshViews();
    return fresh;
  }

  function restyle(id) {
    var n = nodes.get(id);
    if (n) { nodes.update(styleNode(n.raw)); }
  }

  function covered(id) {
    var done = state.expanded.get(id);
    if (!done) { return false; }
    var asked = (edgeParam() || "").split(",");
    var had = done.edge === "all" ? EDGE_TYPES : done.edge.split(",");
    return asked.every(function (t) { return had.indexOf(t) >= 0; }) &&
      done.minScore <= state.minScore && done.limit >= state.limit;
  }

  function neighborhoodURL(id, depth) {
    var params = new URLSearchParams({ id: id, depth: String(depth), edge: edgeParam(), limit: String(state.limit) });
    if (state.minScore > 0) { params.set("min_score", String(state.minScore)); }
    return cfg.api.neighborhood + "?" + params.toString();
  }

  /* Fetch ``id``'s neighbours (one hop, current filters) and add them to the view. */
  function expand(id) {
    if (!edgeParam()) {
      setStatus("Turn on at least one edge type to expand.", true);
      return Promise.resolve(0);
    }
    var generation = state.generation;
    var asked = { edge: edgeParam(), minScore: state.minScore, limit: state.limit };
    return track(getJSON(neighborhoodURL(id, 1)).then(function (data) {
      if (generation !== state.generation) { return 0; }
      state.expanded.set(id, asked);
      var fresh = merge(data, id);
      restyle(id);
      var found = (data.nodes || []).length - 1;
      setStatus("Expanded " + labelOf(id) + ": " + Math.max(found, 0) + " neighbours, " + fresh + " new.");
      if (state.selected === id) { renderNeighbours(id); }
      return fresh;
    }).catch(function (err) {
      setStatus("Could not expand " + id + ": " + err.message, true);
      return 0;
    }));
  }

  function labelOf(id) {
    var n = nodes.get(id);
    return n ? n.label : id;
  }

  /* Re-fetch expanded nodes whose earlier answer does not cover the current filters. */
  function refetchExpanded() {
    var todo = Array.from(state.expanded.keys()).filter(function (id) { return !covered(id); });
    return todo.reduce(function (p, id) { return p.then(function () { return expand(id); }); }, Promise.resolve());
  }

  /* Start over from ``id``: its neighbourhood becomes the whole view. */
  function loadRoot(id, push) {
    state.generation += 1;
    var generation = state.generation;
    state.root = String(id);
    state.expanded.clear();
    state.selected = null;
    nodes.clear();
    edges.clear();
    refreshViews();
    hideResults();
    if (push) { history.pushState({ id: state.root }, "", cfg.api.page + "/" + encodeURIComponent(state.root)); }
    document.title = state.root + " \u00b7 stylegraph explorer";
    if (!edgeParam()) { state.types[EDGE_TYPES[0]] = true; syncControls(); }
    var asked = { edge: edgeParam(), minScore: state.minScore, limit: state.limit };
    setStatus("Loading " + state.root + "\u2026");
    return track(getJSON(neighborhoodURL(state.root, cfg.defaults.depth)).then(function (data) {
      if (generation !== state.generation) { return; }
      state.expanded.set(state.root, asked);
      merge(data, null);
      restyle(state.root);
      network.once("stabilized", function () { network.fit({ animation: false }); });
      network.fit({ animation: false });
      setStatus("Showing " + labelOf(state.root) + " and " + Math.max(nodes.length - 1, 0) +
        " neighbours. Click a product to expand it.");
      return select(state.root);
    }).catch(function (err) {
      if (generation !== state.generation) { return; }
      setStatus(err.status === 404 ? "No product with id " + state.root + "." : "Could not load " + state.root + ": " + err.message, true);
      renderMessage(err.status === 404 ? "Unknown product \u201c" + state.root + "\u201d" : "Could not load the product", err.message);
    }));
  }

  // ---------------------------------------------------------------- side panel

  function renderMessage(title, text) {
    var box = $("details");
    box.textContent = "";
    box.appendChild(el("h2", { text: title }));
    box.appendChild(el("p", { text: text }));
  }

  function imageOf(p) {
    if (typeof p.image_url === "string" && p.image_url) { return p.image_url; }
    var n = nodes.get(String(p.id));
    return n ? n.image : cfg.noImage;
  }

  function formatValue(key, v) {
    if (typeof v === "boolean") { return v ? "yes" : "no"; }
    if (key === "price" && !isNaN(Number(v))) { return Number(v).toFixed(2); }
    return String(v);
  }

  // identity, media and graph-position fields are shown elsewhere or not at all
  var HIDDEN_KEYS = { id: 1, image: 1, image_url: 1, title: 1, label: 1, level: 1 };

  function renderProduct(p) {
    var box = $("details");
    box.textContent = "";
    box.appendChild(el("img", { "class": "photo", src: imageOf(p), alt: p.title || p.id }));
    box.appendChild(el("h2", { text: p.title || p.id }));
    var dl = el("dl", { "class": "facts" });
    dl.appendChild(el("dt", { text: "id" }));
    dl.appendChild(el("dd", { text: p.id }));
    Object.keys(p).forEach(function (k) {
      var v = p[k];
      if (HIDDEN_KEYS[k] || v === null || v === undefined || v === "" || typeof v === "object") { return; }
      dl.appendChild(el("dt", { text: k.replace(/_/g, " ") }));
      dl.appendChild(el("dd", { text: formatValue(k, v) }));
    });
    box.appendChild(dl);
    var id = String(p.id);
    box.appendChild(el("div", { "class": "actions" }, [
      el("button", { type: "button", id: "expand-selected", text: covered(id) ? "Expanded" : "Expand",
        on: { click: function () { expand(id); } } }),
      id === state.root ? null : el("button", { type: "button", text: "Centre here",
        on: { click: function () { loadRoot(id, true); } } }),
      el("a", { href: cfg.api.page + "/" + encodeURIComponent(id), target: "_blank", rel: "noopener", text: "Open in new tab" })
    ]));
    box.appendChild(el("h3", { text: "Neighbours in view" }));
    box.appendChild(el("ul", { id: "neighbours", "class": "result-list" }));
    renderNeighbours(id);
  }

  function renderNeighbours(id) {
    var button = $("expand-selected");
    if (button) { button.textContent = covered(id) ? "Expanded" : "Expand"; }
    var list = $("neighbours");
    if (!list) { return; }
    list.textContent = "";
    var touching = edgesView.get({ filter: function (e) { return e.from === id || e.to === id; } });
    touching.sort(function (a, b) { return b.score - a.score; });
    if (!touching.length) {
      list.appendChild(el("li", { "class": "empty", text: "None shown: click Expand or lower the minimum score." }));
    }
    touching.forEach(function (e) {
      var other = e.from === id ? e.to : e.from;
      var n = nodes.get(other);
      list.appendChild(el("li", { "class": "edge-" + e.type, on: { click: function () { focusNode(other); } } }, [
        el("img", { src: n ? n.image : cfg.noImage, alt: "" }),
        el("span", { "class": "name", text: n ? n.label : other }),
        el("span", { "class": "score", text: (e.from === id ? "\u2192 " : "\u2190 ") + e.type + " " + e.score.toFixed(3) })
      ]));
    });
  }

  /* Show ``id``'s details (GET /api/products/<id>) in the side panel. */
  function select(id) {
    id = String(id);
    state.selected = id;
    if (nodesView.get(id)) { network.selectNodes([id]); }
    var n = nodes.get(id);
    if (n) { renderProduct(n.raw); }
    return track(getJSON(cfg.api.product + encodeURIComponent(id)).then(function (product) {
      if (state.selected === id) {
        renderProduct(Object.assign({}, product, { id: id }));
      }
    }).catch(function (err) {
      if (state.selected === id) { setStatus("Could not load details of " + id + ": " + err.message, true); }
    }));
  }

  function focusNode(id) {
    if (!nodesView.get(id)) { return loadRoot(id, true); }
    network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 300 } });
    return select(id);
  }

  // ---------------------------------------------------------------- search

  var searchTimer = null;

  function hideResults() { $("search-results").hidden = true; }

  function resultItem(r) {
    return el("li", { role: "option", "data-id": r.id, on: { mousedown: function (ev) {
      ev.preventDefault();
      $("search-input").value = r.id;
      hideResults();
      if (nodes.get(String(r.id)) && nodesView.get(String(r.id))) { focusNode(String(r.id)); }
      else { loadRoot(String(r.id), true); }
    } } }, [
      el("img", { src: r.image || cfg.noImage, alt: "" }),
      el("span", { "class": "name", text: r.title || r.id }),
      el("span", { "class": "score", text: r.id })
    ]);
  }

  function showResults(results, query) {
    var list = $("search-results");
    list.textContent = "";
    if (!results.length) {
      list.appendChild(el("li", { "class": "empty", text: "No product matches \u201c" + query + "\u201d." }));
    }
    results.forEach(function (r) { list.appendChild(resultItem(r)); });
    list.hidden = false;
  }

  function search(query) {
    var url = cfg.api.search + "?" + new URLSearchParams({ q: query, limit: "12" }).toString();
    return getJSON(url).then(function (body) { return body.results || []; });
  }

  function onSubmit(ev) {
    ev.preventDefault();
    var query = $("search-input").value.trim();
    if (!query) { return; }
    clearTimeout(searchTimer);
    track(search(query).then(function (results) {
      if (results.length && (String(results[0].id) === query || results.length === 1)) {
        loadRoot(String(results[0].id), true);
      } else {
        showResults(results, query);
      }
    }).catch(function (err) { setStatus("Search failed: " + err.message, true); }));
  }

  function onType() {
    var query = $("search-input").value.trim();
    clearTimeout(searchTimer);
    if (query.length < 2) { hideResults(); return; }
    searchTimer = setTimeout(function () {
      search(query).then(function (results) {
        if ($("search-input").value.trim() === query) { showResults(results, query); }
      }).catch(function () { hideResults(); });
    }, 250);
  }

  function showStartList() {
    return track(search("").then(function (results) {
      var list = $("start-list");
      if (!list) { return; }
      list.textContent = "";
      results.forEach(function (r) {
        list.appendChild(el("li", { on: { click: function () { loadRoot(String(r.id), true); } } }, [
          el("img", { src: r.image || cfg.noImage, alt: "" }),
          el("span", { "class": "name", text: r.title || r.id }),
          el("span", { "class": "score", text: r.id })
        ]));
      });
    }).catch(function (err) { setStatus("Could not list products: " + err.message, true); }));
  }

  // ---------------------------------------------------------------- export

  /* The current view as a standalone page: {blob, filename}, built by POST /explore/export. */
  function buildExport() {
    var positions = network.getPositions();
    var payload = {
      title: (state.root ? labelOf(state.root) + " \u2014 " : "") + "stylegraph view",
      root: state.root,
      nodes: nodesView.get().map(function (n) {
        var p = positions[n.id] || {};
        return Object.assign({}, n.raw, { id: n.id, x: p.x, y: p.y, expanded: state.expanded.has(n.id) });
      }),
      edges: edgesView.get().map(function (e) { return e.raw; })
    };
    return fetch(cfg.api.export, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
    }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (b) { throw new Error(b.error || "HTTP " + r.status); });
      }
      var match = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
      return r.blob().then(function (blob) { return { blob: blob, filename: match ? match[1] : "stylegraph-view.html" }; });
    });
  }

  function downloadView() {
    if (!nodesView.length) { setStatus("Nothing to download yet: open a product first.", true); return Promise.resolve(); }
    setStatus("Building the page\u2026");
    return track(buildExport().then(function (file) {
      var a = el("a", { href: URL.createObjectURL(file.blob), download: file.filename });
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
      setStatus("Downloaded " + file.filename + " (" + Math.round(file.blob.size / 1024) + " KiB).");
    }).catch(function (err) { setStatus("Download failed: " + err.message, true); }));
  }

  // ---------------------------------------------------------------- controls

  function renderLegend() {
    var box = $("legend");
    EDGE_TYPES.forEach(function (t) {
      var s = cfg.edgeStyles[t];
      var svg = "<svg width='34' height='10' aria-hidden='true'><line x1='1' y1='5' x2='33' y2='5' stroke='" +
        s.color + "' stroke-width='3'" + (s.dashes ? " stroke-dasharray='" + s.dashes.join(" ") + "'" : "") + "/></svg>";
      var item = el("div", { "class": "legend-item" });
      item.innerHTML = svg;
      item.appendChild(document.createTextNode(" " + s.legend));
      box.appendChild(item);
    });
    [["root", cfg.rootColor, "product you started from"], ["expanded", cfg.expandedColor, "expanded"],
      ["selected", cfg.selectedColor, "selected (details on the right)"]]
      .forEach(function (r) {
        var item = el("div", { "class": "legend-item" }, [el("span", { "class": "ring" })]);
        item.firstChild.style.borderColor = r[1];
        item.appendChild(document.createTextNode(" " + r[2]));
        box.appendChild(item);
      });
    box.appendChild(el("div", { "class": "legend-item", text: "line width = score" }));
    box.appendChild(el("div", { "class": "legend-item counts", id: "legend-counts" }));
  }

  function syncControls() {
    EDGE_TYPES.forEach(function (t) { var box = $("edge-" + t); if (box) { box.checked = state.types[t]; } });
    $("min-score").value = String(state.minScore);
    $("min-score-value").textContent = Number(state.minScore).toFixed(2);
    $("expand-limit").value = String(state.limit);
  }

  function bindControls() {
    $("search").addEventListener("submit", onSubmit);
    $("search-input").addEventListener("input", onType);
    $("search-input").addEventListener("blur", function () { setTimeout(hideResults, 150); });
    $("search-input").addEventListener("keydown", function (ev) { if (ev.key === "Escape") { hideResults(); } });
    EDGE_TYPES.forEach(function (t) {
      var box = $("edge-" + t);
      if (!box) { return; }
      box.addEventListener("change", function () {
        state.types[t] = box.checked;
        refreshViews();
        if (state.selected) { renderNeighbours(state.selected); }
        refetchExpanded();
      });
    });
    $("min-score").addEventListener("input", function () {
      state.minScore = Number($("min-score").value);
      $("min-score-value").textContent = state.minScore.toFixed(2);
      refreshViews();
      if (state.selected) { renderNeighbours(state.selected); }
    });
    $("min-score").addEventListener("change", refetchExpanded);
    $("expand-limit").addEventListener("change", function () { state.limit = Number($("expand-limit").value); });
    $("fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
    $("download").addEventListener("click", downloadView);
    network.on("click", function (params) {
      if (params.nodes.length) {
        var id = String(params.nodes[0]);
        select(id);
        if (!covered(id)) { expand(id); }
      } else if (params.edges.length) {
        var e = edges.get(params.edges[0]);
        if (e) { setStatus(labelOf(e.from) + " \u2192 " + labelOf(e.to) + ": " + e.title); }
      }
    });
    window.addEventListener("popstate", function (ev) {
      if (ev.state && ev.state.id) { loadRoot(ev.state.id, false); }
    });
  }

  renderLegend();
  syncControls();
  bindControls();
  updateCounts();

  var ready;
  if (cfg.root) {
    history.replaceState({ id: String(cfg.root) }, "", location.href);
    ready = loadRoot(cfg.root, false);
  } else {
    ready = showStartList();
  }

  // for tests and the console
  window.stylegraphExplorer = {
    network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    state: state, ready: ready, loadRoot: loadRoot, expand: expand, select: select,
    buildExport: buildExport, downloadView: downloadView,
    idle: function () { return state.busy === 0; }
  };
})();
