"""出现在公告: where a node is stated in published notices, with the source text around each
span and the span itself marked 【…】 (offsets from the MENTIONS edges the notice loader wrote)."""

from __future__ import annotations

import json

import pandas as pd

from bidgraph.graph import GraphStore
from bidgraph.services.common import table
from bidgraph.viewer import Viewer

CONTEXT = 20  # characters shown on each side of a span (the column stays readable)
FIELD_ZH = {"bidder": "投标人", "price": "报价", "qualification": "资质", "name": "姓名", "code": "标段编号",
            "tenderer": "招标人", "agency": "代理机构", "certificate": "证书"}  # fmt: skip
# A company is stated through its bids; other nodes directly.
_QUERIES = {
    "Company": "MATCH (c:Company {key: $key})-[:MEMBER_OF*0..1]->()-[:SUBMITTED]->(n:Bid)<-[m:MENTIONS]-(d:Document) "
    "RETURN d.title AS title, d.published AS published, d.source AS source, d.text AS text, m.spans AS spans",
    "Other": "MATCH (n {key: $key})<-[m:MENTIONS]-(d:Document) "
    "RETURN d.title AS title, d.published AS published, d.source AS source, d.text AS text, m.spans AS spans",
}


def snippet(text: str, start: int, end: int, context: int = CONTEXT) -> str:
    """The span marked 【…】 with up to ``context`` characters around it, on one line."""
    before = text[max(0, start - context) : start]
    after = text[end : end + context]
    lead, tail = "…" if start > context else "", "…" if end + context < len(text) else ""
    line = f"{lead}{before}【{text[start:end]}】{after}{tail}"
    return " ".join(line.split())


def mentions(store: GraphStore, label: str, key: str, viewer: Viewer) -> pd.DataFrame:
    """One row per stated fact: notice title, date, field, the text with the span marked."""
    query = _QUERIES["Company" if label == "Company" else "Other"]
    rows = []
    for record in store.run(query, {"key": key}, limit=0).records():
        for field, (start, end) in sorted(json.loads(record["spans"] or "{}").items(), key=lambda kv: kv[1][0]):
            name = FIELD_ZH.get(field.rstrip("0123456789"), field)
            rows.append(
                {
                    **record,
                    "published": record["published"] or "",
                    "field": name,
                    "snippet": snippet(record["text"] or "", start, end),
                }
            )
    columns = {"field": "事实", "snippet": "原文（【】内为抽取内容）", "title": "公告", "published": "发布日期",
               "source": "来源文件"}  # fmt: skip
    return table(rows, columns, viewer)
