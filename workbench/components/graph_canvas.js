// The workbench's two-way graph (a Streamlit custom component, protocol v1, plain JS).
// Python sends the drawing (vis-network records, a revision, the context-menu choices);
// this page draws it, keeps the layout between revisions, filters by an as-of day on
// the spot, and reports each action (expand, hide, pin, path, ...) back with the
// current selection, node positions and the as-of day.
"use strict";

var network = null; // global: the browser tests read it
var nodes = null;
var edges = null;
var state = { rev: null, menu: {}, spans: {}, days: null, sentAt: 0, events: 0 };
var container = document.getElementById("graph");
var menu = document.getElementById("menu");
var slider = document.getElementById("asof");
var sliderOn = document.getElementById("asof-on");
var DAY_MS = 86400000;

function post(type, extra) {
  window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, extra || {}), "*");
}

function fitFrame() {
  var height = Math.ceil(document.body.getBoundingClientRect().height);
  if (height > 100) { post("streamlit:setFrameHeight", { height: height + 4 }); }  // not while in a hidden tab
}

function positions() {
  var out = {};
  var all = network.getPositions();
  Object.keys(all).forEach(function (id) { out[id] = [Math.round(all[id].x), Math.round(all[id].y)]; });
  return out;
}

// Every action goes to Python the same way; the counter makes each one a new value.
function send(action, extra) {
  state.events += 1;
  state.sentAt = performance.now();
  var value = Object.assign({
    event: Date.now() + "-" + state.events,
    action: action,
    selected: network.getSelectedNodes(),
    positions: positions(),
    as_of: currentDay(),
  }, extra || {});
  post("streamlit:setComponentValue", { value: value, dataType: "json" });
}

// -- as-of day ----------------------------------------------------------------------------
function dayText(index) {
  return new Date(state.days[0] + index * DAY_MS).toISOString().slice(0, 10);
}

function currentDay() {
  return state.days && sliderOn.checked ? dayText(Number(slider.value)) : null;
}

function setupTime(span, asOf) {
  var bar = document.getElementById("time");
  if (!span) { bar.hidden = true; state.days = null; return; }
  bar.hidden = false;
  var first = Date.parse(span[0] + "T00:00:00Z");
  var last = Date.parse(span[1] + "T00:00:00Z");
  state.days = [first, last];
  document.getElementById("asof-min").textContent = span[0];
  document.getElementById("asof-max").textContent = span[1];
  slider.max = String(Math.round((last - first) / DAY_MS));
  if (asOf) {
    sliderOn.checked = true;
    var at = Math.round((Date.parse(asOf + "T00:00:00Z") - first) / DAY_MS);
    slider.value = String(Math.max(0, Math.min(Number(slider.max), at)));
  } else if (!sliderOn.checked) {
    slider.value = slider.max;
  }
  slider.disabled = !sliderOn.checked;
}

// Hide relationships not holding on the day, then nodes they alone connected.
function applyAsOf() {
  var day = currentDay();
  document.getElementById("asof-text").textContent = day ? "截至 " + day : "显示全部时间的关系";
  var degree = {};
  var alive = {};
  var edgeChanges = [];
  edges.forEach(function (e) {
    var span = state.spans[e.id];
    var hide = !!(day && span && ((span[0] && span[0] > day) || (span[1] && span[1] < day)));
    degree[e.from] = (degree[e.from] || 0) + 1;
    degree[e.to] = (degree[e.to] || 0) + 1;
    if (!hide) { alive[e.from] = true; alive[e.to] = true; }
    if (!!e.hidden !== hide) { edgeChanges.push({ id: e.id, hidden: hide }); }
  });
  var nodeChanges = [];
  var visible = 0;
  nodes.forEach(function (n) {
    var hide = !!(day && degree[n.id] && !alive[n.id]);
    if (!hide) { visible += 1; }
    if (!!n.hidden !== hide) { nodeChanges.push({ id: n.id, hidden: hide }); }
  });
  if (edgeChanges.length) { edges.update(edgeChanges); }
  if (nodeChanges.length) { nodes.update(nodeChanges); }
  document.getElementById("empty").hidden = visible > 0 || nodes.length === 0;
  showStats();
  showLegend();
}

