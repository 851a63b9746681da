/*
 * The one styling step of the product graph: a plain neighbourhood node or edge
 * (the /api/graph/neighborhood shape) becomes a vis-network item. The live
 * explorer (explorer.js) and the standalone pages of export-html both use it,
 * with the style config of explorer_style.py (``cfg``).
 */
(function (global) {
  "use strict";

  function shortLabel(text, max) {
    text = String(text).replace(/\s+/g, " ").trim();
    return text.length <= max ? text : text.slice(0, max - 1).trim() + "\u2026";
  }

  /* Plain-text hover text: name, brand · category · colour, price, id. */
  function tooltip(p) {
    var lines = [String(p.title || p.id)];
    var facts = ["brand", "category", "color"].filter(function (k) { return p[k]; })
      .map(function (k) { return String(p[k]); });
    if (facts.length) { lines.push(facts.join(" \u00b7 ")); }
    if (p.price !== undefined && p.price !== null && !isNaN(Number(p.price))) {
      lines.push(Number(p.price).toFixed(2));
    }
    lines.push("id " + p.id);
    return lines.join("\n");
  }

  /* A product as a vis node; ``how.root`` / ``how.expanded`` pick its ring. */
  function node(p, cfg, how) {
    how = how || {};
    var border = how.root ? cfg.rootColor : how.expanded ? cfg.expandedColor : cfg.visOptions.nodes.color.border;
    return {
      id: String(p.id),
      label: shortLabel(p.title || p.id, cfg.labelMax),
      title: tooltip(p),
      shape: "circularImage",
      image: p.image_url || cfg.noImage,
      size: how.root ? cfg.rootSize : cfg.nodeSize,
      color: { border: border, background: "#ffffff", highlight: { border: cfg.selectedColor, background: "#ffffff" } },
      raw: p
    };
  }

  /* An edge ``{from, to, type, kind, score}`` as a vis edge; width follows the score. */
  function edge(e, cfg) {
    var style = cfg.edgeStyles[e.type] || cfg.unknownEdgeStyle;
    var score = Number(e.score) || 0;
    var kind = e.kind || e.type;
    return {
      id: kind + ":" + e.from + ":" + e.to,
      from: String(e.from), to: String(e.to), type: e.type, kind: kind, score: score,
      value: style.logWidth ? Math.log1p(score) : score,
      title: style.logWidth ? kind + " \u00d7" + score : kind + " score " + score.toFixed(3),
      arrows: { to: { enabled: !style.undirected, scaleFactor: 0.4 } },
      color: { color: style.color, highlight: style.color, hover: style.color, opacity: 0.85 },
      dashes: style.dashes,
      raw: e
    };
  }

  global.stylegraphStyle = { node: node, edge: edge, shortLabel: shortLabel, tooltip: tooltip };
})(window);
