"""Store benchmark: batched MERGE writes of nodes and relationships, point lookups."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from bidgraph.graph.store import GraphStore

NODE_MERGE = "UNWIND $rows AS row MERGE (c:Company {key: row.key}) SET c.name = row.name, c.uscc = row.key"
REL_MERGE = (
    "UNWIND $rows AS row MATCH (a:Company {key: row.a}) MATCH (b:Company {key: row.b}) "
    "MERGE (a)-[r:SHAREHOLDER_OF]->(b) SET r.pct = row.pct"
)
LOOKUP = "MATCH (c:Company {key: $key}) RETURN c"


@dataclass(frozen=True)
class StoreBenchmark:
    nodes: int
    relationships: int
    batch_size: int
    node_seconds: float
    rel_seconds: float
    lookup_ms: list[float]

    @property
    def nodes_per_s(self) -> float:
        return self.nodes / self.node_seconds

    @property
    def rels_per_s(self) -> float:
        return self.relationships / self.rel_seconds

    @property
    def lookup_median_ms(self) -> float:
        return statistics.median(self.lookup_ms)

    @property
    def lookup_p95_ms(self) -> float:
        return statistics.quantiles(self.lookup_ms, n=20)[-1]


def run_store_benchmark(store: GraphStore, *, nodes: int, batch_size: int, lookups: int = 1000) -> StoreBenchmark:
    """Write ``nodes`` Company nodes and as many relationships, then look nodes up by
    key. ``store`` must point at a scratch graph with an index on Company.key."""
    keys = [f"BENCH{i:013d}" for i in range(nodes)]
    started = time.perf_counter()
    for _ in store.write_batches(
        NODE_MERGE, ({"key": k, "name": f"基准测试企业{i}"} for i, k in enumerate(keys)), batch_size=batch_size
    ):
        pass
    node_seconds = time.perf_counter() - started

    pairs = ({"a": keys[i], "b": keys[(i * 7919 + 1) % nodes], "pct": 10.0} for i in range(nodes))
    started = time.perf_counter()
    for _ in store.write_batches(REL_MERGE, pairs, batch_size=batch_size):
        pass
    rel_seconds = time.perf_counter() - started

    timings = []
    for i in range(lookups):
        t0 = time.perf_counter()
        store.run(LOOKUP, {"key": keys[(i * 104729) % nodes]})
        timings.append((time.perf_counter() - t0) * 1000)
    return StoreBenchmark(nodes, nodes, batch_size, node_seconds, rel_seconds, timings)
