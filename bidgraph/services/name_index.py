"""The names search matches against, read from the graph once per data version (not once
per search): each node's key, name, detail fields and normalised name forms."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from bidgraph.graph import GraphStore
from bidgraph.graph.schema import schema
from bidgraph.services.name_match import NameForms

_QUERIES = {
    "org": "MATCH (n:{label}) RETURN n.key AS key, n.name AS name, n.uscc AS uscc, n.region AS region",
    "Person": (
        "MATCH (p:Person) RETURN p.key AS key, p.name AS name, p.id_masked AS id_masked, "
        "p.id_hash AS id_hash, p.expert_no AS expert_no"
    ),
}
# Names change only through loads, and every load writes a Load node: node count plus the
# loads is the version (counting relationships would cost ~0.7 s on the sample).
_VERSION = "MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH (l:Load) RETURN nodes, count(l), max(l.started)"
_KEEP = 8  # (graph, version, label) entries; an older version is dropped when the data changes


@dataclass(frozen=True)
class IndexedName:
    record: dict[str, Any]  # the query's row
    forms: NameForms


_cache: OrderedDict[tuple[str, ...], list[IndexedName]] = OrderedDict()
_lock = threading.Lock()


def data_version(store: GraphStore) -> str:
    """Changes whenever a load adds, removes or rewrites names (one cheap query)."""
    rows = store.run(_VERSION).rows
    return ":".join(map(str, rows[0])) if rows else "empty"


def names(store: GraphStore, label: str, version: str) -> list[IndexedName]:
    """Every node of ``label`` (Company, Agency, Tenderer, Person) with its name forms, as of ``version``."""
    query = _QUERIES.get(label) or _QUERIES["org"].replace("{label}", schema().label(label))
    cache_key = (str(id(store)), version, label)
    with _lock:
        hit = _cache.get(cache_key)
        if hit is not None:
            _cache.move_to_end(cache_key)
            return hit
    built = [IndexedName(r, NameForms.of(r["name"] or "")) for r in store.run(query, limit=0).records()]
    with _lock:
        _cache[cache_key] = built
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return built
