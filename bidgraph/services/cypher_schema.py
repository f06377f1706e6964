"""What the 查询 editor knows of the graph: the schema browser's tables (labels and
relationship types with their Chinese names and properties) and the completion list
(Cypher keywords, labels, relationship types, property keys), from graph/schema.yaml."""

from __future__ import annotations

import pandas as pd

from bidgraph.graph.schema import schema

KEYWORDS = (
    "MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "LIMIT", "SKIP", "DISTINCT",
    "AS", "AND", "OR", "NOT", "IN", "IS NULL", "IS NOT NULL", "CONTAINS", "STARTS WITH", "ENDS WITH", "CASE",
    "WHEN", "THEN", "ELSE", "END", "UNION", "count", "collect", "size", "coalesce", "labels", "type",
    "shortestPath", "exists", "toLower", "toUpper", "sum", "avg", "min", "max", "DESC", "ASC",
)  # fmt: skip


def _properties(names: tuple[str, ...]) -> str:
    zh = schema().property_zh
    return "、".join(f"{p}（{zh[p]}）" if p in zh else p for p in names)


def label_table() -> pd.DataFrame:
    rows = [
        {"标签": n.label, "中文名": n.zh, "键": n.key_doc, "属性": _properties(n.properties)}
        for n in schema().nodes.values()
    ]
    return pd.DataFrame(rows, columns=["标签", "中文名", "键", "属性"])


def relationship_table() -> pd.DataFrame:
    rows = [
        {
            "关系类型": r.type,
            "中文名": r.zh,
            "方向": f"{'/'.join(r.sources)} → {'/'.join(r.targets)}",
            "属性": _properties(r.properties),
        }
        for r in schema().relationships.values()
    ]
    return pd.DataFrame(rows, columns=["关系类型", "中文名", "方向", "属性"])


def completions() -> list[dict[str, object]]:
    """Ace completion items: labels and relationship types first, then properties, then keywords."""
    s = schema()
    items: list[dict[str, object]] = [
        {"caption": n.label, "value": n.label, "meta": f"标签 {n.zh}", "score": 300} for n in s.nodes.values()
    ]
    items += [
        {"caption": r.type, "value": r.type, "meta": f"关系 {r.zh}", "score": 250} for r in s.relationships.values()
    ]
    props = sorted(
        {p for n in s.nodes.values() for p in n.properties}
        | {p for r in s.relationships.values() for p in r.properties}
    )
    items += [
        {"caption": p, "value": p, "meta": f"属性 {s.property_zh.get(p, '')}".strip(), "score": 200} for p in props
    ]
    items += [{"caption": k, "value": k, "meta": "关键字", "score": 100} for k in KEYWORDS]
    return items
