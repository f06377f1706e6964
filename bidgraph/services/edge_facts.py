"""One relationship of a drawing as an investigator reads it: who to whom, its facts
(Chinese names, 万元, Beijing time), when it held, and where it came from."""

from __future__ import annotations

import pandas as pd

from bidgraph.graph.model import Subgraph
from bidgraph.graph.schema import schema
from bidgraph.services.asof import validity
from bidgraph.services.common import node_title
from bidgraph.viewer import Viewer
from bidgraph.viz.display import local_time, shown_value
from bidgraph.viz.style import PROPERTY_ZH

_SOURCES = {
    "source": "来源文件",
    "row": "行号",
    "load_id": "载入批次",
    "loaded_at": "载入时间",
    "first_load": "首次载入批次",
}


def relationship_facts(graph: Subgraph, rel_id: str, viewer: Viewer) -> tuple[str, pd.DataFrame] | None:
    """「企业：甲 —股东→ 企业：乙」 and a 项目/内容 table; None when the id is not in ``graph``."""
    rel = graph.relationships.get(rel_id)
    if rel is None:
        return None

    def name(nid: str) -> str:
        node = graph.nodes.get(nid)
        return node_title(node, viewer) if node is not None else "（未显示的节点）"

    title = f"{name(rel.start)} —{schema().zh(rel.type)}→ {name(rel.end)}"
    rows = [("关系类型", schema().zh(rel.type))]
    rows += [
        (PROPERTY_ZH.get(k, k), shown_value(k, v))
        for k, v in rel.properties.items()
        if k not in _SOURCES and v is not None and v != ""
    ]
    start, end = validity(rel, graph)
    if start or end:
        rows.append(("有效期间", f"{start or '不详'} 至 {end or '今'}"))
    for prop, label in _SOURCES.items():
        value = rel.get(prop)
        if value is not None and value != "":
            rows.append((label, local_time(value) if prop == "loaded_at" else shown_value(prop, value)))
    if rel.get("source") is None:
        spec = schema().relationships.get(rel.type)
        derived = spec is not None and spec.derived
        rows.append(("来源文件", "（派生关系：由研判计算得出）" if derived else "（未记录来源文件）"))
    return title, pd.DataFrame(rows, columns=["项目", "内容"])