// -- drawing ------------------------------------------------------------------------------
function prep(n) {
  var node = Object.assign({}, n);
  delete node.kind;
  delete node.group;  // vis would read it as a style group
  if (n.pinned) {
    node.fixed = true;
    node.borderWidth = 3;
    node.shapeProperties = { borderDashes: [4, 3] };
  }
  return node;
}

function showStats() {
  var shown = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
  var links = edges.get({ filter: function (e) { return !e.hidden; } }).length;
  document.getElementById("stat").textContent = "节点 " + shown + " · 关系 " + links;
  var picked = network ? network.getSelectedNodes().length : 0;
  document.getElementById("picked").textContent = picked ? "已选 " + picked + " 个节点" : "";
}

function showExtras(data) {
  var notice = document.getElementById("notice");
  notice.hidden = !data.notice;
  notice.textContent = data.notice || "";
  state.legend = data.legend || [];
}

// The legend counts what is shown now (the as-of day hides some).
function showLegend() {
  var count = {};
  nodes.forEach(function (n) {
    var group = state.groups[n.id];
    if (!n.hidden) { count[group] = (count[group] || 0) + 1; }
  });
  var legend = document.getElementById("legend");
  legend.innerHTML = "";
  state.legend.forEach(function (item) {
    if (!count[item.label]) { return; }
    var span = document.createElement("span");
    var dot = document.createElement("i");
    dot.style.background = item.color;
    span.appendChild(dot);
    span.appendChild(document.createTextNode(item.zh + "（" + count[item.label] + "）"));
    legend.appendChild(span);
  });
}

function drawn(kind) {
  if (!container.clientWidth) { state.pending = kind; return; }  // hidden: once shown (see below)
  network.once("afterDrawing", function () {
    window.__drawnAt = performance.now();
    if (kind === "create") { window.__firstDrawMs = window.__drawnAt; }  // since the frame started loading
    if (kind === "update" && state.sentAt) {
      window.__lastUpdateMs = window.__drawnAt - state.sentAt;
      window.__lastRoundTripMs = state.receivedAt - state.sentAt;  // the rest is this page's update
    }
    document.body.setAttribute("data-rev", state.rev);
    document.body.setAttribute("data-ready", "1");
  });
  network.redraw();
}

function create(data) {
  changed(data.nodes, "n");
  changed(data.edges, "e");
  nodes = new vis.DataSet(data.nodes.map(prep));
  edges = new vis.DataSet(data.edges);
  container.style.height = data.height + "px";
  var placed = data.nodes.length > 0 && data.nodes.every(function (n) { return n.x !== undefined; });
  var options = data.options;
  options.physics.enabled = !placed;
  options.interaction.multiselect = true;
  network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  wire();
  if (placed || data.nodes.length === 0) {
    drawn("create");
  } else {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      drawn("create");
    });
  }
}

// A new revision: keep every node that stays where it is on screen, place new ones
// around the neighbour they were reached from (the expanded node first).
function update(data) {
  var incoming = {};
  data.nodes.forEach(function (n) { incoming[n.id] = n; });
  var gone = nodes.getIds().filter(function (id) { return !incoming[id]; });
  var where = network.getPositions();
  var fresh = data.nodes.filter(function (n) { return !where[n.id]; });
  placeNew(fresh, data.edges, where, data.anchor);
  nodes.remove(gone);
  gone.forEach(function (id) { delete state.sent["n" + id]; });
  nodes.update(changed(data.nodes, "n").map(function (n) {
    var node = prep(n);
    if (where[n.id]) { delete node.x; delete node.y; }
    if (!n.pinned && where[n.id]) { node.fixed = false; node.borderWidth = 1; node.shapeProperties = { borderDashes: false }; }
    return node;
  }));
  var keep = {};
  data.edges.forEach(function (e) { keep[e.id] = true; });
  var cut = edges.getIds().filter(function (id) { return !keep[id]; });
  edges.remove(cut);
  cut.forEach(function (id) { delete state.sent["e" + id]; });
  edges.update(changed(data.edges, "e"));
  if (data.focus && data.focus.length) { network.fit({ nodes: data.focus, animation: false }); }
  drawn("update");
}

