"""Subgraph -> one self-contained, offline HTML page (vis-network via pyvis).

The page carries its JavaScript and CSS inline and no network reference at all, so it
works inside the workbench's iframe and in an exported case package on an offline
machine alike."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from bidgraph.graph.model import Node, Relationship, Subgraph
from bidgraph.masking import mask_phone, mask_text, redact_expert, visible_properties
from bidgraph.viewer import Viewer
from bidgraph.viz.display import property_lines
from bidgraph.viz.style import (
    HIGHLIGHT_COLOR,
    LABEL_STYLES,
    edge_caption,
    label_of,
    label_zh,
    node_caption,
    style_of,
)

DEFAULT_MAX_NODES = 800
# Above this many nodes the layout is computed once and then frozen, and edges are
# drawn straight: live physics and curved edges make big graphs stutter.
BIG_GRAPH = 250
_URL_SCHEME = re.compile(r"http(s?)://")
_PROVENANCE = ("source", "row", "load_id", "loaded_at")
VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"


def cap_subgraph(subgraph: Subgraph, max_nodes: int, keep: Collection[str] = ()) -> tuple[Subgraph, int]:
    """At most ``max_nodes`` nodes: the ``keep`` ids first, then the best-connected.
    Returns the capped graph and how many nodes were left out."""
    if len(subgraph.nodes) <= max_nodes:
        return subgraph, 0
    degree: Counter[str] = Counter()
    for rel in subgraph.relationships.values():
        degree[rel.start] += 1
        degree[rel.end] += 1
    ranked = sorted(subgraph.nodes, key=lambda nid: (nid not in keep, -degree[nid]))
    chosen = set(ranked[:max_nodes])
    capped = Subgraph(
        nodes={nid: n for nid, n in subgraph.nodes.items() if nid in chosen},
        relationships={rid: r for rid, r in subgraph.relationships.items() if r.start in chosen and r.end in chosen},
    )
    return capped, len(subgraph.nodes) - max_nodes


@dataclass
class VisElements:
    """What vis-network draws: its node and edge records, the legend, and a notice when
    the node cap left nodes out."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, str]]
    notice: str = ""


def vis_elements(
    subgraph: Subgraph,
    *,
    highlight: Subgraph | Collection[str] | None = None,
    viewer: Viewer | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    keep: Collection[str] = (),
) -> VisElements:
    """The graph as vis-network records (see ``render_html``); shared by the offline page
    and the workbench's interactive panel."""
    lit_nodes, lit_rels = _highlight_sets(subgraph, highlight)
    if lit_nodes >= set(subgraph.nodes):
        lit_nodes, lit_rels = set(), set()  # all of it is evidence: nothing to set apart
    shown, dropped = cap_subgraph(subgraph, max_nodes, keep=lit_nodes | set(keep))
    net = Network(directed=True)
    for node in shown.nodes.values():
        net.add_node(node.id, **_node_options(redact_expert(node, viewer), viewer, lit_nodes))
    for rel in shown.relationships.values():
        if rel.start in shown.nodes and rel.end in shown.nodes:
            net.add_edge(rel.start, rel.end, **_edge_options(rel, lit_rels, bool(lit_nodes)))
    nodes, edges, *_ = net.get_network_data()
    notice = ""
    if dropped:
        notice = (
            f"图中共有 {len(subgraph.nodes)} 个节点，超过显示上限 {max_nodes}，已省略连接最少的 {dropped} 个。"
            "请缩小查询范围或隐藏部分节点后再展开。"
        )
    return VisElements(nodes=nodes, edges=edges, legend=_legend(shown), notice=notice)


def render_html(
    subgraph: Subgraph,
    *,
    highlight: Subgraph | Collection[str] | None = None,
    physics: bool = True,
    height: str = "650px",
    viewer: Viewer | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    keep: Collection[str] = (),
    title: str = "关系图",
) -> str:
    """The graph as an offline HTML page. ``highlight`` (a finding's evidence, or node
    ids) is drawn in gold over a dimmed rest; ID and phone numbers are masked unless the
    viewer may see them in full. Over ``max_nodes`` the best-connected are drawn, with
    the highlighted and ``keep`` nodes always among them."""
    drawn = vis_elements(subgraph, highlight=highlight, viewer=viewer, max_nodes=max_nodes, keep=keep)
    return _template().render(
        title=title,
        height=height,
        physics=physics and len(drawn.nodes) <= BIG_GRAPH,
        notice=drawn.notice,
        node_count=len(drawn.nodes),
        edge_count=len(drawn.edges),
        legend=drawn.legend,
        vis_css=_vis_asset("vis-network.css"),
        vis_js=_vis_asset("vis-network.min.js"),
        nodes_json=_script_json(drawn.nodes),
        edges_json=_script_json(drawn.edges),
        options_json=_script_json(vis_options(len(drawn.nodes))),
    )


