"""The user directory: add, change, disable, persistence, viewers, the CLI, and the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bidgraph import audit
from bidgraph.cli import app, identity
from bidgraph.settings import get_settings
from bidgraph.users import UserDirectory, UserError, parse_role
from bidgraph.viewer import Role, Viewer


def test_add_update_disable_persist_and_are_audited(tmp_path: Path) -> None:
    directory = UserDirectory(tmp_path)
    assert directory.list() == [] and not directory.path.exists()  # reading creates nothing
    directory.add("zhangsan", "investigator", actor="root", display="张三", sectors=["房建市政", " 水利 ", ""])
    directory.add("lisi", "分析员", actor="root")
    reopened = UserDirectory(tmp_path)
    zhang = reopened.get("zhangsan")
    assert zhang is not None and zhang.display == "张三" and zhang.role is Role.INVESTIGATOR
    assert zhang.sectors == ("房建市政", "水利") and zhang.active and zhang.created_by == "root"
    assert reopened.get("lisi").display == "lisi" and reopened.get("lisi").scope == "全部行业"

    changed = reopened.update("zhangsan", actor="admin1", role=Role.LIAISON, sectors=[])
    assert changed.role is Role.LIAISON and changed.sectors == () and changed.display == "张三"
    assert changed.updated_by == "admin1" and changed.created_by == "root"
    reopened.disable("lisi", actor="admin1")
    assert [u.name for u in reopened.list(include_inactive=False)] == ["zhangsan"]
    assert [u.name for u in reopened.list()] == ["zhangsan", "lisi"]  # disabled users stay, listed last

    log = list(audit.entries(tmp_path))
    assert [(e["action"], e["actor"], e["target"]) for e in log] == [
        ("user.add", "root", "user:zhangsan"),
        ("user.add", "root", "user:lisi"),
        ("user.update", "admin1", "user:zhangsan"),
        ("user.disable", "admin1", "user:lisi"),
    ]
    assert log[2]["details"] == {"role": "liaison", "display": "张三", "sectors": [], "active": True, "os_login": ""}
    assert audit.verify(tmp_path) is None


def test_viewer_for_gives_role_and_scope_and_refuses_unknown_or_disabled(tmp_path: Path) -> None:
    directory = UserDirectory(tmp_path)
    directory.add("wangwu", Role.INVESTIGATOR, actor="root", display="王五", sectors=["水利"])
    directory.add("old", Role.ADMIN, actor="root")
    directory.disable("old", actor="root")
    viewer = directory.viewer_for("wangwu")
    assert viewer == Viewer(user="wangwu", role=Role.INVESTIGATOR, sectors=frozenset({"水利"}))
    assert viewer.may_see_sector("水利") and not viewer.may_see_sector("交通")
    with pytest.raises(UserError, match="已停用"):
        directory.viewer_for("old")
    with pytest.raises(UserError, match="没有"):
        directory.viewer_for("nobody")


def test_bad_input_is_refused_with_a_reason(tmp_path: Path) -> None:
    directory = UserDirectory(tmp_path)
    with pytest.raises(UserError, match="无效的角色"):
        directory.add("a", "boss", actor="root")
    with pytest.raises(UserError, match="用户名"):
        directory.add("张 三", Role.ANALYST, actor="root")
    directory.add("a", Role.ANALYST, actor="root")
    with pytest.raises(UserError, match="已存在"):
        directory.add("a", Role.ADMIN, actor="root")
    with pytest.raises(UserError, match="没有"):
        directory.disable("b", actor="root")
    assert parse_role("纪检/公安联络") is Role.LIAISON
    assert len(list(audit.entries(tmp_path))) == 1  # refused changes leave no trace


@pytest.fixture
def cli_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _as_os(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    monkeypatch.setattr(identity, "os_login", lambda: login)


def test_cli_adds_lists_updates_and_disables(cli_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    _as_os(monkeypatch, "ops")
    assert "用户目录为空" in runner.invoke(app, ["user", "list"]).output
    add = ["user", "add", "zhaoliu", "--role", "investigator", "--sector", "房建市政", "--sector", "交通"]
    first = runner.invoke(app, add)  # bootstrap: the first user must be an administrator
    assert first.exit_code != 0 and "第一个用户只能是管理员" in str(first.exception)
    boot = runner.invoke(app, ["user", "add", "qianqi", "--role", "admin"])
    assert boot.exit_code == 0 and "系统账号 ops" in boot.output  # mapped to the account that created it
    added = runner.invoke(app, [*add, "--display", "赵六", "--os-login", "zl"])
    assert added.exit_code == 0, added.output
    assert "已添加" in added.output and "交通、房建市政" in added.output
    listed = runner.invoke(app, ["user", "list"]).output
    assert "赵六" in listed and "调查员" in listed and "管理员" in listed
    assert runner.invoke(app, ["user", "update", "zhaoliu", "--all-sectors", "--by", "qianqi"]).exit_code == 0
    _as_os(monkeypatch, "zl")  # an investigator may not administer users, nor claim to be someone else
    for command in (["user", "disable", "qianqi"], ["user", "add", "x", "--role", "admin"]):
        refused = runner.invoke(app, command)
        assert refused.exit_code != 0 and "不是管理员" in str(refused.exception)
    claimed = runner.invoke(app, ["user", "disable", "zhaoliu", "--by", "qianqi"])
    assert claimed.exit_code != 0 and "不能以「qianqi」的身份操作" in str(claimed.exception)
    _as_os(monkeypatch, "stranger")
    unmapped = runner.invoke(app, ["user", "disable", "zhaoliu"])
    assert unmapped.exit_code != 0 and "没有对应的启用用户" in str(unmapped.exception)
    _as_os(monkeypatch, "ops")
    assert runner.invoke(app, ["user", "disable", "zhaoliu"]).exit_code == 0
    user = UserDirectory(cli_dir).get("zhaoliu")
    assert user is not None and not user.active and user.sectors == () and user.os_login == "zl"
    refused = runner.invoke(app, ["user", "add", "x", "--role", "boss"])
    assert refused.exit_code != 0 and isinstance(refused.exception, UserError)
    actions = [(e["action"], e["actor"]) for e in audit.entries(cli_dir)]
    assert actions == [
        ("user.add", "ops"),
        ("user.add", "qianqi"),
        ("user.update", "qianqi"),
        ("user.disable", "qianqi"),
    ]


def test_an_os_login_maps_to_one_user_only(tmp_path: Path) -> None:
    directory = UserDirectory(tmp_path)
    directory.add("adm", Role.ADMIN, actor="t", os_login="alice")
    directory.add("bob", Role.ANALYST, actor="t")
    assert directory.for_os_login("alice").name == "adm" and directory.for_os_login("bob").name == "bob"
    assert directory.for_os_login("adm") is None  # a mapped user is reached only through its account
    with pytest.raises(UserError, match="已对应用户"):
        directory.add("carol", Role.ANALYST, actor="t", os_login="alice")
    with pytest.raises(UserError, match="已对应用户"):
        directory.update("adm", actor="t", os_login="bob")
    directory.disable("bob", actor="t")
    assert directory.for_os_login("bob") is None
