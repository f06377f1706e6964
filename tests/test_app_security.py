"""Roles in the workbench (Streamlit AppTest through app.py): who gets the 查询 page, the
audit log and expert details, and how the user is chosen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from workbench_fixture import WANG, build_fixture

from bidgraph import audit
from bidgraph.graph.model import Node, Subgraph
from bidgraph.services.common import NodeRef
from bidgraph.users import UserDirectory
from bidgraph.viewer import Role, Viewer
from bidgraph.viz import render_html

ROOT = Path(__file__).resolve().parents[1]
USERS = {"inv": Role.INVESTIGATOR, "ana": Role.ANALYST, "adm": Role.ADMIN, "water": Role.ANALYST}


@pytest.fixture(scope="module")
def directory(store, module_settings, data_dir) -> Iterator[UserDirectory]:
    """The fixture graph and one user per role, in the shared data dir (removed afterwards)."""
    build_fixture(store, data_dir)
    (data_dir / "users.sqlite").unlink(missing_ok=True)
    users = UserDirectory(data_dir)
    for name, role in USERS.items():
        users.add(name, role, actor="test", display=f"测试{name}", sectors=["水利"] if name == "water" else ())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
        patch.setenv("BIDGRAPH_GRAPH_NAME", module_settings.graph_name)
        patch.setenv("BIDGRAPH_GRAPH_URL", "")
        patch.delenv("BIDGRAPH_USER", raising=False)
        yield users
    (data_dir / "users.sqlite").unlink(missing_ok=True)


def page(name: str, user: str, monkeypatch: pytest.MonkeyPatch, **state: object) -> AppTest:
    """Page ``name`` as the SSO-named ``user``, reached through the navigation."""
    monkeypatch.setenv("BIDGRAPH_USER", user)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in state.items():
        app.session_state[key] = value
    app.run().switch_page(f"workbench/pages/{name}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def sidebar_text(app: AppTest) -> str:
    return " ".join(c.value for c in app.sidebar.caption)


def test_cypher_page_is_refused_to_an_investigator_and_open_to_an_analyst(directory, monkeypatch):
    refused = page("cypher", "inv", monkeypatch)
    assert any("仅限分析员、管理员" in i.value and "管理员" in i.value for i in refused.info)
    assert not [t for t in refused.text_area if t.key == "cypher:text"]
    assert "角色：调查员" in sidebar_text(refused)
    scoped = page("cypher", "water", monkeypatch)
    assert any("限定了可见行业" in i.value for i in scoped.info)
    assert "可见行业：水利" in sidebar_text(scoped)
    shown = page("cypher", "ana", monkeypatch, **{"cypher:text:plain": True})  # AppTest cannot type into Ace
    assert shown.text_area(key="cypher:text") is not None and not shown.info
    shown.text_area(key="cypher:text").input("MATCH (c:Company) RETURN c.name AS name").run()
    shown.button(key="cypher:run").click().run()
    assert len(shown.dataframe[-1].value) == 4  # the result table, after the schema browser


def test_audit_page_shows_entries_and_the_chain_status_to_admins_only(directory, monkeypatch, tmp_path):
    app = page("audit", "adm", monkeypatch)
    table = app.dataframe[0].value
    added = table[(table["操作"] == "添加用户") & (table["对象"] == "user:ana")]
    assert len(added) == 1 and added["操作人"].iloc[0] == "test" and "analyst" in added["详情"].iloc[0]
    assert list(table["行号"]) == sorted(table["行号"], reverse=True)  # newest first
    assert any("哈希链完整" in s.value for s in app.success) and not app.error
    app.multiselect(key="audit:actions").set_value(["添加用户"]).run()
    assert set(app.dataframe[0].value["操作"]) == {"添加用户"} and len(app.dataframe[0].value) >= len(USERS)
    assert [d.label for d in app.get("download_button")] == ["下载 CSV"]

    refused = page("audit", "ana", monkeypatch)
    assert not refused.dataframe and any("仅限管理员" in i.value for i in refused.info)


def test_a_broken_chain_is_reported_with_its_line(directory, monkeypatch, tmp_path):
    """In a data dir of its own, so the shared log stays intact."""
    UserDirectory(tmp_path).add("adm", Role.ADMIN, actor="test")
    for i in range(3):
        audit.record(tmp_path, "case.view", actor="adm", target=f"case:{i}")
    log = audit.log_path(tmp_path)
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[2]
    log.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(tmp_path))
    app = page("audit", "adm", monkeypatch)
    assert any("第 3 行：哈希链断开" in e.value for e in app.error) and not app.success
    assert set(app.dataframe[0].value["操作"]) == {"查看线索", "添加用户"}


def test_expert_details_are_masked_for_an_analyst(directory, monkeypatch):
    ref = NodeRef("Person", WANG)
    analyst = page("profile", "ana", monkeypatch, profile_ref=ref)
    assert analyst.title[0].value == "自然人画像：评标专家（E-001）"
    facts = analyst.dataframe[0].value.set_index("项目")["内容"]
    assert "王五" not in facts.to_string() and facts["专家编号"] == "E-001"
    assert not any("王五" in o for o in analyst.selectbox(key="profile:node").options)
    investigator = page("profile", "inv", monkeypatch, profile_ref=ref)
    assert investigator.title[0].value == "自然人画像：王五"
    assert any("王五" in o for o in investigator.selectbox(key="profile:node").options)


def test_graph_drawing_hides_an_experts_identity_from_roles_without_expert_details():
    expert = Node(
        "1", ("Person", "Expert"), {"key": "id:x", "name": "钱七", "employer": "某设计院", "expert_no": "E-9"}
    )
    graph = Subgraph({"1": expert}, {})
    analyst = render_html(graph, viewer=Viewer("a", Role.ANALYST))
    assert "钱七" not in analyst and "某设计院" not in analyst and "E-9" in analyst
    assert "钱七" in render_html(graph, viewer=Viewer("i", Role.INVESTIGATOR))


def test_without_sso_the_sidebar_offers_the_active_users(directory, monkeypatch):
    directory.disable("water", actor="test")
    monkeypatch.delenv("BIDGRAPH_USER", raising=False)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    picker = app.sidebar.selectbox[0]
    assert picker.label == "当前用户" and len(picker.options) == 3 and not any("water" in o for o in picker.options)
    assert any("SSO" in c for c in [c.value for c in app.sidebar.caption])
    # no silent identity: nobody is picked (never the first user, here an administrator) and nothing is shown
    assert picker.value is None and any("选择您的身份" in i.value for i in app.info)
    assert not app.dataframe and not app.metric and "角色：" not in sidebar_text(app)
    picker.select_index(picker.options.index(next(o for o in picker.options if "ana" in o))).run()
    app.session_state["cypher:text:plain"] = True
    app.switch_page("workbench/pages/cypher.py").run()
    assert not app.exception and app.text_area(key="cypher:text") is not None


def test_users_page_adds_and_disables_users_for_admins_only(directory, monkeypatch):
    app = page("users", "adm", monkeypatch)
    app.text_input(key="users:name").input("zhou")
    app.text_input(key="users:display").input("周八")
    app.selectbox(key="users:role").set_value(Role.LIAISON)
    app.multiselect(key="users:sectors").set_value(["水利"])
    next(b for b in app.button if b.label == "保存").click().run()
    assert not app.exception, [e.message for e in app.exception]
    zhou = directory.get("zhou")
    assert zhou is not None and zhou.role is Role.LIAISON and zhou.sectors == ("水利",) and zhou.created_by == "adm"
    assert "周八" in set(app.dataframe[0].value["显示名称"])
    app.selectbox(key="users:disable_name").set_value("zhou")
    app.button(key="users:disable").click().run()
    assert not directory.get("zhou").active
    assert [e["action"] for e in audit.entries(directory.data_dir) if e["target"] == "user:zhou"] == [
        "user.add",
        "user.disable",
    ]
    assert not page("users", "inv", monkeypatch).dataframe


def test_only_admins_may_load_data_but_everyone_may_check(directory, monkeypatch):
    def with_folder(user: str) -> AppTest:
        app = page("data", user, monkeypatch)
        app.radio(key="data:source").set_value("服务器上的文件夹").run()
        app.text_input(key="data:folder").input(str(ROOT / "data" / "sample")).run()
        return app

    investigator = with_folder("inv")
    assert investigator.button(key="data:load").disabled and not investigator.button(key="data:check").disabled
    assert any("仅管理员可导入" in c.value for c in investigator.caption)
    admin = with_folder("adm")
    assert not admin.button(key="data:load").disabled
    assert not any("仅管理员可导入" in c.value for c in admin.caption)
