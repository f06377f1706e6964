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

PROPERTY_ZH: dict[str, str] = {
    "name": "名称",
    "uscc": "统一社会信用代码",
    "reg_capital": "注册资本",
    "established": "成立日期",
    "legal_form": "企业类型",
    "region": "地区",
    "industry": "行业",
    "status": "状态",
    "address": "地址",
    "id_masked": "身份证号",
    "id_number": "身份证号",
    "gender": "性别",
    "birth_year": "出生年份",
    "key_confidence": "识别可信度",
    "expert_no": "专家编号",
    "specialty": "专业",
    "employer": "工作单位",
    "title_level": "职称",
    "code": "编号",
    "method": "招标方式",
    "ceiling_price": "最高限价",
    "estimate_price": "估算价",
    "published": "发布日期",
    "bid_open": "开标日期",
    "awarded": "定标日期",
    "win_price": "中标价",
    "price": "报价",
    "price_text": "报价（文字）",
    "rank": "名次",
    "won": "中标",
    "valid": "有效",
    "disqualified_reason": "否决原因",
    "submitted": "递交时间",
    "value": "值",
    "kind": "种类",
    "number": "编号",
    "level": "等级",
    "date": "日期",
    "authority": "决定机关",
    "reason": "事由",
    "allowed": "白名单",
    "allow_reason": "白名单原因",
    "position": "职务",
    "relation": "关系",
    "basis": "依据",
    "confidence": "可信度",
    "pct": "持股比例",
    "start": "起",
    "end": "止",
    "score": "评分",
    "role": "角色",
    "count": "次数",
    "key": "键",
    "source": "来源文件",
    "row": "行号",
}


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
