"""The graph store: one interface (``GraphStore``), two backends, the schema, the result
model. ``open_store()`` picks the backend from the settings."""

from __future__ import annotations

from urllib.parse import urlparse

from bidgraph.errors import StoreUnavailable
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
]


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
            **limits,
        )
        store.verify()
        return store
    import redis  # here, not at the top: importing bidgraph.graph must stay cheap (CLI start)
    from falkordb import FalkorDB

    from bidgraph.graph.falkordb_backend import FalkorStore

    try:
        if backend == "embedded":
            from bidgraph.graph.embedded import EmbeddedServer

            server = EmbeddedServer(settings.data_dir, tcp_port=settings.embedded_tcp_port)
            server.ensure_running()
            location = f"内置 FalkorDB {server.data_dir}"
            db = FalkorDB(unix_socket_path=str(server.socket), password=server.password())
        else:
            url = urlparse(settings.graph_url)
            location = f"{url.scheme}://{url.hostname}:{url.port or 6379}"
            password = settings.graph_password.get_secret_value() or url.password or None
            db = FalkorDB(
                host=url.hostname or "localhost", port=url.port or 6379, password=password, username=url.username
            )
        db.connection.ping()
    except (redis.ConnectionError, redis.AuthenticationError, redis.TimeoutError, OSError) as e:
        raise StoreUnavailable(
            "无法连接 FalkorDB",
            url=location,
            hint="服务器是否已启动、地址端口与密码（BIDGRAPH_GRAPH_PASSWORD）是否正确",
        ) from e
    return FalkorStore(db, settings.graph_name, location=location, **limits)
