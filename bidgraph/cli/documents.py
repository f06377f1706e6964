"""``bidgraph documents load``: bid documents (manifest CSV) into the graph, with 标书雷同
pairs computed on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bidgraph.errors import DataError

app = typer.Typer(help="投标文件（标书）导入与雷同性分析", no_args_is_help=True)
console = Console()


@app.command("load")
def load(
    manifest: Annotated[Path, typer.Argument(help="清单 CSV（标段编号, 投标人, 文件路径）或其所在目录")],
    min_score: Annotated[float, typer.Option(help="写入雷同关系的分数下限（检测规则另有阈值）")] = 30.0,
) -> None:
    """读取清单所列投标文件（PDF、.docx、文本），写入 Document 节点并计算投标之间的雷同关系 SIMILAR_TO。"""
    from bidgraph.documents.load import load_documents  # here: ``bidgraph --help`` stays fast
    from bidgraph.documents.similarity import Params
    from bidgraph.graph import open_store
    from bidgraph.settings import get_settings

    path = manifest / "manifest.csv" if manifest.is_dir() else manifest
    if not path.exists():
        raise DataError("找不到清单文件；请指定 manifest.csv 或其所在目录", file=str(path))
    with open_store(get_settings()) as store:
        result = load_documents(store, path, params=Params(min_score=min_score))
    flagged = sum(1 for p in result.pairs if p.score >= Params().min_score)
    console.print(
        f"已导入 {result.documents} 份投标文件、{result.tender_files} 份招标文件（批次 {result.load_id}）；"
        f"写入雷同关系 {len(result.pairs)} 对，其中达到检测阈值 {flagged} 对。"
    )
    console.print(f"图元素：{result.counters}。查看：bidgraph detect -d bid_similarity")
