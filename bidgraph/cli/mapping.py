"""``bidgraph map suggest DIR > mapping.yaml``: a draft mapping for a folder of exports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bidgraph.errors import DataError

app = typer.Typer(help="映射文件：根据文件名、表头和示例值生成映射草稿", no_args_is_help=True)


@app.command("suggest")
def suggest_command(path: Annotated[Path, typer.Argument(help="导出文件所在目录（或单个文件）")]) -> None:
    """输出映射草稿（YAML，可直接用于 bidgraph load --mapping；未能对应的以注释标出）。"""
    if not path.exists():
        raise DataError("文件或目录不存在", file=str(path))
    from bidgraph.loaders.suggest import suggest  # here: ``bidgraph --help`` stays fast

    sys.stdout.write(suggest(path))
