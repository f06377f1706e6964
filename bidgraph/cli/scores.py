"""``bidgraph scores``: the continuous risk score of every firm or tender (percentile in
its market + explanation); ``bidgraph evaluate --truth-firms/--truth-tenders``: those
scores and the simple baselines against external labels."""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bidgraph.cli.output import write_json_rows
from bidgraph.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

    from bidgraph.analysis.markets import MarketSpec

# the analysis stack and the store are imported inside the commands (fast ``--help``)

console = Console(width=None if sys.stdout.isatty() else 200)
COLUMNS = {
    "firm": ["market", "evidence", "percentile", "bids", "wins", "partners", "concentration", "involvement"],
    "tender": [
        *("market", "evidence", "percentile", "bidders", "own_p", "price_p", "coalition_z", "cobid_p"),
        *("meetings_collusive", "price_flagged", "above_ceiling"),
    ],
}
LevelOpt = Annotated[str, typer.Option("--level", help="firm（企业）或 tender（标段）")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="输出格式：table、csv、json")]
RegionOpt = Annotated[str, typer.Option("--market-level", help="市场的地区层级：province/city/district/none")]
BandsOpt = Annotated[int, typer.Option("--size-bands", help="按最高限价对数分位划分的规模档数（0为不分）")]
PeriodOpt = Annotated[str, typer.Option("--period", help="市场是否按年度划分：none 或 year")]


def market_spec(region: str, bands: int, period: str) -> MarketSpec:
    if region not in ("province", "city", "district", "none") or period not in ("none", "year"):
        raise QueryError("--market-level 可用 province/city/district/none，--period 可用 none/year")
    from bidgraph.analysis.markets import MarketSpec

    return MarketSpec(region_level=region, size_bands=bands, period=period)


def scores_command(
    level: LevelOpt = "firm",
    fmt: FormatOpt = "table",
    top: Annotated[int, typer.Option("--top", help="table 格式列出多少项（csv/json 输出全部）")] = 30,
    region: RegionOpt = "city",
    bands: BandsOpt = 3,
    period: PeriodOpt = "none",
) -> None:
    """每家企业或每个标段的连续风险分：证据强度、在其市场内的百分位与依据。"""
    if level not in COLUMNS or fmt not in ("table", "csv", "json"):
        raise QueryError("--level 可用 firm、tender；--format 可用 table、csv、json")
    from bidgraph.analysis.riskservice import scores
    from bidgraph.graph import open_store

    with open_store() as store:
        _, result = scores(store, market_spec(region, bands, period))
    frame = (result.firms if level == "firm" else result.tenders)[[*COLUMNS[level], "explanation"]]
    print_frame(frame, fmt, top, title=f"{'企业' if level == 'firm' else '标段'}风险分（共 {len(frame)} 项）")


def print_frame(frame: pd.DataFrame, fmt: str, top: int, *, title: str) -> None:
    frame = frame.rename_axis("key").reset_index()
    if fmt == "json":
        write_json_rows({k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records"))
    elif fmt == "csv":
        frame.to_csv(sys.stdout, index=False, quoting=csv.QUOTE_MINIMAL, float_format="%.6g")
    else:
        table = Table("排名", *frame.columns, title=title)
        for rank, row in enumerate(frame.head(top).itertuples(index=False), 1):
            table.add_row(str(rank), *(_cell(v) for v in row))
        console.print(table)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _cell(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def evaluate_truth(truth_firms: Path | None, truth_tenders: Path | None, fmt: str, spec: MarketSpec) -> None:
    """The label evaluation on the current graph (see ``bidgraph evaluate``)."""
    from bidgraph.analysis import labels
    from bidgraph.analysis.riskservice import evaluate_labels
    from bidgraph.graph import open_store

    firms = labels.read_labels(truth_firms) if truth_firms else None
    tenders = labels.read_labels(truth_tenders) if truth_tenders else None
    with open_store() as store:
        report = evaluate_labels(store, firms, tenders, spec)
    if fmt == "json":
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1, default=float)
        sys.stdout.write("\n")
        return
    table = Table("排序", "层级", "ROC-AUC", "95%区间", "PR-AUC", "95%区间", "P@10", "P@20", "P@50", "样本/正例")
    rows = [("bidgraph", report)] + [(name, r) for name, r in report["baselines"].items()]
    for name, result in rows:
        for level in ("firm", "tender"):
            if level in result:
                m = result[level]
                at = m["precision_at_k"]
                table.add_row(
                    name,
                    "企业" if level == "firm" else "标段",
                    f"{m['roc_auc']:.3f}",
                    str(m["roc_auc_ci"]),
                    f"{m['pr_auc']:.3f}",
                    str(m["pr_auc_ci"]),
                    *(f"{at.get(k, math.nan):.2f}" for k in ("P@10", "P@20", "P@50")),
                    f"{m['n']}/{m['positives']}",
                )
    console.print(table)
