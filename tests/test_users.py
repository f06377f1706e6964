"""The user directory: add, change, disable, persistence, viewers, the CLI, and the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bidgraph import audit
from bidgraph.cli import app
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
    assert log[2]["details"] == {"role": "liaison", "display": "张三", "sectors": [], "active": True}
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


def test_cli_adds_lists_updates_and_disables(cli_dir: Path) -> None:
    runner = CliRunner()
    assert "用户目录为空" in runner.invoke(app, ["user", "list"]).output
    add = ["user", "add", "zhaoliu", "--role", "investigator", "--sector", "房建市政", "--sector", "交通"]
    added = runner.invoke(app, [*add, "--display", "赵六", "--by", "root"])
    assert added.exit_code == 0, added.output
    assert "已添加" in added.output and "交通、房建市政" in added.output
    assert runner.invoke(app, ["user", "add", "qianqi", "--role", "admin", "--by", "root"]).exit_code == 0
    listed = runner.invoke(app, ["user", "list"]).output
    assert "赵六" in listed and "调查员" in listed and "管理员" in listed
    assert runner.invoke(app, ["user", "update", "zhaoliu", "--all-sectors", "--by", "qianqi"]).exit_code == 0
    assert runner.invoke(app, ["user", "disable", "zhaoliu", "--by", "qianqi"]).exit_code == 0
    user = UserDirectory(cli_dir).get("zhaoliu")
    assert user is not None and not user.active and user.sectors == ()
    refused = runner.invoke(app, ["user", "add", "x", "--role", "boss"])
    assert refused.exit_code != 0 and isinstance(refused.exception, UserError)
    actions = [(e["action"], e["actor"]) for e in audit.entries(cli_dir)]
    assert actions == [
        ("user.add", "root"),
        ("user.add", "root"),
        ("user.update", "qianqi"),
        ("user.disable", "qianqi"),
    ]
