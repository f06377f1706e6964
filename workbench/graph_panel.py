"""The graph view used on every drawing page: the offline vis-network drawing plus the
controls to expand a node's neighbours and hide and pin nodes (physics is toggled inside the drawing)."""

from __future__ import annotations

import streamlit as st

from bidgraph.errors import BidgraphError
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Subgraph
from bidgraph.graph.schema import schema
from bidgraph.services.access import reveal_subgraph
from bidgraph.services.graphview import GraphView, expand
from bidgraph.viz import DEFAULT_MAX_NODES, render_html
from bidgraph.workbench import ui
from bidgraph.workbench.components.add_to_case import add_to_case

_REL_CHOICES = sorted(schema().relationships)


def reset_view(key: str, graph: Subgraph) -> None:
    """Start the view ``key`` afresh from ``graph``."""
    st.session_state[f"{key}:view"] = GraphView(graph=graph)


def graph_panel(key: str, store: GraphStore, *, highlight: Subgraph | None = None, height: int = 560) -> None:
    """Draw the view ``key`` (created with ``reset_view``) with its controls."""
    view: GraphView | None = st.session_state.get(f"{key}:view")
    if view is None or not view.graph.nodes:
        st.info("没有可显示的关系图：请先选择一个对象或运行查询。")
        return
    current = ui.viewer()
    choices = view.choices(current)
    left, middle, right = st.columns([3, 3, 2])
    picked = left.selectbox(
        "选择节点",
        options=list(choices),
        format_func=lambda nid: choices.get(nid, nid),
        key=f"{key}:node",
        placeholder="从图中选择一个节点",
        index=None,
    )
    types = middle.multiselect(
        "只沿这些关系展开（可不选）",
        options=_REL_CHOICES,
        format_func=schema().zh,
        key=f"{key}:types",
        placeholder="全部关系类型",
    )
    max_nodes = right.number_input("最多显示节点", 50, 3000, DEFAULT_MAX_NODES, step=50, key=f"{key}:cap")
    buttons = st.columns(5)
    buttons[0].button(
        "展开邻居",
        key=f"{key}:expand",
        disabled=picked is None,
        type="primary",
        on_click=_expand,
        args=(key, store, picked, types),
    )
    buttons[1].button("隐藏", key=f"{key}:hide", disabled=picked is None, on_click=lambda: view.hide([picked]))
    is_pinned = picked in view.pinned
    buttons[2].button(
        "取消固定" if is_pinned else "固定",
        key=f"{key}:pin",
        disabled=picked is None,
        on_click=(view.unpin if is_pinned else view.pin),
        args=([picked],),
    )
    buttons[3].button("只留固定节点", key=f"{key}:keep", disabled=not view.pinned, on_click=view.keep_pinned_only)
    buttons[4].button(
        f"恢复隐藏（{len(view.hidden)}）", key=f"{key}:unhide", disabled=not view.hidden, on_click=view.hidden.clear
    )
    message = st.session_state.pop(f"{key}:message", None)
    if message:
        st.toast(ui.plain(message))
    shown = view.visible()
    html = render_html(
        reveal_subgraph(shown, current),  # experts named (and numbers in full) for roles entitled to them
        highlight=highlight,
        keep=view.pinned,
        height=f"{height}px",
        viewer=current,
        max_nodes=int(max_nodes),
    )
    if len(shown.nodes) > max_nodes:
        st.warning(f"共 {len(shown.nodes)} 个节点，只显示连接最多的 {int(max_nodes)} 个。可隐藏节点或调高上限。")
    st.iframe(html, height=height + 80)
    if view.pinned:
        st.caption("已固定：" + ui.plain("、".join(choices.get(nid, nid) for nid in view.pinned if nid in choices)))
    add_to_case(current, shown, key=f"{key}:add", label="将图中所见加入线索")


def _expand(key: str, store: GraphStore, node_id: str | None, types: list[str]) -> None:
    view: GraphView = st.session_state[f"{key}:view"]
    node = view.graph.nodes.get(node_id or "")
    if node is None:
        return
    try:
        added = view.add(expand(store, node, ui.viewer(), rel_types=types))
    except BidgraphError as e:
        st.session_state[f"{key}:message"] = f"展开失败：{e}"
        return
    st.session_state[f"{key}:message"] = f"新增 {added} 个节点" if added else "没有新的相邻节点"
