"""``bidgraph bench``: performance figures on this machine."""

from __future__ import annotations

import typer
from rich.console import Console

from bidgraph.bench.store import run_store_benchmark
from bidgraph.settings import get_settings
from graph import open_store

app = typer.Typer(help="性能基准（打印数据，不做断言）", no_args_is_help=True)
console = Console()


@app.command()
def store(
    nodes: int = typer.Option(100_000, help="写入节点数（关系数相同）"),
    batch_size: int = typer.Option(2_000, help="每条 UNWIND 语句的行数"),
) -> None:
    """批量 MERGE 写入与按键点查（在临时图 bidgraph_bench 上进行）。"""
    settings = get_settings().model_copy(update={"graph_name": "bidgraph_bench"})
    with open_store(settings) as bench_store:
        bench_store.clear()
        bench_store.create_index("Company", "key", unique=True)
        try:
            result = run_store_benchmark(bench_store, nodes=nodes, batch_size=batch_size)
        finally:
            bench_store.clear()
    console.print(f"backend            {bench_store.backend}")
    console.print(f"batch size         {result.batch_size:,} rows/statement")
    console.print(
        f"node MERGE         {result.nodes:,} in {result.node_seconds:.2f} s = {result.nodes_per_s:,.0f} nodes/s"
    )
    console.print(
        f"relationship MERGE {result.relationships:,} in {result.rel_seconds:.2f} s = {result.rels_per_s:,.0f} rels/s"
    )
    console.print(
        f"point lookup       median {result.lookup_median_ms:.3f} ms, p95 {result.lookup_p95_ms:.3f} ms "
        f"({len(result.lookup_ms)} lookups)"
    )
