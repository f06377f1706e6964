"""The backends the conformance suite runs against: the embedded FalkorDB always; the
Neo4j code path (official driver) against FalkorDB's own Bolt listener, which needs no
Java; a real Neo4j when ``BIDGRAPH_TEST_NEO4J_URL`` (+ ``_USER``, ``_PASSWORD``) is set."""

from __future__ import annotations

import os
import random
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bidgraph.graph import GraphStore, open_store
from bidgraph.graph.embedded import EmbeddedServer
from bidgraph.graph.neo4j_backend import Neo4jStore
from bidgraph.settings import Settings

NEO4J_URL = os.environ.get("BIDGRAPH_TEST_NEO4J_URL", "")
NAMES = ["embedded", "bolt", *(["neo4j"] if NEO4J_URL else [])]

# What FalkorDB's Bolt listener (experimental) does not answer; the real backends do.
BOLT_GAPS = {
    "schema": "FalkorDB 的 Bolt 接口不支持 SHOW INDEXES / CREATE CONSTRAINT",
    "clear": "FalkorDB 的 Bolt 接口不支持 CALL { … } IN TRANSACTIONS",
    "transactions": "FalkorDB 没有多语句事务：Bolt 的显式事务不能回滚",
    "sample": "样例数据的导入需要 SHOW INDEXES（Bolt 接口不支持）",
}


@dataclass
class Backend:
    name: str
    store: GraphStore
    gaps: dict[str, str] = field(default_factory=dict)


def free_bolt_port() -> int:
    """A free port below 32768: FalkorDB keeps BOLT_PORT in a signed 16-bit field and
    silently ignores larger values (every ephemeral port from bind(0) is larger)."""
    for _ in range(200):
        port = random.randint(20_000, 32_767)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below 32768")


def neo4j_store(url: str, *, user: str, password: str, database: str | None, settings: Settings) -> Neo4jStore:
    store = Neo4jStore(
        url,
        user=user,
        password=password,
        database=database,
        timeout_ms=settings.query_timeout_ms,
        row_limit=settings.row_limit,
        batch_size=settings.write_batch_size,
    )
    store.verify()
    return store


@contextmanager
def backend(name: str, settings: Settings, tmp: Path) -> Iterator[Backend]:
    """The backend ``name`` with an empty graph of its own; emptied and closed after."""
    if name == "embedded":
        store = open_store(settings)
        store.clear()
        with _closing(store):
            yield Backend(name, store)
        return
    if name == "bolt":
        port = free_bolt_port()
        server = EmbeddedServer(tmp / "bolt", module_args=("BOLT_PORT", str(port)))
        server.ensure_running()
        # Writes through Bolt trip an assertion in AOF propagation (blocked.c:345) and the
        # server dies; without the append-only file they work. A throwaway server needs none.
        server.client().config_set("appendonly", "no")
        try:
            graph = f"conformance_{uuid.uuid4().hex[:8]}"
            store = neo4j_store(f"bolt://127.0.0.1:{port}", user="", password="", database=graph, settings=settings)
            with _closing(store, clear=False):
                yield Backend(name, store, dict(BOLT_GAPS))
        finally:
            _kill(server)
        return
    store = neo4j_store(
        NEO4J_URL,
        user=os.environ.get("BIDGRAPH_TEST_NEO4J_USER", "neo4j"),
        password=os.environ.get("BIDGRAPH_TEST_NEO4J_PASSWORD", ""),
        database=os.environ.get("BIDGRAPH_TEST_NEO4J_DATABASE") or None,
        settings=settings,
    )
    store.clear()
    with _closing(store):
        yield Backend(name, store)


@contextmanager
def _closing(store: GraphStore, *, clear: bool = True) -> Iterator[None]:
    try:
        yield
    finally:
        if clear:
            store.clear()
        store.close()


def _kill(server: EmbeddedServer) -> None:
    """Stop the throwaway Bolt test server. Once a driver has closed its connections the
    server answers no command at all (SHUTDOWN or PING would wait forever), and its data
    is worthless: SIGKILL it by the pid file."""
    pid = int(server.pid_file.read_text().strip()) if server.pid_file.exists() else None
    if pid is None:
        return
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    server.stop()  # removes the pid file and socket left behind
