"""``bidgraph sample``: generate the sample data set (tables + ground truth)."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()


class SampleSize(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


SizeOpt = Annotated[
    SampleSize, typer.Option("--size", help="规模：small（约3.5千条投标）、medium（约10万）、large（约100万）")
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", help="随机种子（默认：随附示例数据的种子；相同种子生成完全相同的文件）")
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="输出目录（默认：small 为 data/sample，其余为 ./sample-<规模>）")
]


class SampleStyle(StrEnum):
    tables = "tables"
    export = "export"


StyleOpt = Annotated[
    SampleStyle,
    typer.Option("--style", help="tables：规范导入表；export：仿真平台导出（中文文件名、GBK、工作簿、万元…）"),
]
DocsOpt = Annotated[
    int, typer.Option("--documents", help="另为多少个标段生成投标文件（documents/ 与清单，含标书雷同真值；0 为不生成）")
]


def sample(
    size: SizeOpt = SampleSize.small,
    seed: SeedOpt = None,
    out: OutOpt = None,
    style: StyleOpt = SampleStyle.tables,
    documents: DocsOpt = 0,
) -> None:
    """生成河南、湖南公共资源交易样例数据：规范导入表（CSV）与埋设线索真值 ground_truth.json。"""
    from bidgraph.data.generator import SIZES, SMALL_SEED, timed  # here: ``bidgraph --help`` stays fast

    seed = SMALL_SEED if seed is None else seed
    spec = SIZES[size.value]
    if style is SampleStyle.export:
        target = out or Path(f"sample-export-{size.value}")
        console.print(f"正在生成 {size.value} 样例数据的平台导出形式（约 {spec.tenders:,} 个标段）到 {target} …")
        started = time.perf_counter()
        from bidgraph.data.generator.export import generate_export

        generate_export(size.value, seed, target)
        files = sorted(p.name for p in target.iterdir())
        console.print(f"已生成 {len(files)} 个文件，用时 {time.perf_counter() - started:.1f} 秒：{'、'.join(files)}")
        console.print(f"导入：bidgraph load {target} --mapping {target / 'mapping.yaml'}")
        return
    target = out or (Path("data/sample") if size is SampleSize.small else Path(f"sample-{size.value}"))
    console.print(f"正在生成 {size.value} 样例数据（约 {spec.tenders:,} 个标段，种子 {seed}）到 {target} …")
    counts, seconds = timed(size.value, seed, target)
    table = Table("表 table", "行数 rows", "大小 size", title=f"已生成，用时 {seconds:.1f} 秒")
    total = 0
    for name, rows in counts.items():
        nbytes = (target / f"{name}.csv").stat().st_size
        total += nbytes
        table.add_row(f"{name}.csv", f"{rows:,}", f"{nbytes / 1e6:.2f} MB")
    truth = (target / "ground_truth.json").stat().st_size
    table.add_row("ground_truth.json", "", f"{truth / 1e6:.2f} MB")
    console.print(table)
    console.print(f"合计 {(total + truth) / 1e6:.1f} MB。导入：bidgraph load {target}")
    if documents:
        from bidgraph.data.generator.docfiles import sample_documents

        manifest, count = sample_documents(target, seed, documents)
        console.print(f"已生成 {count} 份投标文件（{documents} 个标段）。导入：bidgraph documents load {manifest}")
