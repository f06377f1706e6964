"""The 线索 page (Streamlit AppTest): list, masked detail, audited view, status rules
shown as a clear message, and the recipients an investigator may export for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bidgraph import audit
from bidgraph.cases import CaseStore
from bidgraph.graph.model import Node, Relationship, Subgraph
from bidgraph.settings import Settings

PAGE = str(Path(__file__).resolve().parent.parent / "workbench" / "pages" / "leads.py")
ID_NUMBER = "110101198502023456"


@pytest.fixture()
def page_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CaseStore]:
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BIDGRAPH_GRAPH_NAME", "test_cases_page")
    (data_dir / "cases.sqlite").unlink(missing_ok=True)
    cases = CaseStore(Settings(data_dir=data_dir))
    person = Node("p1", ("Person",), {"key": "id:x", "name": "李四", "id_number": ID_NUMBER, "load_id": "L1"})
    company = Node("c1", ("Company",), {"key": "C1", "name": "页面测试公司", "load_id": "L1"})
    rel = Relationship("r1", "LEGAL_REP_OF", "p1", "c1", {"load_id": "L1"})
    case_id = cases.create("页面测试线索", f"李四身份证{ID_NUMBER}", actor="甲")
    cases.add_evidence(case_id, Subgraph({"p1": person, "c1": company}, {"r1": rel}), actor="甲")
    yield cases
    (data_dir / "cases.sqlite").unlink(missing_ok=True)


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.subheader, *at.caption, *at.warning, *at.error, *at.success)]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(map(str, parts))


def _case_views(data_dir: Path) -> list[dict]:
    return [e for e in audit.entries(data_dir) if e["action"] == "case.view"]


def test_page_shows_the_case_masked_and_audits_the_view_once(page_env: CaseStore) -> None:
    earlier = len(_case_views(page_env.data_dir))  # the data dir's log is shared with other tests
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "XS-00001 页面测试线索 · 发现" in shown and "页面测试公司" in shown
    assert ID_NUMBER not in shown and "110101198502******" in shown
    at.run()
    views = _case_views(page_env.data_dir)[earlier:]
    assert len(views) == 1 and views[0]["target"] == "case:1"
    recipients = at.radio[0].options
    assert "行业行政监督部门：身份证号、电话号码脱敏" in recipients and len(recipients) == 2


def test_skipping_a_status_without_reason_is_refused_in_chinese(page_env: CaseStore) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    form_select = next(s for s in at.selectbox if s.label == "新状态")
    form_select.set_value("处理")
    next(b for b in at.button if b.label == "提交").click()
    at.run()
    assert any("跳步理由" in e.value for e in at.error), [e.value for e in at.error]
    assert page_env.get(1).status == "发现"


def _widget_script() -> None:
    from bidgraph.graph.model import Node
    from bidgraph.viewer import DEMO_VIEWER
    from bidgraph.workbench.components.add_to_case import add_to_case

    add_to_case(DEMO_VIEWER, [Node("n9", ("Company",), {"key": "K9", "name": "组件测试公司"})], key="t")


def test_add_to_case_widget_creates_and_extends_cases(page_env: CaseStore) -> None:
    at = AppTest.from_function(_widget_script, default_timeout=60).run()
    assert not at.exception, at.exception
    at.text_input(key="t:title").set_value("组件新建线索")
    at.button(key="t:submit").click().run()
    assert any("已加入线索 XS-00002" in s.value for s in at.success), [s.value for s in at.success]
    created = page_env.get(2)
    assert created.title == "组件新建线索" and set(created.nodes) == {"n9"}
    at.selectbox(key="t:case").set_value(1)
    at.button(key="t:submit").click().run()
    assert "n9" in page_env.get(1).nodes and len(page_env.list()) == 2
