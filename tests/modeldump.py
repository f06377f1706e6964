"""The contents of a bulk ``GraphModel`` independent of its internal numbering, for tests
that compare two ways of building it."""

from __future__ import annotations

from typing import Any

from bidgraph.graph.schema import KEY
from bidgraph.loaders import bulk
from bidgraph.loaders.bulk_columns import EDGES
from bidgraph.loaders.bulk_model import GraphModel


def elements(model: GraphModel) -> tuple[list[str], list[str], dict[str, int]]:
    """Every node (labels, properties), every relationship (type, end keys, properties), counters.
    Properties in their order (GRAPH.BULK sends them so)."""
    key = [p[KEY] for p in model.node_props]
    nodes = sorted(repr((labels, list(p.items()))) for labels, p in zip(model.labels, model.node_props, strict=True))
    rels = sorted(
        repr((t, key[a], key[b], list(p.items())))
        for t, (a, b), p in zip(model.rel_types, model.ends, model.rel_props, strict=True)
    )
    return nodes, rels, dict(model.counters)


def recording_sender(columnar: bool) -> tuple[bulk.BulkSender, list[tuple[Any, ...]]]:
    """A model-only bulk sender, and the batches of every edge, bid and win statement other
    than the identifier edges as the model applies them (statement, columns, source), be
    they sent as rows or as columns."""
    sender = bulk.BulkSender(None, "L")
    sender.columnar = columnar
    sent: list[tuple[Any, ...]] = []
    apply = sender.model.apply_columns

    def record(statement: tuple[Any, ...], values: list[Any], prov: dict[str, Any]) -> None:
        if statement not in EDGES.values():
            sent.append((statement, repr([list(column) for column in values]), prov["source"]))
        apply(statement, values, prov)

    sender.model.apply_columns = record  # type: ignore[method-assign]
    return sender, sent
