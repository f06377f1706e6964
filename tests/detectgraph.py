"""Hand-built graphs for the detector tests, written with parameterised Cypher in the
shapes docs/graph-model.md fixes (keys, properties, relationship directions)."""

from __future__ import annotations

from typing import Any

from bidgraph.graph.schema import schema
from bidgraph.graph.store import GraphStore


class Builder:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.row = 0

    def _prov(self) -> dict[str, Any]:
        self.row += 1
        return {"source": "fixture.csv", "row": self.row, "load_id": "test-load"}

    def node(self, labels: str, key: str, **props: Any) -> str:
        label = ":".join(schema().label(part) for part in labels.split(":"))
        self.store.write(
            f"MERGE (n:{label} {{key: $key}}) SET n += $props", {"key": key, "props": {**props, **self._prov()}}
        )
        return key

    def rel(self, a: tuple[str, str], rel_type: str, b: tuple[str, str], **props: Any) -> None:
        query = (
            f"MATCH (x:{schema().label(a[0])} {{key: $a}}), (y:{schema().label(b[0])} {{key: $b}}) "
            f"CREATE (x)-[r:{schema().rel_type(rel_type)}]->(y) SET r += $props"
        )
        result = self.store.write(query, {"a": a[1], "b": b[1], "props": {**props, **self._prov()}})
        assert result.counters.get("relationships_created") == 1, (a, rel_type, b)

    def company(self, key: str, name: str, **props: Any) -> tuple[str, str]:
        self.node("Company", key, name=name, uscc=key, **props)
        return ("Company", key)

    def person(self, key: str, name: str, *, expert: bool = False) -> tuple[str, str]:
        self.node("Person:Expert" if expert else "Person", key, name=name)
        return ("Person", key)

    def tender(
        self,
        code: str,
        *,
        bid_open: str = "2024-03-01",
        industry: str = "房建市政",
        region: str = "市本级",
        **props: Any,
    ) -> tuple[str, str]:
        self.node(
            "Tender", code, code=code, name=f"{code}标段", bid_open=bid_open, industry=industry, region=region, **props
        )
        return ("Tender", code)

    def bid(
        self,
        bidder: tuple[str, str],
        tender: tuple[str, str],
        *,
        price: float | None = None,
        won: bool = False,
        bid_open: str = "2024-03-01",
    ) -> tuple[str, str]:
        key = f"{tender[1]}|{bidder[1]}"
        self.node(
            "Bid", key, tender_code=tender[1], bidder_key=bidder[1], price=price, won=won, valid=True, bid_open=bid_open
        )
        self.rel(bidder, "SUBMITTED", ("Bid", key))
        self.rel(("Bid", key), "FOR", tender)
        return ("Bid", key)

    def consortium(self, tender: tuple[str, str], members: list[tuple[str, str]]) -> tuple[str, str]:
        key = f"{tender[1]}|" + "+".join(sorted(m[1] for m in members))
        self.node("Consortium", key, tender_code=tender[1], name="联合体")
        for i, member in enumerate(members):
            self.rel(member, "MEMBER_OF", ("Consortium", key), lead=i == 0)
        return ("Consortium", key)


def rel_types(finding: Any) -> list[str]:
    return sorted(r.type for r in finding.evidence.relationships.values())


def node_keys(finding: Any) -> set[str]:
    return {str(n.get("key")) for n in finding.evidence.nodes.values()}
