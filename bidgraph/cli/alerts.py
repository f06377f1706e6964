"""``bidgraph alerts raise|list|assign|close|stats``: the 预警督办 queue."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from bidgraph.cli.identity import acting_user, directory
from bidgraph.settings import get_settings

if TYPE_CHECKING:
    from datetime import datetime

    from bidgraph.alerts.model import Alert
    from bidgraph.viewer import Viewer

# The alert, analysis and graph modules are imported inside the commands: ``--help`` stays fast.
app = typer.Typer(help="预警督办：生成、分派、办结预警，督办统计", no_args_is_help=True)
console = Console()
UserOption = typer.Option(None, "--user", help="经办人登录名（用户目录非空时须为系统账号对应的用户，按其行业过滤）")
FormatOption = typer.Option("table", "--format", help="table 或 json")


def _actor(user: str | None) -> str:
    """The operating-system account's user once the directory has users (``cli.identity``)."""
    return acting_user(user)


def _viewer(user: str | None) -> Viewer | None:
    """Scoped by the user's sectors once the user directory has users; else everything."""
    users = directory()
    return users.viewer_for(_actor(user)) if users.list() else None


@app.command("raise")
def raise_command(user: str = UserOption) -> None:
    """运行全部研判规则，把新的或证据有变化的发现登记为预警（已处理过的不重复预警）。"""
    from bidgraph.alerts.service import raise_alerts
    from bidgraph.graph import open_store

    settings = get_settings()
    failures: dict[str, str] = {}
    started = time.perf_counter()
    with open_store(settings) as graph:
        result = raise_alerts(graph, settings, actor=_actor(user), failures=failures)
    console.print(f"{result.summary()}（用时 {time.perf_counter() - started:.1f} 秒）")
    for detector, error in failures.items():
        console.print(f"[yellow]规则 {detector} 未完成：{error}[/]")


@app.command("list")
def list_alerts(
    status: str = typer.Option(None, "--status", help="待处理/核查中/已转线索/已排除"),
    department: str = typer.Option(None, "--department", help="部门代码（队列）"),
    user: str = UserOption,
    fmt: str = FormatOption,
) -> None:
    """列出本人权限内的预警（逾期者标红）。"""
    from bidgraph.alerts.model import SEVERITY_ZH
    from bidgraph.alerts.store import AlertStore, utcnow

    alerts = AlertStore(get_settings()).list(_viewer(user), status=status, department=department)
    now = utcnow()
    if fmt == "json":
        typer.echo(json.dumps([_row(a, now) for a in alerts], ensure_ascii=False, indent=1))
        return
    table = Table("编号", "规则", "标题", "等级", "部门", "状态", "承办人", "时限", "逾期")
    for a in alerts:
        late = a.overdue(now)
        table.add_row(
            a.number, a.detector, a.title, SEVERITY_ZH[a.level], a.department_name, a.status, a.assignee,
            a.deadline.date().isoformat(), "[bold red]逾期[/]" if late else "", style="red" if late else None,
        )  # fmt: skip
    console.print(table if alerts else "没有符合条件的预警。先运行 bidgraph alerts raise。")


def _row(alert: Alert, now: datetime) -> dict[str, object]:
    return {
        "id": alert.id, "number": alert.number, "detector": alert.detector, "title": alert.title,
        "score": alert.score, "level": alert.level, "department": alert.department,
        "department_name": alert.department_name, "sectors": list(alert.sectors), "tenders": list(alert.tenders),
        "status": alert.status, "assignee": alert.assignee, "raised_at": alert.raised_at.isoformat(),
        "deadline": alert.deadline.isoformat(), "overdue": alert.overdue(now), "case_id": alert.case_id,
        "reason": alert.reason, "comment": alert.comment, "version": alert.version,
    }  # fmt: skip


@app.command()
def assign(
    alert_id: int = typer.Argument(..., help="预警编号（数字）"),
    person: str = typer.Argument(..., help="承办人登录名"),
    user: str = UserOption,
) -> None:
    """分派承办人，预警进入「核查中」。"""
    from bidgraph.alerts.store import AlertStore

    alert = AlertStore(get_settings()).assign(alert_id, person, actor=_actor(user))
    console.print(f"{alert.number} 已分派给 {alert.assignee}，办结时限 {alert.deadline.date()}")


