"""Batched, idempotent writes: each kind of fact is one ``UNWIND $rows AS row MERGE``
statement on the schema keys; labels, types and property keys are checked against
graph/schema.yaml before they are put into the text."""

from __future__ import annotations

import queue
import threading
from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from typing import Any

from bidgraph.graph.schema import KEY, schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import bulk_columns
from bidgraph.loaders.bulk_columns import IDENTIFIERS
from bidgraph.loaders.bulk_facts import MERGE_ON, Chunk, Collected, extend_runs

EXPERT_LINKS = {"evaluated": ("EVALUATED", "Tender"), "scored": ("SCORED", "Bid")}
COUNTERS = ("nodes_created", "relationships_created", "properties_set")
# The load that created an element (``load_id`` is overwritten by later loads): what a
# failed load created can be removed by it (Neo4j batched loads, ``Neo4jStore.undo_load``).
FIRST_LOAD = "ON CREATE SET {v}.first_load = $prov.load_id"


@cache
def cypher(statement: tuple[Any, ...]) -> str:
    """The Cypher text of a statement id (see ``build.py``)."""
    s = schema()
    kind = statement[0]
    if kind == "node":
        _, label, extra = statement
        text = (
            f"UNWIND $rows AS row MERGE (n:{s.label(label)} {{{KEY}: row.{KEY}}}) {FIRST_LOAD.format(v='n')} "
            "SET n += row.props, n += $prov"
        )
        return text + (f" SET n:{s.label(extra)}" if extra else "")
    if kind == "edge":
        _, a, rel, b, merge_on, a_known, b_known = statement
        rel_spec = s.rel(rel)
        if a not in rel_spec.sources or b not in rel_spec.targets:
            raise ValueError(f"schema: {a}-[:{rel}]->{b} 未声明")
        keys = ", ".join(f"`{p}`: row[{MERGE_ON + i}]" for i, p in enumerate(merge_on) if p in rel_spec.properties)
        return (
            f"UNWIND $rows AS row {_endpoints(s.label(a), a_known, s.label(b), b_known, s.property_key(a, 'row'))} "
            f"MERGE (a)-[r:{s.rel_type(rel)}{' {' + keys + '}' if keys else ''}]->(b) {FIRST_LOAD.format(v='r')} "
            "SET r += row[2], r += $prov"
        )
    if kind == "bid":
        bid_open = s.property_key("Bid", "bid_open")
        return (
            f"UNWIND $rows AS row MATCH (t:{s.label('Tender')} {{{KEY}: row.tender}}) "
            f"MERGE (b:{s.label('Bid')} {{{KEY}: row.{KEY}}}) {FIRST_LOAD.format(v='b')} "
            f"SET b += row.props, b += $prov, b.{bid_open} = t.{bid_open} "
            f"MERGE (b)-[f:{s.rel_type('FOR')}]->(t) {FIRST_LOAD.format(v='f')} SET f += row.prov, f += $prov"
        )
    if kind == "win":
        return (
            f"UNWIND $rows AS row MATCH (t:{s.label('Tender')} {{{KEY}: row.{KEY}}}) "
            f"SET t.{s.property_key('Tender', 'win_price')} = row.price"
        )
    if kind in EXPERT_LINKS:
        rel, label = EXPERT_LINKS[kind]
        expert_no = s.property_key("Expert", "expert_no")
        return (
            f"UNWIND $rows AS row MATCH (e:{s.label('Expert')} {{{expert_no}: row.expert_no}}) "
            f"MATCH (t:{s.label(label)} {{{KEY}: row.target}}) "
            f"MERGE (e)-[r:{s.rel_type(rel)}]->(t) {FIRST_LOAD.format(v='r')} SET r += row.props, r += $prov"
        )
    raise ValueError(f"unknown statement {statement!r}")


