"""``bidgraph report --sector S --from D --to D --out FILE.html``: the half-year sector report."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bidgraph.cli.detect import ParamOpt, parse_params
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
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件（.pdf 或 .html）")],
    param: ParamOpt = None,
) -> None:
    """生成行业半年度分析报告（PDF 或 HTML，含图表）：抱团关系、价格离散度、中标率、预警处置、在办线索。"""
    from bidgraph.graph import open_store  # here, not at the top: ``--help`` stays fast
    from bidgraph.report import build_report, render_html, render_pdf

    if out.suffix.lower() not in (".pdf", ".html"):
        raise BidgraphError(f"报告只能输出为 .pdf 或 .html，请修改输出文件后缀（收到 {out.name}）")
    settings = get_settings()
    started = datetime.now()
    with open_store(settings) as graph:
        day = _day(start, "--from"), _day(end, "--to")
        result = build_report(graph, settings, sector, *day, params=parse_params(param or []))
    if out.suffix.lower() == ".pdf":
        out.write_bytes(render_pdf(result))
    else:
        out.write_text(render_html(result), encoding="utf-8")
    seconds = (datetime.now() - started).total_seconds()
    flagged = int(result.prices["flagged"].sum()) if not result.prices.empty else 0
    Console().print(
        f"已生成 {out}（{result.tenders} 个标段；抱团团伙 {len(result.groups)} 个，报价异常标段 {flagged} 个，"
        f"标王/陪标候选 {int((result.wins['role'] != '').sum()) if not result.wins.empty else 0} 家；"
        f"用时 {seconds:.1f} 秒）"
    )
