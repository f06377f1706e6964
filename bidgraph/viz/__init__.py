"""Graph drawing: subgraphs to self-contained offline HTML (vis-network through pyvis)."""

from bidgraph.viz.render import DEFAULT_MAX_NODES, cap_subgraph, render_html
from bidgraph.viz.style import LABEL_STYLES, format_money, label_zh, node_caption

__all__ = [
    "DEFAULT_MAX_NODES",
    "LABEL_STYLES",
    "cap_subgraph",
    "format_money",
    "label_zh",
    "node_caption",
    "render_html",
]
