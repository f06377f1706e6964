"""First loads at bulk speed: when the target FalkorDB graph is empty, the write pass
builds the graph in memory (``bulk_model.GraphModel``: what the MERGE statements would
make of it), sends it with GRAPH.BULK into a staging key, creates the schema's indexes
there and swaps it in with RENAME. Loads into a non-empty graph keep MERGE.

GRAPH.BULK's binary layout (FalkorDB's bulk_insert.c): each token is one label's or
relationship type's "file": the name (labels joined by ``:``), NUL, a uint32 property
count, the NUL-terminated property names, then per entity (relationships first give the
source and destination node ids, uint64 each) one typed value per property; a null
value leaves the property out. Node ids are given in wire order from 0."""

from __future__ import annotations

import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from bidgraph.errors import QueryError
from bidgraph.graph.falkordb_backend import FalkorStore
from bidgraph.graph.schema import apply_schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import bulk_columns, bulk_tables
from bidgraph.loaders.bulk_model import GraphModel

TOKEN_BYTES = 8 << 20  # one token (label file) at most ~8 MB
# one GRAPH.BULK command at most ~32 MB (Redis allows 512 MB per argument); up to two
# wait for the server while the next is encoded (~96 MB of commands at a time)
COMMAND_BYTES = 32 << 20
IN_FLIGHT = 2
STAGING = "{graph}~bulk~{load_id}"
STRING_CACHE = 200_000
_LONG, _DOUBLE, _ARRAY = struct.Struct("<Bq"), struct.Struct("<Bd"), struct.Struct("<Bq")
_ENDS, _COUNT = struct.Struct("<QQ"), struct.Struct("<I")
_NULL, _TRUE, _FALSE = b"\x00", b"\x01\x01", b"\x01\x00"


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
        self.pending = bulk_columns.Pending(self.model)
        self.seconds = 0.0  # encoding + GRAPH.BULK + indexes + swap (for the bench)
        self.tables: dict[str, Any] | None = None  # the large side tables (``bulk_tables``)

    columnar = True  # the Writer hands bulk_columns.COLUMNAR statements over as columns

    @property
    def counters(self) -> dict[str, int]:
        return self.model.counters

    def send_facts(self, statement: tuple[Any, ...], rows: list[Any], prov: dict[str, Any]) -> None:
        self.model.apply(statement, rows, prov)

    def send_columns(self, chunk: list[Any], prov: dict[str, Any]) -> None:
        self.pending.add(chunk, prov)

    def apply_columns(self, prov: dict[str, Any]) -> None:
        """The file whose columns were sent has ended: apply them (``prov`` is its own)."""
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
    """Send ``model`` to a staging key, index it, swap it in; ``beside`` runs here while
    the server builds the indexes. Any failure deletes the staging key and leaves the
    target as it was."""
    for stale in store.keys(STAGING.format(graph=store.graph_name, load_id="*")):
        store.staging(stale).drop()  # left by a load killed before its swap (we hold the load lock)
    staging = store.staging(STAGING.format(graph=store.graph_name, load_id=load_id))
    try:
        if not _send(staging, commands(model)):  # nothing to write: the target stays as it is
            return
        apply_schema(staging)
        if beside is not None:
            beside()
        wait_for_indexes(staging)
        store.replace_with(staging)
    except BaseException:
        staging.drop()
        raise


def _send(staging: FalkorStore, batches: Iterator[tuple[int, int, list[bytes]]]) -> bool:
    """Send the commands in order, the first with BEGIN, on a thread while the next ones
    are encoded here (the socket wait releases the GIL: the server and Python each get a
    core). Up to ``IN_FLIGHT`` commands wait for the server, so an encoder ahead of the
    server or behind it for a command or two waits for neither. A failed command stops
    the sending (nothing after it reaches the server) and its error is raised here.
    False when there was nothing to send."""
    failed = threading.Event()

    def send(args: list[Any]) -> None:
        if failed.is_set():  # an earlier command failed: the build is abandoned
            return
        try:
            staging.bulk_insert(args)
        except BaseException:
            failed.set()
            raise

    flight: deque[Future[None]] = deque()
    begin = True
    with ThreadPoolExecutor(1, thread_name_prefix="bidgraph-bulk") as pool:
        try:
            for nodes, rels, tokens in batches:
                while flight and (flight[0].done() or len(flight) >= IN_FLIGHT):
                    flight.popleft().result()  # memory: at most IN_FLIGHT + 1 commands
                flight.append(pool.submit(send, [*(["BEGIN"] if begin else []), nodes, rels, *tokens]))
                begin = False
            while flight:
                flight.popleft().result()
        except BaseException:
            failed.set()  # an encoding error: what is queued is not sent either
            raise
    return not begin


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