def _endpoints(a: str, a_known: bool, b: str, b_known: bool, row_key: str) -> str:
    """MATCH the endpoints the row has just written (first: MATCH cannot follow MERGE),
    MERGE the others; a new node gets the row number of the edge's properties."""
    parts = []
    ends = (("a", a, a_known, 0, 3), ("b", b, b_known, 1, 4))
    for var, label, known, key, init in sorted(ends, key=lambda p: not p[2]):
        if known:
            parts.append(f"MATCH ({var}:{label} {{{KEY}: row[{key}]}})")
        else:
            parts.append(
                f"MERGE ({var}:{label} {{{KEY}: row[{key}]}}) "
                f"ON CREATE SET {var} += row[{init}], {var} += $prov, {var}.{row_key} = row[2].{row_key}, "
                f"{var}.first_load = $prov.load_id"
            )
    return " ".join(parts)


# Flush order: nodes, then bids (they match tenders), then edges (they match both), then
# the statements that match bids and experts.
RANK = {"node": 0, "bid": 1, "edge": 2}


class Sender(threading.Thread):
    """Runs statements on the store in order, in the background, so the next batch is
    built while the server works on the last one (Python and the server each get a
    core). A failure is raised to the caller at the next send or at ``close``."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__(name="bidgraph-load-writer", daemon=True)
        self.store = store
        self.queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue(maxsize=4)
        self.counters = dict.fromkeys(COUNTERS, 0)
        self.error: BaseException | None = None
        self.abort = False
        self.start()

    def run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error or self.abort:
                continue
            try:
                result = self.store.write(*item)
            except BaseException as e:  # handed to the loading thread
                self.error = e
                continue
            for name in COUNTERS:
                self.counters[name] += result.counters.get(name, 0)

    def send(self, query: str, params: dict[str, Any]) -> None:
        if self.error:
            raise self.error
        self.queue.put((query, params))

    def send_facts(self, statement: tuple[Any, ...], rows: list[Any], prov: dict[str, Any]) -> None:
        """One batch of one statement (``bulk.BulkSender`` takes the same call)."""
        self.send(cypher(statement), {"rows": rows, "prov": prov})

    def close(self, *, abort: bool = False) -> None:
        """Wait until every statement sent has run (or, with ``abort``, drop the rest)."""
        self.abort = abort
        self.queue.put(None)
        self.join()
        if self.error and not abort:
            raise self.error


class Writer:
    """Buffers facts per statement and sends them in batches; a flush sends every
    buffer in ``RANK`` order, so a statement never looks for a node still buffered.
    Use as a context manager: leaving it waits for the last statement."""

    def __init__(
        self,
        store: GraphStore,
        batch_size: int,
        on_batch: Callable[[int], None] | None = None,
        sender: Sender | None = None,
    ) -> None:
        self.sender = sender or Sender(store)
        self.batch_size = batch_size
        self.on_batch = on_batch
        self.buffers: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self.statements = 0
        self.prov: dict[str, Any] = {}
        # a bulk sender takes the identifier edges as columns (bulk_columns.py): they are
        # counted into the batches as if buffered, and handed over a chunk at a time
        self.collected = Collected() if getattr(self.sender, "columnar", False) else None
        self.counts: dict[tuple[Any, ...], int] = {}
        self.flushes = 0

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self.finish()
        self.sender.close(abort=kind is not None)

    @property
    def counters(self) -> dict[str, int]:
        return self.sender.counters

    def provenance(self, prov: dict[str, Any]) -> None:
        """The per-file provenance (``$prov``) of the rows that follow."""
        if prov != self.prov:
            self.finish()
            self.prov = prov

    def add(self, statement: tuple[Any, ...], row: Any) -> None:
        if statement == IDENTIFIERS:
            self._identifiers(*row)
            return
        rows = self.buffers.setdefault(statement, [])
        rows.append(row)
        if len(rows) >= self.batch_size:
            self.flush()

    def _identifiers(self, bid: str, prov: dict[str, Any], edges: list[tuple[Any, ...]]) -> None:
        """A bid row's identifier edges (``bulk_columns.IDENTIFIERS``), in their order."""
        if self.collected is None:
            for statement, key, init in edges:
                self.add(statement, [bid, key, prov, None, init])
            return
        chunk = Chunk()
        for position, (statement, key, init) in enumerate(edges):
            chunk.edge(statement, position, bid, key, prov.get("row"), init)
        self.add_chunk(chunk)

    def add_chunk(self, chunk: Chunk) -> None:
        """A chunk of rows' facts (columnar senders only), cut into exactly the batches that
        adding them one by one in position order makes: a flush falls right after the fact
        that fills its statement's batch, and statements first seen here take their place
        in the flush order by their first fact. The facts are collected as columns tagged
        with their batch (``bulk_facts``), handed over with the chunk; the identifier edges
        too, when ``bulk_columns.CHUNK_FACTS`` of them are held or the chunk has others."""
        collected = self.collected
        assert collected is not None, "chunks go to a columnar sender (the identifier edges as columns)"
        facts = {statement: found for statement, found in chunk.facts.items() if found[0]}
        edges = {statement: found for statement, found in chunk.edges.items() if found[0]}
        # the model applies a batch's chunk facts after what was buffered: never both in one batch
        assert not (facts and any(self.buffers.values())), "a file's facts come all in chunks or all one by one"
        for statement in sorted(facts, key=lambda s: facts[s][0][0]):
            self.buffers.setdefault(statement, [])  # its place in the flush order
        for statement in sorted(edges, key=lambda s: edges[s][0][0]):
            collected.slot(collected.edges, statement, len(edges[statement]) - 1)
        taken = dict.fromkeys([*facts, *edges], 0)
        while (cut := self._cut({**facts, **edges}, taken)) is not None:
            self._place(facts, edges, taken, cut)
            self.flush()
        self._place(facts, edges, taken, None)
        if facts or collected.size >= bulk_columns.CHUNK_FACTS:
            self._hand_over()

    def _cut(self, group: dict, taken: dict[tuple[Any, ...], int]) -> int | None:
        """The position of the fact that fills a batch first (None: none in the rest of the chunk)."""
        cut, counts = None, self.counts
        for statement, (positions, *_) in group.items():
            i = taken[statement] + self.batch_size - counts.get(statement, 0) - 1
            if i < len(positions) and (cut is None or positions[i] < cut):
                cut = positions[i]
        return cut

    def _place(self, facts: dict, edges: dict, taken: dict[tuple[Any, ...], int], cut: int | None) -> None:
        """Collect the facts up to ``cut`` with this batch's number."""
        collected = self.collected
        for group, into_group in ((facts, collected.facts), (edges, collected.edges)):
            for statement, (positions, *columns) in group.items():
                start = taken[statement]
                end = len(positions) if cut is None else bisect_right(positions, cut, start)
                if end == start:
                    continue
                taken[statement] = end
                mine = collected.slot(into_group, statement, len(columns))
                extend_runs(mine[0], self.flushes, end - start)
                for into, values in zip(mine[1:], columns, strict=True):
                    into.extend(values[start:end])
                self.counts[statement] = self.counts.get(statement, 0) + end - start
                if group is edges:
                    collected.size += end - start

    def _hand_over(self) -> None:
        """The collected columns, with the batch number reached (the batches below are complete)."""
        rank = {statement: (RANK.get(statement[0], 3), i) for i, statement in enumerate(self.buffers)}
        self.sender.send_chunk(self.flushes, *self.collected.take(rank), self.prov)

    def finish(self) -> None:
        """Flush, and hand over the columns of the file that ends (same ``$prov``)."""
        self.flush()
        if self.collected is not None:
            if self.collected.facts or self.collected.edges:
                self._hand_over()
            self.sender.end_file(self.prov)

    def flush(self) -> None:
        self.flushes += 1
        self.counts.clear()
        for statement, rows in sorted(self.buffers.items(), key=lambda item: RANK.get(item[0][0], 3)):
            if rows:
                self.sender.send_facts(statement, rows, self.prov)
                self.buffers[statement] = []
                self.statements += 1
        if self.on_batch:
            self.on_batch(self.statements)
