"""FalkorDB backend (embedded or a server by URL) through the official ``falkordb`` client."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import redis
from falkordb import FalkorDB

from bidgraph.errors import QueryError, ReadOnlyViolation, StoreUnavailable
from bidgraph.graph.falkordb_values import convert, query_error
from bidgraph.graph.model import Result
from bidgraph.graph.store import GraphStore, StoreInfo, looks_like_write, push_limit, truncate

_ALREADY_INDEXED = "already indexed"
_AUTO_REWRITE = "auto-aof-rewrite-percentage"


class FalkorStore(GraphStore):
    backend = "falkordb"
    bulk_first_load = True  # BIDGRAPH_BULK_FIRST_LOAD (set by open_store)

    def __init__(
        self,
        db: FalkorDB,
        graph_name: str,
        *,
        location: str,
        timeout_ms: int,
        row_limit: int,
        batch_size: int,
        embedded: bool = False,
    ) -> None:
        super().__init__(timeout_ms=timeout_ms, row_limit=row_limit, batch_size=batch_size)
        self._db = db
        self._name = graph_name
        self._graph = db.select_graph(graph_name)
        self._location = location
        self._embedded = embedded
        self._atomic_depth = 0
        self._timeout_max = _config(db, "TIMEOUT_MAX")

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
        if self._timeout_max:  # the server refuses a longer timeout than its maximum
            timeout = min(timeout or self._timeout_max, self._timeout_max)
        cap = self._cap(limit)
        started = time.perf_counter()
        try:
            call = self._graph.ro_query if read_only else self._graph.query
            # one row more than the cap: the server stops there, and we know it was cut
            sent = push_limit(query, cap + 1) if read_only and cap else query
            try:
                raw = call(sent, dict(params or {}), timeout=timeout or None)
            except redis.ResponseError as e:
                if not (read_only and "empty key" in str(e)):
                    raise
                # no graph yet (nothing loaded): GRAPH.QUERY creates it empty and answers
                # as for any empty graph; the text was checked to be read-only above
                raw = self._graph.query(sent, dict(params or {}), timeout=timeout or None)
        except redis.ResponseError as e:
            raise query_error(e, query, timeout) from e
        except (redis.RedisError, OSError) as e:
            raise unavailable(e, self._location) from e
        elapsed = (time.perf_counter() - started) * 1000
        columns = tuple(str(h[1]) for h in (raw.header or []))
        rows, truncated = truncate([tuple(convert(v) for v in row) for row in raw.result_set or []], cap)
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
        """FalkorDB has no multi-statement transactions, so the scope keeps a serialised
        copy of the graph (``snapshot``) and puts it back if anything fails. No fork, no
        temporary file, no second graph key (GRAPH.COPY forked, wrote the graph to /tmp
        and collided with the append-only file's rewrite)."""
        if self._atomic_depth:
            self._atomic_depth += 1
            try:
                yield
            finally:
                self._atomic_depth -= 1
            return
        before = self.snapshot()
        self._atomic_depth = 1
        try:
            yield
        except BaseException:
            self.restore(before)
            raise
        finally:
            self._atomic_depth = 0

    def snapshot(self) -> bytes:
        """The graph serialised by the server (DUMP, in process, no fork); ``b""`` when
        there is no graph yet."""
        try:
            return self._db.connection.dump(self._name) or b""
        except redis.RedisError as e:
            raise unavailable(e, self._location) from e

    def restore(self, payload: bytes | None) -> None:
        """Put the graph back as ``snapshot`` returned it (DEL + RESTORE, one MULTI)."""
        try:
            with self._db.connection.pipeline(transaction=True) as pipe:
                pipe.delete(self._name)
                if payload:
                    pipe.restore(self._name, 0, payload)
                pipe.execute()
        except redis.RedisError as e:
            raise unavailable(e, self._location) from e

    def compact(self) -> None:
        """Start rewriting the embedded server's append-only file as one RDB image, so the
        next start reads the data instead of replaying every write. The rewrite runs in
        the server's forked child while the load goes on (the side tables: 10 s on a
        province); ``EmbeddedServer.stop`` waits for it before shutting down."""
        if not self._embedded:
            return
        with contextlib.suppress(redis.ResponseError):  # a rewrite already running
            self._db.connection.bgrewriteaof()

    def info(self) -> StoreInfo:
        server = self._db.connection.info("server")
        memory = self._db.connection.info("memory")
        modules = {m["name"]: m["ver"] for m in self._db.connection.module_list()}
        version = f"FalkorDB {_module_version(modules.get('graph', 0))} (Redis {server.get('redis_version', '?')})"
        nodes, rels = self._counts() if self._exists() else (0, 0)
        return StoreInfo(
            backend=self.backend,
            version=version,
            location=f"{self._location} 图 {self._name}",
            nodes=nodes,
            relationships=rels,
            memory=str(memory.get("used_memory_human", "")),
        )

    def _counts(self) -> tuple[int, int]:
        """Node and relationship counts from the graph's own statistics: counting the
        relationships with ``MATCH ()-[r]->()`` scans every edge (18 s on 1.4M edges,
        and every data-version check asks)."""
        try:
            row = self.run("CALL db.meta.stats() YIELD nodeCount, relCount RETURN nodeCount, relCount").rows[0]
            return int(row[0]), int(row[1])
        except QueryError:  # a server without the procedure
            nodes = self.run("MATCH (n) RETURN count(n)").value(0)
            return nodes, self.run("MATCH ()-[r]->() RETURN count(r)").value(0)

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
            raise query_error(e, "CREATE INDEX", self.timeout_ms) from e
        if unique:
            try:
                self._graph.create_node_unique_constraint(label, prop)
            except redis.ResponseError as e:
                if "already exists" not in str(e).lower():
                    raise query_error(e, "GRAPH.CONSTRAINT", self.timeout_ms) from e
        return True

    # -- first loads by GRAPH.BULK (``loaders/bulk.py``) ----------------------------------
    def staging(self, name: str) -> FalkorStore:
        """A store on another graph key of the same server (a bulk first load builds the
        graph there, then ``replace_with`` swaps it in)."""
        return FalkorStore(
            self._db,
            name,
            location=self._location,
            timeout_ms=self.timeout_ms,
            row_limit=self.row_limit,
            batch_size=self.batch_size,
            embedded=self._embedded,
        )

    def bulk_insert(self, args: list[Any]) -> None:
        """One GRAPH.BULK command into this graph key (``BEGIN`` creates it)."""
        try:
            self._db.connection.execute_command("GRAPH.BULK", self._name, *args)
        except redis.ResponseError as e:
            raise QueryError(f"批量导入被数据库拒绝：{e}", query="GRAPH.BULK") from e
        except (redis.RedisError, OSError) as e:
            raise unavailable(e, self._location) from e

    def index_new_graph(self, plan: Sequence[tuple[str, str, bool]]) -> None:
        """Create ``plan``'s (label, property, unique) indexes and then its unique
        constraints on this new graph, in one round trip (a pipeline). On a populated
        graph the server builds them in the background (``bulk.wait_for_indexes``), so a
        bulk first load asks right after its last node command: they are built while the
        relationships are inserted (which touch no node property)."""
        try:
            with self._db.connection.pipeline(transaction=False) as pipe:
                for label, prop, _ in plan:
                    pipe.execute_command("GRAPH.QUERY", self._name, f"CREATE INDEX FOR (n:`{label}`) ON (n.`{prop}`)")
                for label, prop, unique in plan:
                    if unique:
                        pipe.execute_command(
                            "GRAPH.CONSTRAINT", "CREATE", self._name, "UNIQUE", "NODE", label, "PROPERTIES", 1, prop
                        )
                pipe.execute()
        except redis.ResponseError as e:
            raise query_error(e, "CREATE INDEX", self.timeout_ms) from e
        except (redis.RedisError, OSError) as e:
            raise unavailable(e, self._location) from e

    @contextmanager
    def rewrites_paused(self) -> Iterator[None]:
        """No automatic rewrite of the embedded server's append-only file starts inside
        the scope: a bulk build appends its commands (~2 GB on a province), and each time
        the file doubled the server forked a rewrite of the half-built staging graph. The
        setting is put back after, also on failure (a server by URL keeps its own)."""
        if not self._embedded:
            yield
            return
        connection = self._db.connection
        try:
            before = connection.config_get(_AUTO_REWRITE)[_AUTO_REWRITE]
            connection.config_set(_AUTO_REWRITE, 0)
        except redis.RedisError as e:
            raise unavailable(e, self._location) from e
        failed = True
        try:
            yield
            failed = False
        finally:
            try:
                connection.config_set(_AUTO_REWRITE, before)
            except redis.RedisError as e:
                if not failed:  # (on failure the first error is the one to report)
                    raise unavailable(e, self._location) from e

    def replace_with(self, staging: FalkorStore) -> None:
        """Put the ``staging`` graph in this key's place in one step (RENAME: no fork, no
        copy; readers see the old graph or the new one, never half of it)."""
        try:
            self._db.connection.rename(staging.graph_name, self._name)
        except (redis.RedisError, OSError) as e:
            raise unavailable(e, self._location) from e

    def drop(self) -> None:
        """Delete this graph key (a staging graph left by a failed bulk load)."""
        try:
            self._db.connection.delete(self._name)
        except (redis.RedisError, OSError) as e:
            raise unavailable(e, self._location) from e

    def keys(self, pattern: str) -> list[str]:
        """Graph keys of the server matching ``pattern`` (stale staging graphs)."""
        return [k.decode() if isinstance(k, bytes) else k for k in self._db.connection.keys(pattern)]

    def clear(self) -> None:
        if self._exists():
            self._graph.delete()

    def close(self) -> None:
        self._db.connection.close()


def unavailable(error: BaseException, location: str) -> StoreUnavailable:
    """A lost or silent connection as the Chinese error that says what to check."""
    if isinstance(error, redis.TimeoutError | TimeoutError):
        return StoreUnavailable(
            "FalkorDB 在时限内没有响应（查询过重、服务器未能按超时中止它，或数据库进程被暂停/卡住）",
            url=location,
            hint="简化查询；数据库进程状态（bidgraph db status；内置数据库的日志在数据目录 falkordb/server.log）；"
            "或调大 BIDGRAPH_SOCKET_TIMEOUT_S",
        )
    return StoreUnavailable(
        "与 FalkorDB 的连接中断", url=location, hint="数据库是否仍在运行（bidgraph db status），然后重试"
    )


def _config(db: FalkorDB, name: str) -> int:
    """A FalkorDB configuration value (0 if the server does not report it)."""
    try:
        reply = db.connection.execute_command("GRAPH.CONFIG", "GET", name)
    except redis.ResponseError:
        return 0
    except redis.RedisError as e:
        raise unavailable(e, "") from e
    try:
        return int(reply[1])
    except (IndexError, TypeError, ValueError):
        return 0


def _module_version(number: int) -> str:
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}" if number else "?"
