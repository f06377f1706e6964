"""The case graph as machine-readable files: GraphML and node-link JSON (networkx), and
as a ``Subgraph`` for drawing. Node ids are the snapshot ids; every property is kept
(lists and maps as JSON text, since GraphML holds scalars only)."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from bidgraph.cases.model import Case
from bidgraph.graph.model import Node, Relationship, Subgraph, caption


def case_subgraph(case: Case) -> Subgraph:
    return Subgraph(
        nodes={n.id: Node(n.id, n.labels, dict(n.properties)) for n in case.nodes.values()},
        relationships={
            r.id: Relationship(r.id, r.type, r.start, r.end, dict(r.properties)) for r in case.relationships.values()
        },
    )


def to_networkx(case: Case) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(case=case.number, title=case.title)
    for node in case.nodes.values():
        attrs = _scalars(node.properties)
        attrs.update(labels=";".join(node.labels), caption=caption(Node(node.id, node.labels, node.properties)))
        graph.add_node(node.id, **attrs)
    for rel in case.relationships.values():
        if rel.start in case.nodes and rel.end in case.nodes:
            graph.add_edge(rel.start, rel.end, key=rel.id, **_scalars(rel.properties), type=rel.type)
    return graph


def _scalars(props: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        if value is None or key in ("labels", "caption", "type"):
            continue
        out[key] = value if isinstance(value, (str, int, float, bool)) else json.dumps(value, ensure_ascii=False)
    return out


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def read_graphml(data: bytes) -> nx.MultiDiGraph:
    return nx.read_graphml(io.BytesIO(data), force_multigraph=True, edge_key_type=str)


# Element names that cannot clash with property names (``source`` is provenance).
NODE_LINK = {"edges": "links", "source": "from_node", "target": "to_node", "name": "node_id", "key": "rel_id"}


def json_bytes(graph: nx.MultiDiGraph) -> bytes:
    data = nx.node_link_data(graph, **NODE_LINK)
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def read_json(data: bytes) -> nx.MultiDiGraph:
    return nx.node_link_graph(json.loads(data), directed=True, multigraph=True, **NODE_LINK)
