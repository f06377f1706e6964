"""总览: headline figures, bids by industry/region/year, the riskiest tenders and groups, recent loads."""

from __future__ import annotations

import streamlit as st

from bidgraph.services.overview import overview, recent_loads
from bidgraph.viz import format_money
from bidgraph.workbench import ui
from bidgraph.workbench.triage_cache import cached_triage, show_triage, triage_future

st.title("总览")
ui.sidebar_identity()
store, viewer = ui.store(), ui.viewer()
stats = ui.attempt("统计", lambda: overview(store, viewer))
if stats is None:
    st.stop()
if stats.empty:
    st.subheader("欢迎使用公共资源交易关系图谱研判工作台")
    ui.empty_graph_hint()
    st.stop()

cols = st.columns(5)
cols[0].metric("项目", f"{stats.projects:,}")
cols[1].metric("标段/包", f"{stats.tenders:,}")
cols[2].metric("投标", f"{stats.bids:,}")
cols[3].metric("交易总额", format_money(stats.total_value))
cols[4].metric("企业 / 自然人", f"{stats.companies:,} / {stats.people:,}")

st.subheader("投标分布")
tabs = st.tabs(["按行业", "按地区", "按年份"])
for tab, frame in zip(tabs, (stats.by_industry, stats.by_region, stats.by_year), strict=True):
    with tab:
        if frame.empty:
            st.caption("暂无数据")
        else:
            horizontal = frame.columns[0] != "年份"  # long Chinese names read better on the side
            st.bar_chart(frame, x=frame.columns[0], y="投标数", height=300, color="#2f6db5", horizontal=horizontal)

st.subheader("最近导入")
history = ui.attempt("读取导入历史", lambda: recent_loads(store, limit=3))
if history is not None and not history.empty:
    st.dataframe(history, hide_index=True)
else:
    st.caption("还没有通过工作台或命令行导入的记录。")

st.subheader("风险排序")
future = triage_future(store, viewer)


@st.fragment(run_every=None if future.done() else 2)
def triage_section() -> None:
    """Filled in when the background triage finishes; the rest of the page does not wait."""
    if not future.done():
        st.info("正在后台运行全部检测规则并计算风险分，完成后自动显示……")
        return
    if st.session_state.get("overview:triage_pending"):
        st.session_state["overview:triage_pending"] = False
        st.rerun()  # once more, now without polling
    ranked = cached_triage(store, viewer)
    if ranked is None:
        return
    show_triage(ranked, store, viewer, "overview", limit=10)


st.session_state["overview:triage_pending"] = not future.done()
triage_section()
