"""``bidgraph report --sector S --from D --to D --out FILE.html``: the half-year sector report."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bidgraph.errors import BidgraphError
from bidgraph.settings import get_settings


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BidgraphError(f"{option} 日期「{value}」无效，请写成 YYYY-MM-DD") from None


def report(
    sector: Annotated[str, typer.Option("--sector", help="行业，如 水利、交通、房建市政")],
    start: Annotated[str, typer.Option("--from", help="报告期起始日 YYYY-MM-DD（按开标日期）")],
    end: Annotated[str, typer.Option("--to", help="报告期截止日 YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件（.html）")],
) -> None:
    """生成行业半年度分析报告：抱团关系、价格离散度、中标率、预警处置情况。"""
    from bidgraph.graph import open_store  # here, not at the top: ``--help`` stays fast
    from bidgraph.report import build_report, render_html

    if out.suffix.lower() != ".html":
        raise BidgraphError(f"目前只支持 HTML 报告，请用 .html 作为输出文件后缀（收到 {out.name}）")
    settings = get_settings()
    started = datetime.now()
    with open_store(settings) as graph:
        result = build_report(graph, settings, sector, _day(start, "--from"), _day(end, "--to"))
    out.write_text(render_html(result), encoding="utf-8")
    counts = "，".join(f"{k} {len(v)} 条" for k, v in result.sections.items())
    seconds = (datetime.now() - started).total_seconds()
    Console().print(f"已生成 {out}（{result.tenders} 个标段；{counts}；用时 {seconds:.1f} 秒）")
