"""审计日志: every view, export, load and user change, newest first, and whether the hash chain holds."""

from __future__ import annotations

import streamlit as st

from bidgraph import audit
from bidgraph.services.auditlog import ACTION_ZH, audit_table, filter_table
from bidgraph.services.common import to_csv
from bidgraph.viewer import Role
from bidgraph.workbench import ui

st.title("审计日志")
ui.sidebar_identity()
ui.require_role(Role.ADMIN, why="审计日志记录全部用户的查看、导出、导入与用户变更，仅供管理员监督。")
data_dir = ui.settings().data_dir
table = audit_table(data_dir)

integrity = audit.check(data_dir)
if integrity.ok:
    st.success(integrity.message())
else:
    st.error(
        f"{integrity.message()}。请保全原始文件 {audit.log_path(data_dir)}、{audit.checkpoint_path(data_dir)} "
        "并报告；该行及其后的记录不能证明未被改动。"
    )
if table.empty:
    st.info("审计日志还没有记录。查看或导出线索、导入数据、添加用户时都会记入此处。")
    st.stop()

cols = st.columns([2, 2, 2])
known = list(dict.fromkeys([*ACTION_ZH.values(), *table["操作"]]))
actions = cols[0].multiselect("操作", known, placeholder="全部", key="audit:actions")
actors = cols[1].multiselect("操作人", sorted(set(table["操作人"])), placeholder="全部", key="audit:actors")
days = cols[2].date_input("日期范围（UTC）", value=(), key="audit:days")
picked = [d for d in (days if isinstance(days, tuple) else (days,)) if d]  # a range is picked in two clicks
shown = filter_table(
    table, actions=actions, actors=actors, start=picked[0] if picked else None, end=picked[-1] if picked else None
)

st.caption(f"显示 {len(shown):,} / {len(table):,} 条，最新在前；「行号」为 audit.log 中的行，与哈希链校验结果对应。")
st.dataframe(shown, hide_index=True)
st.download_button("下载 CSV", to_csv(shown), "audit.csv", "text/csv", key="audit:download")
