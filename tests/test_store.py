"""The store interface on the real embedded FalkorDB: read-only, timeout, limits,
errors, atomic scopes, batched writes."""

from __future__ import annotations

import pytest

from bidgraph.errors import CypherSyntaxError, QueryTimeout, ReadOnlyViolation
from bidgraph.graph import GraphStore
from bidgraph.graph.store import looks_like_write


@pytest.fixture(scope="module", autouse=True)
def companies(store: GraphStore) -> None:
    store.write("UNWIND range(1, 30) AS i CREATE (:Company {key: 'C' + toString(i), name: '公司' + toString(i)})")


def _count(store: GraphStore) -> int:
    return store.run("MATCH (n) RETURN count(n)").value()


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (:Company {key: 'X'})",
        "MERGE (:Company {key: 'X'})",
        "MATCH (c:Company) DETACH DELETE c",
        "MATCH (c:Company) SET c.name = 'x'",
        "MATCH (c:Company) REMOVE c.name",
    ],
)
def test_read_only_refuses_writes_and_graph_is_unchanged(store: GraphStore, query: str) -> None:
    before = store.run("MATCH (c:Company) RETURN c.key, c.name ORDER BY c.key").rows
    with pytest.raises(ReadOnlyViolation):
        store.run(query)
    assert store.run("MATCH (c:Company) RETURN c.key, c.name ORDER BY c.key").rows == before


def test_backend_refuses_write_even_if_the_text_check_is_bypassed(store: GraphStore) -> None:
    # The server-side guard (GRAPH.RO_QUERY), not only our text check.
    graph = store._graph  # type: ignore[attr-defined]
    import redis

    with pytest.raises(redis.ResponseError):
        graph.ro_query("CREATE (:Company {key: 'sneaky'})")
    assert store.run("MATCH (c:Company {key: 'sneaky'}) RETURN count(c)").value() == 0


def test_write_keywords_inside_strings_are_not_writes() -> None:
    assert not looks_like_write("MATCH (c:Company) WHERE c.name = 'CREATE SET' RETURN c // DELETE")
    assert looks_like_write("match (n) detach delete n")


def test_timeout_fires(store: GraphStore) -> None:
    with pytest.raises(QueryTimeout, match="时限") as caught:
        # nested small ranges: slow without materialising a list past the memory cap
        store.run(
            "UNWIND range(1, 5000) AS a UNWIND range(1, 10000) AS x WITH x WHERE x % 7 = 3 RETURN count(x)",
            timeout_ms=100,
        )
    assert caught.value.timeout_ms == 100


def test_syntax_error_has_position(store: GraphStore) -> None:
    with pytest.raises(CypherSyntaxError) as caught:
        store.run("MATCH (n RETURN n")
    assert (caught.value.line, caught.value.column) == (1, 10)
    assert "第 1 行第 10 列" in str(caught.value)


def test_row_limit_truncates_and_says_so(store: GraphStore) -> None:
    result = store.run("MATCH (c:Company) RETURN c.key", limit=10)
    assert len(result) == 10 and result.truncated
    full = store.run("MATCH (c:Company) RETURN c.key", limit=0)
    assert len(full) == 30 and not full.truncated


def test_parameters_are_values_not_code(store: GraphStore) -> None:
    evil = "x' OR 1=1 //"
    assert store.run("MATCH (c:Company {name: $name}) RETURN count(c)", {"name": evil}).value() == 0


def test_write_batches_reports_progress(store: GraphStore) -> None:
    rows = [{"key": f"T{i}", "name": f"标段{i}"} for i in range(2500)]
    sizes = list(
        store.write_batches(
            "UNWIND $rows AS row MERGE (t:Tender {key: row.key}) SET t.name = row.name", rows, batch_size=1000
        )
    )
    assert sizes == [1000, 1000, 500]
    assert store.run("MATCH (t:Tender) RETURN count(t)").value() == 2500
    list(store.write_batches("UNWIND $rows AS row MERGE (t:Tender {key: row.key})", rows, batch_size=1000))
    assert store.run("MATCH (t:Tender) RETURN count(t)").value() == 2500  # MERGE: idempotent
    store.write("MATCH (t:Tender) DELETE t")


def test_atomic_scope_rolls_back_everything_on_failure(store: GraphStore) -> None:
    before = _count(store)
    with pytest.raises(RuntimeError), store.atomic():
        store.write("CREATE (:Company {key: 'tmp1'})")
        store.write("MATCH (c:Company {key: 'C1'}) SET c.name = '改过'")
        raise RuntimeError("injected failure")
    assert _count(store) == before
    assert store.run("MATCH (c:Company {key: 'C1'}) RETURN c.name").value() == "公司1"
    # indexes survive the rollback
    assert ("Company", "key") in store.indexes()


def test_atomic_scope_keeps_writes_on_success(store: GraphStore) -> None:
    with store.atomic():
        store.write("CREATE (:Company {key: 'kept'})")
    assert store.run("MATCH (c:Company {key: 'kept'}) RETURN count(c)").value() == 1
    assert "test_store__rollback" not in store._db.list_graphs()  # type: ignore[attr-defined]
    store.write("MATCH (c:Company {key: 'kept'}) DELETE c")


def test_info_reports_counts_and_version(store: GraphStore) -> None:
    info = store.info()
    assert info.backend == "falkordb"
    assert info.version.startswith("FalkorDB 4.")
    assert info.nodes == _count(store)
