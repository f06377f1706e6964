"""``bidgraph demo``: the workbench on the bundled sample data, in one command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "data" / "sample"
console = Console()


def demo(
    port: int = typer.Option(8501, help="工作台端口"),
    reload: bool = typer.Option(False, "--reload", help="即使图中已有数据也重新载入示例数据"),
) -> None:
    """启动内置数据库，载入示例数据（首次），打开研判工作台。"""
    from bidgraph.alerts.onload import alerts_after_load
    from bidgraph.graph import open_store
    from bidgraph.graph.schema import apply_schema
    from bidgraph.loaders import load_paths
    from bidgraph.settings import get_settings

    with open_store() as store:
        apply_schema(store)
        empty = store.run("MATCH (t:Tender) RETURN count(t)").value(0) == 0
        if empty or reload:
            files = sorted(SAMPLE_DIR.glob("*.csv"))
            with Progress(console=console) as progress:
                task = progress.add_task("载入示例数据", total=None)

                def advance(done: int, total: int, message: str) -> None:
                    progress.update(task, completed=done, total=total, description=message)

                report = load_paths(store, files, progress=advance, actor="demo")
            console.print(f"示例数据已载入：{report.rows_loaded:,} 行，用时 {report.elapsed_s:.1f} 秒")
            raised = alerts_after_load(store, get_settings(), report, actor="demo")
            if raised is not None:
                console.print(raised.summary())
        info = store.info()
    console.print(f"图中共有 {info.nodes:,} 个节点、{info.relationships:,} 条关系（{info.location}）")
    console.print(f"工作台地址：http://127.0.0.1:{port}  （Ctrl+C 退出；数据库继续运行，bidgraph db stop 可停止）")
    env = {**os.environ, "BIDGRAPH_DATA_DIR": str(get_settings().data_dir.resolve())}
    command = workbench_command(port)
    os.execvpe(command[0], command, env)


def workbench_command(port: int) -> list[str]:
    """The command that serves the workbench (headless, no usage statistics)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
