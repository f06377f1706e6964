"""The graph store: one interface (``GraphStore``), two backends, the schema, the result
model. ``open_store()`` picks the backend from the settings."""

from __future__ import annotations

from urllib.parse import urlparse

from bidgraph.errors import ConfigError, StoreUnavailable
from bidgraph.graph.model import Node, Path, Relationship, Result, Subgraph
from bidgraph.graph.store import GraphStore, StoreInfo
from bidgraph.settings import Settings, get_settings

__all__ = [
    "GraphStore",
    "Node",
    "Path",
    "Relationship",
    "Result",
    "StoreInfo",
    "Subgraph",
    "open_store",
    "scratch_settings",
]


def scratch_settings(settings: Settings, name: str) -> Settings:
    """Settings for a graph that ``evaluate`` / ``bench`` may wipe: another FalkorDB graph
    key, or on Neo4j the configured scratch database (never the user's database)."""
    if settings.backend != "neo4j":
        return settings.model_copy(update={"graph_name": name})
    scratch = settings.neo4j_scratch_database.strip()
    if not scratch or scratch == (settings.neo4j_database or "neo4j"):
        raise ConfigError(
            "在 Neo4j 上运行评估或基准会清空所用数据库；为保护现有数据已拒绝运行。"
            "请在 Neo4j 上另建一个数据库（如 CREATE DATABASE bidgraphscratch，需企业版），"
            "并设置 BIDGRAPH_NEO4J_SCRATCH_DATABASE 为它（不能与 BIDGRAPH_NEO4J_DATABASE 相同）"
        )
    return settings.model_copy(update={"neo4j_database": scratch})


def open_store(settings: Settings | None = None) -> GraphStore:
    """Connect to the configured graph, starting the embedded server if needed."""
    settings = settings or get_settings()
    limits = {
        "timeout_ms": settings.query_timeout_ms,
        "row_limit": settings.row_limit,
        "batch_size": settings.write_batch_size,
    }
    backend = settings.backend
    if backend == "neo4j":
        from bidgraph.graph.neo4j_backend import Neo4jStore

        store = Neo4jStore(
            settings.graph_url,
            user=settings.graph_user,
            password=settings.graph_password.get_secret_value(),
            database=settings.neo4j_database or None,
            notifications=settings.neo4j_notifications,
            **limits,
        )
        store.verify()
        store.data_dir = settings.data_dir
        return store
    import redis  # here, not at the top: importing bidgraph.graph must stay cheap (CLI start)
    from falkordb import FalkorDB

    from bidgraph.graph.embedded import connection_options
    from bidgraph.graph.falkordb_backend import FalkorStore
    from bidgraph.graph.journal import recover

    # a query may legitimately run for its whole timeout; past that, silence is a fault
    timeouts = connection_options(max(settings.socket_timeout_s, settings.query_timeout_ms / 1000 + 2))
    try:
        if backend == "embedded":
            from bidgraph.graph.embedded import EmbeddedServer, ServerLimits

            server = EmbeddedServer(
                settings.data_dir,
                tcp_port=settings.embedded_tcp_port,
                socket_timeout_s=timeouts["socket_timeout"],
                limits=ServerLimits(timeout_ms=settings.query_timeout_ms, query_memory_mb=settings.query_memory_mb),
            )
            server.ensure_running()
            location = f"内置 FalkorDB {server.data_dir}"
            db = FalkorDB(unix_socket_path=str(server.socket), password=server.password(), **timeouts)
        else:
            url = urlparse(settings.graph_url)
            location = f"{url.scheme}://{url.hostname}:{url.port or 6379}"
            password = settings.graph_password.get_secret_value() or url.password or None
            db = FalkorDB(
                host=url.hostname or "localhost",
                port=url.port or 6379,
                password=password,
                username=url.username,
                **timeouts,
            )
        db.connection.ping()
    except redis.TimeoutError as e:
        raise StoreUnavailable(
            f"FalkorDB 在 {timeouts['socket_timeout']:g} 秒内没有响应",
            url=location,
            hint="数据库进程是否被暂停或卡住（bidgraph db status；日志在数据目录 falkordb/server.log）",
        ) from e
    except (redis.ConnectionError, redis.AuthenticationError, OSError) as e:
        raise StoreUnavailable(
            "无法连接 FalkorDB",
            url=location,
            hint="服务器是否已启动、地址端口与密码（BIDGRAPH_GRAPH_PASSWORD）是否正确",
        ) from e
    store = FalkorStore(db, settings.graph_name, location=location, embedded=backend == "embedded", **limits)
    store.data_dir = settings.data_dir
    store.bulk_first_load = settings.bulk_first_load
    recover(store, settings.data_dir)  # a load that died part-way is rolled back first
    return store
