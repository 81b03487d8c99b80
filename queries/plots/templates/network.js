// Draws the stakegraph network view from the inlined JSON (#sg-data) with vis-network, and keeps
// the side panel in step with the selection. User text only ever reaches the page through
// textContent, never innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sg-data").textContent);
  var container = document.getElementById("sg-network");
  var details = document.getElementById("sg-details");
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  document.getElementById("sg-title").textContent = data.title;
  document.getElementById("sg-summary").textContent =
    data.nodes.length + " stakeholders, " + data.edges.length + " ties; colour by " +
    data.colourBy + ", size by " + data.sizeBy + ".";
  document.getElementById("sg-legend-title").textContent = "Colour: " + data.colourBy;
  var legend = document.getElementById("sg-legend");
  data.legend.forEach(function (entry) {
    var li = el("li");
    var swatch = el("span", "sg-swatch");
    swatch.style.background = entry.colour;
    li.appendChild(swatch);
    li.appendChild(el("span", null, entry.label));
    li.appendChild(el("span", "sg-count", String(entry.count)));
    legend.appendChild(li);
  });
  var ties = document.getElementById("sg-ties");
  data.ties.forEach(function (tie) {
    var li = el("li");
    var line = el("span", "sg-line");
    line.style.background = tie.colour;
    li.appendChild(line);
    li.appendChild(el("span", null, tie.type.toLowerCase().replace(/_/g, " ")));
    ties.appendChild(li);
  });

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, title: n.title, shape: n.shape, size: n.size,
      color: { background: n.color, border: "#ffffff",
               highlight: { background: n.color, border: "#222222" } },
      borderWidth: 1.5, borderWidthSelected: 3
    };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    return { id: e.id, from: e.from, to: e.to, arrows: e.arrows, title: e.title, width: e.width,
             color: { color: e.color, opacity: 0.55, highlight: e.color } };
  }));
  var many = data.nodes.length > 150;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    autoResize: true,
    layout: { randomSeed: 7, improvedLayout: !many },
    nodes: { font: { size: 12, color: "#222222", strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { smooth: { type: "continuous" }, arrows: { to: { scaleFactor: 0.5 } } },
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, multiselect: false },
    physics: {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 90, avoidOverlap: 0.4 },
      stabilization: { iterations: many ? 250 : 400, updateInterval: 50 }
    }
  });

  function show(id) {
    details.textContent = "";
    container.setAttribute("data-selected", id || "");
    if (!id || !byId[id]) {
      details.appendChild(el("p", "sg-hint", "Click a stakeholder to see its details."));
      return;
    }
    var d = byId[id].details;
    var dl = el("dl");
    [["Name", d.name], ["Id", d.id], ["Kind", d.kind], ["Sector", d.sector],
     ["Quadrant", d.quadrant], ["Community", d.community], ["PageRank", d.pagerank],
     ["Degree", d.degree]].forEach(function (row) {
      dl.appendChild(el("dt", null, row[0]));
      var dd = el("dd", null, row[1]);
      if (row[0] === "Name") { dd.id = "sg-selected-name"; }
      dl.appendChild(dd);
    });
    details.appendChild(dl);
  }

  network.on("click", function (params) { show(params.nodes.length ? params.nodes[0] : null); });
  network.once("stabilizationIterationsDone", function () {
    // Frozen after the layout settles, so node positions stay where a reader (or a test) saw them.
    network.setOptions({ physics: false });
    network.fit({ animation: false });
    container.setAttribute("data-ready", "true");
  });

  if (data.nodes.length === 0) { container.setAttribute("data-ready", "true"); }
  var shown = Object.keys(network.getPositions()).length;
  container.setAttribute("data-node-count", String(shown));
  container.setAttribute("data-edge-count", String(edges.length));
  window.stakegraphView = {
    network: network,
    nodeCount: function () { return Object.keys(network.getPositions()).length; },
    selected: function () { return network.getSelectedNodes()[0] || null; },
    // Where a node is drawn, in page pixels: lets a reader's script (or a test) click on it.
    pagePosition: function (id) {
      var p = network.canvasToDOM(network.getPositions([id])[id]);
      var box = container.getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
    select: function (id) { network.selectNodes([id]); show(id); }
  };
})();
