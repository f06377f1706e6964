"""``bidgraph user add|update|list|disable``: the user directory (every change audited)."""

from __future__ import annotations

import getpass

import typer
from rich.console import Console
from rich.table import Table

from bidgraph.settings import get_settings
from bidgraph.users import User, UserDirectory
from bidgraph.viewer import ROLE_ZH

app = typer.Typer(help="用户：添加、修改、列出、停用（角色与可见行业）", no_args_is_help=True)
console = Console()
ROLE_HELP = "角色：investigator 调查员 / analyst 分析员 / liaison 纪检公安联络 / admin 管理员"
SectorOption = typer.Option(None, "--sector", help="可见行业（可多次给出）；不给则可见全部行业")
DisplayOption = typer.Option(None, "--display", help="显示名称（如 张三）")
ByOption = typer.Option(None, "--by", help="操作人（默认当前系统用户），记入审计日志")


def _directory() -> UserDirectory:
    return UserDirectory(get_settings().data_dir)


def _actor(by: str | None) -> str:
    return by or getpass.getuser()


def _describe(user: User) -> str:
    state = "" if user.active else "（已停用）"
    return f"{user.name}「{user.display}」{ROLE_ZH[user.role]}，可见：{user.scope}{state}"


@app.command()
def add(
    name: str = typer.Argument(..., help="登录名（与单点登录一致）"),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    sector: list[str] = SectorOption,
    display: str = DisplayOption,
    by: str = ByOption,
) -> None:
    """添加用户。"""
    user = _directory().add(name, role, actor=_actor(by), display=display or "", sectors=sector or ())
    console.print(f"已添加：{_describe(user)}")


@app.command()
def update(
    name: str = typer.Argument(..., help="登录名"),
    role: str = typer.Option(None, "--role", help=ROLE_HELP),
    sector: list[str] = SectorOption,
    all_sectors: bool = typer.Option(False, "--all-sectors", help="改为可见全部行业"),
    display: str = DisplayOption,
    enable: bool = typer.Option(False, "--enable", help="重新启用已停用的用户"),
    by: str = ByOption,
) -> None:
    """修改用户的角色、可见行业或显示名称；未给出的项不变。"""
    sectors = [] if all_sectors else (sector or None)
    user = _directory().update(
        name, actor=_actor(by), role=role, display=display, sectors=sectors, active=True if enable else None
    )
    console.print(f"已修改：{_describe(user)}")


@app.command("list")
def list_users() -> None:
    """列出用户（含已停用）。"""
    users = _directory().list()
    if not users:
        console.print("用户目录为空：工作台以演示调查员身份运行。用 `bidgraph user add` 添加用户。")
        return
    table = Table("登录名", "显示名称", "角色", "可见行业", "状态", "更新时间", "更新人")
    for u in users:
        table.add_row(
            u.name, u.display, ROLE_ZH[u.role], u.scope, "启用" if u.active else "停用", u.updated_at, u.updated_by
        )
    console.print(table)


@app.command()
def disable(name: str = typer.Argument(..., help="登录名"), by: str = ByOption) -> None:
    """停用用户（保留记录以便审计）。"""
    user = _directory().disable(name, actor=_actor(by))
    console.print(f"已停用：{_describe(user)}")
