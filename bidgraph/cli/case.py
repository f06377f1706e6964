"""``bidgraph case list|show|export`` and ``bidgraph verify PACKAGE.zip``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from bidgraph.cli.identity import acting_user

if TYPE_CHECKING:
    from bidgraph.cases.model import Case
    from bidgraph.viewer import Viewer

# Cases, exports and the store are imported inside the commands (fast ``bidgraph --help``);
# the recipients are named here for the same reason (a test keeps them equal to RECIPIENTS).
RECIPIENT_NAMES = ("纪委监委", "公安机关", "行政监督部门", "内部")

app = typer.Typer(help="线索：列表、查看、导出移交包", no_args_is_help=True)
console = Console()
HERE = Path(".")
UserOption = typer.Option(None, "--user", help="经办人：只能是当前系统账号对应的用户（默认即是）")


@app.command("list")
def list_cases(
    status: str = typer.Option(None, "--status", help="只列出该状态：发现/移交/核查/处理/反馈"), user: str = UserOption
) -> None:
    """列出线索（按更新时间倒序；只列出您监管行业范围内的线索）。"""
    from bidgraph.cases import CaseStore
    from bidgraph.services import cases as case_service
    from bidgraph.settings import get_settings

    settings = get_settings()
    rows = case_service.case_list(CaseStore(settings), _viewer(settings.data_dir, acting_user(user)), status)
    table = Table("编号", "标题", "状态", "发现", "节点", "更新时间", "创建人")
    for row in rows:
        table.add_row(
            row.number, row.title, row.status, str(row.findings), str(row.nodes), row.updated_at, row.created_by
        )
    console.print(table if rows else "没有符合条件的线索。")


def _freshness_line(case: Case) -> str:
    from bidgraph.cases import check_freshness
    from bidgraph.errors import StoreUnavailable
    from bidgraph.graph import open_store
    from bidgraph.settings import get_settings

    try:
        with open_store(get_settings()) as store:
            return check_freshness(case, store).message()
    except StoreUnavailable as e:
        return f"未能核对当前数据：{e}"


@app.command()
def show(
    case_id: int = typer.Argument(..., help="线索编号（数字）"),
    user: str = UserOption,
    check: bool = typer.Option(True, "--check/--no-check", help="与当前图数据核对，提示是否有更新的数据"),
) -> None:
    """查看一条线索：概要、研判发现、办理过程与备注（记入审计日志）。"""
    from bidgraph.cases import CaseStore
    from bidgraph.services import cases as case_service
    from bidgraph.settings import get_settings

    settings = get_settings()
    viewer = _viewer(settings.data_dir, acting_user(user))
    original, case = case_service.open_case(CaseStore(settings), case_id, viewer)
    console.print(f"[bold]{case.number} {case.title}[/]　状态：[bold]{case.status}[/]")
    console.print(
        f"创建：{case.created_at} {case.created_by}　证据：{len(case.nodes)} 个节点、"
        f"{len(case.relationships)} 条关系、{len(case.findings)} 条发现"
    )
    if case.summary:
        console.print(case.summary)
    if check:
        console.print(f"[yellow]{_freshness_line(original)}[/]")
    for f in case.findings:
        ground = f.data.get("legal_ground") or "无法律依据"
        console.print(f"· 发现 {f.seq}：{f.data.get('title')}（{ground}，分值 {f.data.get('score')}）")
    timeline = Table("时间", "状态", "经办人", "接收单位", "意见", "理由", title="办理过程")
    for t in case.transitions:
        timeline.add_row(t.at, f"{t.from_status} → {t.to_status}", t.actor, t.receiving_body, t.comment, t.reason)
    console.print(timeline)
    for note in case.notes:
        console.print(f"备注 {note.at} {note.author}：{note.text}")


@app.command("export")
def export(
    case_id: int = typer.Argument(..., help="线索编号（数字）"),
    recipient: str = typer.Option(..., "--recipient", "-r", help="接收方：" + "、".join(RECIPIENT_NAMES)),
    out: Annotated[Path, typer.Option("--out", "-o", help="导出目录")] = HERE,
    user: str = UserOption,
    check: bool = typer.Option(True, "--check/--no-check", help="导出前与当前图数据核对"),
) -> None:
    """导出移交包（zip：交互式关系图、明细表、报告、GraphML/JSON、i2 ANB 文件、清单与校验和）。"""
    from bidgraph.cases import CaseStore
    from bidgraph.errors import StoreUnavailable
    from bidgraph.graph import open_store
    from bidgraph.services import cases as case_service
    from bidgraph.settings import get_settings

    settings = get_settings()
    viewer = _viewer(settings.data_dir, acting_user(user))
    store = None
    if check:
        try:
            store = open_store(settings)
        except StoreUnavailable as e:
            console.print(f"[yellow]未能核对当前数据（{e}），仍按证据快照导出。[/]")
    try:
        result = case_service.export(CaseStore(settings), case_id, recipient, viewer, out, store)
    finally:
        if store is not None:
            store.close()
    console.print(f"已导出：{result.path}（{result.files} 个文件，接收方 {result.recipient}）")
    console.print(f"清单 SHA-256：{result.manifest_sha256}（请随包另行告知接收方，用于核验）")


def _viewer(data_dir: Path, actor: str) -> Viewer:
    """The actor as the user directory knows it; an install without users is a
    single-user one whose operator may export anything."""
    from bidgraph.users import UserDirectory
    from bidgraph.viewer import Role, Viewer

    directory = UserDirectory(data_dir)
    return directory.viewer_for(actor) if directory.list() else Viewer(actor, Role.LIAISON)


def verify_command(
    package: Annotated[Path, typer.Argument(help="移交包 zip 文件")],
    key: Annotated[
        Path | None, typer.Option("--key", help="导出签名密钥文件（默认：BIDGRAPH_PACKAGE_KEY_FILE）")
    ] = None,
) -> None:
    """校验移交包：逐个文件核对 SHA-256，指出被篡改、缺失或多出的文件；有签名密钥时核验包是否为原件。"""
    from bidgraph.cases.export.manifest import verify
    from bidgraph.integrity import read_key
    from bidgraph.settings import get_settings

    key_file = key or get_settings().package_key_file
    result = verify(package, read_key(key_file) if key_file else None)
    for line in result.lines():
        console.print(line)
    if result.header:
        head = result.header
        console.print(
            f"线索 {head.get('case', {}).get('number')}，导出人 {head.get('exporter')}，"
            f"导出时间 {head.get('exported_at')}，接收方 {head.get('recipient', {}).get('name')}"
        )
    if not result.ok:
        raise typer.Exit(1)
