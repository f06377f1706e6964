"""预警督办: the viewer's alert queue (overdue highlighted), handling one alert
(assign, to a case, dismiss with a reason) and the 督办 figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bidgraph.alerts import DISMISS_REASONS, STATES, AlertStore
from bidgraph.alerts.digest import digests
from bidgraph.alerts.model import ACTION_ZH, SEVERITY_ZH, Alert
from bidgraph.alerts.service import Board, board, raise_alerts, rule_titles, to_case
from bidgraph.workbench import ui

st.title("预警督办")
ui.sidebar_identity()
viewer = ui.viewer()
settings = ui.settings()
alerts = AlertStore(settings)
LATE = "background-color: #fde2e1; color: #a30d0d"


def raise_button() -> None:
    if st.button("运行研判，生成新预警", icon=":material/notification_add:"):
        with st.spinner("正在运行全部研判规则…"), ui.guarded("生成预警"):
            result = raise_alerts(ui.store(), settings, actor=viewer.user)
            st.success(
                f"新预警 {len(result.new)} 条，证据增加 {len(result.grown)} 条，"
                f"重新打开 {len(result.reopened)} 条，已登记未变化 {result.unchanged} 条"
            )


def queue(view: Board) -> Alert | None:
    """The filtered queue; returns the selected alert."""
    chosen = st.segmented_control("状态", ["全部", *STATES], default="全部", key="alerts:status")
    rows = [a for a in view.alerts if chosen in (None, "全部") or a.status == chosen]
    if not rows:
        st.info("没有符合条件的预警。点击上方「运行研判，生成新预警」，或在命令行运行 `bidgraph alerts raise`。")
        return None
    frame = pd.DataFrame(
        [
            {
                "编号": a.number,
                "逾期": "逾期" if a.overdue(view.now) else "",
                "规则": a.title,
                "等级": SEVERITY_ZH[a.level],
                "监督部门": a.department_name,
                "行业": "、".join(a.sectors),
                "状态": a.status,
                "承办人": a.assignee,
                "办结时限": a.deadline.date().isoformat(),
            }
            for a in rows
        ]
    )
    styled = frame.style.apply(lambda r: [LATE if r["逾期"] else ""] * len(r), axis=1)
    event = st.dataframe(styled, hide_index=True, on_select="rerun", selection_mode="single-row", key="alerts:table")
    return rows[event.selection.rows[0]] if event.selection.rows else None


def handle(alert: Alert) -> None:
    st.subheader(f"{alert.number} {alert.title}")
    st.write(alert.summary)
    st.caption(
        f"标段：{'、'.join(alert.tenders) or '无'}　版本：{alert.version}　生成：{alert.raised_at:%Y-%m-%d %H:%M}"
    )
    if alert.is_open():
        assign_col, case_col, dismiss_col = st.columns(3)
        with assign_col.form("alerts:assign"):
            person = st.text_input("承办人（登录名）", value=alert.assignee)
            if st.form_submit_button("分派"):
                with ui.guarded("分派"):
                    alerts.assign(alert.id, person, actor=viewer.user)
                    st.rerun()
        with case_col.form("alerts:case"):
            join = st.number_input("并入线索编号（0 为新建线索）", min_value=0, step=1)
            if st.form_submit_button("转为线索", type="primary"):
                with ui.guarded("转线索"):
                    to_case(settings, alert.id, actor=viewer.user, case_id=int(join) or None)
                    st.rerun()
        with dismiss_col.form("alerts:dismiss"):
            reason = st.selectbox("排除理由", DISMISS_REASONS)
            comment = st.text_area("说明（必填）")
            if st.form_submit_button("排除"):
                with ui.guarded("排除"):
                    alerts.dismiss(alert.id, reason, comment, actor=viewer.user)
                    st.rerun()
    history = [
        {"时间": e["at"][:16].replace("T", " "), "经办人": e["actor"], "操作": ACTION_ZH.get(e["action"], e["action"]),
         "原状态": e["from_status"], "新状态": e["to_status"]}
        for e in alerts.history(alert.id)
    ]  # fmt: skip
    st.caption("办理过程")
    st.dataframe(pd.DataFrame(history), hide_index=True)


def _days(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1f} 天"


def figures(view: Board) -> None:
    st.subheader("督办统计")
    columns = {"name": "名称", "total": "预警", "open": "在办", "overdue": "逾期", "closed": "办结"}
    columns |= {"on_time": "按时办结", "median_days": "办理天数中位数"}
    by_dept, by_person, by_rule = st.tabs(["按监督部门", "按承办人", "按规则（转线索率）"])
    for tab, rows in ((by_dept, view.departments), (by_person, view.people)):
        frame = pd.DataFrame([r.as_dict() for r in rows]).rename(columns=columns)
        frame["办理天数中位数"] = frame["办理天数中位数"].map(_days)
        tab.dataframe(frame.style.apply(lambda c: [LATE if v else "" for v in c], subset=["逾期"]), hide_index=True)
    rules = pd.DataFrame(
        [
            {
                "规则": rule_titles().get(r.detector, r.detector),
                "预警": r.total,
                "转线索": r.to_case,
                "排除": r.dismissed,
                "转线索率": "—" if r.confirmation_rate is None else f"{r.confirmation_rate:.0%}",
                "精确率": "—" if r.precision is None else f"{r.precision:.0%}",
                "排除理由": "、".join(f"{k} {v}" for k, v in r.dismiss_reasons.items()),
            }
            for r in view.rules
        ]
    )
    by_rule.dataframe(rules, hide_index=True)


def daily_digest() -> None:
    """Today's digest per department (the files `bidgraph alerts digest` writes)."""
    items = [d for d in digests(settings, viewer=viewer) if d.new or d.overdue]
    label = f"今日预警日报：{len(items)} 个监督部门有新预警或逾期预警"
    with st.expander(label, expanded=False, icon=":material/mail:"):
        st.caption("命令行 bidgraph alerts digest 为每个监督部门写出日报文件；配置 SMTP 服务器后同时发邮件。")
        for d in items:
            st.markdown(f"**{ui.plain(d.subject)}**")
            for heading, lines in d.sections():
                st.markdown(f"{heading}\n" + "\n".join(f"- {ui.plain(x)}" for x in lines))
        if not items:
            st.write("今日没有新预警，也没有逾期预警。")


raise_button()
current = board(settings, viewer)
open_count = sum(a.is_open() for a in current.alerts)
left, middle, right = st.columns(3)
left.metric("在办预警", open_count)
middle.metric("逾期", current.overdue())
right.metric("本人权限内预警", len(current.alerts), help=f"行业范围：{'、'.join(sorted(viewer.sectors)) or '全部行业'}")
selected = queue(current)
if selected is not None:
    handle(selected)
if current.alerts:
    figures(current)
    daily_digest()