// Records that differ from what was last sent (vis re-measures every record it is given).
function changed(records, kind) {
  state.sent = state.sent || {};
  return records.filter(function (r) {
    var copy = Object.assign({}, r);
    delete copy.x;
    delete copy.y;
    var text = JSON.stringify(copy);
    var same = state.sent[kind + r.id] === text;
    state.sent[kind + r.id] = text;
    return !same;
  });
}

function placeNew(fresh, links, where, anchor) {
  if (!fresh.length) { return; }
  var placed = Object.assign({}, where);
  var ids = Object.keys(where);
  var cx = 0, cy = 0;
  ids.forEach(function (id) { cx += where[id].x; cy += where[id].y; });
  if (ids.length) { cx /= ids.length; cy /= ids.length; }
  var around = {};
  var pending = fresh.slice();
  // Passes outward: a node joins the ring of an already placed neighbour.
  for (var pass = 0; pass < 6 && pending.length; pass += 1) {
    var next = [];
    pending.forEach(function (n) {
      var hub = null;
      links.forEach(function (e) {
        var other = e.from === n.id ? e.to : (e.to === n.id ? e.from : null);
        if (other && placed[other] && (hub === null || other === anchor)) { hub = other; }
      });
      if (hub === null) { next.push(n); return; }
      (around[hub] = around[hub] || []).push(n);
    });
    Object.keys(around).forEach(function (hub) { ring(hub, around[hub], placed, cx, cy); });
    around = {};
    pending = next;
  }
  pending.forEach(function (n, i) {
    n.x = cx + 60 * (i % 10) - 270;
    n.y = cy + 60 * Math.floor(i / 10) + 200;
  });
}

function ring(hub, members, placed, cx, cy) {
  var h = placed[hub];
  var outward = Math.atan2(h.y - cy, h.x - cx);
  if (!isFinite(outward) || (h.x === cx && h.y === cy)) { outward = 0; }
  var spread = Math.min(2 * Math.PI, Math.max(Math.PI / 2, members.length * 0.45));
  var radius = 110 + 6 * members.length;
  members.forEach(function (n, i) {
    var angle = outward - spread / 2 + spread * (members.length === 1 ? 0.5 : i / (members.length - (spread >= 2 * Math.PI ? 0 : 1)));
    n.x = h.x + radius * Math.cos(angle);
    n.y = h.y + radius * Math.sin(angle);
    placed[n.id] = { x: n.x, y: n.y };
  });
}

// -- menu ---------------------------------------------------------------------------------
function item(parent, text, action, extra) {
  var el = document.createElement("div");
  el.setAttribute("role", "menuitem");
  el.tabIndex = -1;
  el.textContent = text;
  if (action) {
    el.addEventListener("click", function (ev) {
      ev.stopPropagation();
      hideMenu();
      send(action, extra);
    });
  }
  parent.appendChild(el);
  return el;
}

function hideMenu() {
  menu.hidden = true;
  menu.innerHTML = "";
  document.body.classList.remove("menu-open");
}

// A submenu near the bottom of the frame opens upwards as far as it must.
function keepInside(sub) {
  sub.style.maxHeight = Math.max(120, window.innerHeight - 16) + "px";
  sub.style.top = "-5px";
  var overflow = sub.getBoundingClientRect().bottom - (window.innerHeight - 4);
  if (overflow > 0) { sub.style.top = (-5 - overflow) + "px"; }
}

