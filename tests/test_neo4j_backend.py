"""The Neo4j backend without a server: error mapping with the driver's own error types,
and a clear message when nothing listens at the URL."""

from __future__ import annotations

import pytest
from neo4j.exceptions import Neo4jError

from bidgraph.errors import CypherSyntaxError, QueryTimeout, ReadOnlyViolation, StoreUnavailable
from bidgraph.graph import open_store
from bidgraph.graph.neo4j_backend import Neo4jStore
from bidgraph.graph.neo4j_values import query_error as _query_error
from bidgraph.settings import Settings


def _error(code: str, message: str) -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message=message)


def test_syntax_error_keeps_the_position() -> None:
    error = _query_error(
        _error("Neo.ClientError.Statement.SyntaxError", "Invalid input 'R' (line 1, column 10 (offset: 9))"),
        "MATCH (n RETURN n",
        1000,
    )
    assert isinstance(error, CypherSyntaxError) and (error.line, error.column) == (1, 10)


def test_timeout_and_access_mode_errors() -> None:
    timeout = _query_error(_error("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "x"), "q", 500)
    assert isinstance(timeout, QueryTimeout) and timeout.timeout_ms == 500
    refused = _query_error(_error("Neo.ClientError.Statement.AccessMode", "Writing in read access mode"), "q", 500)
    assert isinstance(refused, ReadOnlyViolation)


def test_unreachable_server_is_reported_when_opened() -> None:
    with pytest.raises(StoreUnavailable, match=r"bolt://127\.0\.0\.1:1") as caught:
        open_store(Settings(graph_url="bolt://127.0.0.1:1", graph_password="x"))
    assert "请检查" in str(caught.value)


def test_unreachable_server_at_query_time() -> None:
    store = Neo4jStore(
        "bolt://127.0.0.1:1", user="neo4j", password="x", database=None, timeout_ms=1000, row_limit=10, batch_size=10
    )
    with pytest.raises(StoreUnavailable, match="无法连接 Neo4j"):
        store.run("RETURN 1")
    store.close()


def test_read_only_check_happens_before_the_network() -> None:
    store = Neo4jStore(
        "neo4j://127.0.0.1:1", user="neo4j", password="x", database=None, timeout_ms=1000, row_limit=10, batch_size=10
    )
    with pytest.raises(ReadOnlyViolation):
        store.run("CREATE (:Company {key: 'x'})")
    store.close()


def test_evaluate_and_bench_never_touch_the_users_neo4j_database() -> None:
    from bidgraph.errors import ConfigError
    from bidgraph.graph import scratch_settings

    user = Settings(graph_url="bolt://127.0.0.1:1", graph_password="x", neo4j_database="neo4j")
    with pytest.raises(ConfigError, match="BIDGRAPH_NEO4J_SCRATCH_DATABASE"):
        scratch_settings(user, "bidgraph_eval")
    with pytest.raises(ConfigError):  # the scratch database may not be the user's one
        scratch_settings(user.model_copy(update={"neo4j_scratch_database": "neo4j"}), "bidgraph_eval")
    scratch = scratch_settings(user.model_copy(update={"neo4j_scratch_database": "scratch"}), "bidgraph_eval")
    assert scratch.neo4j_database == "scratch"
    assert scratch_settings(Settings(graph_url=""), "bidgraph_eval").graph_name == "bidgraph_eval"