def commands(model: GraphModel) -> Iterator[tuple[int, int, list[bytes]]]:
    """(node count, relationship count, tokens) of each GRAPH.BULK command: every
    node token first (their wire order gives the ids), then the relationships."""
    wire: list[int] = [0] * len(model.labels)
    batch: list[bytes] = []
    nodes = rels = size = 0
    kinds = (("node", _node_tokens(model, wire)), ("rel", _rel_tokens(model, wire)))
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


def _node_tokens(model: GraphModel, wire: list[int]) -> Iterator[tuple[bytes, int]]:
    groups: dict[tuple[str, ...], list[int]] = {}
    for node, labels in enumerate(model.labels):
        groups.setdefault(tuple(labels), []).append(node)
    next_id = 0
    for labels, members in groups.items():
        props = [model.node_props[n] for n in members]
        for n in members:
            wire[n] = next_id
            next_id += 1
        keys = _keys(props)
        yield from _tokens(":".join(labels), keys, map(b"".join, zip(*_columns(props, keys), strict=True)))


def _rel_tokens(model: GraphModel, wire: list[int]) -> Iterator[tuple[bytes, int]]:
    groups: dict[str, list[int]] = {}
    for rel, rel_type in enumerate(model.rel_types):
        groups.setdefault(rel_type, []).append(rel)
    ends = model.ends
    for rel_type, members in groups.items():
        props = [model.rel_props[r] for r in members]
        keys = _keys(props)
        pairs = [_ENDS.pack(wire[ends[r][0]], wire[ends[r][1]]) for r in members]
        yield from _tokens(rel_type, keys, map(b"".join, zip(pairs, *_columns(props, keys), strict=True)))


def _keys(props: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for p in props:
        keys.update(dict.fromkeys(p))
    return list(keys)


def _tokens(name: str, keys: list[str], entities: Iterator[bytes]) -> Iterator[tuple[bytes, int]]:
    header = name.encode() + b"\0" + _COUNT.pack(len(keys)) + b"".join(k.encode() + b"\0" for k in keys)
    parts, size = [header], len(header)
    for entity in entities:
        parts.append(entity)
        size += len(entity)
        if size >= TOKEN_BYTES:
            yield b"".join(parts), len(parts) - 1
            parts, size = [header], len(header)
    if len(parts) > 1:
        yield b"".join(parts), len(parts) - 1


def _columns(props: list[dict[str, Any]], keys: list[str]) -> list[list[bytes]]:
    """The encoded values of a group, one list per property (column-wise: one cache per
    column, and strings — sources, load ids, regions… repeat a lot — encoded once)."""
    columns = []
    for key in keys:
        strings: dict[str | int, bytes] = {}
        column = []
        append = column.append
        for value in [p.get(key) for p in props]:
            kind = type(value)
            if kind is str or kind is int:  # (not bool: True == 1 would share 1's bytes)
                data = strings.get(value)
                if data is None:
                    data = value_bytes(value)
                    if len(strings) < STRING_CACHE:
                        strings[value] = data
            elif value is None:
                data = _NULL
            elif kind is float:
                data = _DOUBLE.pack(2, value)
            else:
                data = value_bytes(value)
            append(data)
        columns.append(column)
    return columns


def value_bytes(value: Any) -> bytes:
    """One property value in GRAPH.BULK's typed encoding (types as the MERGE path sends
    them: bool, 64-bit integer, double, string, array; null = not set)."""
    kind = type(value)
    if kind is str:
        data = value.encode()
        if b"\0" in data:
            raise QueryError("属性值含有 NUL 字符，无法批量导入", query="GRAPH.BULK")
        return b"\x03" + data + b"\0"
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        return _LONG.pack(4, value)
    if kind is float:
        return _DOUBLE.pack(2, value)
    if value is None:
        return _NULL
    if kind in (list, tuple):
        return _ARRAY.pack(5, len(value)) + b"".join([value_bytes(v) for v in value])
    raise QueryError(f"无法批量导入的属性值类型 {kind.__name__}", query="GRAPH.BULK")