function nodeMenu(id) {
  var node = nodes.get(id);
  var picked = network.getSelectedNodes();
  var many = picked.length > 1 ? "（所选 " + picked.length + " 个）" : "";
  var head = document.createElement("div");
  head.className = "head";
  head.textContent = many ? "已选 " + picked.length + " 个节点" : node.label;
  menu.appendChild(head);
  item(menu, "展开全部关系", "expand", { node: id });
  var types = state.menu[state.kinds[id]] || [];
  if (types.length) {
    var more = item(menu, "按关系类型展开", null);
    more.classList.add("more");
    var sub = document.createElement("div");
    sub.className = "sub";
    types.forEach(function (t) { item(sub, t[1], "expand_type", { node: id, rel_type: t[0] }); });
    more.appendChild(sub);
    more.addEventListener("mouseenter", function () { keepInside(sub); });
  }
  menu.appendChild(document.createElement("hr"));
  item(menu, "隐藏" + many, "hide");
  item(menu, node.fixed ? "取消固定" + many : "固定" + many, node.fixed ? "unpin" : "pin");
  if (picked.length === 2) { item(menu, "查找两点间最短路径", "path"); }
  menu.appendChild(document.createElement("hr"));
  if (picked.length === 1) { item(menu, "打开画像", "profile", { node: id }); }
  item(menu, "加入线索" + many, "case");
}

function edgeMenu(id) {
  var edge = edges.get(id);
  var head = document.createElement("div");
  head.className = "head";
  head.textContent = edge.label || "关系";
  menu.appendChild(head);
  item(menu, "查看关系的事实与来源", "edge", { edge: id });
}

function openMenu(params) {
  params.event.preventDefault();
  hideMenu();
  var id = network.getNodeAt(params.pointer.DOM);
  var edgeId = id === undefined ? network.getEdgeAt(params.pointer.DOM) : undefined;
  if (id !== undefined) {
    if (network.getSelectedNodes().indexOf(id) < 0) { network.selectNodes([id]); }
    nodeMenu(id);
  } else if (edgeId !== undefined) {
    edgeMenu(edgeId);
  } else {
    item(menu, "适应窗口", null).addEventListener("click", function () { hideMenu(); network.fit(); });
  }
  showStats();
  menu.hidden = false;
  document.body.classList.add("menu-open");
  var x = Math.min(params.event.clientX, window.innerWidth - menu.offsetWidth - 4);
  var y = Math.min(params.event.clientY, window.innerHeight - menu.offsetHeight - 4);
  menu.style.left = Math.max(0, x) + "px";
  menu.style.top = Math.max(0, y) + "px";
  menu.querySelectorAll(".sub").forEach(function (sub) {
    if (x + menu.offsetWidth + 200 > window.innerWidth) { sub.classList.add("left"); }
  });
}

