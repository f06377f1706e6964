"""Company and person profiles: facts, roles, bids, co-bidders, kin, evaluations."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bidgraph.errors import BidgraphError
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Node
from bidgraph.graph.schema import schema
from bidgraph.services.access import TENDER_SCOPE, scope_params
from bidgraph.services.common import facts_table, table
from bidgraph.viewer import Viewer

ROLE_TYPES = "LEGAL_REP_OF|SHAREHOLDER_OF|OFFICER_OF|EMPLOYED_BY"
ROLE_COLUMNS = {"role": "关系", "position": "职务/依据", "pct": "持股%", "start": "起", "end": "止", "key": "key"}


class NotFound(BidgraphError):
    """The profile's node does not exist (any more)."""


@dataclass(frozen=True)
class Profile:
    node: Node
    facts: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, hash=False, compare=False)
    stats: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


def get_node(store: GraphStore, label: str, key: str) -> Node:
    result = store.run(f"MATCH (n:{schema().label(label)} {{key: $key}}) RETURN n", {"key": key})
    if not result.rows:
        raise NotFound(f"找不到{schema().zh(label)}「{key}」：可能已被删除，或数据尚未导入。请回到搜索页重新查找。")
    return result.value()


_PEOPLE = f"""
MATCH (p)-[r:{ROLE_TYPES}]->(c:Company {{key: $key}})
RETURN p.name AS name, labels(p)[0] AS kind, type(r) AS role, coalesce(r.position, r.basis) AS position,
       r.pct AS pct, r.start AS start, r.end AS end, p.key AS key
ORDER BY role, start
"""
_BIDS = f"""
MATCH (c:Company {{key: $key}})-[:SUBMITTED|MEMBER_OF*1..2]->(b:Bid)-[:FOR]->(t:Tender)
WHERE {TENDER_SCOPE}
RETURN t.code AS code, t.name AS tender, t.bid_open AS bid_open, b.price AS price, b.price_text AS price_text,
       b.rank AS rank, b.won AS won, b.valid AS valid, t.key AS tender_key
ORDER BY bid_open DESC
"""
_CO_BIDDERS = f"""
MATCH (c:Company {{key: $key}})-[:SUBMITTED]->(:Bid)-[:FOR]->(t:Tender)<-[:FOR]-(ob:Bid)<-[:SUBMITTED]-(o:Company)
WHERE o <> c AND {TENDER_SCOPE}
WITH o, count(DISTINCT t) AS together, sum(CASE WHEN ob.won THEN 1 ELSE 0 END) AS their_wins
RETURN o.name AS name, together, their_wins, o.key AS key
ORDER BY together DESC, name LIMIT 20
"""


def company_profile(store: GraphStore, key: str, viewer: Viewer) -> Profile:
    node = get_node(store, "Company", key)
    people = store.run(_PEOPLE, {"key": key}, limit=0).records()
    for row in people:
        row["role"] = schema().zh(row["role"])
    bids = store.run(_BIDS, scope_params(viewer, key=key), limit=0).records()
    co = store.run(_CO_BIDDERS, scope_params(viewer, key=key)).records()
    wins = sum(1 for b in bids if b["won"])
    return Profile(
        node=node,
        facts=facts_table(node, viewer),
        tables={
            "people": table(
                people,
                {"name": "姓名/名称", **ROLE_COLUMNS},
                viewer,
            ),
            "bids": table(
                bids,
                {
                    "code": "标段编号",
                    "tender": "标段名称",
                    "bid_open": "开标日期",
                    "price": "报价（元）",
                    "price_text": "报价说明",
                    "rank": "名次",
                    "won": "中标",
                    "valid": "有效",
                    "tender_key": "key",
                },
                viewer,
            ),
            "co_bidders": table(
                co, {"name": "共同投标企业", "together": "同场次数", "their_wins": "其中对方中标", "key": "key"}, viewer
            ),
        },
        stats={"投标次数": len(bids), "中标次数": wins, "中标率": f"{wins / len(bids):.0%}" if bids else "—"},
    )


_ROLES = f"""
MATCH (p:Person {{key: $key}})-[r:{ROLE_TYPES}]->(o)
RETURN o.name AS org, labels(o)[0] AS kind, type(r) AS role, coalesce(r.position, r.basis) AS position, r.pct AS pct,
       r.start AS start, r.end AS end, o.key AS key
ORDER BY start
"""
_KIN = """
MATCH (p:Person {key: $key})-[r:KIN_OF]-(k:Person)
RETURN k.name AS name, r.relation AS relation, r.basis AS basis, r.confidence AS confidence, k.key AS key
"""
_BID_ROLES = f"""
MATCH (b:Bid)-[r:PROJECT_MANAGER|AGENT]->(p:Person {{key: $key}}), (b)-[:FOR]->(t:Tender)
WHERE {TENDER_SCOPE}
OPTIONAL MATCH (c)-[:SUBMITTED]->(b)
RETURN type(r) AS role, c.name AS bidder, t.code AS code, t.name AS tender, t.bid_open AS bid_open,
       b.price AS price, b.won AS won, t.key AS tender_key
ORDER BY bid_open DESC
"""
_EVALUATIONS = f"""
MATCH (p:Person {{key: $key}})-[e:EVALUATED]->(t:Tender)
WHERE {TENDER_SCOPE}
RETURN t.code AS code, t.name AS tender, coalesce(e.date, t.bid_open) AS date, e.role AS role, t.key AS tender_key
ORDER BY date DESC
"""
_CERTIFICATES = """
MATCH (p:Person {key: $key})-[:HOLDS]->(c:Certificate)
OPTIONAL MATCH (c)-[:REGISTERED_WITH]->(o)
RETURN c.kind AS kind, c.number AS number, c.level AS level, o.name AS registered_with
"""


def person_profile(store: GraphStore, key: str, viewer: Viewer) -> Profile:
    node = get_node(store, "Person", key)
    params = scope_params(viewer, key=key)
    roles = store.run(_ROLES, {"key": key}, limit=0).records()
    bid_roles = store.run(_BID_ROLES, params, limit=0).records()
    for row in (*roles, *bid_roles):
        row["role"] = schema().zh(row["role"])
    tables = {
        "roles": table(
            roles,
            {"org": "单位", **ROLE_COLUMNS},
            viewer,
        ),
        "kin": table(
            store.run(_KIN, {"key": key}).records(),
            {"name": "亲属", "relation": "关系", "basis": "依据", "confidence": "可信度", "key": "key"},
            viewer,
        ),
        "bid_roles": table(
            bid_roles,
            {
                "role": "身份",
                "bidder": "投标人",
                "code": "标段编号",
                "tender": "标段名称",
                "bid_open": "开标日期",
                "price": "报价（元）",
                "won": "中标",
                "tender_key": "key",
            },
            viewer,
        ),
        "certificates": table(
            store.run(_CERTIFICATES, {"key": key}).records(),
            {"kind": "证书种类", "number": "证书编号", "level": "等级", "registered_with": "注册单位"},
            viewer,
        ),
    }
    if "Expert" in node.labels and viewer.sees_expert_details:
        evaluations = store.run(_EVALUATIONS, params, limit=0).records()
        tables["evaluations"] = table(
            evaluations,
            {"code": "标段编号", "tender": "标段名称", "date": "日期", "role": "角色", "tender_key": "key"},
            viewer,
        )
    return Profile(
        node=node,
        facts=facts_table(node, viewer),
        tables=tables,
        stats={"任职单位": len(roles), "亲属": len(tables["kin"]), "投标中担任": len(bid_roles)},
    )
