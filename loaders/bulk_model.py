"""What the MERGE statements of ``write.py`` make of an EMPTY graph, computed in
memory, so a first load can be sent with GRAPH.BULK (``bulk.py``) and still give the
same graph. Each statement kind of ``write.cypher`` has its twin here, and the batches
arrive in the order the MERGE path runs them (``Writer.flush``).

Within one batch FalkorDB runs each clause over all rows before the next (MATCH, MERGE
and SET are eager), and when several rows of a batch write the same element, measured
on FalkorDB 4.16: a SET keeps the FIRST row's value of each property on an element that
existed before the batch and on every relationship, the LAST row's on a node the batch
created; ON CREATE SET keeps only the last referencing row's values. Across batches the
later batch wins. The model applies the same rules clause by clause."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from bidgraph.graph.schema import KEY, schema
from bidgraph.loaders.bulk_facts import MERGE_ON, columns
from bidgraph.loaders.write import COUNTERS, EXPERT_LINKS

Props = dict[str, Any]
_NO_PATTERN: Props = {}  # a MERGE without properties in its pattern (never written to)
COLUMNAR = ("edge", "bid", "win")  # statements applied as columns (``apply_columns``)


class GraphModel:
    """Nodes and relationships by internal number, as lists (compact and ordered)."""

    def __init__(self) -> None:
        s = schema()
        self.labels: list[list[str]] = []
        self.node_props: list[Props] = []
        self.nodes: dict[tuple[str, str], int] = {}  # (label, key) -> node
        self.rel_types: list[str] = []
        self.ends: list[tuple[int, int]] = []
        self.rel_props: list[Props] = []
        # (type, a, b) -> the relationship, or a list when several (MERGE patterns with properties)
        self.rels: dict[tuple[str, int, int], int | list[int]] = {}
        self.counters = dict.fromkeys(COUNTERS, 0)
        self._expert = s.node("Expert").label
        self._expert_no: dict[Any, dict[int, None]] = {}  # expert_no -> nodes (ordered set)
        self._bid_open = "bid_open"
        self._fresh: set[int] = set()  # nodes created by the batch being applied
        self._assigned: dict[tuple[str, int], set[str]] = {}  # properties this batch's SETs gave each element
        self._apply: dict[str, Callable[[tuple[Any, ...], list[Any], Props], None]] = {
            "node": self._node,
            "edge": self._edge,
            "bid": self._bid,
            "win": self._win,
            "evaluated": self._expert_link,
            "scored": self._expert_link,
        }

    def apply(self, statement: tuple[Any, ...], rows: list[Any], prov: Props) -> None:
        """One batch of one statement, as ``cypher(statement)`` runs it."""
        if statement[0] in COLUMNAR:
            self.apply_columns(statement, columns(statement, rows), prov)
            return
        self._fresh, self._assigned = set(), {}
        self._apply[statement[0]](statement, rows, prov)

    def apply_columns(self, statement: tuple[Any, ...], values: list[Any], prov: Props) -> None:
        """The same batch as columns (``bulk_facts``): an edge, a bid or a win statement."""
        self._fresh, self._assigned = set(), {}
        self._apply[statement[0]](statement, values, prov)

    def drop_lookups(self) -> None:
        """Forget the key and pattern look-ups (no more batches will come)."""
        self.nodes, self.rels, self._expert_no, self._assigned, self._fresh = {}, {}, {}, {}, set()

    # -- primitives ---------------------------------------------------------------------
    def _merge(self, label: str, key: Any, load_id: str) -> tuple[int, bool]:
        node = self.nodes.get((label, key))
        if node is not None:
            return node, False
        node = len(self.labels)
        self.nodes[(label, key)] = node
        self.labels.append([label])
        self.node_props.append({KEY: key, "first_load": load_id})
        self._fresh.add(node)
        self.counters["nodes_created"] += 1
        return node, True

    def _update(self, kind: str, element: int, values: Props | None) -> None:
        """``SET x += values`` by one row of the batch (rules in the module doc); a null
        value removes the property."""
        if not values:
            return
        node = kind == "node"
        props = self.node_props[element] if node else self.rel_props[element]
        if not (node and element in self._fresh):  # first value per property wins
            given = self._assigned.get((kind, element))
            if given is None:
                self._assigned[(kind, element)] = set(values)
            else:
                fresh = values.keys() - given
                given |= fresh
                values = {k: v for k, v in values.items() if k in fresh}
        _set(props, values)
        self.counters["properties_set"] += len(values)
        if node and self._expert in self.labels[element] and "expert_no" in props:
            self._expert_no.setdefault(props["expert_no"], {})[element] = None

    def _merge_rels(self, rel_type: str, pairs: list[tuple[int, int, Props]], load_id: str) -> list[list[int]]:
        """``MERGE (a)-[r:T {on}]->(b)`` for each row: every existing match, else one new
        relationship holding the pattern's properties (found by later rows)."""
        matched, rels, props = [], self.rels, self.rel_props
        for a, b, on in pairs:
            found = rels.get((rel_type, a, b))
            if found is not None:
                candidates = [found] if type(found) is int else found[:]
                hits = [r for r in candidates if all(props[r].get(k) == v for k, v in on.items())] if on else candidates
                if hits:
                    matched.append(hits)
                    continue
            rel = len(self.rel_types)
            self.rel_types.append(rel_type)
            self.ends.append((a, b))
            props.append({**on, "first_load": load_id})
            if found is None:
                rels[(rel_type, a, b)] = rel
            elif type(found) is int:
                rels[(rel_type, a, b)] = [found, rel]
            else:
                found.append(rel)
            self.counters["relationships_created"] += 1
            matched.append([rel])
        return matched

    def _new_rels(
        self, rel_type: str, ends: list[tuple[int, int]], values: list[Props], prov: Props, load_id: str
    ) -> bool:
        """``MERGE (a)-[r:T]->(b) SET r += <row>, r += $prov`` at once in the common case of a
        first load — no pattern properties, no relationship there yet nor twice in the batch,
        no null value: each is created with the properties ``_merge_rels`` and ``_set_rels``
        would give it. False, with nothing done, in any other case."""
        keys = [(rel_type, a, b) for a, b in ends]
        rels = self.rels
        if len(set(keys)) < len(keys) or not rels.keys().isdisjoint(keys) or None in prov.values():
            return False
        if any(None in v.values() for v in values if v):
            return False
        props, first, assigned = self.rel_props, len(self.rel_props), 0
        for v in values:
            merged = {**v, **prov} if v else prov
            if v and len(merged) < len(v) + len(prov):
                merged.update(v)  # the row's SET clause comes first: its value wins
            props.append({"first_load": load_id, **merged})
            assigned += len(merged)
        rels.update(zip(keys, range(first, len(props)), strict=True))
        self.rel_types.extend([rel_type] * len(keys))
        self.ends.extend(ends)
        self.counters["relationships_created"] += len(keys)
        self.counters["properties_set"] += assigned
        return True

    def _set_rels(self, matched: list[list[int]], values: list[Props | None], prov: Props) -> None:
        """``SET r += <the row's values>, r += $prov`` on each row's relationships."""
        flat = [r for rels in matched for r in rels]
        times = Counter(flat) if len(set(flat)) < len(flat) else None  # None: each set by one row
        props, assigned = self.rel_props, 0
        for rels, row_values in zip(matched, values, strict=True):
            for r in rels:
                # several rows of the batch set it: the first value per property wins
                if times is not None and times[r] > 1:
                    self._update("rel", r, row_values)
                    self._update("rel", r, prov)
                    continue
                # keys in the order the SET clauses give them (the row's, then $prov's);
                # between the clauses the same rule: the row's value wins
                merged = {**row_values, **prov} if row_values else prov
                if len(merged) < len(row_values or ()) + len(prov):
                    merged.update(row_values)
                _set(props[r], merged)
                assigned += len(merged)
        self.counters["properties_set"] += assigned

    # -- statements ---------------------------------------------------------------------
    def _node(self, statement: tuple[Any, ...], rows: list[Any], prov: Props) -> None:
        s = schema()
        _, label, extra = statement
        label, extra = s.node(label).label, s.node(extra).label if extra else ""
        nodes = [self._merge(label, row[KEY], prov["load_id"])[0] for row in rows]
        for node, row in zip(nodes, rows, strict=True):
            if extra and extra not in self.labels[node]:
                self.labels[node].append(extra)
            self._update("node", node, row["props"])
            self._update("node", node, prov)

    def _edge(self, statement: tuple[Any, ...], values: list[Any], prov: Props) -> None:
        s = schema()
        _, a, rel, b, merge_on, a_known, b_known = statement
        spec = s.rel(rel)
        ends = ((s.node(a).label, a_known, 0, 3), (s.node(b).label, b_known, 1, 4))
        load_id, nodes = prov["load_id"], self.nodes
        found: list[list[int]] = [[], []]
        # known ends are MATCHed first: a missing one drops the row before any MERGE
        for label, known, i, _ in ends:
            if known:
                ids = [nodes.get((label, key)) for key in values[i]]
                if None in ids:
                    live = [j for j, node in enumerate(ids) if node is not None]
                    values = [[column[j] for j in live] for column in values]
                    found = [[column[j] for j in live] if column else column for column in found]
                    ids = [ids[j] for j in live]
                found[i] = ids
        rows = values[2]
        for label, known, i, init in ends:
            if known:
                continue
            created: set[int] = set()
            column = []
            for key, init_values, row in zip(values[i], values[init], rows, strict=True):
                node, new = self._merge(label, key, load_id)
                if new or node in created:
                    created.add(node)
                    self._on_create(node, key, (init_values, prov, {"row": row.get("row")}), load_id)
                column.append(node)
            found[i] = column
        on = [(p, values[MERGE_ON + i]) for i, p in enumerate(merge_on) if p in spec.properties]
        if not on and self._new_rels(spec.type, list(zip(*found, strict=True)), rows, prov, load_id):
            return
        if on:
            pairs = [(x, y, {p: column[j] for p, column in on}) for j, (x, y) in enumerate(zip(*found, strict=True))]
        else:
            pairs = [(x, y, _NO_PATTERN) for x, y in zip(*found, strict=True)]
        self._set_rels(self._merge_rels(spec.type, pairs, load_id), rows, prov)

    def _on_create(self, node: int, key: Any, values: tuple[Props | None, ...], load_id: str) -> None:
        """ON CREATE SET of a MERGEd end: each referencing row of the batch replaces the last."""
        props = self.node_props[node] = {KEY: key, "first_load": load_id}
        for v in values:
            if not v:
                continue
            props.update(v if None not in v.values() else {k: x for k, x in v.items() if x is not None})
            self.counters["properties_set"] += len(v)

    def _bid(self, statement: tuple[Any, ...], values: list[Any], prov: Props) -> None:
        s = schema()
        tender_label, bid_label, for_type = s.node("Tender").label, s.node("Bid").label, s.rel("FOR").type
        keys, tenders, props, provs = values
        nodes, load_id = self.nodes, prov["load_id"]
        live = [(j, t) for j, code in enumerate(tenders) if (t := nodes.get((tender_label, code))) is not None]
        bids = [self._merge(bid_label, keys[j], load_id)[0] for j, _ in live]
        for bid, (j, tender) in zip(bids, live, strict=True):
            self._update("node", bid, props[j])
            self._update("node", bid, prov)
            self._update("node", bid, {self._bid_open: self.node_props[tender].get(self._bid_open)})
        ends, row_values = [(bid, t) for bid, (_, t) in zip(bids, live, strict=True)], [provs[j] for j, _ in live]
        if not self._new_rels(for_type, ends, row_values, prov, load_id):
            self._set_rels(self._merge_rels(for_type, [(a, b, {}) for a, b in ends], load_id), row_values, prov)

    def _win(self, statement: tuple[Any, ...], values: list[Any], prov: Props) -> None:
        tender_label = schema().node("Tender").label
        for key, price in zip(*values, strict=True):
            tender = self.nodes.get((tender_label, key))
            if tender is not None:
                self._update("node", tender, {"win_price": price})

    def _expert_link(self, statement: tuple[Any, ...], rows: list[Any], prov: Props) -> None:
        s = schema()
        rel, label = EXPERT_LINKS[statement[0]]
        rel_type, label = s.rel(rel).type, s.node(label).label
        pairs, values = [], []
        for row in rows:
            number = row["expert_no"]
            target = self.nodes.get((label, row["target"]))
            if target is None:
                continue
            for expert in self._expert_no.get(number, ()):
                if self.node_props[expert].get("expert_no") == number:
                    pairs.append((expert, target, {}))
                    values.append(row["props"])
        self._set_rels(self._merge_rels(rel_type, pairs, prov["load_id"]), values, prov)


def _set(props: Props, values: Props) -> None:
    """``SET x += values``: a null value removes the property."""
    if None in values.values():
        for name, value in values.items():
            if value is None:
                props.pop(name, None)
            else:
                props[name] = value
    else:
        props.update(values)
