"""The contents of a bulk ``GraphModel`` independent of its internal numbering, for tests
that compare two ways of building it."""

from __future__ import annotations

from bidgraph.graph.schema import KEY
from bidgraph.loaders.bulk_model import GraphModel


def elements(model: GraphModel) -> tuple[list[str], list[str], dict[str, int]]:
    """Every node (labels, properties), every relationship (type, end keys, properties), counters."""
    key = [p[KEY] for p in model.node_props]
    nodes = sorted(repr((labels, sorted(p.items()))) for labels, p in zip(model.labels, model.node_props, strict=True))
    rels = sorted(
        repr((t, key[a], key[b], sorted(p.items())))
        for t, (a, b), p in zip(model.rel_types, model.ends, model.rel_props, strict=True)
    )
    return nodes, rels, dict(model.counters)
