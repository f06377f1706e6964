"""The graph panel used on every drawing page (profiles, findings, queries, cases): the
two-way vis-network drawing — double-click expands, right-click menus, multi-select,
shortest paths, an as-of day — plus the panels its actions open (a relationship's facts,
adding the selection to a case)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import streamlit as st

from bidgraph.errors import BidgraphError
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Node, Subgraph
from bidgraph.graph.schema import schema
from bidgraph.services.access import reveal_subgraph
from bidgraph.services.asof import as_of, date_span, intervals
from bidgraph.services.common import NodeRef
from bidgraph.services.edge_facts import relationship_facts
from bidgraph.services.graphview import MAX_PATH_HOPS, GraphView, expand, shortest_paths
from bidgraph.viewer import Viewer
from bidgraph.viz import DEFAULT_MAX_NODES
from bidgraph.viz.render import vis_elements, vis_options
from bidgraph.viz.style import label_of
from bidgraph.workbench import ui
from bidgraph.workbench.components.add_to_case import add_to_case
from bidgraph.workbench.components.graph_canvas import graph_canvas

_REL_CHOICES = sorted(schema().relationships)
EMPTY = (
    "这里还没有关系图。在「搜索」中打开企业、自然人或标段的画像，在「研判」中选择一条发现，"
    "或在「查询」中运行返回节点或路径的查询，关系图就会显示在这里；双击节点即可展开它的关联方。"
)


def reset_view(key: str, graph: Subgraph) -> None:
    """Start the view ``key`` afresh from ``graph``."""
    st.session_state[f"{key}:view"] = GraphView(graph=graph)
    for part in ("edge", "case", "goto"):
        st.session_state.pop(f"{key}:{part}", None)


def graph_panel(key: str, store: GraphStore, *, highlight: Subgraph | None = None, height: int = 560) -> None:
    """Draw the view ``key`` (created with ``reset_view``) with its controls."""
    view: GraphView | None = st.session_state.get(f"{key}:view")
    if view is None or not view.graph.nodes:
        st.info(EMPTY)
        return
    current = ui.viewer()
    max_nodes = _controls(key, view)
    _picker(key, store, view, current)
    message = st.session_state.pop(f"{key}:message", None)
    if message:
        st.toast(ui.plain(message))
    shown = view.visible()
    revealed = reveal_subgraph(shown, current)  # experts named (and numbers in full) for roles entitled to them
    data = drawing(view, revealed, current, highlight=highlight, max_nodes=max_nodes, height=height)
    view.focus = []  # brought into view once
    graph_canvas(data, key=f"{key}:canvas", on_event=_on_event, args=(key, store))
    goto: NodeRef | None = st.session_state.pop(f"{key}:goto", None)
    if goto is not None:
        ui.open_profile(goto)
    _edge_details(key, revealed, current)
    _selection_to_case(key, view, current)
    add_to_case(current, as_of(shown, view.as_of), key=f"{key}:add", label="将图中所见加入线索")


def drawing(
    view: GraphView,
    revealed: Subgraph,
    viewer: Viewer,
    *,
    highlight: Subgraph | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    height: int = 560,
) -> dict[str, Any]:
    """What the drawing is sent: vis records, a revision that changes when they do, the
    relationship types each kind of node can be expanded by, and the dated relationships."""
    lit = _union(highlight, view.lit)
    drawn = vis_elements(revealed, highlight=lit, viewer=viewer, max_nodes=max_nodes, keep=view.pinned)
    for record in drawn.nodes:
        node = revealed.nodes[record["id"]]
        record["kind"] = _kind(node)
        record["group"] = label_of(node)  # its legend entry
        record["pinned"] = node.id in view.pinned
    rev = hashlib.sha1(json.dumps([drawn.nodes, drawn.edges], default=str).encode()).hexdigest()[:16]
    for record in drawn.nodes:
        if record["id"] in view.positions:
            record["x"], record["y"] = view.positions[record["id"]]
    spans = intervals(revealed)
    span = date_span(revealed, spans)
    return {
        "rev": rev,
        "nodes": drawn.nodes,
        "edges": drawn.edges,
        "legend": drawn.legend,
        "notice": drawn.notice,
        "options": vis_options(len(drawn.nodes)),
        "height": height,
        "menu": {kind: _expand_menu(kind) for kind in {r["kind"] for r in drawn.nodes}},
        "spans": {rid: list(interval) for rid, interval in spans.items()},
        "span": list(span) if span else None,
        "as_of": view.as_of,
        "anchor": view.anchor,
        "focus": view.focus,
    }


def _kind(node: Node) -> str:
    return "|".join(sorted(node.labels))


def _expand_menu(kind: str) -> list[tuple[str, str]]:
    """(type, Chinese name) of the relationships a node with these labels can have."""
    labels = set(kind.split("|"))
    return [
        (name, spec.zh)
        for name, spec in schema().relationships.items()
        if labels & set(spec.sources) or labels & set(spec.targets)
    ]


def _union(*graphs: Subgraph | None) -> Subgraph | None:
    present = [g for g in graphs if g is not None and g.nodes]
    if len(present) < 2:
        return present[0] if present else None
    merged = Subgraph(nodes=dict(present[0].nodes), relationships=dict(present[0].relationships))
    for other in present[1:]:
        merged.merge(other)
    return merged


def _controls(key: str, view: GraphView) -> int:
    """The settings row: shortest-path bounds, the node cap, restoring hidden nodes."""
    hops, types, cap, keep, unhide = st.columns([2, 4, 2, 2, 2], vertical_alignment="bottom")
    hops.number_input("最短路径最多步数", 1, MAX_PATH_HOPS, 4, key=f"{key}:hops")
    types.multiselect(
        "最短路径只经过这些关系（可不选）",
        options=_REL_CHOICES,
        format_func=schema().zh,
        key=f"{key}:path_types",
        placeholder="全部关系类型",
    )
    max_nodes = cap.number_input("最多显示节点", 50, 3000, DEFAULT_MAX_NODES, step=50, key=f"{key}:cap")
    keep.button("只留固定节点", key=f"{key}:keep", disabled=not view.pinned, on_click=view.keep_pinned_only)
    unhide.button(
        f"恢复隐藏（{len(view.hidden)}）", key=f"{key}:unhide", disabled=not view.hidden, on_click=view.hidden.clear
    )
    return int(max_nodes)


def _picker(key: str, store: GraphStore, view: GraphView, viewer: Viewer) -> None:
    """The same actions without a mouse: pick a node by name, expand or hide it."""
    with st.expander("按名称选择节点（键盘操作）"):
        choices = view.choices(viewer)
        left, expand_button, hide_button = st.columns([6, 1, 1], vertical_alignment="bottom")
        picked = left.selectbox(
            "选择节点",
            options=list(choices),
            format_func=lambda nid: choices.get(nid, nid),
            key=f"{key}:node",
            placeholder="从图中选择一个节点",
            index=None,
        )
        expand_button.button(
            "展开", key=f"{key}:expand", disabled=picked is None, on_click=_expand, args=(key, store, view, picked, "")
        )
        hide_button.button("隐藏", key=f"{key}:hide", disabled=picked is None, on_click=view.hide, args=([picked],))


# -- actions from the drawing -------------------------------------------------------------
def _on_event(key: str, store: GraphStore) -> None:
    """Runs before the rerun that follows an action in the drawing."""
    event: dict[str, Any] = st.session_state.get(f"{key}:canvas") or {}
    view: GraphView | None = st.session_state.get(f"{key}:view")
    if view is None or not event:
        return
    view.positions.update({nid: (xy[0], xy[1]) for nid, xy in (event.get("positions") or {}).items()})
    view.as_of = event.get("as_of") or None
    selected = [nid for nid in event.get("selected") or [] if nid in view.graph.nodes]
    action = event.get("action")
    if action in ("expand", "expand_type"):
        _expand(key, store, view, event.get("node"), event.get("rel_type"))
    elif action == "hide":
        view.hide(selected)
        _say(key, f"已隐藏 {len(selected)} 个节点，可点「恢复隐藏」找回")
    elif action in ("pin", "unpin"):
        (view.pin if action == "pin" else view.unpin)(selected)
    elif action == "path":
        _paths(key, store, view, selected)
    elif action == "profile" and event.get("node") in view.graph.nodes:
        node = view.graph.nodes[event["node"]]
        st.session_state[f"{key}:goto"] = NodeRef(node.label, str(node.get("key")))
    elif action == "case":
        st.session_state[f"{key}:case"] = selected
    elif action == "edge":
        st.session_state[f"{key}:edge"] = event.get("edge")


def _say(key: str, message: str) -> None:
    st.session_state[f"{key}:message"] = message


def _expand(key: str, store: GraphStore, view: GraphView, node_id: str | None, rel_type: str | None) -> None:
    node = view.graph.nodes.get(node_id or "")
    if node is None:
        return
    types = [rel_type] if rel_type else []
    try:
        added = view.add(expand(store, node, ui.viewer(), rel_types=types))
    except BidgraphError as e:
        _say(key, f"展开失败：{e}")
        return
    view.anchor = node.id
    along = f"（沿「{schema().zh(rel_type)}」）" if rel_type else ""
    _say(key, f"新增 {added} 个节点{along}" if added else f"没有新的相邻节点{along}")


def _paths(key: str, store: GraphStore, view: GraphView, selected: list[str]) -> None:
    if len(selected) != 2:
        _say(key, "请先选中两个节点（Ctrl+单击或 Shift+拖动框选），再查找最短路径")
        return
    a, b = (view.graph.nodes[nid] for nid in selected)
    hops = int(st.session_state.get(f"{key}:hops", 4))
    types = st.session_state.get(f"{key}:path_types") or []
    try:
        found = shortest_paths(store, a, b, ui.viewer(), rel_types=types, max_hops=hops)
    except BidgraphError as e:
        _say(key, f"查找路径失败：{e}")
        return
    if not found.relationships:
        view.lit = Subgraph()
        _say(key, f"两点之间在 {hops} 步以内没有{'经过所选关系的' if types else ''}路径")
        return
    view.add(found)
    view.anchor = None
    view.lit = found
    view.focus = list(found.nodes)
    _say(key, f"已画出最短路径：经过 {len(found.nodes)} 个节点、{len(found.relationships)} 条关系（金色）")


# -- panels the actions open --------------------------------------------------------------
def _edge_details(key: str, revealed: Subgraph, viewer: Viewer) -> None:
    rel_id = st.session_state.get(f"{key}:edge")
    facts = relationship_facts(revealed, rel_id, viewer) if rel_id else None
    if facts is None:
        return
    title, table = facts
    with st.container(border=True):
        st.markdown(f"**关系详情**　{ui.plain(title)}")
        st.table(table.set_index("项目"))
        st.button("关闭关系详情", key=f"{key}:edge:close", on_click=st.session_state.pop, args=(f"{key}:edge", None))


def _selection_to_case(key: str, view: GraphView, viewer: Viewer) -> None:
    picked = [nid for nid in st.session_state.get(f"{key}:case") or [] if nid in view.graph.nodes]
    if not picked:
        return
    with st.container(border=True):
        st.markdown(f"**将所选 {len(picked)} 个节点（及其间的关系）加入线索**")
        left, right = st.columns([3, 1])
        with left:
            add_to_case(viewer, view.subset(picked), key=f"{key}:add-picked", label="选择线索并加入")
        right.button("取消", key=f"{key}:case:close", on_click=st.session_state.pop, args=(f"{key}:case", None))
