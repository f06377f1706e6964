"""A small hand-built graph for the workbench tests, written with parameterised Cypher
following docs/graph-model.md: two tenders, four bidders (three of them a ring sharing a
person and an upload IP), an expert, an agency, a tenderer and a kinship tie."""

from __future__ import annotations

from pathlib import Path

from bidgraph.graph import GraphStore
from bidgraph.loaders.identity import id_hash
from bidgraph.protected import PHONE as PHONE_KIND
from bidgraph.protected import ProtectedStore, graph_key, seal_experts

COMPANIES = [
    {"key": "91110000MA01AAAA1X", "uscc": "91110000MA01AAAA1X", "name": "北京（东方）建设有限公司", "region": "北京"},
    {"key": "91110000MA01BBBB2Y", "uscc": "91110000MA01BBBB2Y", "name": "北京西山工程有限公司", "region": "北京"},
    {"key": "91110000MA01CCCC3Z", "uscc": "91110000MA01CCCC3Z", "name": "华北路桥有限公司", "region": "河北"},
    {"key": "name:独立施工有限公司", "uscc": None, "name": "独立施工有限公司", "region": "天津"},
]
NUMBERS = ("11010119900101123X", "110101198502023456", "110101197003034567")
PEOPLE = [
    {
        "key": "id:" + id_hash(number),
        "name": name,
        "id_masked": number[:12] + "******",
        "id_hash": id_hash(number),
        "key_confidence": "high",
    }
    for name, number in zip(("张三", "李四", "王五"), NUMBERS, strict=True)
]
ZHANG, LI, WANG = (p["key"] for p in PEOPLE)
ID_NUMBERS = dict(
    zip((ZHANG, LI, WANG), ("11010119900101123X", "110101198502023456", "110101197003034567"), strict=True)
)
PHONE = "13812345678"
PHONE_KEY = graph_key(PHONE_KIND, PHONE)
TENDERS = [
    {
        "code": "T2024-001",
        "name": "城区道路改造工程一标段",
        "industry": "房屋建筑",
        "region": "北京",
        "bid_open": "2024-03-01",
        "ceiling_price": 5_000_000.0,
    },
    {
        "code": "T2024-002",
        "name": "河道整治工程",
        "industry": "水利",
        "region": "河北",
        "bid_open": "2024-05-10",
        "ceiling_price": 2_000_000.0,
    },
]
BIDS = [
    ("T2024-001", 0, 4_500_000.0, 1, True),
    ("T2024-001", 1, 4_560_000.0, 2, False),
    ("T2024-001", 2, 4_610_000.0, 3, False),
    ("T2024-001", 3, 4_300_000.0, 4, False),
    ("T2024-002", 0, 1_900_000.0, 2, False),
    ("T2024-002", 1, 1_850_000.0, 1, True),
    ("T2024-002", 2, 1_950_000.0, 3, False),
]

_NODES = "UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n += row"
_ROLE = (
    "UNWIND $rows AS row MATCH (p:Person {key: row.person}) MATCH (c:Company {key: row.company}) "
    "MERGE (p)-[r:OFFICER_OF]->(c) SET r.position = row.position, r.start = row.start"
)


