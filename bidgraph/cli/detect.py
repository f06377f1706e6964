"""``bidgraph detect`` (run detectors), ``bidgraph triage`` (ranked tenders and company
groups) and ``bidgraph evaluate`` (precision/recall against planted ground truth)."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bidgraph.cli import scores as scores_cli
from bidgraph.cli.output import write_json_rows
from bidgraph.errors import QueryError

if TYPE_CHECKING:
    from bidgraph.analysis import evaluate as ev
    from bidgraph.analysis.findings import Finding

# The analysis stack (pandas, scipy, igraph) and the store are imported inside the commands,
# so that ``bidgraph --help`` and the light commands start fast.

console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True)
NOTES = Console(stderr=True, soft_wrap=True)
FORMATS = ("table", "csv", "json")


def register(app: typer.Typer) -> None:
    app.command("detect")(detect)
    app.command("triage")(triage_command)
    app.command("evaluate")(evaluate)
    app.command("scores")(scores_cli.scores_command)


def parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"参数应写成 名称=值，收到 {pair!r}")
        params[name.strip()] = value.strip()
    return params


ParamOpt = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="参数 名称=值，可重复（如 date_from=2024-01-01）")
]


def detect(
    detector: Annotated[str | None, typer.Option("--detector", "-d", help="检测规则 id（不填则运行全部）")] = None,
    param: ParamOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：table、csv、json")] = "table",
) -> None:
    """运行检测规则，输出发现（按严重度排序）。"""
    if fmt not in FORMATS:
        raise QueryError(f"不支持的输出格式 {fmt!r}；可用：{'、'.join(FORMATS)}")
    from bidgraph.analysis import run_detector
    from bidgraph.analysis.coverage import coverage_notes
    from bidgraph.analysis.service import run_all
    from bidgraph.graph import open_store

    params = parse_params(param or [])
    with open_store() as store:
        if detector:
            findings = run_detector(store, detector, params)
        else:
            failures: dict[str, str] = {}
            findings = sorted(run_all(store, params=params, failures=failures), key=lambda f: -f.score)
            _print_failures(failures)
        notes = coverage_notes(store)
    _print_findings(findings, fmt)
    _print_notes(notes)


def _print_notes(notes: list[str]) -> None:
    """What the results cannot cover (empty graph, missing attributes), on stderr so
    csv/json output stays clean."""
    for note in notes:
        NOTES.print(f"[yellow]提示：[/]{note}")


def _print_failures(failures: dict[str, str]) -> None:
    """Detectors that failed this run, on stderr (the findings of the others still print)."""
    for detector_id, reason in failures.items():
        err_console.print(f"[yellow]检测规则 {detector_id} 未完成：{reason}[/yellow]")


def _print_findings(findings: list[Finding], fmt: str) -> None:
    from bidgraph.spreadsheet import write_csv

    if fmt == "json":
        write_json_rows((f.to_dict() for f in findings), default=str)
        return
    rows = [
        (f.detector, f"{f.score:.0f}", " ".join(f.tender_codes[:3]), "、".join(e[2] for e in f.entities[:4]), f.summary)
        for f in findings
    ]
    header = ("规则", "严重度", "标段", "涉及主体", "说明")
    if fmt == "csv":
        write_csv(sys.stdout, header, rows)
        return
    table = Table(*header, title=f"发现 {len(findings)} 条")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def triage_command(
    top: Annotated[int, typer.Option("--top", help="table 格式各列出多少项（csv/json 输出全部）")] = 20,
    param: ParamOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：table、csv、json")] = "table",
) -> None:
    """风险研判清单：按风险分排序的标段与企业团伙，附命中规则与依据。"""
    if fmt not in FORMATS:
        raise QueryError(f"不支持的输出格式 {fmt!r}；可用：{'、'.join(FORMATS)}")
    from bidgraph.analysis.coverage import coverage_notes
    from bidgraph.analysis.service import triage
    from bidgraph.graph import open_store

    with open_store() as store:
        result = triage(store, params=parse_params(param or []))
        notes = coverage_notes(store)
    _print_failures(dict(result.failures))
    lists = (("企业团伙", result.groups), ("标段", result.tenders))
    if fmt != "table":
        rows = [
            {"kind": i.kind, "rank": rank, "key": i.key, "name": i.name, "score": i.score}
            | {"rules": "、".join(i.rules), "explanation": i.explanation}
            for _, items in lists
            for rank, i in enumerate(items, 1)
        ]
        if fmt == "json":
            write_json_rows(rows)
        else:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["kind", "key"])
            writer.writeheader()
            writer.writerows(rows)
        return
    for title, items in lists:
        table = Table("排名", "风险分", "对象", "命中规则", "说明", title=f"{title}（共 {len(items)} 项）")
        for rank, item in enumerate(items[:top], 1):
            table.add_row(str(rank), f"{item.score:.1f}", item.name, "、".join(item.rules), item.explanation)
        console.print(table)
    _print_notes(notes)


def evaluate(
    data: Annotated[Path | None, typer.Option("--data", help="带 ground_truth.json 的样例数据目录")] = None,
    current: Annotated[bool, typer.Option("--current", help="不导入，直接用当前图（须已导入同一数据）")] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="导入所用的映射文件（平台导出形式的样例）")] = None,
    truth_firms: Annotated[
        Path | None, typer.Option("--truth-firms", help="企业标注 CSV：第1列投标人名称（同导入数据），第2列1/0")
    ] = None,
    truth_tenders: Annotated[
        Path | None, typer.Option("--truth-tenders", help="标段标注 CSV：第1列标段编号，第2列1/0")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="标注评估的输出格式：table、json")] = "table",
    region: scores_cli.RegionOpt = "city",
    bands: scores_cli.BandsOpt = 3,
    period: scores_cli.PeriodOpt = "none",
) -> None:
    """评估：--data 在生成的样例数据上输出各规则的精确率、召回率和团伙排序；--truth-firms/--truth-tenders
    在当前图上用外部标注评估企业与标段风险分（ROC-AUC、PR-AUC及95%区间、precision@k），并与简单基线对照。"""
    if truth_firms or truth_tenders:
        if fmt not in ("table", "json"):
            raise QueryError(f"不支持的输出格式 {fmt!r}；可用：table、json")
        scores_cli.evaluate_truth(truth_firms, truth_tenders, fmt, scores_cli.market_spec(region, bands, period))
        return
    if data is None:
        raise QueryError("请给出 --data（样例数据目录）或 --truth-firms/--truth-tenders（外部标注）")
    from bidgraph import loaders
    from bidgraph.analysis import evaluate as ev
    from bidgraph.analysis.scoring import triage_list
    from bidgraph.analysis.service import run_all
    from bidgraph.graph import open_store, scratch_settings
    from bidgraph.settings import get_settings

    truth = data / "ground_truth.json"
    if not truth.exists():
        raise QueryError(f"{data} 中没有 ground_truth.json")
    schemes = ev.load_truth(truth)
    settings = get_settings()
    if not current:
        settings = scratch_settings(settings, "bidgraph_eval")
    with open_store(settings) as store:
        if not current:
            store.clear()
            started = time.perf_counter()
            report = loaders.load_paths(store, [data], skip_invalid=True, mapping=mapping, actor="evaluate")
            console.print(f"已导入 {data}：{report.rows_loaded:,} 行，用时 {time.perf_counter() - started:.1f} 秒")
        timings: dict[str, float] = {}
        findings = run_all(store, timings=timings)
    _print_scores(ev.score_detectors(findings, schemes), timings)
    ranked = ev.ranking(triage_list(findings).groups, schemes)
    console.print("团伙排序：" + "，".join(f"{k}={_fmt(v)}" for k, v in ranked.items()))


def _fmt(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _print_scores(scores: list[ev.DetectorScore], timings: dict[str, float]) -> None:
    from bidgraph.analysis.detectors import detector_ids

    table = Table("规则", "发现数", "正确", "精确率", "植入数", "检出", "召回率", "命中干扰项", "耗时(秒)")
    known = set(detector_ids())
    for s in scores:
        table.add_row(
            s.detector if s.detector in known else f"{s.detector}（无此规则）",
            str(s.findings),
            str(s.true_positives),
            f"{s.precision:.2f}",
            str(s.planted),
            str(s.found),
            f"{s.recall:.2f}",
            str(s.decoys_hit),
            f"{timings.get(s.detector, 0):.2f}",
        )
    console.print(table)
