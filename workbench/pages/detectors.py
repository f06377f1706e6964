"""研判: pick a detector, set its parameters, run, read the findings and their evidence graph."""

from __future__ import annotations

import streamlit as st

from bidgraph.alerts.service import rule_precision
from bidgraph.analysis.findings import Finding
from bidgraph.graph import GraphStore
from bidgraph.queries.library import SavedQuery
from bidgraph.services import detectors
from bidgraph.services.cypher import result_table, saved_queries
from bidgraph.services.timeline import timeline
from bidgraph.viewer import Viewer
from bidgraph.workbench import ui
from bidgraph.workbench.components.add_to_case import add_to_case
from bidgraph.workbench.components.similarity_view import similarity_panel
from bidgraph.workbench.components.timeline_chart import timeline_chart
from bidgraph.workbench.graph_panel import graph_panel, reset_view
from bidgraph.workbench.params_form import param_widgets
from bidgraph.workbench.triage_cache import cached_triage, show_triage, triage_future

st.title("研判")
ui.sidebar_identity()
store, viewer = ui.store(), ui.viewer()
catalogue: list[SavedQuery] | None = ui.attempt("读取检测规则", lambda: detectors.detectors(ui.settings()))
if catalogue is None:
    st.stop()
known = {q.id for q in catalogue}
catalogue += [q for q in ui.attempt("读取查询库", lambda: saved_queries(ui.settings())) or [] if q.id not in known]
by_id = {q.id: q for q in catalogue}
handled = rule_precision(ui.settings(), viewer)  # dismissed / turned-into-case alerts per rule


def show_findings(store: GraphStore, viewer: Viewer, chosen: str, found: list[Finding]) -> None:
    """The findings table with filters and downloads, and the selected finding's evidence."""
    if not found:
        st.success("没有发现符合条件的线索。可放宽参数后重试。")
        return
    frame = detectors.findings_frame(found, viewer)
    left, right = st.columns([3, 1])
    needle = left.text_input("筛选（规则、主体、标段中包含）", key="detector:filter")
    floor = right.slider("最低分值", 0, 100, 0, key="detector:floor")
    keep = (frame["分值"] >= floor) & frame.astype(str).agg(" ".join, axis=1).str.contains(needle, regex=False)
    shown = frame[keep]
    st.caption(f"共 {len(frame)} 条线索，显示 {len(shown)} 条。点选一行查看证据关系图。")
    if shown.empty:
        st.info("没有符合筛选条件的线索。")
        return
    event = st.dataframe(
        shown,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="detector:table",
        column_config={
            "分值": st.column_config.ProgressColumn("分值", min_value=0, max_value=100, format="%.0f", width="small"),
            "规则": st.column_config.TextColumn(width="small"),
            "摘要": st.column_config.TextColumn(width="large"),
        },
    )
    down = st.columns(6)
    down[0].download_button("下载 CSV", detectors.to_csv(shown), f"{chosen}.csv", "text/csv")
    down[1].download_button(
        "下载 Excel",
        detectors.to_xlsx(shown),
        f"{chosen}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    index = shown.index[event.selection.rows[0]] if event.selection.rows else shown.index[0]
    finding = sorted(found, key=lambda f: -f.score)[index]
    st.subheader(f"证据：{ui.plain(finding.title)}")
    st.markdown(ui.plain(detectors.summary_text(finding, viewer)))
    add_to_case(viewer, finding, key="detector:finding_add", label="将此发现加入线索")
    if st.session_state.get("detector:shown") != ("finding", chosen, index):
        reset_view("detector", finding.evidence)
        st.session_state["detector:shown"] = ("finding", chosen, index)
    graph_panel("detector", store, highlight=finding.evidence)
    with st.expander("时间线（涉及主体的投标、任职、持股、处罚）"):
        dated = ui.attempt("读取时间线", lambda: timeline(store, [(e[0], e[1]) for e in finding.entities], viewer))
        if dated is not None:
            timeline_chart(dated)
    similarity_panel(finding)
    if finding.sources:
        with st.expander(f"事实来源（{len(finding.sources)} 条）"):
            st.dataframe(list(finding.sources), hide_index=True)


run_tab, triage_tab = st.tabs(["运行检测规则", "风险排序"])
with run_tab:
    chosen = st.selectbox(
        "检测规则",
        list(by_id),
        format_func=lambda qid: (
            f"{by_id[qid].title}"
            + ("" if by_id[qid].builtin else "（自定义）")
            + (f"　{handled[qid].precision_text()}" if qid in handled and handled[qid].precision is not None else "")
        ),
        key="detector:id",
        index=list(by_id).index(st.query_params["detector"]) if st.query_params.get("detector") in by_id else 0,
    )
    query = by_id[chosen]
    st.markdown(f"**{ui.plain(query.title)}** · {ui.plain(query.description)}")  # user queries have these too
    if query.legal_ground:
        st.caption(f"法律依据：{ui.plain(query.legal_ground)}")
    if chosen in handled:
        r = handled[chosen]
        reasons = "、".join(f"{k} {v}" for k, v in r.dismiss_reasons.items()) or "无"
        st.caption(
            f"预警处置：{r.precision_text()}；预警 {r.total} 条，转线索 {r.to_case}，排除 {r.dismissed}（{reasons}）。"
            "精确率 =（转线索 + 以「已有处理」排除）/ 已处置。"
        )
    with st.form("detector:form", border=False):
        values = param_widgets(query.parameters, f"detector:{chosen}")
        submitted = st.form_submit_button("运行", type="primary")
    if submitted:
        with st.spinner(f"正在运行「{query.title}」……"):
            if query.finding is None and not query.builtin:
                result = ui.attempt("运行查询", lambda: detectors.run_saved(store, query, values, viewer))
                st.session_state["detector:result"] = (chosen, result, None)
            else:
                found = ui.attempt("运行检测规则", lambda: detectors.run(store, chosen, values, viewer, ui.settings()))
                st.session_state["detector:result"] = (chosen, None, found)
            st.session_state.pop("detector:shown", None)

    ran_id, result, found = st.session_state.get("detector:result", (None, None, None))
    if ran_id == chosen and result is not None:
        st.caption(f"{len(result)} 行" + ("（已截断）" if result.truncated else ""))
        st.dataframe(result_table(result, viewer), hide_index=True)
        if st.session_state.get("detector:shown") != ("query", ran_id):
            reset_view("detector", detectors.result_graph(store, result, viewer))
            st.session_state["detector:shown"] = ("query", ran_id)
        graph_panel("detector", store)
    elif ran_id == chosen and found is not None:
        show_findings(store, viewer, chosen, found)

with triage_tab:
    st.caption("风险分由各规则的严重程度按权重合成（噪声或），同一规则只计最强的一条。")
    if triage_future(store, viewer).done() or st.button("等待风险排序结果", key="detector:triage"):
        ranked = cached_triage(store, viewer)
        if ranked is not None:
            show_triage(ranked, store, viewer, "detector:triage")
