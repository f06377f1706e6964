"""A picture of the case's evidence graph for the report: laid out with networkx, drawn with
reportlab's vector graphics — embedded as a drawing in the PDF and as SVG in the HTML.
No browser, no network: the recipient's printout shows the same picture as the screen."""

from __future__ import annotations

import base64
import math

import networkx as nx
from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib import colors

from bidgraph.cases.export.naming import node_caption
from bidgraph.cases.model import Case
from bidgraph.graph.model import Node
from bidgraph.graph.schema import schema
from bidgraph.viz.style import style_of

MAX_NODES = 60  # beyond this the picture is unreadable; the best-connected entities are drawn
WIDTH, HEIGHT = 500.0, 360.0
_MARGIN = 40.0


def drawn_nodes(case: Case) -> list[str]:
    """The snapshot ids drawn: all, or the ``MAX_NODES`` with most relationships."""
    degree: dict[str, int] = dict.fromkeys(case.nodes, 0)
    for rel in case.relationships.values():
        for end in (rel.start, rel.end):
            if end in degree:
                degree[end] += 1
    return sorted(degree, key=lambda n: (-degree[n], n))[:MAX_NODES]


def evidence_drawing(case: Case, font: str = "Helvetica") -> Drawing | None:
    """The drawing, or None when the case has no entities. ``font`` must hold CJK glyphs for the PDF."""
    chosen = drawn_nodes(case)
    if not chosen:
        return None
    graph = nx.Graph()
    graph.add_nodes_from(chosen)
    rels = [r for r in case.relationships.values() if r.start in graph and r.end in graph and r.start != r.end]
    graph.add_edges_from((r.start, r.end) for r in rels)
    # A fixed seed: two exports of the same case draw the same picture.
    pos = nx.spring_layout(graph, seed=7, k=1.6 / math.sqrt(max(len(chosen), 1)))
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(node_id: str) -> tuple[float, float]:
        x, y = pos[node_id]
        return (
            _MARGIN + (x - min(xs)) / span_x * (WIDTH - 2 * _MARGIN),
            _MARGIN / 2 + (y - min(ys)) / span_y * (HEIGHT - 1.5 * _MARGIN),
        )

    drawing = Drawing(WIDTH, HEIGHT)
    drawing.initialFontName = font  # else the renderer starts in Helvetica, a font the PDF does not embed
    for rel in rels:
        (x1, y1), (x2, y2) = at(rel.start), at(rel.end)
        drawing.add(Line(x1, y1, x2, y2, strokeColor=colors.HexColor("#9ca3af"), strokeWidth=0.6))
        if len(rels) <= 40:  # relationship names only where they can still be read
            label = String((x1 + x2) / 2, (y1 + y2) / 2 + 2, schema().zh(rel.type), fontName=font, fontSize=5.5)
            label.textAnchor, label.fillColor = "middle", colors.HexColor("#6b7280")
            drawing.add(label)
    for node_id in chosen:
        snap = case.nodes[node_id]
        x, y = at(node_id)
        colour = colors.HexColor(style_of(Node(snap.id, snap.labels, snap.properties)).color)
        drawing.add(Circle(x, y, 6, fillColor=colour, strokeColor=colors.white, strokeWidth=0.8))
        text = node_caption(snap)
        caption = String(x, y - 13, text if len(text) <= 16 else text[:15] + "…", fontName=font, fontSize=6.5)
        caption.textAnchor = "middle"
        drawing.add(caption)
    return drawing


def evidence_svg_uri(case: Case, font: str = "Helvetica") -> str:
    """The drawing as an SVG data URI for ``<img>`` in the HTML report ("" without entities).
    ``font`` (registered with reportlab) only measures the captions; the browser draws them
    in its own sans-serif font."""
    drawing = evidence_drawing(case, font=font)
    if drawing is None:
        return ""
    svg = renderSVG.drawToString(drawing).replace(f"font-family:{font}", "font-family:sans-serif")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def caption_text(case: Case) -> str:
    shown, total = min(len(case.nodes), MAX_NODES), len(case.nodes)
    more = f"（实体较多，图中显示关系最多的 {shown} 个，共 {total} 个）" if total > shown else ""
    return f"证据关系图：{shown} 个实体、{len(case.relationships)} 条关系{more}。节点颜色表示实体类型。"
