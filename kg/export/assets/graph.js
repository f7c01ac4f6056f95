// The explorer page. Every string from the data goes into the DOM with textContent, never innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var legend = {};
  data.legend.forEach(function (g) { legend[g.group] = g; });
  var hiddenGroups = {};
  // Canvas labels use the page's label font stack (graph.html, --kg-label-font): Latin faces, then Chinese ones.
  var LABEL_FACE = getComputedStyle(document.documentElement).getPropertyValue("--kg-label-font").replace(/\s+/g, " ").trim() || "sans-serif";
  var NODE_FONT = 13, EDGE_FONT = 11; // canvas units, as kg/layout.py sizes the label boxes (FONT_PX, EDGE_FONT_PX)
  var READABLE_PX = 12; // the first view is zoomed so node labels are at least this many CSS pixels high
  var MAX_FIRST_SCALE = 1.5; // a small graph is not blown up beyond this at first view
  var EDGE_MARGIN_PX = 12; // free screen space kept around the drawing at first view

  // A Chinese name is marked as such, so browsers pick Simplified Chinese glyphs for it.
  function chinese(text, cls) {
    var span = el("div", text, cls);
    span.lang = "zh-Hans";
    return span;
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function tooltip(n) {
    var box = el("div");
    box.appendChild(el("strong", n.label));
    box.appendChild(el("div", n.cls));
    if (n.labelZh) box.appendChild(chinese(n.labelZh, "zh"));
    if (n.aliases.length) box.appendChild(el("div", "also: " + n.aliases.join(", ")));
    return box;
  }

  document.title = data.title;
  document.getElementById("title").textContent = data.title;

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var g = legend[n.group] || { colour: "#8c564b", shape: "dot" };
    return { id: n.n, label: n.short, title: tooltip(n), group: n.group, shape: g.shape, x: n.x, y: n.y,
             color: { background: g.colour, border: g.colour }, size: 12,
             font: { size: NODE_FONT, face: LABEL_FACE, strokeWidth: 3, strokeColor: "#ffffff" } };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var tip = el("div");
    tip.appendChild(el("strong", e.label));
    if (e.role.length) tip.appendChild(el("div", "role: " + e.role.join(", ")));
    if (e.date.length) tip.appendChild(el("div", "date: " + e.date.join(", ")));
    // The build chose for each edge the curve that puts its label where no other label is (curve: null
    // when there was no such place: the label is left out, the tooltip and the side panel still name it).
    var smooth = !e.curve ? { enabled: false }
      : { enabled: true, type: e.curve > 0 ? "curvedCW" : "curvedCCW", roundness: Math.abs(e.curve) };
    return { id: e.n, from: e.from, to: e.to, label: e.curve === null ? undefined : e.label, title: tip,
             arrows: "to", smooth: smooth,
             font: { size: EDGE_FONT, face: LABEL_FACE, align: "horizontal", color: "#555", strokeWidth: 3, strokeColor: "#ffffff" },
             color: { color: "#aaaaaa", highlight: "#333333" } };
  }));

  // Positions come from the build (no two labels overlap there), so the layout starts frozen and the
  // first frame is the final one; "Unfreeze" hands the nodes to the physics engine for rearranging.
  // A large graph (data.large) keeps physics off for good: the physics engine never settles thousands of
  // nodes, and edges are hidden while the view is dragged or zoomed so the page stays responsive.
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, {
    layout: { randomSeed: 7, improvedLayout: false },
    physics: { enabled: false, solver: "forceAtlas2Based",
               forceAtlas2Based: { gravitationalConstant: -60, springLength: 120, avoidOverlap: 1 },
               stabilization: { enabled: false } },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.large, hideEdgesOnZoom: data.large },
  });
  var frozen = true;
  var freezeButton = document.getElementById("freeze");
  function setFrozen(value) {
    frozen = value;
    network.setOptions({ physics: { enabled: !frozen } });
    freezeButton.textContent = frozen ? "Unfreeze layout" : "Freeze layout";
    freezeButton.setAttribute("aria-pressed", frozen ? "true" : "false");
  }
  freezeButton.addEventListener("click", function () { if (!data.large) setFrozen(!frozen); });
  setFrozen(true);
  if (data.large) {
    freezeButton.disabled = true;
    freezeButton.title = "The layout of a graph this large is fixed: the physics engine would not settle it.";
  }

  // Above the page's node limit the build wrote an overview: say what is shown and where the rest is.
  if (data.overview) {
    var o = data.overview, notice = document.getElementById("notice");
    notice.appendChild(el("span", "Overview: the " + o.hubs.toLocaleString("en") + " most connected entities and their neighbours, " +
      data.nodes.length.toLocaleString("en") + " of " + o.totalNodes.toLocaleString("en") + " entities and " +
      data.edges.length.toLocaleString("en") + " of " + o.totalEdges.toLocaleString("en") + " links. Graphs of more than " +
      o.limit.toLocaleString("en") + " entities are shown this way; the full graph is in "));
    var full = el("a", o.full);
    full.href = o.full;
    notice.appendChild(full);
    notice.appendChild(el("span", " (open it in Gephi, Cytoscape or yEd)."));
    notice.hidden = false;
  }

  // The legend draws each class with the shape and colour its nodes have on the canvas.
  var SVG = "http://www.w3.org/2000/svg";
  var OUTLINES = {
    dot: ["circle", { cx: 7, cy: 7, r: 6 }],
    diamond: ["polygon", { points: "7,0.5 13.5,7 7,13.5 0.5,7" }],
    triangle: ["polygon", { points: "7,1 13.5,13 0.5,13" }],
    square: ["rect", { x: 1.5, y: 1.5, width: 11, height: 11 }],
    star: ["polygon", { points: "7,0.5 8.8,5 13.5,5.3 9.8,8.3 11,13 7,10.4 3,13 4.2,8.3 0.5,5.3 5.2,5" }],
    hexagon: ["polygon", { points: "3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7" }]
  };
  function symbol(shape, colour) {
    var outline = OUTLINES[shape] || OUTLINES.dot;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("viewBox", "0 0 14 14");
    svg.setAttribute("class", "swatch"); svg.setAttribute("data-shape", shape); svg.setAttribute("aria-hidden", "true");
    var part = document.createElementNS(SVG, outline[0]);
    Object.keys(outline[1]).forEach(function (k) { part.setAttribute(k, String(outline[1][k])); });
    part.setAttribute("fill", colour);
    svg.appendChild(part);
    return svg;
  }

  // Legend doubles as the class filter.
  var legendBox = document.getElementById("legend");
  data.legend.forEach(function (g) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = g.group;
    box.addEventListener("change", function () {
      hiddenGroups[g.group] = !box.checked;
      nodes.update(data.nodes.filter(function (n) { return n.group === g.group; })
                             .map(function (n) { return { id: n.n, hidden: !box.checked }; }));
      status();
    });
    label.appendChild(box); label.appendChild(symbol(g.shape, g.colour)); label.appendChild(el("span", g.group + " (" + g.count + ")"));
    legendBox.appendChild(label);
  });

  function status() {
    function visible(id) { return !hiddenGroups[data.nodes[id].group]; }
    var shown = data.nodes.filter(function (n) { return visible(n.n); }).length;
    var links = data.edges.filter(function (e) { return visible(e.from) && visible(e.to); }).length;
    document.getElementById("status").textContent =
      shown + " of " + data.nodes.length + " entities, " + links + " of " + data.edges.length + " links";
  }
  status();

  // Search by label, alias or Chinese name.
  var names = document.getElementById("names");
  var index = [];
  data.nodes.forEach(function (n) {
    [n.label, n.labelZh].concat(n.aliases).forEach(function (name) {
      if (!name) return;
      index.push([name.toLowerCase(), n.n]);
      var option = el("option"); option.value = name; names.appendChild(option);
    });
  });
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) return null;
    var exact = index.filter(function (x) { return x[0] === q; });
    if (exact.length) return exact[0][1];
    var part = index.filter(function (x) { return x[0].indexOf(q) >= 0; });
    return part.length ? part[0][1] : null;
  }
  function focus(id) {
    var n = data.nodes[id];
    if (hiddenGroups[n.group]) return;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: false });
    show(id);
  }
  // A search always answers: the entity is focused, or the message next to the box says why not.
  var search = document.getElementById("search");
  var searchMessage = document.getElementById("search-message");
  function runSearch() {
    var text = search.value.trim();
    searchMessage.textContent = "";
    if (!text) return;
    var id = find(text);
    if (id === null) {
      searchMessage.textContent = "No entity matches \u201c" + text + "\u201d";
    } else if (hiddenGroups[data.nodes[id].group]) {
      searchMessage.textContent = data.nodes[id].label + " is a " + data.nodes[id].group +
        ": that class is hidden (tick it in the legend to show it)";
    } else {
      focus(id);
    }
  }
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") runSearch(); });
  search.addEventListener("input", function () { if (!search.value.trim()) searchMessage.textContent = ""; });

  // Side panel.
  var panel = document.getElementById("panel");
  function link(id) {
    var a = el("a", data.nodes[id].label);
    a.addEventListener("click", function () { focus(id); });
    return a;
  }
  function statementBox(e, outgoing) {
    var box = el("div", null, "statement");
    var line = el("div");
    if (outgoing) { line.appendChild(el("span", e.label + " ")); line.appendChild(link(e.to)); }
    else { line.appendChild(link(e.from)); line.appendChild(el("span", " " + e.label + " this")); }
    box.appendChild(line);
    if (e.role.length) box.appendChild(el("div", "role: " + e.role.join(", "), "meta"));
    if (e.date.length) box.appendChild(el("div", "date: " + e.date.join(", "), "meta"));
    e.evidence.forEach(function (q) { box.appendChild(el("blockquote", q)); });
    if (e.sources.length) box.appendChild(el("div", "source: " + e.sources.join(", "), "meta"));
    return box;
  }
  function show(id) {
    var n = data.nodes[id];
    panel.replaceChildren();
    panel.appendChild(el("h2", n.label));
    panel.appendChild(el("div", n.cls, "cls"));
    if (n.labelZh) { var zh = el("div", "中文: " + n.labelZh, "meta zh"); zh.lang = "zh-Hans"; panel.appendChild(zh); }
    if (n.aliases.length) panel.appendChild(el("div", "Also written: " + n.aliases.join(", "), "meta"));
    if (n.note) panel.appendChild(el("p", n.note, "meta"));
    panel.appendChild(el("div", n.iri, "meta"));
    if (n.facts.length) {
      panel.appendChild(el("h3", "Facts"));
      n.facts.forEach(function (f) {
        var box = el("div", null, "statement");
        box.appendChild(el("div", f[0] + ": " + f[1]));
        f[2].forEach(function (q) { box.appendChild(el("blockquote", q)); });
        panel.appendChild(box);
      });
    }
    var out = data.edges.filter(function (e) { return e.from === id; });
    var inc = data.edges.filter(function (e) { return e.to === id; });
    if (out.length) { panel.appendChild(el("h3", "Statements (" + out.length + " out)")); out.forEach(function (e) { panel.appendChild(statementBox(e, true)); }); }
    if (inc.length) { panel.appendChild(el("h3", "Statements (" + inc.length + " in)")); inc.forEach(function (e) { panel.appendChild(statementBox(e, false)); }); }
  }
  network.on("click", function (params) { if (params.nodes.length) show(params.nodes[0]); });

  // The first view. vis-network's fit() frames the nodes only (an edge label curving out beyond them was cut
  // at the canvas edge) and shrinks the text of any graph of a few dozen entities below legibility (6 px on
  // the shipped graph). So the view frames every drawn label, node and edge alike, and is never zoomed out
  // below READABLE_PX for node labels: a graph that does not fit at that size opens on its centre, readable,
  // with a hint to zoom out. A large page (data.large, no edge labels) opens on the whole drawing: its
  // thousands of labels cannot be read at once anyway.
  function labelBounds() {
    var b = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
    function add(box) {
      b.left = Math.min(b.left, box.left); b.top = Math.min(b.top, box.top);
      b.right = Math.max(b.right, box.right); b.bottom = Math.max(b.bottom, box.bottom);
    }
    network.body.nodeIndices.forEach(function (id) { add(network.getBoundingBox(id)); });
    network.body.edgeIndices.forEach(function (id) {
      var e = network.body.edges[id], s = e.labelModule.size;
      if (e.options.label && s.width) add({ left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height });
    });
    return b;
  }
  function firstView() {
    var canvas = network.canvas.frame.canvas;
    var width = canvas.clientWidth, height = canvas.clientHeight, b = labelBounds();
    if (!isFinite(b.left)) return;
    var fit = Math.min((width - 2 * EDGE_MARGIN_PX) / Math.max(b.right - b.left, 1),
                       (height - 2 * EDGE_MARGIN_PX) / Math.max(b.bottom - b.top, 1));
    var readable = READABLE_PX / NODE_FONT;
    var scale = data.large ? fit : Math.max(readable, Math.min(fit, MAX_FIRST_SCALE));
    network.moveTo({ position: { x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2 }, scale: scale, animation: false });
    document.getElementById("view-hint").textContent =
      scale > fit * 1.001 ? "Zoomed for readable labels: scroll or pinch to zoom out and see the whole graph." : "";
  }
  // The header is complete now (legend, status): the canvas takes its final size before the view is chosen,
  // or vis-network would rescale the view when it sees the resize.
  network.canvas.setSize();
  // Label sizes are known once drawn, at a scale where vis-network draws them: draw at the readable scale,
  // measure, then move to the first view.
  network.moveTo({ scale: READABLE_PX / NODE_FONT, animation: false });
  network.once("afterDrawing", function () {
    firstView();
    // the hint has done its job once the reader zooms
    network.once("zoom", function () { document.getElementById("view-hint").textContent = ""; });
    network.once("afterDrawing", function () {
      // milliseconds from navigation to the first frame, for the scale tests to print
      document.body.setAttribute("data-drawn-ms", String(Math.round(performance.now())));
      document.body.setAttribute("data-ready", "1");
    });
    network.redraw();
  });
  network.redraw();

  window.kg = { network: network, nodes: nodes, edges: edges, data: data, find: find, focus: focus, show: show };
})();
