"""First loads at bulk speed: when the target FalkorDB graph is empty, the write pass
builds the graph in memory (``bulk_model.GraphModel``: what the MERGE statements would
make of it), sends it with GRAPH.BULK into a staging key, creates the schema's indexes
there and swaps it in with RENAME. Loads into a non-empty graph keep MERGE.

The tokens (GRAPH.BULK's binary layout) are encoded by ``bulk_encode``; here they are
cut into commands and sent."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import chain
from typing import Any

from bidgraph.errors import QueryError
from bidgraph.graph.falkordb_backend import FalkorStore
from bidgraph.graph.schema import schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import bulk_columns, bulk_encode, bulk_facts, bulk_tables
from bidgraph.loaders.bulk_model import GraphModel

# one GRAPH.BULK command at most ~32 MB (Redis allows 512 MB per argument); up to two
# wait for the server while the next is encoded (~96 MB of commands at a time)
COMMAND_BYTES = 32 << 20
IN_FLIGHT = 2
STAGING = "{graph}~bulk~{load_id}"
Commands = Iterator[tuple[int, int, list[bytes]]]  # (nodes, relationships, tokens) of each command


def sender_for(store: GraphStore | None, load_id: str) -> BulkSender | None:
    """The bulk sender when ``store`` is an empty FalkorDB graph (and bulk first loads
    are on), else ``None``: the Writer keeps its MERGE sender."""
    if not isinstance(store, FalkorStore) or not store.bulk_first_load:
        return None
    if store.run("MATCH (n) RETURN count(n) AS n", limit=0).value(0):
        return None
    return BulkSender(store, load_id)


class BulkSender:
    """Takes the Writer's batches in place of ``write.Sender``; ``close`` sends the graph."""

    def __init__(self, store: FalkorStore | None, load_id: str) -> None:
        self.store = store
        self.load_id = load_id
        self.model = GraphModel()
        self.staged = bulk_facts.Staged(self.model)
        self.pending = bulk_columns.Pending(self.model)
        self.seconds = 0.0  # encoding + GRAPH.BULK + indexes + swap (for the bench)
        self.tables: dict[str, Any] | None = None  # the large side tables (``bulk_tables``)

    columnar = True  # the Writer hands chunks' facts and the identifier edges over as columns

    @property
    def counters(self) -> dict[str, int]:
        return self.model.counters

    def send_facts(self, statement: tuple[Any, ...], rows: list[Any], prov: dict[str, Any]) -> None:
        self.model.apply(statement, rows, prov)

    def send_chunk(self, complete: int, facts: list[Any], edges: list[Any], prov: dict[str, Any]) -> None:
        """Columns cut from chunks (``Writer.add_chunk``): the batches below ``complete``
        are complete. The facts first: the identifier edges match their bids."""
        self.staged.add(complete, facts, prov)
        self.pending.add(edges, prov)

    def end_file(self, prov: dict[str, Any]) -> None:
        """The file whose columns were sent has ended: apply the rest (``prov`` is its own)."""
        self.staged.add(None, [], prov)
        self.pending.apply(prov)

    def close(self, *, abort: bool = False) -> None:
        if not abort and self.store is not None:  # no store: the model is all a caller wants
            self.model.drop_lookups()  # the elements are all that is sent: less memory while encoding
            started = time.perf_counter()
            build(self.store, self.model, self.load_id, beside=self._tables)
            self.seconds = time.perf_counter() - started

    def _tables(self) -> None:
        self.tables = bulk_tables.from_model(self.model)


def build(store: FalkorStore, model: GraphModel, load_id: str, beside: Callable[[], None] | None = None) -> None:
    """Send ``model`` to a staging key, index it, swap it in. ``beside`` (it only reads
    the model) runs on a thread meanwhile, in the time the encoder waits for the server;
    its error fails the build. Any failure deletes the staging key and leaves the target
    as it was."""
    for stale in store.keys(STAGING.format(graph=store.graph_name, load_id="*")):
        store.staging(stale).drop()  # left by a load killed before its swap (we hold the load lock)
    staging = store.staging(STAGING.format(graph=store.graph_name, load_id=load_id))
    try:
        with store.rewrites_paused(), ThreadPoolExecutor(1, thread_name_prefix="bidgraph-beside") as pool:
            batches = commands(model)
            first = next(batches, None)
            if first is None:  # nothing to write: the target stays as it is
                return
            aside = pool.submit(beside) if beside is not None else None
            # the indexes are asked for between the node and relationship commands
            _send(staging, chain([first], batches), lambda: staging.index_new_graph(schema().index_plan()))
            if aside is not None:
                aside.result()
            wait_for_indexes(staging)
            store.replace_with(staging)
    except BaseException:
        staging.drop()
        raise


