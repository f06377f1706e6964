"""How each label and relationship type looks: colour, shape, size, Chinese captions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bidgraph.graph.model import Node, Relationship, caption
from bidgraph.graph.schema import schema


@dataclass(frozen=True)
class LabelStyle:
    color: str
    shape: str
    size: int = 18


DEFAULT_STYLE = LabelStyle("#9aa5b1", "dot", 12)

LABEL_STYLES: dict[str, LabelStyle] = {
    "Company": LabelStyle("#2f6db5", "dot", 22),
    "Consortium": LabelStyle("#5b8fd6", "hexagon", 20),
    "Person": LabelStyle("#e8833a", "dot", 18),
    "Expert": LabelStyle("#c2410c", "star", 20),
    "Tender": LabelStyle("#2e9e5b", "diamond", 20),
    "Project": LabelStyle("#1c6b3d", "hexagon", 18),
    "Bid": LabelStyle("#8c96a3", "square", 9),
    "Tenderer": LabelStyle("#7b4fb5", "triangle", 20),
    "Agency": LabelStyle("#a35bc9", "triangleDown", 20),
    "Department": LabelStyle("#4b5563", "box", 16),
    "Phone": LabelStyle("#d64550", "dot", 10),
    "Email": LabelStyle("#d64550", "dot", 10),
    "Address": LabelStyle("#b8860b", "dot", 11),
    "IP": LabelStyle("#e0413a", "dot", 11),
    "Device": LabelStyle("#b91c1c", "dot", 11),
    "BankAccount": LabelStyle("#9f1239", "dot", 11),
    "Certificate": LabelStyle("#0e7490", "square", 11),
    "Penalty": LabelStyle("#111827", "star", 16),
    "Document": LabelStyle("#6b7280", "box", 12),
}

HIGHLIGHT_COLOR = "#f5c400"

# Chinese names of properties: declared once, in graph/schema.yaml (property_zh).
PROPERTY_ZH: dict[str, str] = schema().property_zh


def label_of(node: Node) -> str:
    """The label that decides the look: Expert wins over Person."""
    return "Expert" if "Expert" in node.labels else node.label


def style_of(node: Node) -> LabelStyle:
    return LABEL_STYLES.get(label_of(node), DEFAULT_STYLE)


def label_zh(label: str) -> str:
    return schema().zh(label)


def format_money(value: Any) -> str:
    """元 to a short Chinese figure (万元 / 亿元)."""
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return str(value)
    if abs(amount) >= 1e8:
        return f"{amount / 1e8:,.2f} 亿元"
    if abs(amount) >= 1e4:
        return f"{amount / 1e4:,.2f} 万元"
    return f"{amount:,.0f} 元"


def node_caption(node: Node) -> str:
    """Short text under a node: the name, or for a bid its price and outcome."""
    if node.label == "Bid":
        price = node.get("price")
        text = format_money(price) if price is not None else (node.get("price_text") or "投标")
        return ("★" if node.get("won") else "") + text
    return caption(node)


def edge_caption(rel: Relationship) -> str:
    """The Chinese name of the type, with the detail that matters (position, kinship, share)."""
    text = schema().zh(rel.type)
    detail = rel.get("position") or rel.get("relation")
    if rel.get("pct") is not None:
        detail = f"{rel.get('pct')}%"
    if rel.type == "CO_BID" and rel.get("count") is not None:
        detail = f"{rel.get('count')}次"
    return f"{text}·{detail}" if detail else text
