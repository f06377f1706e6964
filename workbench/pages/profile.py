"""画像: a company, person or tender with its facts, relations, bids, findings and graph."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bidgraph.services import detectors
from bidgraph.services.common import NodeRef, facts_table
from bidgraph.services.graphview import neighbourhood
from bidgraph.services.mentions import mentions
from bidgraph.services.profiles import Profile, company_profile, get_node, person_profile
from bidgraph.services.tender import tender_profile
from bidgraph.services.timeline import timeline
from bidgraph.viz import label_zh
from bidgraph.workbench import ui
from bidgraph.workbench.components.timeline_chart import timeline_chart
from bidgraph.workbench.graph_panel import graph_panel, reset_view
from bidgraph.workbench.search_box import search_box
from bidgraph.workbench.triage_cache import cached_triage, triage_future

LOADERS = {"Company": company_profile, "Person": person_profile, "Tender": tender_profile}

ui.sidebar_identity()
ref: NodeRef | None = ui.profile_ref()
if ref is None:
    st.title("画像")
    st.info("请先搜索并选择一个企业、自然人或标段。")
    search_box("profile_search")
    st.stop()

store, viewer = ui.store(), ui.viewer()


def _generic(store_, key, viewer_) -> Profile:
    node = get_node(store_, ref.label, key)
    return Profile(node=node, facts=facts_table(node, viewer_))


profile = ui.attempt("读取画像", lambda: LOADERS.get(ref.label, _generic)(store, ref.key, viewer))
if profile is None:
    search_box("profile_search")
    st.stop()
name = profile.facts.set_index("项目")["内容"].get("名称", ref.name or ref.key)
st.title(f"{label_zh(ref.label)}画像：{ui.plain(name)}")
if st.session_state.get("profile:loaded") != ref:
    reset_view("profile", neighbourhood(store, ref.label, ref.key, viewer))
    st.session_state["profile:loaded"] = ref
if profile.stats:
    cols = st.columns(min(len(profile.stats), 6))
    for col, (label, value) in zip(cols * 3, list(profile.stats.items())[:6], strict=False):
        col.metric(label, value)


def linked(frame: pd.DataFrame, label: str, key: str, empty: str) -> None:
    """A table whose rows open the profile of the entity in the hidden ``key`` column."""
    if frame.empty:
        st.caption(empty)
        return
    event = st.dataframe(
        frame,
        hide_index=True,
        column_config={"key": None, "label": None, "报价（元）": st.column_config.NumberColumn(format="localized")},
        on_select="rerun",
        selection_mode="single-row",
        key=key,
    )
    if event.selection.rows:
        row = frame.iloc[event.selection.rows[0]]
        ui.open_profile(NodeRef(row.get("label", label) if "label" in row else label, row["key"]))


def price_chart(bids: pd.DataFrame) -> None:
    priced = bids.dropna(subset=["报价（元）"])
    if priced.empty:
        st.caption("没有可比较的数值报价。")
        return
    chart = priced.assign(结果=priced["中标"].map({True: "中标"}).fillna("未中标"))
    st.bar_chart(chart, x="投标人", y="报价（元）", color="结果", height=280, horizontal=True)


SECTIONS = {
    "Company": [
        ("基本信息", None),
        ("人员与股东", ("people", "Person", "暂无登记人员。")),
        ("投标记录", ("bids", "Tender", "暂无投标记录。")),
        ("常见共同投标人", ("co_bidders", "Company", "暂无。")),
    ],
    "Person": [
        ("基本信息", None),
        ("任职与持股", ("roles", "Company", "暂无任职记录。")),
        ("亲属", ("kin", "Person", "暂无登记的亲属关系。")),
        ("投标中担任", ("bid_roles", "Tender", "未在投标中担任项目负责人或委托代理人。")),
        ("证书", ("certificates", "Certificate", "暂无证书。")),
        ("评标记录", ("evaluations", "Tender", "暂无评标记录。")),
    ],
    "Tender": [
        ("基本信息", None),
        ("投标与报价", ("bids", "Company", "暂无投标。")),
        ("评标专家", ("experts", "Person", "暂无评标专家记录。")),
        ("相关单位", ("parties", "Agency", "暂无。")),
    ],
}
sections = [s for s in SECTIONS.get(ref.label, [("基本信息", None)]) if s[1] is None or s[1][0] in profile.tables]
published = ui.attempt("读取公告出处", lambda: mentions(store, ref.label, ref.key, viewer))
extra = ["出现在公告"] if published is not None and len(published) else []
dated = ["时间线"] if ref.label in ("Company", "Person") else []
tabs = st.tabs([title for title, _ in sections] + extra + dated + ["研判线索", "关系图"])
if dated:
    with tabs[-3]:
        frame = ui.attempt("读取时间线", lambda: timeline(store, [(ref.label, ref.key)], viewer))
        if frame is not None:
            timeline_chart(frame)
if extra:
    with tabs[len(sections)]:
        st.caption("该对象在已导入公告中的出处；【】内为抽取出的内容，可据此回到原文核对。")
        st.dataframe(published, hide_index=True)
for tab, (_title, spec) in zip(tabs, sections, strict=False):
    with tab:
        if spec is None:
            st.dataframe(profile.facts, hide_index=True)
            continue
        table_key, label, empty = spec
        if ref.label == "Tender" and table_key == "bids":
            price_chart(profile.tables["bids"])
            st.markdown("**报价离散度指标**")
            st.dataframe(pd.DataFrame([profile.stats]), hide_index=True)
        linked(profile.tables[table_key], label, f"profile:{table_key}", empty)
with tabs[-2]:
    if triage_future(store, viewer).done() or st.button("等待研判结果", key="profile:findings"):
        ranked = cached_triage(store, viewer)
        found = detectors.involving(detectors.all_findings(ranked), ref.label, ref.key) if ranked else []
        if found:
            st.dataframe(detectors.findings_frame(found, viewer), hide_index=True)
        else:
            st.caption("现有检测规则没有发现涉及该对象的线索。")
    else:
        st.caption("全部检测规则正在后台运行，完成后这里会列出涉及该对象的线索。")
with tabs[-1]:
    graph_panel("profile", store)
