"""线索: the list of cases with status filters, and one case's graph, findings, timeline,
notes, status changes and the export of its sealed package."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from bidgraph.cases import RECEIVING_BODIES, STATUSES, Case, CaseStore, check_freshness
from bidgraph.cases.export.tables import entity_rows, node_caption, timeline_rows
from bidgraph.cases.masking import RECIPIENTS
from bidgraph.masking import mask_text
from bidgraph.services import cases as case_service
from bidgraph.viewer import Viewer
from bidgraph.workbench import ui
from bidgraph.workbench.graph_panel import graph_panel, reset_view

st.title("线索")
ui.sidebar_identity()
viewer = ui.viewer()
cases = CaseStore(ui.settings())


def case_list() -> int | None:
    """The filtered list; returns the selected case id."""
    with st.expander("新建线索"), st.form("cases:new", border=False):
        title = st.text_input("标题")
        summary = st.text_area("概要")
        if st.form_submit_button("创建", type="primary"):
            with ui.guarded("创建线索"):
                st.session_state["cases:selected"] = cases.create(title, summary, actor=viewer.user)
    chosen = st.segmented_control("状态", ["全部", *STATUSES], default="全部", key="cases:status")
    rows = case_service.case_list(cases, viewer, None if chosen in (None, "全部") else chosen)
    if not rows:
        st.info("没有线索。可在「研判」「画像」「查询」页把发现或选中的节点加入线索，或在上方新建。")
        return None
    frame = pd.DataFrame(
        [
            {
                "编号": r.number,
                "标题": mask_text(r.title, viewer),
                "状态": r.status,
                "发现": r.findings,
                "节点": r.nodes,
                "更新时间": r.updated_at,
                "创建人": r.created_by,
            }
            for r in rows
        ]
    )
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row", key="cases:table")
    if event.selection.rows:
        st.session_state["cases:selected"] = rows[event.selection.rows[0]].id
    selected = st.session_state.get("cases:selected")
    return selected if selected in {r.id for r in rows} else rows[0].id


def open_case(case_id: int) -> tuple[Case, Case]:
    """The case and the case as this viewer may see it (ID and phone numbers masked
    unless the role may see them). Each case is audited once per session, not per rerun."""
    seen: set[int] = st.session_state.setdefault("cases:viewed", set())
    opened = case_service.open_case(cases, case_id, viewer, audit=case_id not in seen)
    seen.add(case_id)
    return opened


def freshness_banner(case: Case, shown: Case) -> None:
    """Whether newer data exists; nodes are named as this viewer may see them."""
    token = (case.id, case.updated_at)
    if st.session_state.get("cases:fresh_token") != token:
        result = ui.attempt("核对当前数据", lambda: check_freshness(case, ui.store()))
        st.session_state["cases:fresh"] = result
        st.session_state["cases:fresh_token"] = token
    fresh = st.session_state.get("cases:fresh")
    if fresh is not None:
        (st.warning if fresh.newer_data else st.caption)(ui.plain(fresh.message()))
        if fresh.newer_data:
            with st.expander("有更新数据的节点"):
                ids = {f"{n.label}:{n.key}": n.id for n in case.nodes.values()}
                facts = (*fresh.changed, *fresh.missing)
                st.markdown(ui.plain("、".join(node_caption(shown.nodes[ids[f]]) if f in ids else f for f in facts)))


def findings_tab(case: Case) -> None:
    if not case.findings:
        st.info("本线索没有研判发现，只有手工加入的节点与关系。")
    for f in case.findings:
        data = f.data
        with st.expander(f"发现 {f.seq}：{ui.plain(data.get('title', ''))}（分值 {data.get('score')}）"):
            st.markdown(f"**法律依据**：{ui.plain(data.get('legal_ground') or '—')}")
            st.markdown(ui.plain(data.get("summary", "")))
            if data.get("figures"):
                st.json(data["figures"])
            st.caption(
                f"查询 `{data.get('query_id')}`，参数 {json.dumps(data.get('params', {}), ensure_ascii=False)}；"
                f"{f.added_at} 由 {f.added_by} 加入"
            )
            if data.get("sources"):
                st.dataframe(pd.DataFrame(data["sources"]), hide_index=True)


def timeline_tab(case: Case) -> None:
    st.dataframe(pd.DataFrame(timeline_rows(case)), hide_index=True)
    with st.form(f"cases:move:{case.id}"):
        st.markdown(f"**变更状态**（当前：{case.status}；按 {' → '.join(STATUSES)} 顺序推进，回退或跳步须填写理由）")
        left, right = st.columns(2)
        nxt = STATUSES[min(STATUSES.index(case.status) + 1, len(STATUSES) - 1)]
        target = left.selectbox("新状态", STATUSES, index=STATUSES.index(nxt))
        body = right.selectbox(
            "接收单位", RECEIVING_BODIES, index=None, accept_new_options=True, placeholder="选择或输入接收单位"
        )
        comment = st.text_input("办理意见")
        reason = st.text_input("回退/跳步理由")
        if st.form_submit_button("提交", type="primary"):
            with ui.guarded("变更状态"):
                cases.transition(
                    case.id, target, actor=viewer.user, comment=comment, receiving_body=body or "", reason=reason
                )
                st.rerun()


def notes_tab(case: Case) -> None:
    for note in case.notes:
        st.markdown(f"- {note.at} **{ui.plain(note.author)}**：{ui.plain(note.text)}")
    with st.form(f"cases:note:{case.id}", clear_on_submit=True):
        text = st.text_area("新增备注")
        if st.form_submit_button("保存备注"):
            with ui.guarded("保存备注"):
                cases.add_note(case.id, text, actor=viewer.user)
                st.rerun()


def export_tab(case: Case, viewer: Viewer) -> None:
    allowed = case_service.recipients(viewer)
    name = st.radio("接收方", [r.name for r in allowed], format_func=lambda n: RECIPIENTS[n].description)
    if not viewer.sees_full_ids:
        st.caption("含完整身份证号、电话号码的移交包（纪委监委、公安机关）须由纪检/公安联络或管理员导出。")
    if st.button("生成移交包", type="primary", key=f"cases:export:{case.id}"):
        with st.spinner("正在生成移交包……"), ui.guarded("导出"):
            settings = ui.settings()
            result = case_service.export(cases, case.id, name, viewer, settings.data_dir / "exports", ui.store())
            st.session_state["cases:export"] = (case.id, result)
    done = st.session_state.get("cases:export")
    if done and done[0] == case.id:
        result = done[1]
        st.success(f"已生成 {result.path.name}（{result.files} 个文件）。清单 SHA-256：`{result.manifest_sha256}`")
        st.download_button("下载移交包", result.path.read_bytes(), result.path.name, "application/zip")
        st.caption("接收方可用 `bidgraph verify 包.zip` 逐个文件核对校验和。")


selected = case_list()
if selected is not None:
    opened = ui.attempt("打开线索", lambda: open_case(selected))
    if opened is not None:
        original, case = opened
        st.subheader(f"{case.number} {ui.plain(case.title)} · {case.status}")
        st.markdown(ui.plain(case.summary))
        freshness_banner(original, case)
        tabs = st.tabs(["关系图", "研判发现", "证据明细", "办理过程", "备注", "导出移交包"])
        with tabs[0]:
            drawn = case_service.drawing(case, viewer)
            shape = (case.id, len(drawn.nodes), len(drawn.relationships))
            if st.session_state.get("case:drawn") != shape:  # another case, or evidence added since
                reset_view("case", drawn)
                st.session_state["case:drawn"] = shape
            graph_panel("case", ui.store())
        with tabs[1]:
            findings_tab(case)
        with tabs[2]:
            st.dataframe(pd.DataFrame(entity_rows(case)), hide_index=True)
        with tabs[3]:
            timeline_tab(case)
        with tabs[4]:
            notes_tab(case)
        with tabs[5]:
            export_tab(case, viewer)
