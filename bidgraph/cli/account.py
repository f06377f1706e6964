"""Printing a load's account: per file and table, rows read / written / dropped, the
reasons grouped (root causes first, consequences apart) and the facts the graph lacks."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from bidgraph.loaders.account import root_causes
from bidgraph.loaders.report import LoadReport

SHOWN_REASONS = 20


def print_account(console: Console, report: LoadReport) -> None:
    accounts = list(report.accounts.values())
    if not accounts:
        return
    written = "可写入" if report.dry_run else "已写入"
    table = Table("文件", "表", "读取", written, "未导入", "说明", title="导入明细（每个文件）")
    for a in accounts:
        done = a.read - a.dropped if report.dry_run else a.written
        note = f"整个文件未导入：{a.rejected}" if a.rejected else ""
        table.add_row(a.file, a.table or "—", f"{a.read:,}", f"{done:,}", f"{a.read - done:,}", note)
    console.print(table)
    roots, cascades = root_causes(accounts)
    if roots or cascades:
        reasons = Table("文件", "原因", "行数", title="未导入的原因（按原因汇总）")
        for file, reason, count in roots[:SHOWN_REASONS]:
            reasons.add_row(file, reason, f"{count:,}")
        for file, reason, count in cascades[:SHOWN_REASONS]:
            reasons.add_row(file, f"[dim]{reason}[/]", f"{count:,}")
        console.print(reasons)
    for line in report.missing_facts():
        console.print(f"[bold red]缺失：[/]{line}")
