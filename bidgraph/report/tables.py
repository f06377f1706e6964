"""The report's tables as header + rows of text, shared by the HTML and the PDF so both
say the same thing; and its charts, drawn once for both."""

from __future__ import annotations

from dataclasses import dataclass

from bidgraph.alerts.service import rule_titles
from bidgraph.report import charts
from bidgraph.report.build import SectorReport

RINGS_DRAWN = 6  # ring images for the strongest groups; the table lists them all
PRICE_ROWS = 40
Rows = list[list[str]]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Rows
    late: tuple[int, ...] = ()  # rows to mark red (overdue)


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def rule_title(detector: str) -> str:
    return rule_titles().get(detector, detector)


def command(r: SectorReport) -> str:
    changed = "".join(f" --param {k}={v}" for k, v in sorted(r.changed.items()))
    return f"bidgraph report --sector {r.sector} --from {r.start} --to {r.end}{changed} --out {r.file_stem}.pdf"


def meta(r: SectorReport) -> Table:
    params = "；".join(f"{k}={v}" for k, v in sorted(r.params.items()))
    rows = [
        ["行业", r.sector],
        ["报告期", f"{r.start} 至 {r.end}（按开标日期）"],
        ["本期标段数", f"{r.tenders:,}"],
        ["数据版本（节点数:关系数:最近导入批次）", r.data_version],
        ["研判参数", params],
        ["复现命令", command(r)],
        ["生成时间（UTC）", f"{r.generated_at:%Y-%m-%d %H:%M:%S}"],
    ]
    rows += [[f"未完成的规则：{rule_title(k)}", v] for k, v in r.failures.items()]
    return Table(["项目", "内容"], rows)


def overview(r: SectorReport) -> Table:
    """The period in figures, on the first page."""
    flagged = int(r.prices["flagged"].sum()) if not r.prices.empty else 0
    roles = r.wins["role"].value_counts() if not r.wins.empty else {}
    rows = [
        ["抱团团伙", f"{len(r.groups)} 个（涉及本期标段 {sum(g.in_period for g in r.groups)} 个）"],
        ["报价异常标段", f"{flagged} 个（共 {len(r.prices):,} 个标段可计算报价离散度）"],
        ["标王 / 陪标专业户候选", f"{roles.get('标王', 0)} 家 / {roles.get('陪标专业户', 0)} 家"],
        ["预警", f"{sum(d.total for d in r.departments)} 条，在办 {sum(d.open for d in r.departments)} 条，"
                 f"逾期 {sum(d.overdue for d in r.departments)} 条"],
        ["在办线索", f"{len(r.cases)} 条"],
    ]  # fmt: skip
    return Table(["项目", "本期"], rows)


def groups(r: SectorReport) -> Table:
    rows = [
        [f"团伙{i}", "、".join(g.members), f"{g.tenders} / {g.in_period}", f"{g.lift:g}", _pct(g.capture),
         "是" if g.rotation else "否", f"{g.score:.0f}"]
        for i, g in enumerate(r.groups, 1)
    ]  # fmt: skip
    header = ["团伙", "成员", "共同投标标段（全部/本期）", "提升度", "组内中标占比", "轮流中标", "分值"]
    return Table(header, rows)


def prices(r: SectorReport) -> Table:
    flagged = r.prices[r.prices["flagged"]].head(PRICE_ROWS)
    rows = [
        [str(code), str(x.market), str(x.bids), f"{x.cv:.4f}", f"{x.price_p:.3f}", x.tripped]
        for code, x in flagged.iterrows()
    ]
    return Table(["标段", "市场", "有效报价数", "变异系数CV", "市场内p值", "异常指标"], rows)


def wins(r: SectorReport) -> Table:
    named = r.wins[r.wins["role"] != ""]
    rows = [
        [x.role, x.name, str(x.bids), str(int(x.wins)), f"{x.expected:.1f}", _pct(x.rate)] for x in named.itertuples()
    ]
    return Table(["类型", "企业", "投标次数", "中标次数", "按竞争人数预期中标", "中标率"], rows)


