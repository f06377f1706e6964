"""FalkorDB backend (embedded or a server by URL) through the official ``falkordb`` client."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import falkordb
import redis
from falkordb import FalkorDB

from bidgraph.errors import CypherSyntaxError, QueryError, QueryTimeout, ReadOnlyViolation, StoreUnavailable
from bidgraph.graph.model import Node, Path, Relationship, Result
from bidgraph.graph.store import GraphStore, StoreInfo, looks_like_write, truncate

_POSITION = re.compile(r"line:\s*(\d+),\s*column:\s*(\d+)")
_ALREADY_INDEXED = "already indexed"


class FalkorStore(GraphStore):
    backend = "falkordb"

    def __init__(
        self, db: FalkorDB, graph_name: str, *, location: str, timeout_ms: int, row_limit: int, batch_size: int
    ) -> None:
        super().__init__(timeout_ms=timeout_ms, row_limit=row_limit, batch_size=batch_size)
        self._db = db
        self._name = graph_name
        self._graph = db.select_graph(graph_name)
        self._location = location
        self._atomic_depth = 0

    @property
    def graph_name(self) -> str:
        return self._name

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
        started = time.perf_counter()
        try:
            call = self._graph.ro_query if read_only else self._graph.query
            try:
                raw = call(query, dict(params or {}), timeout=timeout or None)
            except redis.ResponseError as e:
                if not (read_only and "empty key" in str(e)):
                    raise
                # no graph yet (nothing loaded): GRAPH.QUERY creates it empty and answers
                # as for any empty graph; the text was checked to be read-only above
                raw = self._graph.query(query, dict(params or {}), timeout=timeout or None)
        except redis.ResponseError as e:
            raise _query_error(e, query, timeout) from e
        except (redis.ConnectionError, OSError) as e:
            raise StoreUnavailable(
                "与 FalkorDB 的连接中断", url=self._location, hint="数据库是否仍在运行（bidgraph db status）"
            ) from e
        elapsed = (time.perf_counter() - started) * 1000
        columns = tuple(str(h[1]) for h in (raw.header or []))
        rows, truncated = truncate([tuple(convert(v) for v in row) for row in raw.result_set or []], self._cap(limit))
        counters = {
            name: int(getattr(raw, name))
            for name in (
                "nodes_created",
                "nodes_deleted",
                "relationships_created",
                "relationships_deleted",
                "properties_set",
            )
            if getattr(raw, name, 0)
        }
        return Result(columns=columns, rows=rows, truncated=truncated, elapsed_ms=elapsed, counters=counters)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """FalkorDB has no multi-statement transactions, so the scope snapshots the
        graph (GRAPH.COPY) and puts the snapshot back if anything fails."""
        if self._atomic_depth:
            self._atomic_depth += 1
            try:
                yield
            finally:
                self._atomic_depth -= 1
            return
        backup = f"{self._name}__rollback"
        conn = self._db.connection
        conn.delete(backup)
        existed = self._name in self._db.list_graphs()
        if existed:
            self._graph.copy(backup)
        self._atomic_depth = 1
        try:
            yield
        except BaseException:
            conn.delete(self._name)
            if existed:
                conn.rename(backup, self._name)
            raise
        finally:
            self._atomic_depth = 0
        if existed:
            conn.delete(backup)

    def info(self) -> StoreInfo:
        server = self._db.connection.info("server")
        memory = self._db.connection.info("memory")
        modules = {m["name"]: m["ver"] for m in self._db.connection.module_list()}
        version = f"FalkorDB {_module_version(modules.get('graph', 0))} (Redis {server.get('redis_version', '?')})"
        nodes = self.run("MATCH (n) RETURN count(n)").value(0) if self._exists() else 0
        rels = self.run("MATCH ()-[r]->() RETURN count(r)").value(0) if self._exists() else 0
        return StoreInfo(
            backend=self.backend,
            version=version,
            location=f"{self._location} 图 {self._name}",
            nodes=nodes,
            relationships=rels,
            memory=str(memory.get("used_memory_human", "")),
        )

    def _exists(self) -> bool:
        return self._name in self._db.list_graphs()

    def indexes(self) -> set[tuple[str, str]]:
        if not self._exists():
            return set()
        rows = self.run("CALL db.indexes() YIELD label, properties RETURN label, properties", limit=0)
        return {(label, prop) for label, props in rows for prop in props}

    def create_index(self, label: str, prop: str, *, unique: bool) -> bool:
        if (label, prop) in self.indexes():
            return False
        try:
            self._graph.query(f"CREATE INDEX FOR (n:`{label}`) ON (n.`{prop}`)")
        except redis.ResponseError as e:
            if _ALREADY_INDEXED in str(e):
                return False
            raise _query_error(e, "CREATE INDEX", self.timeout_ms) from e
        if unique:
            try:
                self._graph.create_node_unique_constraint(label, prop)
            except redis.ResponseError as e:
                if "already exists" not in str(e).lower():
                    raise _query_error(e, "GRAPH.CONSTRAINT", self.timeout_ms) from e
        return True

    def clear(self) -> None:
        if self._exists():
            self._graph.delete()

    def close(self) -> None:
        self._db.connection.close()


def _module_version(number: int) -> str:
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}" if number else "?"


def _query_error(error: redis.ResponseError, query: str, timeout_ms: int) -> QueryError:
    text = str(error)
    if "timed out" in text.lower():
        return QueryTimeout(query=query, timeout_ms=timeout_ms)
    if "read-only" in text or "read only" in text:
        return ReadOnlyViolation("只读模式下不能执行写入语句", query=query)
    position = _POSITION.search(text)
    if position or text.startswith("errMsg") or "Invalid input" in text:
        message = text.split(" line:")[0].removeprefix("errMsg: ")
        line, column = (int(position.group(1)), int(position.group(2))) if position else (None, None)
        return CypherSyntaxError(f"Cypher 语法错误：{message}", query=query, line=line, column=column)
    return QueryError(f"查询失败：{text}", query=query)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def convert(value: Any) -> Any:
    """A FalkorDB client value as a plain Python value or one of our graph types."""
    if type(value) in _PLAIN:  # most values: return before the isinstance chain
        return value
    if isinstance(value, falkordb.Node):
        return _node(value)
    if isinstance(value, falkordb.Edge):
        return _relationship(value)
    if isinstance(value, falkordb.Path):
        return Path(
            nodes=tuple(_node(n) for n in value.nodes()), relationships=tuple(_relationship(e) for e in value.edges())
        )
    if isinstance(value, list):
        return [convert(v) for v in value]
    if isinstance(value, dict):
        return {str(k): convert(v) for k, v in value.items()}
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _node(node: falkordb.Node) -> Node:
    labels = node.labels or []
    return Node(
        id=str(node.id),
        labels=tuple([labels] if isinstance(labels, str) else labels),
        properties={k: convert(v) for k, v in (node.properties or {}).items()},
    )


def _relationship(edge: falkordb.Edge) -> Relationship:
    start = edge.src_node.id if isinstance(edge.src_node, falkordb.Node) else edge.src_node
    end = edge.dest_node.id if isinstance(edge.dest_node, falkordb.Node) else edge.dest_node
    return Relationship(
        id=str(edge.id),
        type=str(edge.relation),
        start=str(start),
        end=str(end),
        properties={k: convert(v) for k, v in (edge.properties or {}).items()},
    )
