"""Store resilience figures: restart time of a loaded data dir against the time of its
load, and a probe query's latency while hostile queries run."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bidgraph import loaders
from bidgraph.errors import BidgraphError
from bidgraph.graph import open_store
from bidgraph.graph.embedded import EmbeddedServer
from bidgraph.services.cypher import run_cypher
from bidgraph.settings import Settings
from bidgraph.viewer import Role, Viewer

# What an analyst's free Cypher can throw at the server (issue 17): a huge list, a huge
# result cut to 500 rows, and a quadratic string build.
ABUSE = {
    "huge range": "RETURN size(range(1, 1000000000))",
    "3M+ rows, limit 500": "MATCH (a:Bid), (b:Bid) RETURN a.key, b.key",
    "reduce string": "RETURN size(reduce(s = '', x IN range(1, 300000) | s + 'xxxxxxxxxx'))",
}
PROBE = "MATCH (c:Company) RETURN c.key LIMIT 1"


@dataclass(frozen=True)
class RestartBenchmark:
    load_seconds: float
    restart_seconds: float
    nodes: int
    critical_lines: int

    @property
    def ratio(self) -> float:
        return self.restart_seconds / self.load_seconds if self.load_seconds else 0.0


def run_restart_benchmark(settings: Settings, path: Path) -> RestartBenchmark:
    """Load ``path`` into the (fresh) data dir of ``settings``, stop the server, start
    it again: the restart against the load. Stops the server at the end."""
    server = EmbeddedServer(settings.data_dir)
    try:
        with open_store(settings) as store:
            started = time.perf_counter()
            loaders.load_paths(store, [path], data_dir=settings.data_dir)
            load_seconds = time.perf_counter() - started
        server.stop()
        started = time.perf_counter()
        with open_store(settings) as store:
            restart_seconds = time.perf_counter() - started
            nodes = store.run("MATCH (n) RETURN count(n)").value()
        log = server.log_file.read_text(errors="replace")
    finally:
        server.stop()
    return RestartBenchmark(load_seconds, restart_seconds, nodes, log.count("CRITICAL"))


@dataclass
class AbuseBenchmark:
    probes_ms: list[float] = field(default_factory=list)
    probe_errors: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)
    server_up: bool = False

    @property
    def median_ms(self) -> float:
        return statistics.median(self.probes_ms) if self.probes_ms else 0.0

    @property
    def max_ms(self) -> float:
        return max(self.probes_ms, default=0.0)


def run_abuse_benchmark(settings: Settings, *, timeout_ms: int = 10_000) -> AbuseBenchmark:
    """Each abuse query runs as another analyst on its own connection; meanwhile a
    probe query runs every 100 ms from a third. Needs a loaded graph."""
    result = AbuseBenchmark()
    threads = [
        threading.Thread(target=_abuse, args=(settings, name, query, timeout_ms, result.outcomes), daemon=True)
        for name, query in ABUSE.items()
    ]
    with open_store(settings) as probe:
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            _timed(lambda: probe.run(PROBE), result)
            time.sleep(0.1)
        result.server_up = probe.run("RETURN 1").value() == 1
    return result


def _abuse(settings: Settings, name: str, query: str, timeout_ms: int, outcomes: dict[str, str]) -> None:
    viewer = Viewer(user=f"bench-{name}", role=Role.ANALYST)
    started = time.perf_counter()
    try:
        with open_store(settings) as store:
            rows = run_cypher(store, query, {}, viewer, limit=500, timeout_ms=timeout_ms)
        outcome = f"{len(rows)} rows{' (truncated)' if rows.truncated else ''}"
    except BidgraphError as e:
        outcome = f"refused: {str(e)[:60]}"
    outcomes[name] = f"{outcome} after {time.perf_counter() - started:.1f} s"


def _timed(call: Callable[[], object], result: AbuseBenchmark) -> None:
    started = time.perf_counter()
    try:
        call()
    except BidgraphError:
        result.probe_errors += 1
        return
    result.probes_ms.append((time.perf_counter() - started) * 1000)
