"""The 查询 page as an analyst uses it: its own example (Chinese aliases) runs, a query
starting with a // comment saves, the text survives another page, 0 rows is a success,
and a failure is reported once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from workbench_fixture import build_fixture

from bidgraph.queries.library import parse_query
from bidgraph.queries.params import QueryParam
from bidgraph.services.cypher import QueryDraft, query_source, quote_names

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graph_env(store, module_settings, data_dir) -> Iterator[None]:
    build_fixture(store)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
        patch.setenv("BIDGRAPH_GRAPH_NAME", module_settings.graph_name)
        patch.setenv("BIDGRAPH_GRAPH_URL", "")
        yield


def query_page() -> AppTest:
    """The page with its plain text box (AppTest cannot type into the Ace component)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["cypher:text:plain"] = True
    app.run()
    app.switch_page("workbench/pages/cypher.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_quote_names_quotes_chinese_names_only_outside_strings_and_comments():
    head = "// 同场 AS 次数\nMATCH (c) WHERE c.name = '甲 AS 乙' "
    text = head + "RETURN count(*) AS 同场次数, 1 AS `已引` ORDER BY 同场次数"
    assert quote_names(text) == head + "RETURN count(*) AS `同场次数`, 1 AS `已引` ORDER BY `同场次数`"
    assert quote_names("RETURN $p AS x") == "RETURN $p AS x"


def test_leading_comment_is_kept_in_the_saved_query():
    draft = QueryDraft("with_comment", "带注释", "说明", "// 注释：第一行\nMATCH (c:Company) RETURN c.name AS name")
    saved = parse_query(query_source(draft))
    assert saved.text.startswith("// 注释：第一行\nMATCH")
    param = QueryParam(name="kw", type="str", default="", label="关键词")
    text = "// x\nMATCH (c) WHERE c.name CONTAINS $kw RETURN c"
    draft = QueryDraft("with_param", "t", "d", text, parameters=(param,))
    assert parse_query(query_source(draft)).parameters[0].name == "kw"


def test_the_pages_own_example_runs_with_its_chinese_alias(graph_env):
    app = query_page()
    app.button(key="cypher:run").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "同场次数" in app.dataframe[-1].value.columns


def test_zero_rows_is_a_success_and_text_survives_another_page(graph_env):
    app = query_page()
    text = "// 不存在的企业\nMATCH (c:Company) WHERE c.name = '不存在' RETURN c.name AS 名称"
    app.text_area(key="cypher:text").input(text).run()
    app.button(key="cypher:run").click().run()
    assert any("查询成功，没有符合条件的结果" in i.value for i in app.info), [e.value for e in app.error]
    assert not any("请先" in i.value for i in app.info)
    app.switch_page("workbench/pages/search.py").run()
    app.switch_page("workbench/pages/cypher.py").run()
    assert app.text_area(key="cypher:text").value == text


def test_a_failure_is_reported_once_and_a_commented_query_saves(graph_env):
    app = query_page()
    app.text_area(key="cypher:text").input("MATCH (c:Company RETURN c").run()
    app.button(key="cypher:run").click().run()
    assert app.error and "查询失败：查询失败" not in app.error[0].value
    app.text_area(key="cypher:text").input("// 我的注释\nMATCH (c:Company) RETURN c.name AS 名称").run()
    form_inputs = app.text_input
    form_inputs[-3].input("commented_query")
    form_inputs[-2].input("带注释的查询")
    app.text_area[-1].input("开头是注释")
    next(b for b in app.button if b.label == "保存").click().run()
    assert not app.error, [e.value for e in app.error]
    assert any("已保存" in s.value for s in app.success)


def test_the_row_limit_goes_after_a_final_quoted_name_or_string():
    from bidgraph.graph.store import push_limit

    assert push_limit("MATCH (c) RETURN c.name AS `名称`", 5) == "MATCH (c) RETURN c.name AS `名称` LIMIT 5"
    assert push_limit("RETURN 'x' // note", 5) == "RETURN 'x' LIMIT 5 // note"


def test_an_error_names_line_and_column_in_chinese(graph_env):
    app = query_page()
    app.text_area(key="cypher:text").input("MATCH (c:Company)\nRETRUN c.name").run()
    app.button(key="cypher:run").click().run()
    assert app.error, "a misspelt keyword must fail"
    message = app.error[0].value
    assert "「RETRUN」处无法解析" in message and "（第 2 行第 1 列）" in message, message
    app.text_area(key="cypher:text").input("MATCH (c:Company)\nWHERE c.name = 'x'\nRETURN d").run()
    app.button(key="cypher:run").click().run()
    assert "变量 d 未定义" in app.error[0].value and "（第 3 行第 8 列）" in app.error[0].value


def test_query_history_is_kept_per_user_across_sessions(graph_env, data_dir):
    from bidgraph.services import query_history

    first = query_page()
    text = "// 历史记录测试\nMATCH (c:Company) RETURN count(c) AS 企业数"
    first.text_area(key="cypher:text").input(text).run()
    first.button(key="cypher:run").click().run()
    assert not first.error, [e.value for e in first.error]
    second = query_page()  # a new session: nothing carried over in session state
    options = second.selectbox(key="cypher:text:history").options
    assert any("历史记录测试" in o and "1 行" in o for o in options), options
    second.button(key="cypher:text:restore").click().run()
    assert second.text_area(key="cypher:text").value == text
    assert [e.text for e in query_history.recent(data_dir, "another_analyst")] == []
