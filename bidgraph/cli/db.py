"""``bidgraph db``: start, stop, inspect and initialise the graph database."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

# The store and the embedded server are imported inside the commands (fast ``bidgraph --help``).

app = typer.Typer(help="数据库：启动、停止、状态、初始化", no_args_is_help=True)
console = Console()


@app.command()
def start() -> None:
    """启动内置 FalkorDB（已在运行则复用）。"""
    from bidgraph.graph.embedded import EmbeddedServer
    from bidgraph.settings import get_settings

    settings = get_settings()
    if settings.backend != "embedded":
        console.print(f"使用外部数据库 {settings.graph_url}，无需启动。")
        return
    from bidgraph.graph import open_store

    server = EmbeddedServer(settings.data_dir, tcp_port=settings.embedded_tcp_port)
    started = time.monotonic()
    server.ensure_running(progress=lambda text: console.print(text))
    with open_store(settings):  # rolls back a load that died part-way, if any
        pass
    console.print(
        f"内置数据库运行中：pid {server.status().pid}，套接字 {server.socket}（{time.monotonic() - started:.1f} 秒）"
    )


@app.command()
def stop() -> None:
    """停止内置 FalkorDB（数据已持久化）。"""
    from bidgraph.graph.embedded import EmbeddedServer
    from bidgraph.settings import get_settings

    server = EmbeddedServer(get_settings().data_dir)
    console.print("已停止。" if server.stop() else "内置数据库未在运行。")


@app.command()
def status() -> None:
    """显示后端、版本、数据目录、节点/关系数与内存（不会启动数据库）。"""
    from bidgraph.graph import open_store
    from bidgraph.graph.embedded import EmbeddedServer
    from bidgraph.settings import get_settings

    settings = get_settings()
    if settings.backend == "embedded":
        state = EmbeddedServer(settings.data_dir, socket_timeout_s=5).status().state
        if state != "ready":
            console.print(f"内置数据库{_STATES[state]}（数据目录 {settings.data_dir}）。")
            raise typer.Exit(1)
    with open_store(settings) as store:
        info = store.info()
    table = Table(show_header=False)
    for name, value in (
        ("后端 backend", info.backend),
        ("版本 version", info.version),
        ("位置 location", info.location),
        ("节点 nodes", f"{info.nodes:,}"),
        ("关系 relationships", f"{info.relationships:,}"),
        ("内存 memory", info.memory or "—"),
    ):
        table.add_row(name, value)
    console.print(table)


_STATES = {
    "down": "未在运行；启动：bidgraph db start",
    "loading": "正在载入数据，请稍候",
    "silent": "进程在但没有响应（是否被暂停或卡住？见 falkordb/server.log）",
}


@app.command()
def init() -> None:
    """按 schema 创建索引与唯一约束（可重复执行）。"""
    from bidgraph.graph import open_store
    from bidgraph.graph.schema import apply_schema

    with open_store() as store:
        created = apply_schema(store)
    console.print(
        f"新建索引 {len(created)} 个"
        + (f"：{', '.join(f'{lb}.{p}' for lb, p in created)}" if created else "（均已存在）")
    )


@app.command()
def reset(yes: bool = typer.Option(False, "--yes", help="确认删除整个图")) -> None:
    """删除整个图（不可恢复）。"""
    from bidgraph.graph import open_store
    from bidgraph.graph.schema import apply_schema

    if not yes:
        raise typer.BadParameter("这会删除全部图数据；确认请加 --yes")
    with open_store() as store:
        store.clear()
        apply_schema(store)
    console.print("图已清空并重建索引。")