def _highlight_sets(subgraph: Subgraph, highlight: Subgraph | Collection[str] | None) -> tuple[set[str], set[str]]:
    if highlight is None:
        return set(), set()
    if isinstance(highlight, Subgraph):
        return set(highlight.nodes), set(highlight.relationships)
    nodes = {str(h) for h in highlight}
    rels = {rid for rid, r in subgraph.relationships.items() if r.start in nodes and r.end in nodes}
    return nodes, rels


def _node_options(node: Node, viewer: Viewer | None, lit: set[str]) -> dict[str, Any]:
    style = style_of(node)
    text = node_caption(node)
    if node.label == "Phone" and not (viewer and viewer.sees_full_ids):
        text = mask_phone(text)
    text = mask_text(text, viewer)
    options: dict[str, Any] = {
        "label": text if len(text) <= 16 else text[:15] + "…",
        "title": _tooltip(node, viewer),
        "shape": style.shape,
        "size": style.size,
        "color": style.color,
    }
    if lit:
        if node.id in lit:
            options.update(
                borderWidth=4, size=style.size + 6, color={"background": style.color, "border": HIGHLIGHT_COLOR}
            )
        else:
            options["opacity"] = 0.35
    return options


def _edge_options(rel: Relationship, lit: set[str], dim_others: bool) -> dict[str, Any]:
    options: dict[str, Any] = {"id": rel.id, "label": edge_caption(rel), "title": _edge_tooltip(rel)}
    if rel.id in lit:
        options.update(color=HIGHLIGHT_COLOR, width=4)
    elif dim_others:
        options["color"] = {"color": "#d1d5db", "opacity": 0.5}
    return options


def _tooltip(node: Node, viewer: Viewer | None) -> str:
    # The interactive panel redraws the same nodes on every action: remember their text.
    try:
        return _remembered_tooltip(node.labels, tuple(node.properties.items()), viewer)
    except TypeError:  # a list-valued property cannot be a cache key: compute it afresh
        return _tooltip_text(node, viewer)


@lru_cache(maxsize=16384)
def _remembered_tooltip(labels: tuple[str, ...], items: tuple[tuple[str, Any], ...], viewer: Viewer | None) -> str:
    return _tooltip_text(Node("", labels, dict(items)), viewer)


def _tooltip_text(node: Node, viewer: Viewer | None) -> str:
    props = visible_properties(node.label, node.properties, viewer)
    labels = "、".join(label_zh(label) for label in node.labels)
    lines = [f"【{labels}】{mask_text(node_caption(node), viewer)}"]
    lines += property_lines(props, (*_PROVENANCE, "key"))
    if props.get("source"):
        lines.append(f"来源：{props['source']}" + (f" 第 {props['row']} 行" if props.get("row") is not None else ""))
    return "\n".join(lines)


def _edge_tooltip(rel: Relationship) -> str:
    lines = [f"【{edge_caption(rel)}】"]
    lines += property_lines(rel.properties, _PROVENANCE)
    if rel.get("source"):
        lines.append(f"来源：{rel.get('source')}" + (f" 第 {rel.get('row')} 行" if rel.get("row") is not None else ""))
    return "\n".join(lines)


def _legend(shown: Subgraph) -> list[dict[str, str]]:
    present = Counter(label_of(n) for n in shown.nodes.values())
    return [
        {"color": style.color, "text": f"{label_zh(label)}（{present[label]}）", "label": label, "zh": label_zh(label)}
        for label, style in LABEL_STYLES.items()
        if present[label]
    ]


def vis_options(count: int) -> dict[str, Any]:
    big = count > BIG_GRAPH
    return {
        "autoResize": True,
        "layout": {"improvedLayout": not big, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "navigationButtons": False},
        "nodes": {"font": {"size": 13, "face": "Noto Sans CJK SC, sans-serif"}, "borderWidth": 1},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 10, "face": "Noto Sans CJK SC, sans-serif", "color": "#4b5563", "strokeWidth": 3},
            "color": {"color": "#9ca3af", "highlight": "#374151"},
            "smooth": False if big else {"type": "continuous"},
        },
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "springConstant": 0.03, "damping": 0.3},
            "stabilization": {"enabled": True, "iterations": 80 if big else 400, "updateInterval": 50, "fit": True},
        },
    }


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element and free of URL schemes."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return _offline(text.replace("</", "<\\/"))


def _offline(text: str) -> str:
    # In JS and JSON strings "\u0074" is "t" and "\/" is "/", so scripts behave the
    # same while the page holds no literal http(s):// reference.
    return _URL_SCHEME.sub(lambda m: "ht\\u0074p" + m.group(1) + ":\\/\\/", text)


@cache
def _vis_asset(name: str) -> str:
    return _offline((VIS_DIR / name).read_text(encoding="utf-8"))


@cache
def _template() -> Any:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html"]))
    return env.get_template("template.html")
