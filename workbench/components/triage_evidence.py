"""A triage row's evidence view: the explanation, every finding that built its score, the
combined evidence graph and timeline, and 「全部加入线索」 — one click from the ranking."""

from __future__ import annotations

import streamlit as st

from bidgraph.analysis.findings import RankedItem
from bidgraph.analysis.riskfindings import DETECTOR as RISK_SCORE
from bidgraph.graph import GraphStore
from bidgraph.services import access, detectors
from bidgraph.services.common import NodeRef
from bidgraph.services.timeline import timeline
from bidgraph.services.triage_evidence import combined_graph, item_entities, ordered_findings
from bidgraph.viewer import Viewer
from bidgraph.workbench import ui
from bidgraph.workbench.components.add_to_case import add_to_case
from bidgraph.workbench.components.timeline_chart import timeline_chart
from bidgraph.workbench.graph_panel import graph_panel, reset_view


def evidence_view(store: GraphStore, viewer: Viewer, item: RankedItem, key: str) -> None:
    """Everything behind one ranked tender or company group."""
    findings = ordered_findings(item)
    aliases = access.expert_aliases(findings, viewer)
    name = access.readable(item.name, viewer, aliases)
    kind = "标段" if item.kind == "tender" else "企业群组"
    st.subheader(f"证据：{ui.plain(name)}")
    rules = [r for r in item.rules if r != RISK_SCORE]  # the continuous score is a finding, not a rule
    st.markdown(
        f"**{kind}风险分 {item.score:.0f}**，由 {len(findings)} 条发现合成（命中 {len(rules)} 类规则）。"
        f"{ui.plain(access.readable(item.explanation, viewer, aliases))}"
    )
    actions = st.columns([2, 2, 5])
    with actions[0]:
        add_to_case(
            viewer, findings, key=f"{key}:add", label="全部加入线索", title=f"{name}（{kind}风险分 {item.score:.0f}）"
        )
    target = _profile_target(item)
    if target and actions[1].button("打开画像", key=f"{key}:profile"):
        ui.open_profile(target)
    st.dataframe(
        detectors.findings_frame(findings, viewer),
        hide_index=True,
        column_config={
            "分值": st.column_config.ProgressColumn("分值", min_value=0, max_value=100, format="%.0f", width="small"),
            "摘要": st.column_config.TextColumn(width="large"),
        },
    )
    graph_tab, time_tab = st.tabs(["合并证据关系图", "时间线"])
    with graph_tab:
        graph = combined_graph(findings)
        if st.session_state.get(f"{key}:shown") != item.key:
            reset_view(f"{key}:graph", graph)
            st.session_state[f"{key}:shown"] = item.key
        graph_panel(f"{key}:graph", store, highlight=graph)
    with time_tab:
        entities = [(label, k) for label, k, _ in item_entities(item)]
        frame = ui.attempt("读取时间线", lambda: timeline(store, entities, viewer))
        if frame is not None:
            timeline_chart(frame)


def _profile_target(item: RankedItem) -> NodeRef | None:
    if item.kind == "tender":
        return NodeRef("Tender", item.key)
    company = next((e for e in item.entities if e[0] == "Company"), None)
    return NodeRef("Company", company[1], company[2]) if company else None
