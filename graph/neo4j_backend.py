"""Neo4j backend (5.x+, single instance, cluster or Aura) through the official driver (6.x).

Every statement is plain query text; its timeout rides on the transaction
(``unit_of_work(timeout=…)`` for managed READ/WRITE transactions, ``begin_transaction(timeout=…)``
for an explicit one). Statements that manage their own transactions (``CALL { … } IN
TRANSACTIONS``) run in auto-commit ``session.run``. Every driver error becomes one of our
errors. What ``atomic()`` guarantees here is in ``atomic``'s docstring and the README."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import GraphDatabase, unit_of_work
from neo4j import exceptions as neo_errors

from bidgraph.errors import BidgraphError, QueryError, ReadOnlyViolation, StoreUnavailable
from bidgraph.graph.model import Result
from bidgraph.graph.neo4j_values import convert, query_error
from bidgraph.graph.store import GraphStore, StoreInfo, looks_like_write, truncate

# Rows removed per statement when a failed load is undone (keeps each transaction small).
UNDO_BATCH = 10_000
_LOGIN = "用户名与密码（BIDGRAPH_GRAPH_USER/PASSWORD）"
_UNREACHABLE = "地址、端口、网络与数据库是否已启动"

Work = Callable[[Any], tuple[list[str], list[tuple[Any, ...]], dict[str, int]]]


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
        notifications: str = "OFF",
    ) -> None:
        super().__init__(timeout_ms=timeout_ms, row_limit=row_limit, batch_size=batch_size)
        self._url = url
        self._database = database or None
        try:
            # Retries ride out a cluster leader switch; longer would leave a user waiting.
            # Notifications below the configured severity are not even sent by the server
            # (Bolt 5.2+), so nothing is printed on stderr for deprecations or hints.
            self._driver = GraphDatabase.driver(
                url,
                auth=(user, password) if password else None,
                connection_timeout=10,
                max_transaction_retry_time=5,
                notifications_min_severity=notifications,
                warn_notification_severity="OFF",
            )
        except (ValueError, TypeError, neo_errors.ConfigurationError) as e:
            raise StoreUnavailable(f"Neo4j 地址或配置无效：{e}", url=url) from e
        self._tx: neo4j.Transaction | None = None
        self._load_id: str | None = None

    @property
    def database(self) -> str | None:
        return self._database

    def verify(self) -> None:
        """Fail now, with a clear message, if the server cannot be reached."""
        try:
            self._driver.verify_connectivity()
        except neo_errors.AuthError as e:
            raise StoreUnavailable("Neo4j 拒绝登录", url=self._url, hint=_LOGIN) from e
        except (neo_errors.DriverError, neo_errors.Neo4jError, OSError) as e:
            raise StoreUnavailable("无法连接 Neo4j", url=self._url, hint=_UNREACHABLE) from e
        self.run("RETURN 1")  # the database exists and answers

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
        values = dict(params or {})

        def work(tx: neo4j.ManagedTransaction | neo4j.Transaction) -> tuple[list[str], list[tuple[Any, ...]], dict]:
            return _fetch(tx.run(query, values), cap)

        started = time.perf_counter()
        with self._errors(query, timeout):
            if self._tx is not None and not read_only:
                columns, rows, counters = work(self._tx)
            else:
                managed = unit_of_work(timeout=timeout / 1000 if timeout else None)(work)
                mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
                with self._session(mode) as session:
                    execute = session.execute_read if read_only else session.execute_write
                    columns, rows, counters = execute(managed)
        elapsed = (time.perf_counter() - started) * 1000
        kept, truncated = truncate(rows, cap)
        return Result(tuple(columns), kept, truncated=truncated, elapsed_ms=elapsed, counters=counters)

    def run_autocommit(self, query: str, params: Mapping[str, Any] | None = None) -> Result:
        """A statement that commits on its own (``CALL { … } IN TRANSACTIONS`` may not run
        inside a managed transaction). No client-side timeout: it is meant for bulk work."""
        started = time.perf_counter()
        with self._errors(query, 0), self._session(neo4j.WRITE_ACCESS) as session:
            columns, rows, counters = _fetch(session.run(query, dict(params or {})), 0)
        return Result(tuple(columns), tuple(rows), elapsed_ms=(time.perf_counter() - started) * 1000, counters=counters)

    @contextmanager
    def atomic(self, *, load_id: str | None = None) -> Iterator[None]:
        """Without ``load_id``: one explicit transaction (``begin_transaction(timeout=…)``);
        all writes land or none — bounded by the server's transaction memory.

        With ``load_id`` (loads): every batch commits on its own, so a province-size load
        fits in the default heap; if the scope fails, every node and relationship the load
        CREATED (``first_load = load_id``) and its ``Load`` record are deleted in batches.
        Property values the failed load set on elements that existed before stay (loads are
        idempotent MERGEs: loading the corrected files again converges)."""
        if self._tx is not None or self._load_id is not None:
            yield
            return
        if load_id is not None:
            self._load_id = load_id
            try:
                yield
            except BaseException:
                self.undo_load(load_id)
                raise
            finally:
                self._load_id = None
            return
        with self._errors("BEGIN", self.timeout_ms), self._session(neo4j.WRITE_ACCESS) as session:
            tx = session.begin_transaction(timeout=self.timeout_ms / 1000 if self.timeout_ms else None)
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
                tx.close()

    def undo_load(self, load_id: str) -> int:
        """Delete what the load ``load_id`` created, in small transactions; returns how many
        elements went. Relationships first, so a node's DETACH never grows a transaction."""
        from bidgraph.graph.schema import KEY, schema

        removed = 0
        statements = (
            "MATCH ()-[r]->() WHERE r.first_load = $id WITH r LIMIT $n DELETE r RETURN count(*)",
            "MATCH (n) WHERE n.first_load = $id WITH n LIMIT $n DETACH DELETE n RETURN count(*)",
            f"MATCH (n:{schema().label('Load')} {{{KEY}: $id}}) WITH n LIMIT $n DETACH DELETE n RETURN count(*)",
        )
        for statement in statements:
            while count := self.run(statement, {"id": load_id, "n": UNDO_BATCH}, read_only=False, limit=0).value(0):
                removed += count
        return removed

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
        # Batches of 10k rows commit on their own: a large graph never needs a large heap.
        self.run_autocommit("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")

    def close(self) -> None:
        self._driver.close()

    def _session(self, mode: str) -> neo4j.Session:
        return self._driver.session(database=self._database, default_access_mode=mode)

    @contextmanager
    def _errors(self, query: str, timeout_ms: int) -> Iterator[None]:
        """Every driver error as one of ours (the CLI and pages print those cleanly)."""
        try:
            yield
        except BidgraphError:
            raise
        except neo_errors.AuthError as e:
            raise StoreUnavailable("Neo4j 拒绝登录", url=self._url, hint=_LOGIN) from e
        except neo_errors.Neo4jError as e:
            raise query_error(e, query, timeout_ms) from e
        except (neo_errors.ServiceUnavailable, neo_errors.SessionExpired, OSError) as e:
            raise StoreUnavailable("无法连接 Neo4j", url=self._url, hint=_UNREACHABLE) from e
        except neo_errors.DriverError as e:  # IncompleteCommit, TransactionError, pool errors…
            message = f"Neo4j 驱动报错：{type(e).__name__}：{e}；请重试，若重复出现请检查服务器日志"
            raise QueryError(message, query=query) from e


def _fetch(cursor: neo4j.Result, cap: int) -> tuple[list[str], list[tuple[Any, ...]], dict[str, int]]:
    rows = []
    for record in cursor:
        rows.append(tuple(convert(v) for v in record.values()))
        if cap and len(rows) > cap:
            break
    summary = cursor.consume()
    return list(cursor.keys()), rows, _counters(summary.counters)


def _counters(counters: Any) -> dict[str, int]:
    names = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set")
    return {name: getattr(counters, name) for name in names if getattr(counters, name, 0)}
