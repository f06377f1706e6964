"""Result model: nodes, relationships and paths convert to the same dataclasses from
FalkorDB (real server) and from the Neo4j driver's own types."""

from __future__ import annotations

import datetime as dt

import neo4j.time
import pytest
from neo4j import graph as neo_graph

from bidgraph.graph import GraphStore, Node, Path, Relationship
from bidgraph.graph.neo4j_backend import convert as convert_neo4j

PERSON = {"name": "张三", "birth": dt.date(1990, 7, 1), "tags": ["监事", "股东"], "score": 1.5, "ok": True}


@pytest.fixture(scope="module", autouse=True)
def kin(store: GraphStore) -> None:
    store.write(
        "CREATE (a:Person:Expert {key: 'P1', name: $name, birth: date('1990-07-01'), tags: $tags, score: 1.5, "
        "ok: true})"
        "-[:KIN_OF {relation: '配偶', confidence: 0.9, since: null}]->(b:Person {key: 'P2', name: '李四'})",
        {"name": PERSON["name"], "tags": PERSON["tags"]},
    )


def _strip(node: Node) -> dict:
    return {k: v for k, v in node.properties.items() if k != "key"}


def test_falkordb_node_relationship_and_path(store: GraphStore) -> None:
    row = store.run("MATCH p = (a:Person {key: 'P1'})-[r:KIN_OF]->(b) RETURN a, r, p, b.missing, a.tags").rows[0]
    a, r, p, missing, tags = row
    assert isinstance(a, Node) and a.labels == ("Person", "Expert")
    assert _strip(a) == PERSON
    assert isinstance(r, Relationship) and r.type == "KIN_OF" and r.start == a.id
    assert r.properties == {"relation": "配偶", "confidence": 0.9}  # null properties are not stored
    assert isinstance(p, Path) and len(p) == 1 and p.nodes[0] == a and p.relationships[0] == r
    assert p.nodes[1].properties["name"] == "李四"
    assert missing is None and tags == ["监事", "股东"]


def test_result_to_dataframe_and_subgraph(store: GraphStore) -> None:
    result = store.run("MATCH p = (a:Person)-[r]->(b) RETURN p, a, b")
    frame = result.to_dataframe()
    assert list(frame.columns) == ["p", "a", "b"]
    assert frame.iloc[0]["a"] == "(Person:张三)"
    assert frame.iloc[0]["p"] == "(张三)-[:KIN_OF]- (李四)"
    graph = result.to_subgraph()
    assert len(graph.nodes) == 2 and len(graph.relationships) == 1  # deduplicated
    assert graph.dangling() == []


def test_temporal_values_come_back_as_python_types(store: GraphStore) -> None:
    d, t = store.run("RETURN date('2024-01-02'), localdatetime('2024-01-02T09:30:00')").rows[0]
    assert d == dt.date(2024, 1, 2)
    assert t == dt.datetime(2024, 1, 2, 9, 30)


def _neo4j_kin() -> tuple[neo_graph.Node, neo_graph.Relationship, neo_graph.Path]:
    g = neo_graph.Graph()
    a = neo_graph.Node(
        g,
        "4:db:1",
        1,
        ["Expert", "Person"],
        {
            "key": "P1",
            "name": "张三",
            "birth": neo4j.time.Date(1990, 7, 1),
            "tags": ["监事", "股东"],
            "score": 1.5,
            "ok": True,
        },
    )
    b = neo_graph.Node(g, "4:db:2", 2, ["Person"], {"key": "P2", "name": "李四"})
    rel_class = g.relationship_type("KIN_OF")
    r = rel_class(g, "5:db:9", 9, {"relation": "配偶", "confidence": 0.9})
    r._start_node, r._end_node = a, b
    return a, r, neo_graph.Path(a, r)


def test_neo4j_driver_types_convert_to_the_same_model(store: GraphStore) -> None:
    a, r, p = (convert_neo4j(v) for v in _neo4j_kin())
    falkor_a, falkor_r = store.run("MATCH (a:Person {key: 'P1'})-[r]->() RETURN a, r").rows[0]
    assert a.labels == falkor_a.labels == ("Person", "Expert")
    assert dict(a.properties) == dict(falkor_a.properties)
    assert (r.type, dict(r.properties)) == (falkor_r.type, dict(falkor_r.properties))
    assert (r.start, r.end) == ("4:db:1", "4:db:2")
    assert isinstance(p, Path) and [n.properties["name"] for n in p.nodes] == ["张三", "李四"]


def test_neo4j_temporal_and_nested_values() -> None:
    value = convert_neo4j({"d": neo4j.time.DateTime(2024, 1, 2, 9, 30, 0), "l": [neo4j.time.Date(2024, 1, 2), None]})
    assert value == {"d": dt.datetime(2024, 1, 2, 9, 30), "l": [dt.date(2024, 1, 2), None]}