def _send(staging: FalkorStore, batches: Commands, after_nodes: Callable[[], None]) -> None:
    """Send the commands in order, the first with BEGIN, on a thread while the next ones
    are encoded here (the socket wait releases the GIL: the server and Python each get a
    core); ``after_nodes`` runs on that thread after the last node command. Up to
    ``IN_FLIGHT`` commands wait for the server, so an encoder ahead of the server or
    behind it for a command or two waits for neither. A failed command stops the
    sending (nothing after it reaches the server) and its error is raised here."""
    failed = threading.Event()

    def send(work: Callable[[], None]) -> None:
        if failed.is_set():  # an earlier command failed: the build is abandoned
            return
        try:
            work()
        except BaseException:
            failed.set()
            raise

    flight: deque[Future[None]] = deque()

    def submit(work: Callable[[], None]) -> None:
        while flight and (flight[0].done() or len(flight) >= IN_FLIGHT):
            flight.popleft().result()  # memory: at most IN_FLIGHT + 1 commands
        flight.append(pool.submit(send, work))

    begin, nodes_done = True, False
    with ThreadPoolExecutor(1, thread_name_prefix="bidgraph-bulk") as pool:
        try:
            for nodes, rels, tokens in batches:
                if not nodes and not nodes_done:
                    submit(after_nodes)
                    nodes_done = True
                submit(partial(staging.bulk_insert, [*(["BEGIN"] if begin else []), nodes, rels, *tokens]))
                begin = False
            if not nodes_done:
                submit(after_nodes)
            while flight:
                flight.popleft().result()
        except BaseException:
            failed.set()  # an encoding error: what is queued is not sent either
            raise


def wait_for_indexes(store: FalkorStore, timeout_s: float = 600.0) -> None:
    """Indexes and constraints on a populated graph are built in the background: the
    swap waits until every one is operational (a failed constraint is an error)."""
    deadline = time.monotonic() + timeout_s
    while True:
        states = [str(s) for (s,) in store.run("CALL db.indexes() YIELD status RETURN status", limit=0).rows]
        states += [str(s) for (s,) in store.run("CALL db.constraints() YIELD status RETURN status", limit=0).rows]
        if "FAILED" in states:
            raise QueryError("批量导入后唯一约束建立失败（数据中有重复键），导入已撤销", query="GRAPH.CONSTRAINT")
        if all(s == "OPERATIONAL" for s in states):
            return
        if time.monotonic() > deadline:
            raise QueryError("批量导入后索引长时间未建成，导入已撤销", query="CREATE INDEX")
        time.sleep(0.05)


def commands(model: GraphModel) -> Commands:
    """(node count, relationship count, tokens) of each GRAPH.BULK command: every
    node token first (their wire order gives the ids), then the relationships."""
    codes, names = bulk_encode.groups(list(map(":".join, model.labels)))
    batch: list[bytes] = []
    nodes = rels = size = 0
    kinds = (
        ("node", bulk_encode.node_tokens(model, codes, names)),
        ("rel", bulk_encode.rel_tokens(model, bulk_encode.sent_order(codes))),
    )
    for kind, tokens in kinds:
        for token, count in tokens:
            if batch and size + len(token) > COMMAND_BYTES:
                yield nodes, rels, _split(batch, nodes, rels)
                batch, nodes, rels, size = [], 0, 0, 0
            batch.append(token)
            size += len(token)
            if kind == "node":
                nodes += count
            else:
                rels += count
        if batch:  # a command holds one kind only: the counts below split its tokens
            yield nodes, rels, _split(batch, nodes, rels)
            batch, nodes, rels, size = [], 0, 0, 0


def _split(tokens: list[bytes], nodes: int, rels: int) -> list[Any]:
    """The token counts GRAPH.BULK expects before the tokens: (node tokens, relationship tokens)."""
    return [len(tokens), 0, *tokens] if nodes else [0, len(tokens), *tokens]
