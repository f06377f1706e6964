"""Neo4j backend (5.x+, single instance, cluster or Aura) through the official driver.

Reads run in READ transactions (routed to readers in a cluster), writes in WRITE ones;
inside ``atomic()`` every write shares one explicit transaction."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j import exceptions as neo_errors
from neo4j import graph as neo_graph

from bidgraph.errors import CypherSyntaxError, QueryError, QueryTimeout, ReadOnlyViolation, StoreUnavailable
from bidgraph.graph.model import Node, Path, Relationship, Result
from bidgraph.graph.store import GraphStore, StoreInfo, looks_like_write, truncate

_POSITION = re.compile(r"line (\d+), column (\d+)")


class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(
        self,
        url: str,
        *,
        user: str,
        password: str,
        database: str | None,
        timeout_ms: int,
        row_limit: int,
        batch_size: int,
    ) -> None:
        super().__init__(timeout_ms=timeout_ms, row_limit=row_limit, batch_size=batch_size)
        self._url = url
        self._database = database or None
        try:
            # Retries ride out a cluster leader switch; longer would leave a user waiting.
            self._driver = GraphDatabase.driver(
                url, auth=(user, password), connection_timeout=10, max_transaction_retry_time=5
            )
        except (ValueError, neo_errors.ConfigurationError) as e:
            raise StoreUnavailable(f"Neo4j 地址无效：{e}", url=url) from e
        self._tx: neo4j.Transaction | None = None

    def verify(self) -> None:
        """Fail now, with a clear message, if the server cannot be reached."""
        try:
            self._driver.verify_connectivity()
        except neo_errors.AuthError as e:
            raise StoreUnavailable(
                "Neo4j 拒绝登录", url=self._url, hint="用户名与密码（BIDGRAPH_GRAPH_USER/PASSWORD）"
            ) from e
        except (neo_errors.DriverError, neo_errors.Neo4jError, OSError) as e:
            raise StoreUnavailable("无法连接 Neo4j", url=self._url, hint="地址、端口、网络与数据库是否已启动") from e

    def run(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = True,
        timeout_ms: int | None = None,
        limit: int | None = None,
    ) -> Result:
        if read_only and looks_like_write(query):
            raise ReadOnlyViolation("只读模式下不能执行写入语句（CREATE/MERGE/SET/DELETE 等）", query=query)
        timeout = self.timeout_ms if timeout_ms is None else timeout_ms
        cap = self._cap(limit)
        statement = neo4j.Query(query, timeout=timeout / 1000 if timeout else None)  # type: ignore[arg-type]

        def work(tx: neo4j.ManagedTransaction | neo4j.Transaction) -> tuple[list[str], list[tuple[Any, ...]], dict]:
            cursor = tx.run(statement, dict(params or {}))
            rows = []
            for record in cursor:
                rows.append(tuple(convert(v) for v in record.values()))
                if cap and len(rows) > cap:
                    break
            counters = cursor.consume().counters
            return list(cursor.keys()), rows, _counters(counters)

        started = time.perf_counter()
        try:
            if self._tx is not None and not read_only:
                columns, rows, counters = work(self._tx)
            else:
                mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
                with self._driver.session(database=self._database, default_access_mode=mode) as session:
                    execute = session.execute_read if read_only else session.execute_write
                    columns, rows, counters = execute(work)
        except neo_errors.Neo4jError as e:
            raise _query_error(e, query, timeout) from e
        except (neo_errors.ServiceUnavailable, neo_errors.SessionExpired, OSError) as e:
            raise StoreUnavailable("无法连接 Neo4j", url=self._url, hint="地址、端口、网络与数据库是否已启动") from e
        elapsed = (time.perf_counter() - started) * 1000
        kept, truncated = truncate(rows, cap)
        return Result(tuple(columns), kept, truncated=truncated, elapsed_ms=elapsed, counters=counters)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        if self._tx is not None:
            yield
            return
        with self._driver.session(database=self._database, default_access_mode=neo4j.WRITE_ACCESS) as session:
            tx = session.begin_transaction()
            self._tx = tx
            try:
                yield
            except BaseException:
                tx.rollback()
                raise
            else:
                tx.commit()
            finally:
                self._tx = None

    def info(self) -> StoreInfo:
        components = self.run("CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
        name, versions, edition = components.rows[0] if components.rows else ("Neo4j", ["?"], "")
        return StoreInfo(
            backend=self.backend,
            version=f"{name} {versions[0]} {edition}".strip(),
            location=f"{self._url} 数据库 {self._database or '（默认）'}",
            nodes=self.run("MATCH (n) RETURN count(n)").value(0),
            relationships=self.run("MATCH ()-[r]->() RETURN count(r)").value(0),
        )

    def indexes(self) -> set[tuple[str, str]]:
        rows = self.run(
            "SHOW INDEXES YIELD labelsOrTypes, properties, entityType WHERE entityType = 'NODE' "
            "RETURN labelsOrTypes, properties",
            limit=0,
        )
        return {(labels[0], props[0]) for labels, props in rows if labels and props}

    def create_index(self, label: str, prop: str, *, unique: bool) -> bool:
        if (label, prop) in self.indexes():
            return False
        name = f"bidgraph_{label}_{prop}"
        if unique:
            statement = f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:`{label}`) REQUIRE n.`{prop}` IS UNIQUE"
        else:
            statement = f"CREATE INDEX {name} IF NOT EXISTS FOR (n:`{label}`) ON (n.`{prop}`)"
        self.run(statement, read_only=False, limit=0)
        return True

    def clear(self) -> None:
        self.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS", read_only=False, limit=0)

    def close(self) -> None:
        self._driver.close()


def _counters(counters: Any) -> dict[str, int]:
    names = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set")
    return {name: getattr(counters, name) for name in names if getattr(counters, name, 0)}


def _query_error(error: neo_errors.Neo4jError, query: str, timeout_ms: int) -> QueryError:
    code = error.code or ""
    message = error.message or str(error)
    if "TransactionTimedOut" in code or "Timeout" in code:
        return QueryTimeout(query=query, timeout_ms=timeout_ms)
    if "AccessMode" in code or "ForbiddenOnReadOnlyDatabase" in code:
        return ReadOnlyViolation("只读模式下不能执行写入语句", query=query)
    if "SyntaxError" in code:
        position = _POSITION.search(message)
        line, column = (int(position.group(1)), int(position.group(2))) if position else (None, None)
        return CypherSyntaxError(f"Cypher 语法错误：{message.splitlines()[0]}", query=query, line=line, column=column)
    return QueryError(f"查询失败：{message}", query=query)


def convert(value: Any) -> Any:
    """A driver value as a plain Python value or one of our graph types."""
    if isinstance(value, neo_graph.Node):
        return _node(value)
    if isinstance(value, neo_graph.Relationship):
        return _relationship(value)
    if isinstance(value, neo_graph.Path):
        return Path(
            nodes=tuple(_node(n) for n in value.nodes),
            relationships=tuple(_relationship(r) for r in value.relationships),
        )
    if isinstance(value, list):
        return [convert(v) for v in value]
    if isinstance(value, dict):
        return {str(k): convert(v) for k, v in value.items()}
    if hasattr(value, "to_native"):  # neo4j.time Date / DateTime / Time / Duration
        return value.to_native()
    if isinstance(value, neo4j.spatial.Point):
        return dict(zip(("x", "y", "z"), value, strict=False))
    return value


def _node(node: neo_graph.Node) -> Node:
    return Node(
        id=node.element_id,
        labels=tuple(sorted(node.labels, key=_label_order)),
        properties={k: convert(v) for k, v in node.items()},
    )


def _relationship(rel: neo_graph.Relationship) -> Relationship:
    start, end = rel.start_node, rel.end_node
    return Relationship(
        id=rel.element_id,
        type=rel.type,
        start=start.element_id if start is not None else "",
        end=end.element_id if end is not None else "",
        properties={k: convert(v) for k, v in rel.items()},
    )


def _label_order(label: str) -> tuple[int, str]:
    """Neo4j returns labels as an unordered set; put the base label first, as FalkorDB
    keeps them in creation order (``Person`` before its extra label ``Expert``)."""
    from bidgraph.graph.schema import schema

    node = schema().nodes.get(label)
    return (1 if node is not None and node.extra_label_of else 0, label)
