"""``bidgraph load`` (import data exports) and ``bidgraph loads`` (load history)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from bidgraph.loaders.report import LoadReport

from bidgraph.cli.identity import acting_admin

console = Console()
SHOWN_ERRORS = 30
EXIT_PARTIAL = 3  # written, but rows or files were left out: scripts must not take it for success


PathsArg = Annotated[list[Path], typer.Argument(help="CSV / .xlsx / OCDS JSON 文件或目录")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="只检查，不写入")]
SkipOpt = Annotated[bool, typer.Option("--skip-invalid", help="跳过有错误的行，导入其余行")]
MappingOpt = Annotated[Path | None, typer.Option("--mapping", help="列映射 YAML 文件")]
ErrorsOpt = Annotated[Path | None, typer.Option("--errors-csv", help="错误明细 CSV 的保存路径")]
LimitOpt = Annotated[int, typer.Option("--limit", help="显示条数")]


def load(
    paths: PathsArg,
    dry_run: DryRunOpt = False,
    skip_invalid: SkipOpt = False,
    mapping: MappingOpt = None,
    errors_csv: ErrorsOpt = None,
) -> None:
    """检查并导入数据文件（默认严格模式：任何一行出错则全部不写入）。"""
    from bidgraph import loaders
    from bidgraph.alerts.onload import alerts_after_load
    from bidgraph.cli.account import print_account
    from bidgraph.graph import open_store
    from bidgraph.settings import get_settings

    settings = get_settings()
    actor = "" if dry_run else acting_admin()  # loading is the administrator's, as on the 数据 page
    raised = None
    with open_store(settings) as store, _progress() as bar:
        task = bar.add_task("检查", total=None)

        def progress(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total or None, description=message)

        if dry_run:
            report = loaders.validate_paths(paths, mapping=mapping, store=store, progress=progress)
        else:
            report = loaders.load_paths(
                store, paths, skip_invalid=skip_invalid, mapping=mapping, progress=progress, actor=actor
            )
            bar.update(task, total=None, description="生成预警")
            raised = alerts_after_load(store, settings, report, actor=actor)
    _print_report(report)
    if raised is not None:
        console.print(raised.summary())
    print_account(console, report)
    if report.errors:
        target = errors_csv or settings.data_dir / "load-errors" / f"{report.load_id}.csv"
        report.write_errors_csv(target)
        console.print(f"错误明细（{report.errors_total:,} 条）已写入 {target}")
    if report.partial:
        console.print(
            f"[bold yellow]部分导入[/]：退出码 {EXIT_PARTIAL}；修正错误后可重新导入同一批文件（已导入的不会重复）。"
        )
        raise typer.Exit(EXIT_PARTIAL)
    if not report.ok:
        if not dry_run:
            console.print("[bold red]未导入任何数据[/]：请修正上述错误，或用 --skip-invalid 只导入有效行。")
        raise typer.Exit(1)


def loads(limit: LimitOpt = 50) -> None:
    """导入历史（最新在前）。"""
    from bidgraph import loaders
    from bidgraph.graph import open_store

    with open_store() as store:
        history = loaders.load_history(store, limit=limit)
    if not history:
        console.print("尚无导入记录。")
        return
    table = Table("批次号", "开始(UTC)", "操作人", "状态", "导入行", "错误", "新建节点", "新建关系", "耗时(秒)")
    for h in history:
        counts = (h["rows_loaded"], h["errors"], h["nodes_created"], h["relationships_created"])
        table.add_row(
            h["load_id"], h["started"], h["actor"], h["status"], *(f"{n:,}" for n in counts), f"{h['elapsed_s']:.1f}"
        )
    console.print(table)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _print_report(report: LoadReport) -> None:
    for warning in report.warnings:
        console.print(f"[yellow]提示：[/]{warning}")
    from bidgraph.loaders.account import CASCADE

    roots = [e for e in report.errors if not e.reason.startswith(CASCADE)]
    if roots:
        table = Table("文件", "行号", "列", "值", "原因", title=f"错误示例（根本原因，共 {len(roots):,} 条）")
        for e in roots[:SHOWN_ERRORS]:
            table.add_row(e.file, "" if e.row is None else str(e.row), e.column, e.value[:40], e.reason)
        console.print(table)
    rate = report.rows_read / report.elapsed_s if report.elapsed_s else 0
    loaded = "可导入" if report.dry_run else "导入"
    console.print(
        f"[bold]{report.status}[/]  批次 {report.load_id}  文件 {len(report.files)} 个  读取 {report.rows_read:,} 行  "
        f"{loaded} {report.rows_loaded:,} 行  新建节点 {report.nodes_created:,}  "
        f"新建关系 {report.relationships_created:,}  用时 {report.elapsed_s:.1f} 秒（{rate:,.0f} 行/秒）"
    )
