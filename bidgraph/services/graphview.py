"""The interactive graph shown on the drawing pages: a neighbourhood to start from,
expansion of a chosen node, shortest paths between two nodes, hidden and pinned nodes,
positions and the as-of day, all as plain data the page keeps between reruns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bidgraph.graph import GraphStore
from bidgraph.graph.model import Node, Subgraph
from bidgraph.graph.schema import schema
from bidgraph.services.access import scope_subgraph
from bidgraph.services.common import node_title
from bidgraph.viewer import Viewer

EXPAND_LIMIT = 60
START_LIMIT = 120
PATH_LIMIT = 10
MAX_PATH_HOPS = 6


def neighbourhood(
    store: GraphStore, label: str, key: str, viewer: Viewer, *, hops: int = 1, limit: int = START_LIMIT
) -> Subgraph:
    """The node and what is within ``hops`` (1 or 2) relationships of it, at most ``limit`` paths.
    Bids are passed through: one hop from a company reaches the tenders it bid on."""
    hops = 2 if hops >= 2 else 1
    query = f"MATCH p=(n:{schema().label(label)} {{key: $key}})-[*1..{hops}]-(m) RETURN p LIMIT $limit"
    graph = store.run(query, {"key": key, "limit": limit}, limit=0).to_subgraph()
    if not graph.nodes:
        graph.add(store.run(f"MATCH (n:{schema().label(label)} {{key: $key}}) RETURN n", {"key": key}).rows)
    graph.merge(_through_bids(store, graph))
    return scope_subgraph(store, graph, viewer)


def expand(
    store: GraphStore, node: Node, viewer: Viewer, *, rel_types: Iterable[str] = (), limit: int = EXPAND_LIMIT
) -> Subgraph:
    """The node's direct neighbours (optionally only over ``rel_types``), bids passed through."""
    types = "|".join(schema().rel_type(t) for t in rel_types)
    pattern = f"[r:{types}]" if types else "[r]"
    query = f"MATCH p=(n:{schema().label(node.label)} {{key: $key}})-{pattern}-(m) RETURN p LIMIT $limit"
    graph = store.run(query, {"key": node.get("key"), "limit": limit}, limit=0).to_subgraph()
    graph.merge(_through_bids(store, graph))
    return scope_subgraph(store, graph, viewer)


def shortest_paths(
    store: GraphStore,
    a: Node,
    b: Node,
    viewer: Viewer,
    *,
    rel_types: Iterable[str] = (),
    max_hops: int = 4,
    limit: int = PATH_LIMIT,
) -> Subgraph:
    """The shortest paths (either direction, at most ``max_hops`` relationships, only over
    ``rel_types`` if given) between ``a`` and ``b``; empty when none is that short."""
    hops = max(1, min(int(max_hops), MAX_PATH_HOPS))
    types = "|".join(schema().rel_type(t) for t in rel_types)
    pattern = f"[:{types}*1..{hops}]" if types else f"[*1..{hops}]"
    query = (
        f"MATCH (a:{schema().label(a.label)} {{key: $a}}), (b:{schema().label(b.label)} {{key: $b}}) "
        f"WITH a, b MATCH p = allShortestPaths((a)-{pattern}-(b)) RETURN p LIMIT $limit"
    )
    graph = store.run(query, {"a": a.get("key"), "b": b.get("key"), "limit": limit}, limit=0).to_subgraph()
    return scope_subgraph(store, graph, viewer)


def _through_bids(store: GraphStore, graph: Subgraph) -> Subgraph:
    """A bid alone says little: add who submitted it and which tender it was for."""
    keys = [n.get("key") for n in graph.nodes.values() if n.label == "Bid"]
    if not keys:
        return Subgraph()
    query = "MATCH p=(x)-[:SUBMITTED]->(b:Bid)-[:FOR]->(t:Tender) WHERE b.key IN $keys RETURN p"
    return store.run(query, {"keys": keys}, limit=0).to_subgraph()


@dataclass
class GraphView:
    """What the person is looking at: everything fetched, minus hidden nodes; pinned
    nodes survive clearing and the node cap."""

    graph: Subgraph = field(default_factory=Subgraph)
    hidden: set[str] = field(default_factory=set)
    pinned: set[str] = field(default_factory=set)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)  # as last laid out on screen
    anchor: str | None = None  # the node last expanded: new neighbours are placed around it
    as_of: str | None = None  # the day the drawing is looked at (None: all of time)
    lit: Subgraph = field(default_factory=Subgraph)  # the last shortest paths, drawn highlighted
    focus: list[str] = field(default_factory=list)  # nodes to bring into view once (new paths)

    def add(self, other: Subgraph) -> int:
        """Merge ``other``; returns how many new nodes appeared."""
        before = len(self.graph.nodes)
        self.graph.merge(other)
        self.hidden -= set(other.nodes)
        return len(self.graph.nodes) - before

    def hide(self, ids: Iterable[str]) -> None:
        self.hidden |= set(ids) - self.pinned

    def pin(self, ids: Iterable[str]) -> None:
        self.pinned |= set(ids)
        self.hidden -= self.pinned

    def unpin(self, ids: Iterable[str]) -> None:
        self.pinned -= set(ids)

    def keep_pinned_only(self) -> None:
        self.graph = _induced(self.graph, self.pinned)
        self.hidden.clear()

    def visible(self) -> Subgraph:
        return _induced(self.graph, set(self.graph.nodes) - self.hidden)

    def subset(self, ids: Iterable[str]) -> Subgraph:
        """The chosen nodes and the relationships among them."""
        return _induced(self.graph, set(ids))

    def choices(self, viewer: Viewer) -> dict[str, str]:
        """Node id -> caption for pickers, visible nodes only, sorted by caption."""
        shown = self.visible().nodes
        return dict(sorted(((nid, node_title(n, viewer)) for nid, n in shown.items()), key=lambda item: item[1]))


def _induced(graph: Subgraph, ids: set[str]) -> Subgraph:
    return Subgraph(
        nodes={nid: n for nid, n in graph.nodes.items() if nid in ids},
        relationships={rid: r for rid, r in graph.relationships.items() if r.start in ids and r.end in ids},
    )
