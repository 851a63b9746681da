/*
 * stylegraph explorer, merchandiser tools: colour by style cluster, the cluster list,
 * "why" for each recommendation, pins and bans, two sources side by side, search by photo.
 *
 * Runs after explorer.js and talks to it only through window.stylegraphExplorer
 * (its DataSets, network, select/loadRoot). Reads /api/analytics/clusters,
 * /api/products/<id>/{similar,recommendations}?explain=true, /api/products/<id>/compare
 * and POST /api/search/image; writes /api/curation (and /api/curation/cluster) with the write token typed in the panel.
 */
(function () {
  "use strict";

  var ex = window.stylegraphExplorer;
  var cfg = JSON.parse(document.getElementById("explorer-config").textContent);
  var base = cfg.api.product.replace(/\/api\/products\/$/, "");
  var PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
    "#bfef45", "#469990", "#9a6324", "#800000", "#000075"];
  var merch = {
    colourOn: false, graph: "SIMILAR", clusterOf: {}, rendered: null, whySource: "recommendations",
    lastWhy: null, lastCompare: null, lastPhoto: null, busy: 0
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs.text; }
      else if (k === "on") { Object.keys(attrs.on).forEach(function (ev) { node.addEventListener(ev, attrs.on[ev]); }); }
      else if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return node;
  }
  var $ = function (id) { return document.getElementById(id); };

  function track(promise) {
    merch.busy += 1;
    return promise.finally(function () { merch.busy -= 1; });
  }

  function request(method, url, body, headers) {
    var opts = { method: method, headers: Object.assign({ Accept: "application/json" }, headers || {}) };
    if (body instanceof FormData) { opts.body = body; }
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        if (!r.ok) {
          var err = new Error((data && data.error) || ("HTTP " + r.status));
          err.status = r.status;
          throw err;
        }
        return data;
      });
    });
  }

  function note(text, isError) {
    var box = $("merch-status");
    if (box) { box.textContent = text || ""; box.className = isError ? "merch-status error" : "merch-status"; }
  }

  function clusterColour(c) { return c === null || c === undefined ? null : PALETTE[c % PALETTE.length]; }

  // ------------------------------------------------------------ colour by cluster

  function defaultBorder(id) {
    if (id === ex.state.root) { return cfg.rootColor; }
    return ex.state.expanded.has(id) ? cfg.expandedColor : cfg.visOptions.nodes.color.border;
  }

  function paint(ids) {
    var updates = [];
    ids.forEach(function (id) {
      var n = ex.nodes.get(id);
      if (!n) { return; }
      var known = merch.clusterOf[id];
      var c = merch.colourOn && known !== undefined && known !== null ? known : null;
      var colour = clusterColour(c);
      var border = colour || defaultBorder(id);
      var had = n.cluster === undefined ? null : n.cluster;
      if (had === c && n.color && n.color.border === border) { return; }
      var color = Object.assign({}, n.color, { border: border });
      updates.push({ id: id, cluster: c, color: color, borderWidth: colour ? 5 : 2 });
    });
    if (updates.length) { ex.nodes.update(updates); }
  }

  function loadAssignments(ids) {
    var missing = ids.filter(function (id) { return !(id in merch.clusterOf); });
    if (!missing.length) { paint(ids); return Promise.resolve(); }
    var url = base + "/api/analytics/clusters?graph=" + merch.graph + "&limit=1&ids=" +
      encodeURIComponent(missing.slice(0, 1000).join(","));
    return track(request("GET", url).then(function (body) {
      Object.keys(body.assignments || {}).forEach(function (id) { merch.clusterOf[id] = body.assignments[id]; });
      paint(ids);
    }).catch(function (err) { note("Clusters unavailable: " + err.message, true); }));
  }

  function recolour() {
    var ids = ex.nodes.getIds().map(String);
    if (merch.colourOn) { return loadAssignments(ids); }
    paint(ids);
    return Promise.resolve();
  }

  ex.nodes.on("add", function (_, props) { if (merch.colourOn) { loadAssignments(props.items.map(String)); } });
  ex.nodes.on("update", function (_, props) {
    if (!merch.colourOn) { return; }
    var stale = props.items.map(String).filter(function (id) {
      var n = ex.nodes.get(id), c = merch.clusterOf[id];
      return n && n.color && c !== undefined && c !== null && n.color.border !== clusterColour(c);
    });
    if (stale.length) { setTimeout(function () { paint(stale); }, 0); }
  });

  function renderClusters() {
    var list = $("cluster-list");
    list.textContent = "";
    var url = base + "/api/analytics/clusters?graph=" + merch.graph + "&limit=30";
    return track(request("GET", url).then(function (body) {
      $("cluster-summary").textContent = body.count + " clusters (" + body.method + ", modularity " + body.modularity + ")";
      body.clusters.forEach(function (c) {
        var top = (c.top_categories[0] || {}).category || "—";
        var rep = c.representatives[0] || {};
        list.appendChild(el("li", { "data-cluster": c.cluster, on: { click: function () {
          if (rep.id) { ex.loadRoot(rep.id, true); }
        } } }, [
          el("span", { "class": "swatch", style: "background:" + clusterColour(c.cluster) }),
          rep.image_url ? el("img", { src: rep.image_url, alt: "" }) : null,
          el("span", { "class": "name", text: "cluster " + c.cluster + " · " + c.size + " · " + top })
        ]));
      });
    }).catch(function (err) { note("Clusters unavailable: " + err.message, true); }));
  }

  // ------------------------------------------------------------ why + curation

  function describe(reason, labelOf) {
    if (reason.type === "edge") {
      return reason.edges[0] + " " + Number(reason.score).toFixed(3) + (reason.model ? " (model " + reason.model + ")" : "");
    }
    if (reason.type === "path") {
      var parts = [labelOf(reason.path[0])];
      reason.edges.forEach(function (e, i) { parts.push("-" + e + " " + Number(reason.scores[i]).toFixed(2) + "-> " + labelOf(reason.path[i + 1])); });
      return parts.join(" ");
    }
    if (reason.type === "attributes") {
      return "shares " + Object.keys(reason.shared).map(function (k) { return k + " " + reason.shared[k]; }).join(", ");
    }
    if (reason.type === "curation") { return "pinned by " + reason.by + " at " + reason.at; }
    return JSON.stringify(reason);
  }

  function curate(productId, itemId, action) {
    var token = $("write-token").value.trim();
    var by = $("curator").value.trim();
    var scope = $("curate-scope").value;
    var body = { item_id: itemId, action: action, relation: $("curate-relation").value, by: by };
    if (scope === "cluster") {
      if (merch.clusterOf[productId] === undefined || merch.clusterOf[productId] === null) {
        note("Turn on “Colour by cluster” first to know this product's cluster.", true);
        return Promise.resolve();
      }
      body.cluster = merch.clusterOf[productId];
      body.graph = merch.graph;
    } else {
      body.product_id = productId;
    }
    try { sessionStorage.setItem("stylegraph.curator", by); sessionStorage.setItem("stylegraph.token", token); } catch (e) { /* private mode */ }
    var route = base + "/api/curation" + (scope === "cluster" ? "/cluster" : "");
    return track(request("POST", route, body, { Authorization: "Bearer " + token }).then(function (res) {
      note(action + " of " + itemId + " saved (" + res.written + " rule" + (res.written === 1 ? "" : "s") + ")");
      return renderWhy(productId);
    }).catch(function (err) { note("Not saved: " + err.message, true); }));
  }

  function renderWhy(id) {
    var list = $("why-list");
    var url = base + "/api/products/" + encodeURIComponent(id) + "/" + merch.whySource + "?explain=true&k=6";
    return track(request("GET", url).then(function (body) {
      if (merch.rendered !== id) { return; }
      merch.lastWhy = body;
      list.textContent = "";
      var labelOf = function (pid) { var n = ex.nodes.get(pid); return n ? n.label : pid; };
      if (body.fallback) { list.appendChild(el("li", { "class": "empty", text: "No GNN recommendations yet: showing look-alikes." })); }
      body.items.forEach(function (item) {
        var reasons = el("ul", { "class": "why" }, (item.why || []).map(function (r) {
          return el("li", { "class": "why-" + r.type, text: describe(r, labelOf) });
        }));
        list.appendChild(el("li", { "data-id": item.id, "class": item.pinned ? "pinned" : null }, [
          el("img", { src: item.image_url || cfg.noImage, alt: "", on: { click: function () { ex.loadRoot(item.id, true); } } }),
          el("div", {}, [
            el("span", { "class": "name", text: (item.pinned ? "📌 " : "") + (item.title || item.id) }),
            el("span", { "class": "score", text: item.score === null ? "pinned" : Number(item.score).toFixed(3) }),
            reasons,
            el("span", { "class": "curate" }, [
              el("button", { type: "button", "class": "pin", text: "Pin", on: { click: function () { curate(id, item.id, "pin"); } } }),
              el("button", { type: "button", "class": "ban", text: "Ban", on: { click: function () { curate(id, item.id, "ban"); } } })
            ])
          ])
        ]));
      });
    }).catch(function (err) { note("Could not explain " + id + ": " + err.message, true); }));
  }

  // ------------------------------------------------------------ compare

  function renderCompare(id) {
    var box = $("compare");
    var a = $("compare-a").value, b = $("compare-b").value;
    var url = base + "/api/products/" + encodeURIComponent(id) + "/compare?k=6&a=" + a + "&b=" + b;
    return track(request("GET", url).then(function (body) {
      merch.lastCompare = body;
      box.hidden = false;
      var cols = $("compare-cols");
      cols.textContent = "";
      $("compare-overlap").textContent = "overlap@" + body.k + " " + body.overlap_at_k.toFixed(2) +
        " · Jaccard " + body.jaccard.toFixed(2);
      [body.a, body.b].forEach(function (side) {
        var metrics = side.metrics ? Object.keys(side.metrics).slice(0, 6).map(function (k) {
          return k + " " + Number(side.metrics[k]).toFixed(3); }).join(" · ") : "no run metrics";
        cols.appendChild(el("div", { "class": "compare-col", "data-source": side.source }, [
          el("h4", { text: side.source + (side.fallback ? " (fallback)" : "") }),
          el("p", { "class": "model", text: "model " + (side.model || "—") + " · " + metrics }),
          el("ol", {}, side.items.map(function (item) {
            return el("li", { "data-id": item.id, "class": body.shared.indexOf(item.id) >= 0 ? "shared" : null,
              on: { click: function () { ex.loadRoot(item.id, true); } } }, [
              el("img", { src: item.image_url || cfg.noImage, alt: "" }),
              el("span", { text: (item.title || item.id) + (item.score === null ? "" : " " + Number(item.score).toFixed(2)) })
            ]);
          }))
        ]));
      });
    }).catch(function (err) { note("Compare failed: " + err.message, true); }));
  }

  // ------------------------------------------------------------ search by photo

  function photoSearch(file) {
    var form = new FormData();
    form.append("image", file);
    var q = ["k=" + encodeURIComponent($("photo-k").value)];
    if ($("photo-in-stock").checked) { q.push("in_stock=true"); }
    ["min_price", "max_price", "category"].forEach(function (name) {
      var v = $("photo-" + name).value.trim();
      if (v) { q.push(name + "=" + encodeURIComponent(v)); }
    });
    var list = $("photo-results");
    list.textContent = "";
    return track(request("POST", base + "/api/search/image?" + q.join("&"), form).then(function (body) {
      merch.lastPhoto = body;
      if (!body.items.length) { list.appendChild(el("li", { "class": "empty", text: "No look-alike passes the filters." })); }
      body.items.forEach(function (item) {
        list.appendChild(el("li", { "data-id": item.id, on: { click: function () {
          $("photo-search").hidden = true;
          ex.loadRoot(item.id, true);
        } } }, [
          el("img", { src: item.image_url || cfg.noImage, alt: "" }),
          el("span", { "class": "name", text: item.title || item.id }),
          el("span", { "class": "score", text: Number(item.score).toFixed(3) + " · batch " + body.batch_size })
        ]));
      });
    }).catch(function (err) { note("Photo search failed: " + err.message, true); }));
  }

  // ------------------------------------------------------------ layout

  function renderSelected() {
    var id = ex.state.selected;
    if (!id || id === merch.rendered) { return; }
    merch.rendered = id;
    $("merch-product").textContent = id;
    $("merch-body").hidden = false;
    $("compare").hidden = true;
    renderWhy(id);
  }

  function build() {
    var toolbar = document.querySelector(".toolbar");
    var download = $("download");
    toolbar.insertBefore(el("label", { "class": "cluster-toggle" }, [
      el("input", { type: "checkbox", id: "cluster-colour" }), " Colour by cluster ",
      el("select", { id: "cluster-graph", "aria-label": "Cluster graph" }, [
        el("option", { value: "SIMILAR", text: "looks like" }), el("option", { value: "RECOMMENDED", text: "goes with" })])
    ]), download);
    toolbar.insertBefore(el("button", { type: "button", id: "photo-open", text: "Search by photo" }), download);
    toolbar.insertBefore(el("a", { href: base + "/curation", id: "curation-link", text: "Pins & bans" }), download);

    var panel = $("panel");
    panel.appendChild(el("section", { id: "merch", "class": "merch" }, [
      el("div", { id: "merch-status", "class": "merch-status", role: "status" }),
      el("div", { id: "merch-body", hidden: "" }, [
        el("h3", {}, ["Why ", el("select", { id: "why-source", "aria-label": "Which list" }, [
          el("option", { value: "recommendations", text: "recommended" }), el("option", { value: "similar", text: "look-alike" })]),
          " for ", el("span", { id: "merch-product" })]),
        el("div", { "class": "curate-form" }, [
          el("input", { id: "curator", placeholder: "your name", "aria-label": "Your name", size: 10 }),
          el("input", { id: "write-token", type: "password", placeholder: "write token", "aria-label": "Write token", size: 10 }),
          el("select", { id: "curate-scope", "aria-label": "Scope" }, [
            el("option", { value: "product", text: "this product" }), el("option", { value: "cluster", text: "its whole cluster" })]),
          el("select", { id: "curate-relation", "aria-label": "Lists" }, [
            el("option", { value: "both", text: "both lists" }), el("option", { value: "similar", text: "look-alikes" }),
            el("option", { value: "recommendations", text: "recommendations" })])
        ]),
        el("ul", { id: "why-list", "class": "result-list why-list" }),
        el("h3", {}, ["Compare ",
          el("select", { id: "compare-a", "aria-label": "Left source" }, [
            el("option", { value: "similar", text: "SIMILAR" }), el("option", { value: "recommendations", text: "RECOMMENDED" })]),
          " vs ",
          el("select", { id: "compare-b", "aria-label": "Right source" }, [
            el("option", { value: "recommendations", text: "RECOMMENDED" }), el("option", { value: "similar", text: "SIMILAR" })]),
          " ", el("button", { type: "button", id: "compare-open", text: "Compare" })]),
        el("div", { id: "compare", hidden: "" }, [el("p", { id: "compare-overlap" }), el("div", { id: "compare-cols", "class": "compare-cols" })])
      ]),
      el("h3", {}, ["Style clusters ", el("small", { id: "cluster-summary" })]),
      el("ul", { id: "cluster-list", "class": "result-list cluster-list" })
    ]));

    document.body.appendChild(el("div", { id: "photo-search", "class": "photo-search", hidden: "" }, [
      el("div", { "class": "photo-box" }, [
        el("button", { type: "button", "class": "close", text: "×", "aria-label": "Close",
          on: { click: function () { $("photo-search").hidden = true; } } }),
        el("h2", { text: "Search by photo" }),
        el("label", { id: "photo-drop", "class": "drop" }, ["Drop a photo here, or ",
          el("input", { type: "file", id: "photo-input", accept: "image/*" })]),
        el("div", { "class": "photo-filters" }, [
          el("label", {}, [el("input", { type: "checkbox", id: "photo-in-stock" }), " in stock"]),
          el("input", { id: "photo-min_price", placeholder: "min price", size: 6 }),
          el("input", { id: "photo-max_price", placeholder: "max price", size: 6 }),
          el("input", { id: "photo-category", placeholder: "category", size: 8 }),
          el("label", {}, ["k ", el("input", { id: "photo-k", type: "number", min: 1, max: 100, value: 8, style: "width:4em" })])
        ]),
        el("ul", { id: "photo-results", "class": "result-list photo-results" })
      ])
    ]));

    try {
      $("curator").value = sessionStorage.getItem("stylegraph.curator") || "";
      $("write-token").value = sessionStorage.getItem("stylegraph.token") || "";
    } catch (e) { /* private mode */ }

    $("cluster-colour").addEventListener("change", function () { merch.colourOn = $("cluster-colour").checked; recolour(); });
    $("cluster-graph").addEventListener("change", function () {
      merch.graph = $("cluster-graph").value;
      merch.clusterOf = {};
      renderClusters();
      recolour();
    });
    $("why-source").addEventListener("change", function () {
      merch.whySource = $("why-source").value;
      if (merch.rendered) { renderWhy(merch.rendered); }
    });
    $("compare-open").addEventListener("click", function () { if (merch.rendered) { renderCompare(merch.rendered); } });
    $("photo-open").addEventListener("click", function () { $("photo-search").hidden = false; });
    $("photo-input").addEventListener("change", function () {
      if ($("photo-input").files.length) { photoSearch($("photo-input").files[0]); }
    });
    var drop = $("photo-drop");
    drop.addEventListener("dragover", function (ev) { ev.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (ev) {
      ev.preventDefault();
      drop.classList.remove("over");
      if (ev.dataTransfer.files.length) { photoSearch(ev.dataTransfer.files[0]); }
    });
    new MutationObserver(renderSelected).observe($("details"), { childList: true, subtree: true });
  }

  function loadSources() {
    return track(request("GET", base + "/api/compare/sources").then(function (body) {
      (body.runs || []).forEach(function (run) {
        ["compare-a", "compare-b"].forEach(function (id) {
          $(id).appendChild(el("option", { value: "run:" + run, text: "run " + run }));
        });
      });
    }).catch(function () { /* the graph's two lists still work */ }));
  }

  build();
  renderClusters();
  loadSources();

  window.stylegraphMerch = {
    state: merch, recolour: recolour, renderWhy: renderWhy, renderCompare: renderCompare,
    photoSearch: photoSearch, palette: PALETTE, idle: function () { return merch.busy === 0; }
  };
})();
