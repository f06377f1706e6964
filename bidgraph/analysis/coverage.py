"""What the detectors cannot see: an empty graph, and tenders loaded without 行业 / 地区 /
开标日期 (``Tender.unknown``), named together with the detectors that need the attribute,
so a missing column is said in the output instead of silently narrowing the results."""

from __future__ import annotations

from bidgraph.analysis.detectors import PYTHON_DETECTORS, list_detectors
from bidgraph.graph.schema import schema
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import builtin_query
from bidgraph.settings import Settings

EMPTY_GUIDE = "图谱中还没有数据：请先导入（bidgraph load 数据目录 --mapping 映射.yaml）或生成样例（bidgraph sample）。"
ATTRIBUTES = {
    "bid_open": ("开标日期", "按日期筛选或比较任职/持股期间的规则不覆盖这些标段"),
    "industry": ("行业", "按行业划分市场的规则把这些标段归入“未注明”行业"),
    "region": ("地区", "按地区划分市场的规则把这些标段归入“未注明”地区"),
}


def is_empty(store: GraphStore) -> bool:
    return not store.run("MATCH (n) RETURN n LIMIT 1", limit=1).rows


def needing(attribute: str, settings: Settings | None = None) -> list[str]:
    """Ids of detectors whose query reads the tender attribute."""
    needle = f".{attribute}"
    market = builtin_query("market_tenders").text  # what the Python detectors' markets read
    ids = [
        q.detector or q.id
        for q in list_detectors(settings)
        if needle in q.text or (q.id in PYTHON_DETECTORS and needle in market)
    ]
    return list(dict.fromkeys(ids))


def coverage_notes(store: GraphStore, settings: Settings | None = None) -> list[str]:
    """Chinese notes: the empty graph, or per missing tender attribute how many tenders
    lack it and which detectors it limits."""
    if is_empty(store):
        return [EMPTY_GUIDE]
    s = schema()
    tender, unknown = s.label("Tender"), s.property_key("Tender", "unknown")
    query = f"MATCH (t:{tender}) WHERE t.{unknown} IS NOT NULL UNWIND t.{unknown} AS a RETURN a, count(*)"
    notes = []
    for attribute, count in store.run(query, limit=0).rows:
        if attribute in ATTRIBUTES and count:
            zh, effect = ATTRIBUTES[attribute]
            detectors = "、".join(needing(attribute, settings)) or "无"
            notes.append(f"{count:,} 个标段缺少{zh}：{effect}（涉及规则：{detectors}）")
    return notes
