"""Who a command acts as. Once the user directory has users, the CLI acts as the user mapped to
the operating-system account that runs it (``user add|update --os-login``) or refuses; ``--user``
and ``--by`` can only confirm that identity, never name someone else. While the directory is
empty (a single-person install) it acts as the account itself."""

from __future__ import annotations

import getpass

from bidgraph.users import UserDirectory, UserError
from bidgraph.viewer import Role


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "cli"


def directory() -> UserDirectory:
    from bidgraph.settings import get_settings  # lazily: pydantic is not needed for ``--help``

    return UserDirectory(get_settings().data_dir)


def acting_user(claimed: str | None = None) -> str:
    """The login name of the user this command acts as (see the module docstring)."""
    users, login = directory(), os_login()
    if not users.list():
        return (claimed or "").strip() or login
    user = users.for_os_login(login)
    if user is None:
        raise UserError(
            f"系统账号「{login}」没有对应的启用用户，命令行拒绝操作。"
            f"请管理员执行 `bidgraph user update 登录名 --os-login {login}` 建立对应"
        )
    if claimed and claimed.strip() != user.name:
        raise UserError(
            f"当前系统账号「{login}」对应用户「{user.name}」，不能以「{claimed}」的身份操作；"
            "命令行只以登录的系统账号对应的用户身份操作"
        )
    return user.name


def acting_admin(claimed: str | None = None) -> str:
    """The acting user, who must be an administrator once the directory has users."""
    name = acting_user(claimed)
    users = directory()
    if users.list():
        user = users.get(name)
        if user is None or user.role is not Role.ADMIN:
            raise UserError(f"用户「{name}」不是管理员：添加、修改、停用用户需要管理员角色")
    return name
