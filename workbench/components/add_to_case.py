"""「加入线索」: put a finding, selected nodes or paths into a new or an existing case.

Embed it next to anything that can be evidence::

    add_to_case(viewer, finding, key="detector:add")          # a Finding
    add_to_case(viewer, view.graph, key="profile:add")        # a Subgraph
    add_to_case(viewer, [path, node], key="cypher:add")       # paths, nodes, lists
"""

from __future__ import annotations

import streamlit as st

from bidgraph.analysis.findings import Finding
from bidgraph.cases import CaseStore, as_evidence
from bidgraph.cases.evidence import EvidenceLike
from bidgraph.masking import mask_text
from bidgraph.services import cases as case_service
from bidgraph.viewer import Viewer
from bidgraph.workbench import ui

NEW = 0  # the "new case" choice in the case picker


def add_to_case(
    viewer: Viewer, evidence: EvidenceLike, *, key: str, label: str = "加入线索", title: str | None = None
) -> int | None:
    """A popover with the case picker; returns the case id once the evidence is added.
    ``title`` is the suggested title of a new case (default: the first finding's)."""
    gathered = as_evidence(evidence)
    suggested = title or _suggested_title(gathered.findings, viewer)
    with st.popover(label, disabled=gathered.empty, help="将当前证据作为快照保存到线索中"):
        st.caption(f"将加入：{ui.plain(gathered.describe())}。加入后按当时的数据保存，之后数据变化不影响线索内容。")
        cases = CaseStore(ui.settings())
        existing = {c.id: f"{c.number} {c.title}（{c.status}）" for c in case_service.case_list(cases, viewer)}
        choice = st.selectbox(
            "加入到",
            [NEW, *existing],
            format_func=lambda cid: "新建线索" if cid == NEW else existing[cid],
            key=f"{key}:case",
        )
        new_title = summary = ""
        if choice == NEW:
            new_title = st.text_input("线索标题", value=suggested, key=f"{key}:title")
            summary = st.text_area("概要", key=f"{key}:summary", placeholder="线索来源、主要疑点")
        if st.button("确认加入", type="primary", key=f"{key}:submit"):
            with ui.guarded("加入线索"):
                case_id = choice if choice != NEW else cases.create(new_title, summary, actor=viewer.user)
                counts = cases.add_evidence(case_id, gathered, actor=viewer.user)
                st.session_state["cases:selected"] = case_id
                st.success(
                    f"已加入线索 XS-{case_id:05d}：{counts['findings']} 条发现、{counts['nodes']} 个新节点、"
                    f"{counts['relationships']} 条新关系（已在线索中的保持原快照）。"
                )
                return case_id
    return None


def _suggested_title(findings: list[Finding], viewer: Viewer) -> str:
    return mask_text(findings[0].title, viewer) if findings else ""
