"""The bid rows' identifier edges of a bulk first load, (Bid)-[:MADE_ON]->(Device),
(Bid)-[:UPLOADED_FROM]->(IP) and (Bid)-[:DEPOSIT_FROM]->(BankAccount) — on the medium
sample 7 of a bid row's ~11 facts and half of all relationships — applied to the graph
model as columns: one array per field for a whole file, grouped with numpy, instead of
one MERGE batch at a time through ``GraphModel._edge``.

The result is the same model. The Writer still counts these facts into its batches (so
every other statement is cut into the same batches as before) and tags each with its
batch number; the rules ``GraphModel._edge`` applies batch by batch are then evaluated
per column (nothing else in a bids file reads or writes these labels and types, so they
can wait until the file ends):
- the Bid end is MATCHed: a fact whose bid does not exist is dropped;
- an identifier node not in the graph is created by the batch of its first fact, and
  ON CREATE keeps the LAST fact of that batch (each of its facts there counts its
  properties);
- a relationship is created by its first fact; each batch holding it sets it once with
  its FIRST fact there (first value wins within a batch), the last such batch wins."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bidgraph.graph.schema import KEY, schema

if TYPE_CHECKING:
    from bidgraph.loaders.bulk_model import GraphModel

# A bid row's identifier edges reach the Writer as ONE fact, ``(IDENTIFIERS, (bid key,
# per-row prov, [(statement, identifier key, its properties if new), ...]))``: the Writer
# counts each into its statement's batch as if buffered (the batches come out as before)
# and, for a columnar sender, appends it to the columns; a MERGE sender gets the edges.
IDENTIFIERS = ("identifiers",)
EDGES = {  # identifier label -> the statement of its edge from the bid
    label: ("edge", "Bid", rel, label, (), True, False)
    for rel, label in (("MADE_ON", "Device"), ("UPLOADED_FROM", "IP"), ("DEPOSIT_FROM", "BankAccount"))
}
CHUNK_FACTS = 200_000  # edges held before their complete batches are applied (a numpy pass each)
Columns = tuple[Sequence[Any], ...]  # batch, bid key, identifier key, row number, ON CREATE map


class Pending:
    """The model's side: the columns received for the current file. Once ``CHUNK_FACTS``
    are held, their complete batches (all but the last: batch numbers only grow, and
    every statement of them has been applied before) are applied at once; the rest when
    the file ends."""

    def __init__(self, model: GraphModel) -> None:
        self.model = model
        self.columns: dict[tuple[Any, ...], Columns] = {}
        self.size = 0

    def add(self, edges: list[tuple[Any, ...]], prov: dict[str, Any]) -> None:
        """``edges``: (statement, batch runs, *columns) (``bulk_facts.Collected.take``)."""
        for statement, runs, *columns in edges:
            # batch numbers as machine integers: millions of them on a province-size file
            mine = self.columns.setdefault(statement, (array("q"), [], [], [], []))
            for batch, n in runs:
                mine[0].extend(repeat(batch, n))
            for into, values in zip(mine[1:], columns, strict=True):
                into.extend(values)
            self.size += len(columns[0])
        if self.size < CHUNK_FACTS:
            return
        for statement, mine in self.columns.items():
            cut = bisect_left(mine[0], mine[0][-1]) if mine[0] else 0
            if cut:
                apply_edges(self.model, statement, tuple(c[:cut] for c in mine), prov)
                self.columns[statement] = tuple(c[cut:] for c in mine)
        self.size = sum(len(c[1]) for c in self.columns.values())

    def apply(self, prov: dict[str, Any]) -> None:
        for statement, columns in self.columns.items():
            if columns[0]:
                apply_edges(self.model, statement, columns, prov)
        self.columns, self.size = {}, 0


def apply_edges(model: GraphModel, statement: tuple[Any, ...], columns: Columns, prov: dict[str, Any]) -> None:
    """Whole batches of one file's facts of a (known a)-[:T]->(merged b) statement without
    pattern properties, as ``GraphModel._edge`` would have applied them batch by batch
    (elements from earlier batches are in the model already)."""
    s = schema()
    _, a, rel, b, *_ = statement
    a_label, b_label, rel_type = s.node(a).label, s.node(b).label, s.rel(rel).type
    batches, a_keys, b_keys, rows, inits = columns
    nodes, load_id, counters = model.nodes, prov["load_id"], model.counters
    a_ids = np.fromiter((nodes.get((a_label, k), -1) for k in a_keys), np.int64, len(a_keys))
    live = np.flatnonzero(a_ids >= 0)  # MATCH (a): facts of missing bids are dropped
    batch = np.asarray(batches, np.int64)[live]
    codes, uniques = pd.factorize(np.asarray(b_keys, dtype=object)[live])
    n = len(uniques)
    first = np.full(n, len(live), np.int64)
    np.minimum.at(first, codes, np.arange(len(live)))
    # nodes: created by the batch of their first fact; ON CREATE keeps that batch's last fact
    b_ids = np.empty(n, np.int64)
    new = np.zeros(n, bool)
    for code, key in enumerate(uniques):
        found = nodes.get((b_label, key))
        if found is None:
            new[code] = True
        else:
            b_ids[code] = found
    creating = np.flatnonzero(new[codes] & (batch == batch[first[codes]]))
    last = np.full(n, -1, np.int64)
    np.maximum.at(last, codes[creating], creating)
    extra = len(prov) + 1  # each ON CREATE sets the init map, $prov and the row number
    counters["properties_set"] += sum(len(inits[i]) if inits[i] else 0 for i in live[creating]) + extra * len(creating)
    for code in np.flatnonzero(new):
        i = live[last[code]]
        props = {KEY: uniques[code], "first_load": load_id}
        if inits[i]:
            props.update(inits[i])
        props.update(prov)
        if rows[i] is not None:
            props["row"] = rows[i]
        b_ids[code] = _new_node(model, b_label, uniques[code], props)
    # relationships: created by their first fact; set once per batch (its first fact
    # there), the last batch wins
    pairs, ends = pd.factorize(a_ids[live] * (1 << 32) + b_ids[codes])
    last_batch = np.full(len(ends), -1, np.int64)
    np.maximum.at(last_batch, pairs, batch)
    setter = np.full(len(ends), len(live), np.int64)
    final = np.flatnonzero(batch == last_batch[pairs])
    np.minimum.at(setter, pairs[final], final)
    combos = pd.unique(pairs.astype(np.int64) * (int(batch.max(initial=0)) + 1) + batch)
    times = np.bincount(combos // (int(batch.max(initial=0)) + 1), minlength=len(ends))  # batches per pair
    counters["properties_set"] += extra * int(times.sum())
    rels, rel_props = model.rels, model.rel_props
    for pair, end, i in zip(range(len(ends)), ends.tolist(), live[setter].tolist(), strict=True):
        a, b, row = end >> 32, end & 0xFFFFFFFF, rows[i]
        found = rels.get((rel_type, a, b))
        if found is None:  # the common case: new, set by one batch
            rels[(rel_type, a, b)] = len(rel_props)
            model.rel_types.append(rel_type)
            model.ends.append((a, b))
            rel_props.append({"first_load": load_id, **({"row": row} if row is not None else {}), **prov})
            counters["relationships_created"] += 1
            continue
        matched = [found] if type(found) is int else found
        for r in matched:
            _set(rel_props[r], {"row": row, **prov})
        counters["properties_set"] += extra * int(times[pair]) * (len(matched) - 1)


def _new_node(model: GraphModel, label: str, key: Any, props: dict[str, Any]) -> int:
    node = len(model.labels)
    model.nodes[(label, key)] = node
    model.labels.append([label])
    model.node_props.append(props)
    model.counters["nodes_created"] += 1
    return node


def _set(props: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        if value is None:
            props.pop(name, None)
        else:
            props[name] = value
