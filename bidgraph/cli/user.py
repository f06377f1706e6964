"""``bidgraph user add|update|list|disable``: the user directory (every change audited)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from bidgraph.cli import identity
from bidgraph.cli.identity import acting_admin, directory
from bidgraph.users import User, UserError, parse_role
from bidgraph.viewer import ROLE_ZH, Role

app = typer.Typer(help="用户：添加、修改、列出、停用（角色与可见行业）", no_args_is_help=True)
console = Console()
ROLE_HELP = "角色：investigator 调查员 / analyst 分析员 / liaison 纪检公安联络 / admin 管理员"
SectorOption = typer.Option(None, "--sector", help="可见行业（可多次给出）；不给则可见全部行业")
DisplayOption = typer.Option(None, "--display", help="显示名称（如 张三）")
ByOption = typer.Option(None, "--by", help="操作人：只能是当前系统账号对应的管理员（默认即是），记入审计日志")
OsLoginOption = typer.Option(None, "--os-login", help="该用户使用命令行时的操作系统账号（默认与登录名相同）")


def _describe(user: User) -> str:
    state = "" if user.active else "（已停用）"
    login = f"，系统账号 {user.os_login}" if user.os_login else ""
    return f"{user.name}「{user.display}」{ROLE_ZH[user.role]}，可见：{user.scope}{login}{state}"


@app.command()
def add(
    name: str = typer.Argument(..., help="登录名（与单点登录一致）"),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    sector: list[str] = SectorOption,
    display: str = DisplayOption,
    os_login_name: str = OsLoginOption,
    by: str = ByOption,
) -> None:
    """添加用户（需管理员；用户目录为空时第一个用户只能是管理员，并对应当前系统账号）。"""
    actor, users = acting_admin(by), directory()
    if not users.list():
        if parse_role(role) is not Role.ADMIN:
            raise UserError("用户目录为空：第一个用户只能是管理员（--role admin），由其再添加其他用户")
        os_login_name = os_login_name or (identity.os_login() if name.strip() != identity.os_login() else "")
    user = users.add(name, role, actor=actor, display=display or "", sectors=sector or (), os_login=os_login_name or "")
    console.print(f"已添加：{_describe(user)}")


@app.command()
def update(
    name: str = typer.Argument(..., help="登录名"),
    role: str = typer.Option(None, "--role", help=ROLE_HELP),
    sector: list[str] = SectorOption,
    all_sectors: bool = typer.Option(False, "--all-sectors", help="改为可见全部行业"),
    display: str = DisplayOption,
    enable: bool = typer.Option(False, "--enable", help="重新启用已停用的用户"),
    os_login_name: str = OsLoginOption,
    by: str = ByOption,
) -> None:
    """修改用户的角色、可见行业、显示名称或系统账号（需管理员）；未给出的项不变。"""
    sectors = [] if all_sectors else (sector or None)
    actor = acting_admin(by)
    user = directory().update(
        name,
        actor=actor,
        role=role,
        display=display,
        sectors=sectors,
        active=True if enable else None,
        os_login=os_login_name,
    )
    console.print(f"已修改：{_describe(user)}")


@app.command("list")
def list_users() -> None:
    """列出用户（含已停用）。"""
    users = directory().list()
    if not users:
        console.print("用户目录为空：工作台以演示调查员身份运行。用 `bidgraph user add` 添加用户。")
        return
    table = Table("登录名", "显示名称", "角色", "可见行业", "系统账号", "状态", "更新时间", "更新人")
    for u in users:
        state = "启用" if u.active else "停用"
        table.add_row(
            u.name, u.display, ROLE_ZH[u.role], u.scope, u.os_login or u.name, state, u.updated_at, u.updated_by
        )
    console.print(table)


@app.command()
def disable(name: str = typer.Argument(..., help="登录名"), by: str = ByOption) -> None:
    """停用用户（需管理员；保留记录以便审计）。"""
    user = directory().disable(name, actor=acting_admin(by))
    console.print(f"已停用：{_describe(user)}")
