"""One suite, every backend (see ``backends.py``): store operations, schema init, atomic
scopes and load rollback, every saved query and detector on the sample — with the same
results as the embedded FalkorDB. Parts FalkorDB's Bolt listener cannot answer are skipped
with the reason; against a real Neo4j nothing is skipped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backends import NAMES, Backend, backend

from bidgraph import loaders
from bidgraph.analysis.findings import Finding
from bidgraph.analysis.service import run_all
from bidgraph.errors import QueryError, ReadOnlyViolation
from bidgraph.graph import Node, Relationship, open_store
from bidgraph.graph import Path as GraphPath
from bidgraph.graph.schema import apply_schema, schema
from bidgraph.loaders.write import cypher
from bidgraph.queries.library import builtin_queries, run_query
from bidgraph.settings import Settings

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
PROV = {"source": "conformance.csv", "loaded_at": "2024-01-01T00:00:00"}


@pytest.fixture(scope="module", params=NAMES)
def b(
    request: pytest.FixtureRequest, module_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with backend(request.param, module_settings, tmp_path_factory.mktemp(request.param)) as current:
        yield current


def needs(b: Backend, *features: str) -> None:
    for feature in features:
        if feature in b.gaps:
            pytest.skip(b.gaps[feature])


def _empty(b: Backend) -> None:
    b.store.write("MATCH (n) DETACH DELETE n")


def test_values_nodes_relationships_paths(b: Backend) -> None:
    _empty(b)
    created = b.store.write(
        "CREATE (:Company {key: $a, name: $name})-[:BID_FOR {w: 2}]->(:Company {key: $b})",
        {"a": "A", "b": "B", "name": "甲公司"},
    )
    assert created.counters["nodes_created"] == 2 and created.counters["relationships_created"] == 1
    row = b.store.run("MATCH p = (a:Company {key: 'A'})-[r]->(c) RETURN a, r, p, a.name, c.key").rows[0]
    node, rel, path, name, key = row
    assert isinstance(node, Node) and node.labels == ("Company",) and node.properties["name"] == "甲公司"
    assert isinstance(rel, Relationship) and rel.type == "BID_FOR" and rel.properties == {"w": 2}
    assert rel.start == node.id and isinstance(path, GraphPath) and len(path.relationships) == 1
    assert (name, key) == ("甲公司", "B")


def test_row_limit_and_parameters(b: Backend) -> None:
    _empty(b)
    b.store.write("UNWIND range(1, $n) AS i CREATE (:Company {key: toString(i), n: i})", {"n": 30})
    capped = b.store.run("MATCH (c:Company) RETURN c.n ORDER BY c.n", limit=10)
    assert len(capped.rows) == 10 and capped.truncated
    total = b.store.run("MATCH (c:Company) WHERE c.n > $min RETURN count(c)", {"min": 20}, limit=0).value(0)
    assert total == 10


def test_write_batches_count_every_row(b: Backend) -> None:
    _empty(b)
    rows = [{"key": f"k{i}", "props": {"name": f"n{i}"}} for i in range(25)]
    written = list(
        b.store.write_batches(
            "UNWIND $rows AS row MERGE (c:Company {key: row.key}) SET c += row.props", rows, batch_size=10
        )
    )
    assert written == [10, 10, 5]
    assert b.store.run("MATCH (c:Company) RETURN count(c)").value(0) == 25


def test_errors_are_ours(b: Backend) -> None:
    with pytest.raises(ReadOnlyViolation):
        b.store.run("CREATE (:Company {key: 'x'})")
    with pytest.raises(QueryError):  # a syntax error; never a driver exception
        b.store.run("MATCH (n RETURN n")


def test_atomic_scope_rolls_back(b: Backend) -> None:
    needs(b, "transactions")
    _empty(b)
    b.store.write("CREATE (:Company {key: 'kept'})")
    with pytest.raises(RuntimeError), b.store.atomic():
        b.store.write("CREATE (:Company {key: 'gone'})")
        raise RuntimeError("abort")
    assert b.store.run("MATCH (c:Company) RETURN c.key AS key").column("key") == ["kept"]


def test_failed_load_leaves_what_was_there(b: Backend) -> None:
    """A load that fails midway: what it created is gone, what existed stays (Neo4j:
    batched commits undone by ``first_load``; FalkorDB: the snapshot is put back)."""
    _empty(b)
    node = cypher(("node", "Company", None))
    b.store.write(node, {"rows": [{"key": "old", "props": {"name": "旧"}}], "prov": {**PROV, "load_id": "L1"}})
    with pytest.raises(RuntimeError), loaders._load_scope(b.store, "L2"):
        rows = [{"key": k, "props": {"name": k}} for k in ("old", "new1", "new2")]
        b.store.write(node, {"rows": rows, "prov": {**PROV, "load_id": "L2"}})
        raise RuntimeError("the load fails after a committed batch")
    keys = sorted(b.store.run("MATCH (c:Company) RETURN c.key AS key").column("key"))
    assert keys == ["old"]
    assert b.store.run("MATCH (c:Company) RETURN c.first_load").value(0) == "L1"


def test_schema_init_is_idempotent(b: Backend) -> None:
    needs(b, "schema")
    apply_schema(b.store)
    assert apply_schema(b.store) == []
    planned = {(label, prop) for label, prop, _ in schema().index_plan()}
    assert planned <= b.store.indexes()


def test_clear_empties_the_graph(b: Backend) -> None:
    needs(b, "clear")
    b.store.write("CREATE (:Company {key: 'x'})")
    b.store.clear()
    assert b.store.info().nodes == 0


# -- the sample: every saved query and every detector, as on the embedded FalkorDB -------


def _canonical(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return sorted(
        (f.detector, tuple(sorted(e[:2] for e in f.entities)), f.tender_codes, round(f.score, 6)) for f in findings
    )


def _query_rows(store: Any) -> dict[str, list[str]]:
    out = {}
    for query in builtin_queries():
        result = run_query(store, query, query.bind({}), limit=0)
        out[query.id] = sorted(repr(tuple(_plain(v) for v in row)) for row in result.rows)
    return out


def _plain(value: Any) -> Any:
    """Backend-neutral: elements by label and key (ids differ between backends)."""
    if isinstance(value, Node):
        return (value.labels[0], value.get("key"))
    if isinstance(value, Relationship):
        return value.type
    if isinstance(value, GraphPath):
        return tuple(_plain(n) for n in value.nodes)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return sorted((_plain(v) for v in value), key=repr)
    return value


@pytest.fixture(scope="module")
def reference(module_settings: Settings) -> dict[str, Any]:
    """The sample on the embedded FalkorDB, in a graph of its own."""
    with open_store(module_settings.model_copy(update={"graph_name": "conformance_reference"})) as store:
        store.clear()
        loaders.load_paths(store, [SAMPLE], skip_invalid=True, actor="test", data_dir=module_settings.data_dir)
        try:
            return {"findings": _canonical(run_all(store)), "queries": _query_rows(store)}
        finally:
            store.clear()


@pytest.fixture(scope="module")
def sample(b: Backend, module_settings: Settings) -> Backend:
    if b.name == "embedded":
        pytest.skip("内置 FalkorDB 即参照（test_bidtable 在其上比对列式表与图）")
    needs(b, "sample")
    _empty(b)
    report = loaders.load_paths(b.store, [SAMPLE], skip_invalid=True, actor="test", data_dir=module_settings.data_dir)
    assert report.written and report.rows_loaded > 1000
    return b


def test_every_saved_query_gives_the_same_rows(sample: Backend, reference: dict[str, Any]) -> None:
    rows = _query_rows(sample.store)
    assert rows.keys() == reference["queries"].keys()
    for query_id, expected in reference["queries"].items():
        assert rows[query_id] == expected, query_id


def test_every_detector_gives_the_same_findings(sample: Backend, reference: dict[str, Any]) -> None:
    findings = _canonical(run_all(sample.store))
    assert len(findings) > 10
    assert findings == reference["findings"]
