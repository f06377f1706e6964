"""The schema is declared once, validated when parsed, and applied idempotently."""

from __future__ import annotations

import pytest

from bidgraph.errors import SchemaError
from bidgraph.graph import GraphStore
from bidgraph.graph.schema import apply_schema, parse_schema, schema


def test_schema_is_consistent_and_names_are_checked() -> None:
    s = schema()
    assert {"Company", "Person", "Expert", "Tender", "Bid", "Device"} <= set(s.nodes)
    assert s.rel("SUBMITTED").targets == ("Bid",)
    assert s.label("Company") == "`Company`"
    assert s.property_key("Tender", "bid_open") == "`bid_open`"
    assert s.zh("KIN_OF") == "亲属"
    with pytest.raises(SchemaError, match="未知的节点标签"):
        s.label("Company`) DETACH DELETE (x")
    with pytest.raises(SchemaError, match="没有属性"):
        s.property_key("Company", "name` = 1 //")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"nodes": {"A": {"properties": ["x"], "indexes": ["y"]}}}, "索引属性未声明"),
        ({"nodes": {"A": {}}, "relationships": {"R": {"from": ["A"], "to": ["B"]}}}, "端点标签未声明"),
        ({"nodes": {"bad label": {}}}, "非法标签名"),
        ({"nodes": {"A": {"properties": "x"}}}, "应为名称列表"),
        ({"nodes": {"A": {"properties": ["x"], "sensitivity": {"x": "secret"}}}}, "取值应为"),
        ({"nodes": {"A": {"properties": ["x"], "sensitivity": {"y": "hidden"}}}}, "敏感性中的属性未声明"),
    ],
)
def test_bad_schema_documents_are_refused(doc: dict, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        parse_schema(doc)


def test_apply_schema_twice_is_a_no_op(store: GraphStore) -> None:
    # the fixture applied it once already
    indexes = store.indexes()
    assert apply_schema(store) == []
    assert store.indexes() == indexes
    assert {(label, prop) for label, prop, _ in schema().index_plan()} <= indexes


def test_unique_key_constraint_is_enforced(store: GraphStore) -> None:
    from bidgraph.errors import QueryError

    store.write("CREATE (:Company {key: 'dup'})")
    with pytest.raises(QueryError):
        store.write("CREATE (:Company {key: 'dup'})")
    assert store.run("MATCH (c:Company {key: 'dup'}) RETURN count(c)").value() == 1


def test_date_range_filters_are_correct_with_the_schema_indexes(store: GraphStore) -> None:
    """Guards against indexing a property that is compared by range: FalkorDB 4.16
    silently ignores string range filters on indexed properties."""
    store.write(
        "UNWIND ['2023-01-05', '2024-03-01', '2025-06-30'] AS d "
        "CREATE (:Tender {key: 'range-' + d, code: 'range-' + d, bid_open: d})"
    )
    before = store.run("MATCH (t:Tender) WHERE t.bid_open <= $day RETURN count(t)", {"day": "2024-12-31"})
    after = store.run("MATCH (t:Tender) WHERE t.bid_open >= $day RETURN count(t)", {"day": "2024-01-01"})
    assert (before.value(), after.value()) == (2, 2)


def test_every_property_has_its_chinese_name_and_sensitivity_in_the_schema() -> None:
    """Captions and who may see what are declared once, in schema.yaml, for every property."""
    s = schema()
    declared = {p for n in s.nodes.values() for p in n.properties} | set(s.provenance)
    declared |= {p for r in s.relationships.values() for p in r.properties}
    assert declared <= set(s.property_zh)
    assert s.sensitive("Person", "protected") == ("id_number",) and s.sensitive("Phone", "protected") == ("value",)
    assert "name" in s.sensitive("Expert", "expert") and s.sensitive("Person", "hidden") == ("id_hash",)
