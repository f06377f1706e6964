"""Tender profile: facts, the bids with their price screens, experts, agency, tenderer."""

from __future__ import annotations

import math

from bidgraph.analysis.screens import SCREEN_ZH, screens
from bidgraph.graph import GraphStore
from bidgraph.services.access import may_see_sectors
from bidgraph.services.common import facts_table, table
from bidgraph.services.profiles import NotFound, Profile, get_node
from bidgraph.viewer import Viewer

_BIDS = """
MATCH (bidder)-[:SUBMITTED]->(b:Bid)-[:FOR]->(t:Tender {key: $key})
RETURN bidder.name AS bidder, labels(bidder)[0] AS kind, b.price AS price, b.price_text AS price_text, b.rank AS rank,
       b.won AS won, b.valid AS valid, b.disqualified_reason AS reason, bidder.key AS key
ORDER BY price
"""
_EXPERTS = """
MATCH (e:Person)-[r:EVALUATED]->(t:Tender {key: $key})
RETURN e.name AS name, e.expert_no AS expert_no, e.specialty AS specialty, r.role AS role, e.key AS key
"""
_PARTIES = """
MATCH (x)-[r:TENDERED|AGENT_OF|SUPERVISES]->(t:Tender {key: $key})
RETURN type(r) AS role, x.name AS name, labels(x)[0] AS label, x.key AS key
UNION
MATCH (t:Tender {key: $key})-[r:PART_OF]->(x:Project)
RETURN type(r) AS role, x.name AS name, labels(x)[0] AS label, x.key AS key
"""
PARTY_ZH = {"TENDERED": "招标人", "AGENT_OF": "招标代理机构", "SUPERVISES": "行政监督部门", "PART_OF": "所属项目"}


def tender_profile(store: GraphStore, key: str, viewer: Viewer) -> Profile:
    node = get_node(store, "Tender", key)
    if not may_see_sectors(viewer, [node.get("industry")]):
        raise NotFound(f"标段「{key}」不在您的监管行业范围内。")
    bids = store.run(_BIDS, {"key": key}, limit=0).records()
    parties = store.run(_PARTIES, {"key": key}).records()
    for row in parties:
        row["role"] = PARTY_ZH.get(row["role"], row["role"])
    tables = {
        "bids": table(
            bids,
            {
                "bidder": "投标人",
                "price": "报价（元）",
                "price_text": "报价说明",
                "rank": "名次",
                "won": "中标",
                "valid": "有效",
                "reason": "否决原因",
                "key": "key",
            },
            viewer,
        ),
        "parties": table(parties, {"role": "角色", "name": "名称", "label": "label", "key": "key"}, viewer),
    }
    if viewer.sees_expert_details:
        experts = store.run(_EXPERTS, {"key": key}).records()
        tables["experts"] = table(
            experts,
            {"name": "专家", "expert_no": "专家编号", "specialty": "专业", "role": "角色", "key": "key"},
            viewer,
        )
    prices = [b["price"] for b in bids if isinstance(b["price"], (int, float)) and b["valid"] is not False]
    return Profile(
        node=node,
        facts=facts_table(node, viewer),
        tables=tables,
        stats=price_screens(prices, node.get("ceiling_price")),
    )


def price_screens(prices: list[float], ceiling: float | None = None) -> dict[str, object]:
    """The collusion screens (第40条④ 报价规律性) with Chinese names; those that need more bids are left out."""
    values = screens(prices, float(ceiling) if ceiling else None)
    return {SCREEN_ZH[k]: (int(v) if k == "n" else round(v, 4)) for k, v in values.items() if not math.isnan(v)}
