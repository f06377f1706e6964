"""``bidgraph bench``: performance figures on this machine."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

# Each benchmark and the store are imported inside its command (fast ``bidgraph --help``).

app = typer.Typer(help="性能基准（打印数据，不做断言）", no_args_is_help=True)
console = Console()


@app.command()
def store(
    nodes: int = typer.Option(100_000, help="写入节点数（关系数相同）"),
    batch_size: int = typer.Option(2_000, help="每条 UNWIND 语句的行数"),
) -> None:
    """批量 MERGE 写入与按键点查（在临时图 bidgraph_bench 上进行）。"""
    from bidgraph.bench.store import run_store_benchmark
    from bidgraph.graph import open_store, scratch_settings
    from bidgraph.settings import get_settings

    settings = scratch_settings(get_settings(), "bidgraph_bench")
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


@app.command("load")
def load_bench(
    size: str = typer.Option("small", help="数据规模：small / medium / large（medium、large 首次运行时生成）"),
    batch_size: Annotated[list[int] | None, typer.Option(help="每条 UNWIND 语句的行数（可重复，逐个测量）")] = None,
) -> None:
    """导入吞吐：行/秒、图元素/秒、内存峰值（在临时图 bidgraph_bench_load 上进行）。"""
    from bidgraph.bench.load import run_load_benchmark, sample_dir
    from bidgraph.graph import open_store, scratch_settings
    from bidgraph.settings import get_settings

    settings = scratch_settings(get_settings(), "bidgraph_bench_load")
    path = sample_dir(size, settings.data_dir / "bench")
    with open_store(settings) as bench_store:
        try:
            for rows_per_batch in batch_size or [settings.write_batch_size]:
                r = run_load_benchmark(
                    bench_store, path, size=size, batch_size=rows_per_batch, data_dir=settings.data_dir
                )
                console.print(
                    f"{r.size:<6} batch {r.batch_size:>6,}  rows {r.rows:>10,}  elements {r.elements:>11,}  "
                    f"check {r.check_seconds:6.1f} s  load {r.seconds:7.1f} s "
                    f"(statements {r.statement_seconds:6.1f} s)  = {r.rows_per_s:9,.0f} rows/s  "
                    f"{r.elements_per_s:9,.0f} elements/s  peak RSS {r.peak_rss_mb:,.0f} MB  server {r.server_memory}"
                )
        finally:
            bench_store.clear()


@app.command("export")
def export_bench(size: str = typer.Option("small", help="数据规模：small / medium / large（首次运行时生成）")) -> None:
    """同一数据的两种形式各导入一次：规范导入表 vs 平台导出形式（经映射），比较耗时与行/秒。"""
    from bidgraph.bench.export import export_dir, timed_load
    from bidgraph.bench.load import sample_dir
    from bidgraph.graph import open_store, scratch_settings
    from bidgraph.settings import get_settings

    settings = scratch_settings(get_settings(), "bidgraph_bench_export")
    work = settings.data_dir / "bench"
    canonical, export = sample_dir(size, work), export_dir(size, work)
    with open_store(settings) as bench_store:
        try:
            timings = [
                timed_load(bench_store, "tables", canonical, None, settings.data_dir),
                timed_load(bench_store, "export", export, export / "mapping.yaml", settings.data_dir),
            ]
        finally:
            bench_store.clear()
    for t in timings:
        console.print(
            f"{size:<6} {t.style:<6} rows {t.rows:>10,}  load {t.seconds:7.1f} s = {t.rows_per_s:9,.0f} rows/s  "
            f"dropped {t.dropped:,}"
        )
    console.print(f"export/tables time ratio {timings[1].seconds / timings[0].seconds:.2f}")


@app.command()
def ui(
    samples: int = typer.Option(20, help="搜索与展开各测多少次"),
    browser: bool = typer.Option(True, help="是否在 Chromium 中计时 500 节点关系图"),
) -> None:
    """工作台：各页面首次渲染、搜索与节点展开延迟、500 节点关系图的浏览器渲染时间（当前配置的图）。"""
    from bidgraph.bench.ui import report_lines, run_ui_benchmark
    from bidgraph.graph import open_store

    with open_store() as bench_store:
        for line in report_lines(bench_store, run_ui_benchmark(bench_store, samples=samples, browser=browser)):
            console.print(line)


@app.command("graph-ui")
def graph_ui(
    size: int = typer.Option(500, help="关系图节点数"),
    samples: int = typer.Option(8, help="双击展开测多少次（时间滑块测三倍次数）"),
) -> None:
    """关系图交互延迟：双击展开到重绘、拖动时间滑块到重绘（Chromium 中计时，当前配置的图）。"""
    from bidgraph.bench.graph_ui import run_graph_ui_benchmark
    from bidgraph.bench.ui import summary
    from bidgraph.graph import open_store

    with open_store() as bench_store:
        r = run_graph_ui_benchmark(bench_store, size=size, samples=samples)
    full = statistics.median(r.full_page_ms) if r.full_page_ms else float("nan")
    console.print(
        f"graph              {r.nodes} nodes, {r.edges} relationships; first draw {r.first_draw_ms:.0f} ms "
        f"(page load), {r.first_draw_in_frame_ms:.0f} ms of it in the drawing's frame"
    )
    console.print(f"double-click→drawn {summary(r.expand_ms)}; nodes added per expand {r.expand_added}")
    console.print(f"  of which rerun   {summary(r.round_trip_ms)} (until the new drawing reached the frame)")
    console.print(f"expand query alone {summary(r.expand_query_ms)}")
    console.print(f"slider→drawn       {summary(r.asof_ms)}")
    console.print(f"plain repaint      {summary(r.repaint_ms)} (the drawing redrawn with nothing changed)")
    console.print(f"old panel redraw   {summary(r.full_page_ms)} (fresh offline page of the same graph)")
    if r.expand_ms and r.asof_ms:
        console.print(
            f"ratios             expand/old redraw {statistics.median(r.expand_ms) / full:.2f}, "
            f"slider/old redraw {statistics.median(r.asof_ms) / full:.3f}, "
            f"expand/query alone {statistics.median(r.expand_ms) / statistics.median(r.expand_query_ms):.1f}"
        )
    for note in r.notes:
        console.print(note)


@app.command()
def detect() -> None:
    """各检测规则在当前图上的耗时；共同投标企业对统计与 DuckDB 内存计算同一统计的耗时比。"""
    from bidgraph.bench.detect import run_detect_benchmark
    from bidgraph.graph import open_store
    from bidgraph.settings import get_settings

    console.print("load average       " + " ".join(f"{v:.2f}" for v in os.getloadavg()) + " (start)")
    with open_store(get_settings()) as current:
        result = run_detect_benchmark(current)
    console.print(f"bids               {result.bids:,}  findings {result.findings:,}")
    console.print(f"link side tables   {result.side_seconds:.3f} s (from the graph: once per data version)")
    console.print(f"all detectors      {sum(result.detector_seconds.values()):.3f} s (one after the other)")
    console.print(f"all side by side   {result.together_seconds:.3f} s (as triage and alerts run them)")
    for detector, seconds in sorted(result.detector_seconds.items(), key=lambda item: -item[1]):
        console.print(f"  {detector:<20} {seconds:7.3f} s")
    console.print(
        f"bid table load     {result.load_seconds:.3f} s (columnar side table) vs "
        f"{result.graph_load_seconds:.3f} s (through the graph client)"
    )
    console.print(f"co-bid pairs       {result.pairs:,} pairs in {result.pair_seconds:.3f} s (bidgraph, with lift)")
    console.print(
        f"duckdb pairs       {result.duckdb_pairs:,} pairs in {result.duckdb_seconds:.3f} s (same member table)"
    )
    console.print(f"ratio              {result.ratio:.2f}× DuckDB")
    console.print("load average       " + " ".join(f"{v:.2f}" for v in os.getloadavg()) + " (end)")


@app.command()
def risk(runs: int = typer.Option(3, help="每项计时取最快的一次")) -> None:
    """连续风险分（每个标段与企业）在当前图上的耗时：读投标表、计算风险分、生成研判发现；对照同次运行的一次全表排序。"""
    from bidgraph.bench.risk import run_risk_benchmark
    from bidgraph.graph import open_store
    from bidgraph.settings import get_settings

    console.print("load average       " + " ".join(f"{v:.2f}" for v in os.getloadavg()) + " (start)")
    with open_store(get_settings()) as current:
        r = run_risk_benchmark(current, runs)
    console.print(f"bids               {r.bids:,}  tenders {r.tenders:,}  firms {r.firms:,}")
    rows = (("bid table read", r.read), ("risk scores", r.scores), ("risk findings", r.findings))
    for label, t in (*rows, ("reference pass", r.reference)):
        console.print(f"{label:<18} {t.wall:7.3f} s wall  {t.cpu:7.3f} s cpu")
    console.print("(reference pass: rank every bid's price within its tender, same run)")
    console.print(f"ratio              {r.ratio:.1f}× the reference pass (scores + findings, cpu)")
    console.print("load average       " + " ".join(f"{v:.2f}" for v in os.getloadavg()) + " (end)")


@app.command("similarity")
def similarity_bench(
    size: str = typer.Option("small", help="规模：small（60个标段）/ medium（400个标段）"),
    seed: int = typer.Option(20240501, help="随机种子"),
    growth: bool = typer.Option(True, help="同时测量耗时随每标段文件数的增长"),
) -> None:
    """标书雷同：生成投标文件上的成对精确率/召回率、每千份文件耗时、随每标段文件数的增长（同次运行内比值）。"""
    from bidgraph.bench import similarity as sim_bench
    from bidgraph.errors import QueryError

    if size not in sim_bench.SIZES:
        raise QueryError(f"规模应为 {'、'.join(sim_bench.SIZES)}")
    acc = sim_bench.accuracy(size, seed)
    console.print(
        f"{size}: {acc.documents:,} 份文件，植入雷同对 {acc.planted}，判定 {acc.flagged}，正确 {acc.true_positives}；"
        f"P={acc.precision:.3f} R={acc.recall:.3f}；模板干扰对被判定 {acc.decoys_flagged}；"
        f"比对 {acc.seconds:.2f} 秒 = {acc.seconds_per_1000:.2f} 秒/千份"
    )
    console.print(f"  其中仅凭文字重合（已扣除样板）可判定 {acc.by_text} 对，仅凭两处以上共同错误 {acc.by_slips} 对")
    for missed in acc.missed:
        console.print(f"  漏检：{missed}")
    if growth:
        steps = sim_bench.growth(seed)
        base = steps[0][2] / steps[0][1]
        for k, docs, seconds, candidates in steps:
            ratio = seconds / docs / base
            console.print(
                f"每标段 {k:>2} 份：{docs:,} 份 {seconds:.2f} 秒，每份耗时为 5 份/标段时的 {ratio:.2f} 倍，"
                f"候选对 {candidates:,}（标段内全配对 {docs * (k - 1) // 2:,}）"
            )


@app.command("extract")
def extract_bench(
    data: Annotated[Path, typer.Option("--data", help="公告目录：含 reference.jsonl（或其子目录含）")],
    output_format: Annotated[str, typer.Option("--format", help="table 或 json")] = "table",
    set_aside: Annotated[
        Path | None, typer.Option("--set-aside", help="已核实的参考数据错误（JSON：infoid、field、item）")
    ] = None,
    show: Annotated[int, typer.Option(help="列出前 N 条不一致（人工核对用）")] = 0,
) -> None:
    """公告抽取准确率：逐字段 P/R/F1（对照 reference.jsonl）与每秒处理公告数（单核）。"""
    from bidgraph.bench.extract import run_extract_benchmark

    result = run_extract_benchmark(data, set_aside)
    payload = result.as_json()
    if output_format == "json":
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console.print(f"{'field':<14}{'precision':>10}{'recall':>9}{'f1':>8}{'tp':>7}{'fp':>6}{'fn':>6}")
        for name, s in result.scores().items():
            console.print(
                f"{name:<14}{s['precision']:>10.4f}{s['recall']:>9.4f}{s['f1']:>8.4f}{s['tp']:>7}{s['fp']:>6}{s['fn']:>6}"
            )
        console.print(
            f"notices {payload['notices']}  notices/s {payload['notices_per_s']} (wall clock), "
            f"{payload['notices_per_cpu_s']} per CPU second (one core)"
        )
        console.print(f"pipeline warm-up (jieba dictionary) {payload['warmup_s']} s, not counted")
    for row in result.disagreements[:show]:
        console.print(row)


@app.command()
def restart(
    size: str = typer.Option("small", help="数据规模：small / medium / large（medium、large 首次运行时生成）"),
    data: Annotated[Path | None, typer.Option(help="改用这个目录的数据文件")] = None,
) -> None:
    """重启耗时：把数据导入一个全新的临时数据目录，停止后再启动，报告重启/导入时间比与日志 CRITICAL 行数。"""
    from bidgraph.bench.load import sample_dir
    from bidgraph.bench.resilience import run_restart_benchmark
    from bidgraph.settings import get_settings

    settings = get_settings()
    path = data or sample_dir(size, settings.data_dir / "bench")
    with tempfile.TemporaryDirectory(prefix="restart-", dir=settings.data_dir) as scratch:
        r = run_restart_benchmark(settings.model_copy(update={"data_dir": Path(scratch)}), path)
    console.print(f"data               {path} ({r.nodes:,} nodes)")
    console.print(f"load               {r.load_seconds:.1f} s")
    console.print(f"restart            {r.restart_seconds:.1f} s  (ready + recovery check)")
    console.print(f"ratio              {r.ratio:.3f} × load")
    console.print(f"CRITICAL lines     {r.critical_lines}")


@app.command()
def abuse(timeout_s: int = typer.Option(10, help="滥用查询的超时（秒）")) -> None:
    """滥用查询（超大 range、几百万行结果限 500 行、reduce 拼接字符串）运行时，另一用户探测查询的延迟（当前图）。"""
    from bidgraph.bench.resilience import ABUSE, run_abuse_benchmark
    from bidgraph.settings import get_settings

    r = run_abuse_benchmark(get_settings(), timeout_ms=timeout_s * 1000)
    for name in ABUSE:
        console.print(f"{name:<22} {r.outcomes.get(name, '?')}")
    console.print(
        f"probe              {len(r.probes_ms)} answers, median {r.median_ms:.0f} ms, max {r.max_ms:.0f} ms, "
        f"errors {r.probe_errors}"
    )
    console.print(f"server up          {r.server_up}")


@app.command("all")
def all_bench(
    size: str = typer.Option("small", help="数据规模：small / medium / large（medium、large 首次运行时生成）"),
    data: Annotated[Path | None, typer.Option(help="改用这个目录的数据文件")] = None,
    output: str = typer.Option("text", "--format", help="text / json"),
) -> None:
    """全部基准一次跑完：导入（对比 falkordb-bulk-loader 单独导入同样的元素）、各检测规则（对比 DuckDB）、
    重启；配置了 Neo4j 时再在其临时数据库上测导入与检测。同时打印机器负载。"""
    from bidgraph.bench.all import run_all_benchmarks
    from bidgraph.bench.load import sample_dir
    from bidgraph.settings import get_settings

    settings = get_settings()
    path = data or sample_dir(size, settings.data_dir / "bench")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-all-", dir=settings.data_dir) as scratch:
        result = run_all_benchmarks(settings, path, Path(scratch))
    result["size"] = size
    if output == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_all(result)


def _print_all(result: dict) -> None:
    start, end = result["load_average_start"], result["load_average_end"]
    console.print(f"data               {result['data']}")
    console.print(f"load average       start {start[0]:.2f} {start[1]:.2f} {start[2]:.2f}, end {end[0]:.2f}")
    falkor = result["falkordb"]
    load = falkor["load"]
    console.print(
        f"load (bidgraph)    {load['seconds']:.1f} s, {load['rows']:,} rows, {load['elements']:,} elements "
        f"= {load['elements_per_s']:,} elements/s"
    )
    console.print(
        f"load (bulk loader) {load['bulk_loader_seconds']:.1f} s = {load['bulk_loader_elements_per_s']:,} elements/s"
        f"  → bidgraph at {load['speed_vs_bulk_loader']:.2f}× the bulk loader's speed"
    )
    _print_detect(falkor["detect"])
    restart = falkor["restart"]
    console.print(f"restart            {restart['seconds']:.1f} s ({restart['ratio_to_load']:.3f} × load)")
    neo4j = result["neo4j"]
    if isinstance(neo4j, str):
        console.print(f"Neo4j              {neo4j}")
        return
    console.print(
        f"Neo4j load         {neo4j['load']['seconds']:.1f} s = {neo4j['load']['elements_per_s']:,} elements/s"
    )
    _print_detect(neo4j["detect"], prefix="Neo4j ")


def _print_detect(detect: dict, prefix: str = "") -> None:
    console.print(
        f"{prefix}detectors    {detect['total_seconds']:.1f} s in all, {detect['findings']:,} findings on "
        f"{detect['bids']:,} bids"
    )
    for name, seconds in detect["detector_seconds"].items():
        console.print(f"  {name:<20} {seconds:7.3f} s")
    pairs, table = detect["cobid_pairs"], detect["bid_table_seconds"]
    console.print(
        f"  co-bid pairs       {pairs['bidgraph_seconds']:.3f} s vs DuckDB {pairs['duckdb_seconds']:.3f} s "
        f"({pairs['ratio_to_duckdb']:.2f}×); bid table {table['side_table']:.3f} s (side table) vs "
        f"{table['through_graph']:.3f} s (graph)"
    )