@app.command()
def close(
    alert_id: int = typer.Argument(..., help="预警编号（数字）"),
    case: bool = typer.Option(False, "--case", help="转为新线索（附带预警的证据）"),
    join: int = typer.Option(None, "--join", help="并入已有线索（线索编号数字）"),
    dismiss: str = typer.Option(None, "--dismiss", help="排除理由：正常竞争、数据错误、已有处理、其他"),
    comment: str = typer.Option("", "--comment", help="办结说明（排除时必填）"),
    user: str = UserOption,
) -> None:
    """办结预警：转线索（--case 或 --join N）或排除（--dismiss 理由 --comment 说明）。"""
    from bidgraph.alerts.service import to_case
    from bidgraph.alerts.store import AlertStore

    settings = get_settings()
    if (dismiss is not None) == (case or join is not None):
        raise typer.BadParameter("请指定一种办结方式：--case、--join N 或 --dismiss 理由")
    if dismiss is not None:
        alert = AlertStore(settings).dismiss(alert_id, dismiss, comment, actor=_actor(user))
        console.print(f"{alert.number} 已排除（{alert.reason}）")
        return
    case_id = to_case(settings, alert_id, actor=_actor(user), case_id=join, comment=comment)
    console.print(f"预警 {alert_id} 已转线索 XS-{case_id:05d}")


@app.command()
def stats(user: str = UserOption, fmt: str = FormatOption) -> None:
    """督办统计：按部门、承办人的在办、逾期、按时办结、办理天数中位数；按规则的转线索率。"""
    from bidgraph.alerts.stats import by_department, by_person, by_rule
    from bidgraph.alerts.store import AlertStore, utcnow

    alerts, now = AlertStore(get_settings()).list(_viewer(user)), utcnow()
    departments, people, rules = by_department(alerts, now), by_person(alerts, now), by_rule(alerts)
    if fmt == "json":
        data = {
            "departments": [d.as_dict() for d in departments],
            "people": [p.as_dict() for p in people],
            "rules": [r.as_dict() for r in rules],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for title, rows in (("按部门", departments), ("按承办人", people)):
        table = Table("名称", "预警", "在办", "逾期", "办结", "按时办结", "办理天数中位数", title=title)
        for r in rows:
            median = "—" if r.median_days is None else f"{r.median_days:g}"
            overdue = f"[bold red]{r.overdue}[/]" if r.overdue else "0"
            table.add_row(r.name, str(r.total), str(r.open), overdue, str(r.closed), str(r.on_time), median)
        console.print(table)
    table = Table("规则", "预警", "转线索", "排除", "转线索率", "排除理由", title="按规则")
    for r in rules:
        rate = "—" if r.confirmation_rate is None else f"{r.confirmation_rate:.0%}"
        reasons = "、".join(f"{k}{v}" for k, v in r.dismiss_reasons.items())
        table.add_row(r.detector, str(r.total), str(r.to_case), str(r.dismissed), rate, reasons)
    console.print(table)


@app.command()
def digest(
    day: Annotated[str | None, typer.Option("--date", help="日期 YYYY-MM-DD（默认今天，北京时间）")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出文件夹（默认 <数据目录>/digests/<日期>）")] = None,
    user: str = UserOption,
) -> None:
    """每日预警摘要：每个监督部门一个文件（当日新预警、逾期未办结）；配置了 SMTP 服务器时同时发邮件。"""
    from datetime import date

    from bidgraph.alerts.digest import digests, send_digests, write_digests
    from bidgraph.errors import BidgraphError

    settings = get_settings()
    try:
        when = date.fromisoformat(day) if day else None
    except ValueError:
        raise BidgraphError(f"--date 日期「{day}」无效，请写成 YYYY-MM-DD") from None
    items = digests(settings, when, viewer=_viewer(user))
    if not items:
        console.print("没有预警，未生成日报（导入数据后会自动生成预警，或运行 bidgraph alerts raise）。")
        return
    folder = out or settings.data_dir / "digests" / str(items[0].day)
    for path, d in zip(write_digests(items, folder), items, strict=True):
        late = f"[bold red]{len(d.overdue)}[/]" if d.overdue else "0"
        console.print(f"{d.name}：新预警 {len(d.new)} 条，逾期 {late} 条 → {path}")
    sent, missing = send_digests(items, settings)
    if settings.smtp_host:
        console.print(f"已发送邮件 {len(sent)} 封；未配置收件人的部门：{'、'.join(missing) or '无'}")