// -- box selection (Shift + drag) ---------------------------------------------------------
function boxSelect() {
  var box = document.getElementById("box");
  var start = null;
  function local(ev) {
    var r = container.getBoundingClientRect();  // #box is positioned in #wrap, which starts where #graph does
    return { x: ev.clientX - r.left, y: ev.clientY - r.top };
  }
  function move(ev) {
    var p = local(ev);
    box.style.left = Math.min(p.x, start.x) + "px";
    box.style.top = Math.min(p.y, start.y) + "px";
    box.style.width = Math.abs(p.x - start.x) + "px";
    box.style.height = Math.abs(p.y - start.y) + "px";
  }
  function up(ev) {
    window.removeEventListener("pointermove", move, true);
    window.removeEventListener("pointerup", up, true);
    box.hidden = true;
    var p = local(ev);
    var a = network.DOMtoCanvas({ x: Math.min(p.x, start.x), y: Math.min(p.y, start.y) });
    var b = network.DOMtoCanvas({ x: Math.max(p.x, start.x), y: Math.max(p.y, start.y) });
    var all = network.getPositions();
    var inside = nodes.getIds().filter(function (id) {
      var q = all[id];
      return q && !nodes.get(id).hidden && q.x >= a.x && q.x <= b.x && q.y >= a.y && q.y <= b.y;
    });
    var keep = ev.ctrlKey || ev.metaKey ? network.getSelectedNodes() : [];
    network.selectNodes(keep.concat(inside.filter(function (id) { return keep.indexOf(id) < 0; })));
    showStats();
    start = null;
  }
  function down(ev) {
    if (!ev.shiftKey || ev.button !== 0) { return; }
    ev.stopPropagation();
    ev.preventDefault();
    start = local(ev);
    box.hidden = false;
    box.style.width = box.style.height = "0px";
    window.addEventListener("pointermove", move, true);
    window.addEventListener("pointerup", up, true);
  }
  container.addEventListener("pointerdown", down, true);
  container.addEventListener("mousedown", function (ev) { if (ev.shiftKey) { ev.stopPropagation(); } }, true);
}

function wire() {
  network.on("doubleClick", function (params) {
    if (params.nodes.length) { send("expand", { node: params.nodes[0] }); }
  });
  network.on("oncontext", openMenu);
  network.on("click", function () { hideMenu(); showStats(); });
  network.on("dragStart", hideMenu);
  boxSelect();
}

// Where a node is in this frame's viewport (centred first): for browser tests and the bench.
window.nodeOnScreen = function (id) {
  network.focus(id, { scale: 1.0 });
  var p = network.canvasToDOM(network.getPositions([id])[id]);
  var r = container.getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
};

// -- protocol -----------------------------------------------------------------------------
function render(data) {
  state.menu = data.menu || {};
  state.kinds = {};
  state.groups = {};
  data.nodes.forEach(function (n) { state.kinds[n.id] = n.kind; state.groups[n.id] = n.group; });
  state.spans = data.spans || {};
  showExtras(data);
  var changed = data.rev !== state.rev;
  state.rev = data.rev;  // before drawing: the drawn callback marks the page with it
  if (!network) {
    setupTime(data.span, data.as_of);
    create(data);
  } else if (changed) {
    setupTime(data.span, currentDay());
    update(data);
  }
  applyAsOf();
  fitFrame();
}

window.addEventListener("message", function (ev) {
  if (ev.data && ev.data.type === "streamlit:render") {
    state.receivedAt = performance.now();
    render(ev.data.args.data);
  }
});
document.getElementById("fit").addEventListener("click", function () { network.fit(); });
document.getElementById("physics").addEventListener("change", function (ev) {
  network.setOptions({ physics: { enabled: ev.target.checked } });
});
sliderOn.addEventListener("change", function () {
  slider.disabled = !sliderOn.checked;
  timed();
  send("asof");
});
// The slider redraws on the spot; Python hears the day once the hand lets go.
slider.addEventListener("input", timed);
slider.addEventListener("change", function () { send("asof"); });
function timed() {
  var t0 = performance.now();
  network.once("afterDrawing", function () { window.__lastAsOfMs = performance.now() - t0; });
  applyAsOf();
  network.redraw();
}
document.addEventListener("click", function (ev) { if (!menu.contains(ev.target)) { hideMenu(); } });
document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { hideMenu(); } });
new ResizeObserver(fitFrame).observe(document.body);
// Drawn while hidden (an inactive tab) the view has no size: fit once it has one.
var lastWidth = 0;
new ResizeObserver(function () {
  if (network && container.clientWidth && container.clientWidth !== lastWidth) {
    var first = lastWidth === 0;
    lastWidth = container.clientWidth;
    network.redraw();
    if (first) { network.fit(); }
    if (state.pending) { drawn(state.pending); state.pending = null; }
  }
}).observe(container);
post("streamlit:componentReady", { apiVersion: 1 });