def departments(r: SectorReport) -> Table:
    rows = [
        [d.name, str(d.total), str(d.open), str(d.overdue), str(d.closed), str(d.on_time),
         "—" if d.median_days is None else f"{d.median_days:g}"]
        for d in r.departments
    ]  # fmt: skip
    late = tuple(i for i, d in enumerate(r.departments) if d.overdue)
    return Table(["监督部门", "预警", "在办", "逾期", "办结", "按时办结", "办理天数中位数"], rows, late)


def rules(r: SectorReport) -> Table:
    rows = [
        [rule_title(x.detector), str(x.total), str(x.to_case), str(x.dismissed),
         "—" if x.confirmation_rate is None else _pct(x.confirmation_rate),
         "—" if x.precision is None else _pct(x.precision)]
        for x in r.rules
    ]  # fmt: skip
    return Table(["规则", "预警", "转线索", "排除", "转线索率", "精确率"], rows)


def cases(r: SectorReport) -> Table:
    rows = [[c.number, c.title, c.status, str(c.findings), c.updated_at[:10]] for c in r.cases]
    return Table(["线索编号", "标题", "状态", "研判发现", "更新日期"], rows)


def images(r: SectorReport) -> dict[str, bytes]:
    """Every chart of the report by name: ``ring-N`` (团伙N), ``prices``, ``wins``."""
    out = {f"ring-{i}": charts.ring_image(g) for i, g in enumerate(r.groups[:RINGS_DRAWN], 1)}
    if not r.prices.empty:
        out["prices"] = charts.price_chart(r.prices)
    if not r.wins.empty:
        out["wins"] = charts.win_chart(r.wins)
    return out


@dataclass(frozen=True)
class Section:
    title: str
    lead: str
    images: list[tuple[str, str]]  # (image name, caption)
    tables: list[tuple[str, Table]]  # (caption, table)


def outline(r: SectorReport) -> list[Section]:
    """The report after its first page, in order: what both renderers lay out."""
    flagged = int(r.prices["flagged"].sum()) if not r.prices.empty else 0
    roles = r.wins["role"].value_counts() if not r.wins.empty else {}
    alerts = sum(d.total for d in r.departments)
    rings = [(f"ring-{i}", f"团伙{i}：{'、'.join(g.members)}") for i, g in enumerate(r.groups[:RINGS_DRAWN], 1)]
    return [
        Section(
            "一、抱团关系分析",
            f"本期涉及抱团团伙 {len(r.groups)} 个：三家以上企业在同一市场共同投标的次数为按投标频率预期的"
            f" {r.params.get('min_lift', '')} 倍以上（提升度），其网络经社区发现划为团伙。"
            if r.groups
            else "本期本行业未发现抱团团伙。",
            rings,
            [("团伙、成员、共同投标标段与提升度", groups(r))] if r.groups else [],
        ),
        Section(
            "二、交易价格离散度分析",
            f"本期 {len(r.prices):,} 个标段有 {r.params.get('min_price_bids', 3)} 个以上有效报价，其中 {flagged} 个"
            "的报价指标是所在市场（行业×地区×规模档）的离群值（图中红色×）。",
            [("prices", "各市场标段报价离散度分布")] if not r.prices.empty else [],
            [("报价异常标段", prices(r))] if flagged else [],
        ),
        Section(
            "三、中标率分析",
            f"本期投标 3 次以上的企业 {len(r.wins):,} 家；标王候选 {roles.get('标王', 0)} 家，"
            f"陪标专业户候选 {roles.get('陪标专业户', 0)} 家（由「中标率异常」「陪标专业户」规则认定）。",
            [("wins", "中标率分布与实际/预期中标次数")] if not r.wins.empty else [],
            [("标王与陪标专业户候选", wins(r))] if len(wins(r).rows) else [],
        ),
        Section(
            "四、预警处置情况",
            f"本期标段的预警共 {alerts} 条，逾期未办结 {sum(d.overdue for d in r.departments)} 条。"
            if alerts
            else "本期本行业没有登记的预警（每次导入后自动生成，或运行 bidgraph alerts raise）。",
            [],
            [("按监督部门", departments(r)), ("按规则（转线索率）", rules(r))] if alerts else [],
        ),
        Section(
            "五、在办线索",
            f"本行业在办（未反馈办结）的线索 {len(r.cases)} 条。" if r.cases else "本行业没有在办线索。",
            [],
            [("在办线索", cases(r))] if r.cases else [],
        ),
    ]
