"""The overview page's figures: counts, transaction value, bids by industry/region/year."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bidgraph.graph import GraphStore
from bidgraph.loaders import load_history
from bidgraph.services.access import TENDER_SCOPE, scope_params
from bidgraph.viewer import Viewer
from bidgraph.viz.display import local_time


@dataclass(frozen=True)
class Overview:
    projects: int
    tenders: int
    bids: int
    companies: int
    people: int
    total_value: float  # 元: award price, else the winning bids' prices
    by_industry: pd.DataFrame = field(hash=False, compare=False)
    by_region: pd.DataFrame = field(hash=False, compare=False)
    by_year: pd.DataFrame = field(hash=False, compare=False)

    @property
    def empty(self) -> bool:
        return self.tenders == 0 and self.companies == 0


_COUNT = "MATCH (n:{label}) RETURN count(n)"
_TENDERS = f"""
MATCH (t:Tender) WHERE {TENDER_SCOPE}
OPTIONAL MATCH (b:Bid)-[:FOR]->(t) WHERE b.won = true
WITH t, sum(b.price) AS won
RETURN count(t) AS tenders, sum(coalesce(t.win_price, won)) AS value
"""
_BIDS_BY = f"""
MATCH (b:Bid)-[:FOR]->(t:Tender) WHERE {TENDER_SCOPE}
WITH {{dim}} AS dim, count(b) AS bids, count(DISTINCT t) AS tenders
RETURN dim, bids, tenders ORDER BY dim
"""
DIMENSIONS = {
    "industry": ("coalesce(t.industry, '未填写')", "行业"),
    "region": ("coalesce(t.region, '未填写')", "地区"),
    "year": ("coalesce(substring(t.bid_open, 0, 4), '未填写')", "年份"),
}


def overview(store: GraphStore, viewer: Viewer) -> Overview:
    """Headline figures within the viewer's sectors."""
    params = scope_params(viewer)
    tenders = store.run(_TENDERS, params).records()[0]
    bids = store.run(f"MATCH (b:Bid)-[:FOR]->(t:Tender) WHERE {TENDER_SCOPE} RETURN count(b)", params).value(0)
    return Overview(
        projects=store.run(_COUNT.format(label="Project")).value(0),
        tenders=tenders["tenders"] or 0,
        bids=bids,
        companies=store.run(_COUNT.format(label="Company")).value(0),
        people=store.run(_COUNT.format(label="Person")).value(0),
        total_value=float(tenders["value"] or 0),
        by_industry=bids_by(store, "industry", viewer),
        by_region=bids_by(store, "region", viewer),
        by_year=bids_by(store, "year", viewer),
    )


def bids_by(store: GraphStore, dimension: str, viewer: Viewer) -> pd.DataFrame:
    """Bid and tender counts per industry, region or year (columns in Chinese)."""
    expression, zh = DIMENSIONS[dimension]
    result = store.run(_BIDS_BY.replace("{dim}", expression), scope_params(viewer), limit=0)
    frame = pd.DataFrame(result.records(), columns=["dim", "bids", "tenders"])
    return frame.rename(columns={"dim": zh, "bids": "投标数", "tenders": "标段数"})


LOAD_COLUMNS = {
    "started": "开始时间",
    "status": "状态",
    "actor": "操作人",
    "rows_read": "读取行数",
    "rows_loaded": "导入行数",
    "errors": "错误数",
    "nodes_created": "新建节点",
    "relationships_created": "新建关系",
    "elapsed_s": "用时(秒)",
    "files": "文件",
}


def recent_loads(store: GraphStore, limit: int = 20) -> pd.DataFrame:
    """The load history, newest first, with Chinese column names."""
    rows = [
        {
            **h,
            "files": "、".join(h.get("files") or []),
            "started": local_time(f"{h['started']}+00:00") if h.get("started") else "",
        }
        for h in load_history(store, limit=limit)  # loads record their start in UTC, without a zone
    ]
    return pd.DataFrame(rows, columns=list(LOAD_COLUMNS)).rename(columns=LOAD_COLUMNS)
