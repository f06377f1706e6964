"""查询: write Cypher with $parameters, run it read-only, save it to the query library."""

from __future__ import annotations

import streamlit as st

from bidgraph.queries.library import SavedQuery
from bidgraph.queries.params import QueryParam, param_from_spec
from bidgraph.services.cypher import (
    PARAM_TYPES,
    QueryDraft,
    delete_query,
    parameter_names,
    result_table,
    run_cypher,
    save_query,
    saved_queries,
)
from bidgraph.viewer import Role
from bidgraph.workbench import ui
from bidgraph.workbench.components.cypher_editor import cypher_editor, schema_browser
from bidgraph.workbench.components.query_history import history_picker, run_and_remember
from bidgraph.workbench.graph_panel import graph_panel, reset_view

EXAMPLE = """// 与某企业同场投标的企业（示例）
MATCH (c:Company)-[:SUBMITTED]->(:Bid)-[:FOR]->(t:Tender)<-[:FOR]-(:Bid)<-[:SUBMITTED]-(o:Company)
WHERE c.name CONTAINS $name AND o <> c
RETURN c, o, count(DISTINCT t) AS 同场次数
ORDER BY 同场次数 DESC"""

st.title("查询")
ui.sidebar_identity()
UNSCOPED = (
    "自由编写的 Cypher 查询无法限定在账号可见的行业范围内。调查员请在「研判」页运行已保存的查询（按行业范围过滤）。"
)
viewer = ui.require_role(Role.ANALYST, Role.ADMIN, why=UNSCOPED)
if viewer.sectors:
    st.info(f"您的账号限定了可见行业，不能使用本页：{UNSCOPED}如需使用，请联系系统管理员。")
    st.stop()
store, settings = ui.store(), ui.settings()
# Streamlit forgets a widget's value when another page is shown: keep the text under a second key.
if "cypher:text" not in st.session_state:
    st.session_state["cypher:text"] = st.session_state.get("cypher:kept_text", EXAMPLE)


def open_saved(query: SavedQuery) -> None:
    st.session_state["cypher:text"] = query.text
    st.session_state["cypher:meta"] = query
    for param in query.parameters:
        st.session_state[f"cypher:type:{param.name}"] = param.type
        st.session_state[f"cypher:value:{param.name}"] = _as_text(param.default)
        st.session_state[f"cypher:label:{param.name}"] = param.label


def _as_text(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))


library = ui.attempt("读取查询库", lambda: saved_queries(settings)) or []
history_picker(settings.data_dir, viewer.user, "cypher:text")
with st.expander(f"我的查询库（{len(library)}）", expanded=False):
    if not library:
        st.caption("还没有保存的查询。写好查询并运行后，可在下方「保存到查询库」。")
    else:
        by_id = {q.id: q for q in library}
        picked = st.selectbox(
            "已保存的查询", list(by_id), format_func=lambda i: f"{by_id[i].title}（{i}）", key="cypher:picked"
        )
        st.caption(
            by_id[picked].description + ("　标签：" + "、".join(by_id[picked].tags) if by_id[picked].tags else "")
        )
        cols = st.columns([1, 1, 4])
        cols[0].button("打开编辑", key="cypher:open", on_click=open_saved, args=(by_id[picked],))
        confirm = cols[2].checkbox("确认删除", key="cypher:confirm_delete")
        if cols[1].button("删除", key="cypher:delete", disabled=not confirm):
            with ui.guarded("删除查询"):
                delete_query(picked, settings)
                st.toast(f"已删除查询 {picked}")
                st.rerun()

editor_col, schema_col = st.columns([3, 2])
with schema_col:
    schema_browser()
with editor_col:
    text, submitted = cypher_editor("cypher:text", "Cypher 查询（只读执行；值请用 $参数；中文别名自动加反引号）")
st.session_state["cypher:kept_text"] = text
names = parameter_names(text)
params: list[QueryParam] = []
values: dict[str, object] = {}
if names:
    st.markdown("**参数**")
for name in names:
    cols = st.columns([2, 2, 3])
    kind = cols[0].selectbox(f"${name} 类型", list(PARAM_TYPES), format_func=PARAM_TYPES.get, key=f"cypher:type:{name}")
    label = cols[1].text_input(f"${name} 中文名称", value=name, key=f"cypher:label:{name}")
    raw = cols[2].text_input(f"${name} 取值", key=f"cypher:value:{name}")
    spec = {"name": name, "type": kind, "default": raw, "label": label or name}
    param = ui.attempt(f"参数 ${name}", lambda spec=spec: param_from_spec(spec))
    if param is not None:
        params.append(param)
        values[name] = param.coerce(raw)

cols = st.columns([1, 1, 4])
limit = cols[0].number_input("最多返回行数", 1, 10_000, 500, step=100, key="cypher:limit")
timeout_s = cols[1].number_input("超时（秒）", 1, 120, 10, key="cypher:timeout")
clicked = st.button("运行", type="primary", key="cypher:run", disabled=len(params) != len(names))
if clicked or (submitted and len(params) == len(names)):
    with st.spinner("正在查询……"):
        result, failure = run_and_remember(
            settings.data_dir,
            viewer.user,
            text,
            lambda: run_cypher(
                store,
                text,
                values,
                viewer,
                limit=int(limit),
                timeout_ms=int(timeout_s * 1000),
                slots=settings.user_query_slots,
            ),
        )
    st.session_state["cypher:result"], st.session_state["cypher:failure"] = result, (text, failure)
    if result is not None:
        reset_view("cypher", result.to_subgraph())

failed_text, failure = st.session_state.get("cypher:failure", (None, None))
if failure and failed_text == text:  # kept over the editor's own reruns, gone once the text is edited
    st.error(failure)
result = st.session_state.get("cypher:result")
if result is not None and len(result) == 0:
    st.info(f"查询成功，没有符合条件的结果（用时 {result.elapsed_ms:.0f} 毫秒）。")
elif result is not None:
    note = f"{len(result)} 行，用时 {result.elapsed_ms:.0f} 毫秒" + ("；已按行数上限截断" if result.truncated else "")
    st.caption(note)
    table_tab, graph_tab = st.tabs(["表格", "关系图"])
    table_tab.dataframe(result_table(result, viewer), hide_index=True)
    with graph_tab:
        graph_panel("cypher", store)

st.subheader("保存到查询库")
meta: SavedQuery | None = st.session_state.get("cypher:meta")
with st.form("cypher:save"):
    cols = st.columns(2)
    query_id = cols[0].text_input("查询 id（小写字母、数字、下划线）", value=meta.id if meta else "")
    title = cols[1].text_input("标题", value=meta.title if meta else "")
    description = st.text_area("说明（做什么、何时用）", value=meta.description if meta else "", height=80)
    tags = st.text_input("标签（逗号分隔）", value="、".join(meta.tags) if meta else "")
    overwrite = st.checkbox("如已存在则覆盖", value=meta is not None)
    if st.form_submit_button("保存"):
        draft = QueryDraft(
            id=query_id.strip(),
            title=title.strip(),
            description=description.strip(),
            text=text,
            parameters=tuple(params),
            tags=tuple(t.strip() for t in tags.replace("、", ",").split(",") if t.strip()),
        )
        saved = ui.attempt("保存查询", lambda: save_query(draft, settings, overwrite=overwrite))
        if saved is not None:
            st.success(f"已保存「{ui.plain(saved.title)}」。它已出现在「研判」页的检测规则列表中。")