def build_fixture(store: GraphStore, data_dir: Path | None = None) -> None:
    """Write the fixture graph (idempotent) as the loader would: hashes and masked values
    in the graph, the full numbers in the protected store of ``data_dir`` if given."""
    if data_dir is not None:
        clear = {key: ("id_number", number) for key, number in ID_NUMBERS.items()}
        ProtectedStore(data_dir).put({**clear, PHONE_KEY: (PHONE_KIND, PHONE)})
    store.write(_NODES.format(label="Company"), {"rows": [{**c, "industry": "建筑业"} for c in COMPANIES]})
    store.write(_NODES.format(label="Person"), {"rows": PEOPLE})
    store.write(
        _NODES.format(label="Project"), {"rows": [{"key": "P2024", "code": "P2024", "name": "城区综合整治项目"}]}
    )
    store.write(_NODES.format(label="Tender"), {"rows": [{**t, "key": t["code"]} for t in TENDERS]})
    store.write("MATCH (t:Tender), (p:Project {key: 'P2024'}) MERGE (t)-[:PART_OF]->(p)")
    bids = [
        {
            "key": f"{code}|{COMPANIES[i]['key']}",
            "tender_code": code,
            "bidder_key": COMPANIES[i]["key"],
            "price": price,
            "rank": rank,
            "won": won,
            "valid": True,
            "bid_open": next(t["bid_open"] for t in TENDERS if t["code"] == code),
        }
        for code, i, price, rank, won in BIDS
    ]
    store.write(_NODES.format(label="Bid"), {"rows": bids})
    store.write(
        "UNWIND $rows AS row MATCH (b:Bid {key: row.key}) MATCH (c:Company {key: row.bidder_key}) "
        "MATCH (t:Tender {key: row.tender_code}) MERGE (c)-[:SUBMITTED]->(b) MERGE (b)-[:FOR]->(t)",
        {"rows": bids},
    )
    store.write(
        _ROLE,
        {
            "rows": [
                {"person": ZHANG, "company": COMPANIES[0]["key"], "position": "董事", "start": "2019-01-01"},
                {"person": ZHANG, "company": COMPANIES[1]["key"], "position": "监事", "start": "2020-06-01"},
                {"person": LI, "company": COMPANIES[2]["key"], "position": "经理", "start": "2018-03-01"},
            ]
        },
    )
    store.write(
        "MATCH (a:Person {key: $a}), (b:Person {key: $b}) "
        "MERGE (a)-[:KIN_OF {relation: '配偶', basis: 'household', confidence: 0.9}]->(b)",
        {"a": ZHANG, "b": LI},
    )
    store.write("MERGE (:IP {key: '10.1.2.3', value: '10.1.2.3'})")
    store.write(
        "MATCH (b:Bid), (ip:IP {key: '10.1.2.3'}) WHERE b.bidder_key IN $keys MERGE (b)-[:UPLOADED_FROM]->(ip)",
        {"keys": [c["key"] for c in COMPANIES[:3]]},
    )
    store.write("MERGE (x:Phone {key: $k, value: '138****5678'})", {"k": PHONE_KEY})
    store.write(
        "MATCH (p:Person {key: $c}), (x:Phone {key: $k}) MERGE (p)-[:HAS_PHONE]->(x)", {"c": WANG, "k": PHONE_KEY}
    )
    store.write("MATCH (p:Person {key: $c}) SET p:Expert, p.expert_no = 'E-001', p.specialty = '市政'", {"c": WANG})
    store.write(
        "MATCH (p:Person {key: $c}), (t:Tender) MERGE (p)-[:EVALUATED {role: '评委', date: t.bid_open}]->(t)",
        {"c": WANG},
    )
    store.write("MERGE (:Agency {key: '91110000MA01DDDD4W', name: '诚信招标代理有限公司'})")
    store.write("MERGE (:Tenderer {key: 'name:城区建设局', name: '城区建设局', kind: '政府'})")
    store.write("MATCH (a:Agency), (t:Tender) MERGE (a)-[:AGENT_OF]->(t)")
    store.write("MATCH (a:Tenderer), (t:Tender) MERGE (a)-[:TENDERED]->(t)")
    store.write(
        "MATCH (b:Bid {tender_code: 'T2024-001'}), (p:Person {key: $b}) "
        "WHERE b.bidder_key = $k MERGE (b)-[:PROJECT_MANAGER]->(p)",
        {"k": COMPANIES[2]["key"], "b": LI},
    )
    if data_dir is not None:
        seal_experts(store, ProtectedStore(data_dir))  # as every load does: who the expert is leaves the graph
