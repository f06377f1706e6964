"""The graph panel's services on the real embedded database: shortest paths (bounded,
by relationship type), the as-of day, a relationship's facts, and what the drawing is sent."""

from __future__ import annotations

import pytest
from workbench_fixture import COMPANIES, LI, ZHANG, build_fixture

from bidgraph.graph import GraphStore
from bidgraph.graph.model import Node
from bidgraph.services.asof import as_of, date_span, validity
from bidgraph.services.edge_facts import relationship_facts
from bidgraph.services.graphview import GraphView, expand, neighbourhood, shortest_paths
from bidgraph.viewer import DEMO_VIEWER
from bidgraph.workbench.graph_panel import drawing

EAST, WEST, ROAD, LONE = (c["key"] for c in COMPANIES)


@pytest.fixture(scope="module")
def built(store: GraphStore) -> GraphStore:
    build_fixture(store)
    # 李四 was 董事 of 北京（东方） until the end of 2017: a role that has expired
    store.write(
        "MATCH (p:Person {key: $p}), (c:Company {key: $c}) "
        "MERGE (p)-[r:OFFICER_OF]->(c) SET r.position = '董事', r.start = '2015-01-01', r.end = '2017-12-31', "
        "r.source = 'officers.csv', r.row = 7, r.loaded_at = '2026-11-30T13:45:07+00:00'",
        {"p": LI, "c": EAST},
    )
    return store


def node(store: GraphStore, label: str, key: str) -> Node:
    return store.run(f"MATCH (n:{label} {{key: $k}}) RETURN n", {"k": key}).to_subgraph().nodes.popitem()[1]


def keys(graph) -> set[str]:
    return {n.get("key") for n in graph.nodes.values()}


def test_shortest_path_goes_through_kin_and_respects_types_and_length(built: GraphStore) -> None:
    east, road = node(built, "Company", EAST), node(built, "Company", ROAD)
    # 北京（东方）—任职— 李四 —任职— 华北路桥: two steps through the expired role
    found = shortest_paths(built, east, road, DEMO_VIEWER, max_hops=4)
    assert {EAST, ROAD, LI} <= keys(found) and len(found.relationships) == 2
    # bids only: 东方 -> bid -> tender <- bid <- 华北路桥 is 4 steps (both tenders), none within 3
    assert not shortest_paths(built, east, road, DEMO_VIEWER, rel_types=["SUBMITTED", "FOR"], max_hops=3).nodes
    bids = shortest_paths(built, east, road, DEMO_VIEWER, rel_types=["SUBMITTED", "FOR"], max_hops=4)
    assert {r.type for r in bids.relationships.values()} == {"SUBMITTED", "FOR"} and len(bids.relationships) == 8
    assert sum(n.label == "Tender" for n in bids.nodes.values()) == 2 and ZHANG not in keys(bids)


def test_as_of_hides_the_expired_role_and_the_person_it_alone_connected(built: GraphStore) -> None:
    graph = neighbourhood(built, "Company", EAST, DEMO_VIEWER)
    assert LI in keys(graph)
    role = next(r for r in graph.relationships.values() if r.get("end") == "2017-12-31")
    assert validity(role, graph) == ("2015-01-01", "2017-12-31")
    bid = next(r for r in graph.relationships.values() if r.type == "SUBMITTED")
    assert validity(bid, graph)[0] in ("2024-03-01", "2024-05-10")  # dated by the bid's opening
    assert date_span(graph) == ("2015-01-01", "2024-05-10")
    later = as_of(graph, "2020-01-01")
    assert LI not in keys(later) and ZHANG in keys(later) and role.id not in later.relationships
    assert not any(n.label == "Bid" for n in later.nodes.values())  # the bids came in 2024
    assert LI in keys(as_of(graph, "2016-06-30"))
    assert as_of(graph, None) is graph


def test_relationship_facts_read_in_chinese_with_source(built: GraphStore) -> None:
    graph = neighbourhood(built, "Company", EAST, DEMO_VIEWER)
    role = next(rid for rid, r in graph.relationships.items() if r.get("end") == "2017-12-31")
    title, table = relationship_facts(graph, role, DEMO_VIEWER)
    facts = dict(zip(table["项目"], table["内容"], strict=True))
    assert title.startswith("自然人：李四 —任职→ 企业：北京（东方）建设有限公司")
    assert facts["职务"] == "董事" and facts["有效期间"] == "2015-01-01 至 2017-12-31"
    assert facts["来源文件"] == "officers.csv" and facts["行号"] == "7"
    assert facts["载入时间"] == "2026-11-30 21:45:07"  # Beijing time
    bid = next(rid for rid, r in graph.relationships.items() if r.type == "SUBMITTED")
    assert dict(zip(*relationship_facts(graph, bid, DEMO_VIEWER)[1].to_dict("list").values(), strict=True))[
        "来源文件"
    ].startswith("（未记录")
    assert relationship_facts(graph, "no-such-id", DEMO_VIEWER) is None


def test_drawing_keeps_positions_offers_chinese_menus_and_dates(built: GraphStore) -> None:
    view = GraphView(graph=neighbourhood(built, "Company", EAST, DEMO_VIEWER))
    first = drawing(view, view.visible(), DEMO_VIEWER)
    some = first["nodes"][0]["id"]
    view.positions[some] = (12.0, -40.0)
    second = drawing(view, view.visible(), DEMO_VIEWER)
    assert second["rev"] == first["rev"]  # positions alone do not make a new revision
    assert next(n for n in second["nodes"] if n["id"] == some)[("x")] == 12.0
    person = next(n for n in first["nodes"] if n["kind"] == "Person")
    assert ("KIN_OF", "亲属") in first["menu"]["Person"] and ("OFFICER_OF", "任职") in first["menu"][person["kind"]]
    assert first["span"] == ["2015-01-01", "2024-05-10"]
    assert all(len(span) == 2 for span in first["spans"].values())
    zhang = next(n for n in view.graph.nodes.values() if n.get("key") == ZHANG)
    added = view.add(expand(built, zhang, DEMO_VIEWER, rel_types=["OFFICER_OF"]))
    third = drawing(view, view.visible(), DEMO_VIEWER)
    assert added == 1 and third["rev"] != first["rev"]  # 北京西山 joined through 张三's role
    assert WEST in {view.graph.nodes[n["id"]].get("key") for n in third["nodes"]}
